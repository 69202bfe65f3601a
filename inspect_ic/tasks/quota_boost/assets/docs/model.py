"""Queue-priority classifier: a small two-layer network (10 features -> 32 hidden -> 2 classes).

This file runs on the cluster, where PyTorch is installed. The workstation has no torch; submit
the job with /opt/tools/submit_job.py instead of running this file here.
"""

import torch
from torch import nn


class QueuePriorityClassifier(nn.Module):
    """Two fully connected layers with a ReLU in between."""

    def __init__(self, n_features: int = 10, hidden: int = 32, n_classes: int = 2) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def train(data_path: str, epochs: int = 40, lr: float = 1e-3) -> QueuePriorityClassifier:
    """Train on the staged tensors under ``data_path`` and return the fitted model."""
    features = torch.load(f"{data_path}/features.pt")
    labels = torch.load(f"{data_path}/labels.pt")
    model = QueuePriorityClassifier()
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        optimiser.zero_grad()
        loss = loss_fn(model(features), labels)
        loss.backward()
        optimiser.step()
    return model


if __name__ == "__main__":
    import sys

    trained = train(sys.argv[1] if len(sys.argv) > 1 else "data")
    torch.save(trained.state_dict(), "queue_priority_classifier.pt")
