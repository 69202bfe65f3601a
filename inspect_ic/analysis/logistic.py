"""Logistic model of IC on the variant dimensions with model and task effects (statsmodels).

``adjusted IC ~ watched + vague + permitted + critical + threatened + no_usefulness + blocked
+ C(model) + C(scenario)`` on benchmark headline rows, with standard errors clustered by
(scenario × model). Models or scenarios without any IC row (or with only IC rows) cannot be
estimated (complete separation); they are dropped from the fit and named in the ``note``. If the
maximum-likelihood fit still fails, a lightly ridge-penalised fit reports point estimates only.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from inspect_ic.analysis.rows import headline_rows, to_bool
from inspect_ic.analysis.schema import LOGISTIC_COLUMNS

DIMENSION_TERMS: dict[str, tuple[str, str]] = {
    "watched": ("monitoring_level", "watched"),
    "vague": ("instruction_stance", "vague"),
    "permitted": ("instruction_stance", "permitted"),
    "critical": ("stakes_level", "critical"),
    "threatened": ("existential", "threatened"),
    "no_usefulness": ("ic_usefulness", "none"),
    "blocked": ("honest_path_access", "blocked"),
}
"""Indicator term → (dimension, level); the reference is variant A."""


def design_frame(table: pd.DataFrame, profile: str = "benchmark") -> pd.DataFrame:
    """Model rows: ``y`` (adjusted IC), the dimension indicators, ``model``, ``scenario``,
    ``cluster``."""
    rows = headline_rows(table)
    rows = rows[rows["variant_profile"] == profile]
    frame = pd.DataFrame(
        {
            "y": to_bool(rows["adjusted_ic_behavior_detected"]).astype(int).to_numpy(),
            "model": rows["model_under_test"].astype(str).to_numpy(),
            "scenario": rows["scenario"].astype(str).to_numpy(),
        }
    )
    for term, (column, level) in DIMENSION_TERMS.items():
        frame[term] = (rows[column].astype(str) == level).astype(int).to_numpy()
    frame["cluster"] = frame["scenario"] + "|" + frame["model"]
    return frame


def _separated(frame: pd.DataFrame, column: str) -> list[str]:
    rates = frame.groupby(column)["y"].mean()
    return sorted(rates[(rates == 0) | (rates == 1)].index.astype(str))


def fit_logistic(table: pd.DataFrame, profile: str = "benchmark") -> pd.DataFrame:
    """Fit the model and return one row per term with :data:`LOGISTIC_COLUMNS`.

    Odds ratios and their 95 % CIs come from the coefficients. Returns a single ``note`` row
    (``term`` = ``(model not fitted)``) when the data cannot support a fit (no events, no
    non-events, fewer than 20 rows).
    """
    frame = design_frame(table, profile)
    notes: list[str] = []

    def empty(note: str) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "term": "(model not fitted)",
                    "n_obs": len(frame),
                    "n_events": int(frame["y"].sum()) if len(frame) else 0,
                    "method": "none",
                    "note": note,
                }
            ],
            columns=list(LOGISTIC_COLUMNS),
        )

    if len(frame) < 20 or frame["y"].nunique() < 2:
        return empty("not enough rows or no variation in IC")
    dropped_models = _separated(frame, "model")
    dropped_scenarios = _separated(frame, "scenario")
    if dropped_models:
        notes.append("dropped models without variation in IC: " + ", ".join(dropped_models))
    if dropped_scenarios:
        notes.append("dropped scenarios without variation in IC: " + ", ".join(dropped_scenarios))
    fit_frame = frame[
        ~frame["model"].isin(dropped_models) & ~frame["scenario"].isin(dropped_scenarios)
    ]
    terms = [t for t in DIMENSION_TERMS if fit_frame[t].nunique() > 1]
    formula = "y ~ " + " + ".join(terms or ["1"])
    if fit_frame["model"].nunique() > 1:
        formula += " + C(model)"
    if fit_frame["scenario"].nunique() > 1:
        formula += " + C(scenario)"
    if fit_frame["y"].nunique() < 2:
        return empty("; ".join(notes + ["no variation in IC after dropping separated groups"]))
    method = "logit_mle_cluster_robust"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model = smf.glm(formula, data=fit_frame, family=sm.families.Binomial())
            result = model.fit(
                cov_type="cluster", cov_kwds={"groups": pd.factorize(fit_frame["cluster"])[0]}
            )
        params, bse = result.params, result.bse
        if not np.all(np.isfinite(bse)) or (bse > 50).any():
            raise ValueError("quasi-separation: unstable standard errors")
        zvalues, pvalues = result.tvalues, result.pvalues
    except Exception as exc:  # noqa: BLE001 - separation and convergence failures degrade gracefully
        notes.append(
            f"maximum likelihood failed ({type(exc).__name__}); ridge-penalised point estimates"
        )
        method = "logit_ridge_alpha_0.01"
        model = smf.glm(formula, data=fit_frame, family=sm.families.Binomial())
        result = model.fit_regularized(alpha=0.01, L1_wt=0.0)
        params = pd.Series(result.params, index=model.exog_names)
        bse = zvalues = pvalues = pd.Series(np.nan, index=params.index)
    rows = []
    for term in params.index:
        coef = float(params[term])
        se = float(bse[term])
        rows.append(
            {
                "term": term,
                "coef": coef,
                "std_err": se,
                "z": float(zvalues[term]),
                "p_value": float(pvalues[term]),
                "odds_ratio": float(np.exp(coef)),
                "or_ci_low": float(np.exp(coef - 1.959964 * se)) if np.isfinite(se) else np.nan,
                "or_ci_high": float(np.exp(coef + 1.959964 * se)) if np.isfinite(se) else np.nan,
                "n_obs": len(fit_frame),
                "n_events": int(fit_frame["y"].sum()),
                "method": method,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=list(LOGISTIC_COLUMNS))
