"""Report figures (matplotlib, Agg backend): PNG files in ``tool_analysis/figures/``.

1. ``ic_rate_by_model.png``: adjusted headline IC per model with Wilson 95 % intervals.
2. ``task_model_heatmap.png``: adjusted headline IC per scenario × model.
3. ``variant_contrast_forest.png``: matched IC contrasts (pp) with bootstrap intervals.
4. ``completion_vs_ic_by_variant.png``: completion and IC per variant with Wilson intervals.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from inspect_ic.analysis.schema import (  # noqa: E402
    BENCHMARK_VARIANT_IDS,
    CONTRAST_COLUMNS,
    RATE_TABLE_COLUMNS,
)

FIGURE_FILES = (
    "ic_rate_by_model.png",
    "task_model_heatmap.png",
    "variant_contrast_forest.png",
    "completion_vs_ic_by_variant.png",
)
DPI = 110


def _short(model: str) -> str:
    return model.split("/")[-1]


def _select(
    rates: pd.DataFrame, grouping: str, outcome: str, basis: str = "adjusted"
) -> pd.DataFrame:
    if rates.empty or not set(RATE_TABLE_COLUMNS).issubset(rates.columns):
        return pd.DataFrame(columns=list(RATE_TABLE_COLUMNS))
    return rates[
        (rates["variant_profile"] == "benchmark")
        & (rates["grouping"] == grouping)
        & (rates["outcome"] == outcome)
        & (rates["label_basis"] == basis)
    ]


def _empty(ax: Axes, text: str = "No rows are available.") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _error_bars(point: np.ndarray, low: pd.Series, high: pd.Series) -> np.ndarray:
    """Matplotlib's 2×n error-bar array: never negative (matplotlib refuses those), 0 for NaN."""
    below = np.nan_to_num(point - low.to_numpy(float), nan=0.0)
    above = np.nan_to_num(high.to_numpy(float) - point, nan=0.0)
    return np.vstack([np.maximum(0.0, below), np.maximum(0.0, above)])


