"""The training_preserver task."""