def ic_by_model(rates: pd.DataFrame, path: Path) -> Path:
    """Horizontal point-and-interval plot of adjusted IC per model."""
    data = _select(rates, "model", "ic_behavior_detected").sort_values("rate_pct")
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(4, len(data)) + 1))
    if data.empty:
        _empty(ax)
    else:
        y = np.arange(len(data))
        rate = data["rate_pct"].to_numpy(float)
        err = _error_bars(rate, data["wilson_low_pct"], data["wilson_high_pct"])
        ax.errorbar(rate, y, xerr=err, fmt="o", color="#1f4e79", ecolor="#7f9fbf", capsize=3)
        ax.set_yticks(
            y,
            [
                f"{_short(m)} ({k}/{n})"
                for m, k, n in zip(data["group_value"], data["k"], data["n"], strict=True)
            ],
        )
        ax.set_xlabel("IC rate, adjusted headline (%) with Wilson 95% CI")
        ax.set_xlim(left=0)
        ax.grid(axis="x", alpha=0.3)
    ax.set_title("Instrumental-convergence rate by model")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def task_model_heatmap(rates: pd.DataFrame, path: Path) -> Path:
    """Heatmap of adjusted IC (%) per scenario (rows) × model (columns), annotated with k/n."""
    data = _select(rates, "scenario_model", "ic_behavior_detected")
    fig, ax = plt.subplots(figsize=(11, 5))
    if data.empty:
        _empty(ax)
    else:
        parts = data["group_value"].str.split("|", n=1, expand=True)
        frame = data.assign(scenario=parts[0], model=parts[1])
        grid = frame.pivot_table(
            index="scenario", columns="model", values="rate_pct", aggfunc="first"
        )
        labels = frame.assign(
            label=frame["k"].astype(int).astype(str) + "/" + frame["n"].astype(int).astype(str)
        ).pivot_table(index="scenario", columns="model", values="label", aggfunc="first")
        order = frame.groupby("model")["k"].sum().sort_values(ascending=False).index
        grid, labels = grid[order], labels[order]
        image = ax.imshow(grid.to_numpy(float), cmap="Reds", aspect="auto", vmin=0)
        ax.set_xticks(range(len(order)), [_short(m) for m in order], rotation=35, ha="right")
        ax.set_yticks(range(len(grid.index)), list(grid.index))
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                text = labels.iat[i, j]
                if isinstance(text, str):
                    ax.text(j, i, text, ha="center", va="center", fontsize=8)
        fig.colorbar(image, ax=ax, label="IC rate (%)")
    ax.set_title("Adjusted IC by task and model (headline rows)")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def contrast_forest(contrasts: pd.DataFrame, path: Path) -> Path:
    """Forest plot of the benchmark IC contrasts (overall, plus D→E without final_instance)."""
    data = contrasts
    if data.empty or not set(CONTRAST_COLUMNS).issubset(data.columns):
        data = pd.DataFrame(columns=list(CONTRAST_COLUMNS))
    else:
        data = data[
            (data["variant_profile"] == "benchmark")
            & (data["outcome"] == "ic_behavior_detected")
            & data["scope"].isin(["overall", "overall_excluding_existential"])
        ]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if data.empty:
        _empty(ax)
    else:
        labels = [
            c + (" (excl. final_instance)" if s != "overall" else "")
            for c, s in zip(data["contrast"], data["scope"], strict=True)
        ]
        y = np.arange(len(data))[::-1]
        est = data["estimate_pp"].to_numpy(float)
        err = _error_bars(est, data["ci_low_pp"], data["ci_high_pp"])
        ax.errorbar(est, y, xerr=err, fmt="s", color="#7f1f1f", ecolor="#bf7f7f", capsize=3)
        ax.axvline(0, color="grey", lw=1, ls="--")
        ax.set_yticks(y, labels)
        ax.set_xlabel("Difference in adjusted IC (percentage points), cluster-bootstrap 95% CI")
        ax.grid(axis="x", alpha=0.3)
    ax.set_title("Matched variant contrasts")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def completion_vs_ic(rates: pd.DataFrame, path: Path) -> Path:
    """Grouped bars of completion and IC per benchmark variant with Wilson intervals."""
    done = _select(rates, "variant", "benchmark_task_completed")
    ic = _select(rates, "variant", "ic_behavior_detected")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if done.empty:
        _empty(ax)
    else:
        merged = done.merge(ic, on="group_value", suffixes=("_done", "_ic"))
        x = np.arange(len(merged))
        for offset, suffix, label, color in (
            (-0.2, "_done", "completion", "#2e7d32"),
            (0.2, "_ic", "IC", "#c62828"),
        ):
            rate = merged[f"rate_pct{suffix}"].to_numpy(float)
            err = _error_bars(
                rate, merged[f"wilson_low_pct{suffix}"], merged[f"wilson_high_pct{suffix}"]
            )
            ax.bar(
                x + offset,
                rate,
                width=0.4,
                yerr=err,
                capsize=2,
                label=label,
                color=color,
                alpha=0.8,
            )
        letters = {v: k for k, v in BENCHMARK_VARIANT_IDS.items()}
        ax.set_xticks(x, [letters.get(v, v) for v in merged["group_value"]])
        ax.set_ylabel("Rate, adjusted headline (%)")
        ax.set_ylim(0, 105)
        ax.legend()
    ax.set_title("Completion vs IC per variant")
    ax.set_xlabel("Variant")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def render_figures(rates: pd.DataFrame, contrasts: pd.DataFrame, folder: Path) -> list[Path]:
    """Write the four figures; returns their paths in :data:`FIGURE_FILES` order."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        ic_by_model(rates, folder / FIGURE_FILES[0]),
        task_model_heatmap(rates, folder / FIGURE_FILES[1]),
        contrast_forest(contrasts, folder / FIGURE_FILES[2]),
        completion_vs_ic(rates, folder / FIGURE_FILES[3]),
    ]
