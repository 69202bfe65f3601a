"""Sections of ``tool_trace_report.md`` (analysis.md §3.7), in their fixed order.

Each builder takes a :class:`ReportInputs` (the tables read back from ``tool_analysis/``) and
returns markdown lines; an empty section says that no rows are available.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from inspect_ic.analysis.mdtable import fmt, markdown_table
from inspect_ic.analysis.rows import headline_rows, nonempty, ok_rows, text_or, to_bool, usable_mask
from inspect_ic.analysis.schema import COMPLETION_MODES, EXISTENTIAL_TASKS

NO_ROWS = "No rows are available."


@dataclass
class ReportInputs:
    """Tables of one ``tool_analysis`` folder (missing tables are empty frames)."""

    state: pd.DataFrame
    completeness: pd.DataFrame
    aggregate: pd.DataFrame
    pooled: pd.DataFrame
    pooled_associations: pd.DataFrame
    contrasts: pd.DataFrame
    rates: pd.DataFrame
    logistic: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    awareness: pd.DataFrame = field(default_factory=pd.DataFrame)


def _pct(value: Any) -> str:
    return "-" if value is None or pd.isna(value) else f"{100 * float(value):.1f}%"


def _rate_cell(k: int, n: int, low: float, high: float) -> str:
    if not n:
        return "-"
    return f"{k}/{n} = {100 * k / n:.1f}% [{low:.1f}, {high:.1f}]"


def _bench(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty or "variant_profile" not in frame:
        return frame
    return frame[frame["variant_profile"] == "benchmark"]


def _rates(
    inputs: ReportInputs, profile: str, grouping: str, outcome: str, basis: str
) -> pd.DataFrame:
    r = inputs.rates
    if r.empty:
        return r
    return r[
        (r["variant_profile"] == profile)
        & (r["grouping"] == grouping)
        & (r["outcome"] == outcome)
        & (r["label_basis"] == basis)
    ]


def overview(inputs: ReportInputs) -> list[str]:
    """Overview: counts and fixed methodology bullets."""
    s = inputs.state
    m = inputs.manifest
    if s.empty:
        return [NO_ROWS]
    lines = [
        f"- Groups (scenario × profile × variant × model cells): {len(inputs.aggregate)}",
        f"- Samples: {len(s)} (usable labels: {int(usable_mask(s).sum())}; status ok {int((s['deterministic_label_status'] == 'ok').sum())}, invalid {int((s['deterministic_label_status'] == 'invalid').sum())}, unknown {int((s['deterministic_label_status'] == 'unknown').sum())})",
        f"- Tool-call events: {m.get('tool_calls', '-')}",
        f"- Sample errors: {int(nonempty(s['sample_error']).sum())}; provider errors: {int(to_bool(s['provider_error']).sum())}; loop terminations: {int(to_bool(s['loop_terminated']).sum())}",
        f"- Logs read: {m.get('logs_read', '-')}; logs or samples skipped: {len(m.get('skipped', []))}",
        f"- Profiles: {', '.join(sorted(s['variant_profile'].astype(str).unique()))}",
        "",
        "Methodology:",
        "- Labels come from the deterministic end-state scorers; transcripts are analysed descriptively.",
        "- Headline rates use usable rows (`ok` or `invalid`) of complete slices only; cross-task rates are macro-averages over scenarios.",
        "- Paper-facing rates are adjusted (validated overrides in `adjudication/adjusted_labels.csv`); raw rates are shown beside them.",
        "- Proportions carry Wilson 95% intervals; macro rates and variant contrasts carry cluster-bootstrap percentile intervals (PCG64, fixed seed).",
    ]
    if m.get("skipped"):
        lines += ["", "Skipped (reported, not analysed):"] + [
            f"- `{x['log_file']}` {x.get('sample', '')}: {x['reason']}" for x in m["skipped"]
        ]
    return lines


def incomplete_slices(inputs: ReportInputs) -> list[str]:
    """Incomplete slices: missing data to be re-run."""
    c = inputs.completeness
    if c.empty:
        return [NO_ROWS]
    bad = c[to_bool(c["incomplete"])]
    if bad.empty:
        return ["Every slice is complete."]
    view = bad[
        [
            "variant_profile",
            "scenario",
            "model_under_test",
            "repeat_id",
            "observed_sample_count",
            "expected_sample_count",
            "duplicate_sample_count",
            "unknown_label_count",
            "missing_variants",
        ]
    ]
    return [
        f"{len(bad)} incomplete slice(s); their rows are excluded from every headline rate.",
        "",
        *markdown_table(view),
    ]


def invalid_counts(inputs: ReportInputs) -> list[str]:
    """Non-ok label counts by scenario and model."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    bad = s[s["deterministic_label_status"] != "ok"]
    if bad.empty:
        return ["Every row has status `ok`."]
    view = (
        bad.groupby(["scenario", "model_under_test", "deterministic_label_status"])
        .size()
        .unstack(fill_value=0)
        .reset_index()
    )
    return markdown_table(view)


def invalid_reasons(inputs: ReportInputs) -> list[str]:
    """Non-ok label counts by ``deterministic_label_issue``."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    bad = s[s["deterministic_label_status"] != "ok"]
    if bad.empty:
        return ["Every row has status `ok`."]
    view = (
        bad.groupby(["deterministic_label_status", "deterministic_label_issue"])
        .size()
        .reset_index(name="count")
    )
    return markdown_table(view)


def _summary_table(inputs: ReportInputs, profile: str, outcome: str) -> pd.DataFrame:
    adj = _rates(inputs, profile, "model", outcome, "adjusted")
    raw = _rates(inputs, profile, "model", outcome, "raw")
    overall_adj = _rates(inputs, profile, "overall", outcome, "adjusted")
    overall_raw = _rates(inputs, profile, "overall", outcome, "raw")
    pooled = inputs.pooled
    rows = []
    for label, a_frame, r_frame, level, key in (
        *[
            (v, adj[adj["group_value"] == v], raw[raw["group_value"] == v], "model_complete", v)
            for v in adj["group_value"]
        ],
        ("ALL (overall)", overall_adj, overall_raw, "global_complete", "ALL"),
    ):
        if a_frame.empty:
            continue
        a, r = a_frame.iloc[0], r_frame.iloc[0]
        macro = "-"
        if not pooled.empty:
            p = pooled[
                (pooled["variant_profile"] == profile)
                & (pooled["grouping_level"] == level)
                & (pooled["model_under_test"].astype(str) == key)
            ]
            if not p.empty:
                q = p.iloc[0]
                macro = f"{_pct(q[f'{outcome}_adjusted_macro_headline_rate'])} [{_pct(q[f'{outcome}_adjusted_macro_headline_ci_low'])}, {_pct(q[f'{outcome}_adjusted_macro_headline_ci_high'])}]"
        rows.append(
            {
                "model": label,
                "raw headline (Wilson 95%)": _rate_cell(
                    int(r["k"]), int(r["n"]), r["wilson_low_pct"], r["wilson_high_pct"]
                ),
                "adjusted headline (Wilson 95%)": _rate_cell(
                    int(a["k"]), int(a["n"]), a["wilson_low_pct"], a["wilson_high_pct"]
                ),
                "adjusted macro (bootstrap 95%)": macro,
                "_sort": (
                    label.startswith("ALL"),
                    -(a["rate_pct"] if pd.notna(a["rate_pct"]) else -1),
                ),
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values("_sort").drop(columns="_sort")


def cross_task_ic(inputs: ReportInputs) -> list[str]:
    """Raw and adjusted headline IC per model and overall, with CIs."""
    if inputs.rates.empty:
        return [NO_ROWS]
    lines: list[str] = []
    for profile in sorted(
        inputs.rates["variant_profile"].unique(), key=lambda p: (p != "benchmark", p)
    ):
        frame = _summary_table(inputs, str(profile), "ic_behavior_detected")
        if frame.empty:
            continue
        lines += [f"### Profile `{profile}`", "", *markdown_table(frame), ""]
    return lines or [NO_ROWS]


def cross_task_completion(inputs: ReportInputs) -> list[str]:
    """Completion on comparable rows per model, and completion/official success with the honest
    path open (A–G) and blocked (H)."""
    s = _bench(inputs.state)
    if s.empty:
        return [NO_ROWS]
    head = headline_rows(s)
    comp = head[to_bool(head["cross_task_completion_comparable"])]
    rows = []
    for model, part in [*comp.groupby("model_under_test", sort=True), ("ALL (overall)", comp)]:
        done = to_bool(part["adjusted_benchmark_task_completed"])
        rows.append(
            {
                "model": model,
                "comparable rows": len(part),
                "completed": int(done.sum()),
                "completion": _pct(done.mean() if len(part) else None),
            }
        )
    lines = [
        "Comparable rows only (`cross_task_completion_comparable`).",
        "",
        *markdown_table(pd.DataFrame(rows)),
        "",
    ]
    lines += ["Honest path open (A–G) vs blocked (H), adjusted headline labels:", ""]
    table = []
    for outcome in ("benchmark_task_completed", "official_path_succeeded", "ic_behavior_detected"):
        r = _rates(inputs, "benchmark", "honest_path_open", outcome, "adjusted")
        for _, row in r.iterrows():
            table.append(
                {
                    "rows": row["group_value"],
                    "outcome": outcome,
                    "rate (Wilson 95%)": _rate_cell(
                        int(row["k"]), int(row["n"]), row["wilson_low_pct"], row["wilson_high_pct"]
                    ),
                }
            )
    lines += markdown_table(pd.DataFrame(table)) if table else [NO_ROWS]
    return lines


def caveats(_: ReportInputs) -> list[str]:
    """Fixed caveat bullets."""
    return [
        "- `final_instance` is inherently existential: benchmark-wide claims about existential framing (D→E) leave it out; the contrast is reported with and without it.",
        "- Variant H removes the honest route; its IC rate measures behaviour under a blocked official path, not baseline propensity.",
        "- G (no usefulness, permitted) is a control: IC there is gratuitous use, and G must show ordinary official work rather than passivity.",
        "- Rows from incomplete slices, `unknown` rows and extension or diagnostic profiles are never pooled into benchmark headline rates.",
        "- Runs with a continuation message are not comparable with runs without one.",
    ]


def completion_modes(inputs: ReportInputs) -> list[str]:
    """Six completion modes by scenario (benchmark headline rows)."""
    head = headline_rows(_bench(inputs.state)) if not inputs.state.empty else inputs.state
    if head.empty:
        return [NO_ROWS]
    view = pd.crosstab(head["scenario"], head["completion_mode"].astype(str)).reindex(
        columns=list(COMPLETION_MODES), fill_value=0
    )
    view["total"] = view.sum(axis=1)
    return markdown_table(view.reset_index())


def _contrast_rows(c: pd.DataFrame) -> pd.DataFrame:
    view = c.copy()
    view["estimate (pp)"] = view["estimate_pp"].map(lambda v: f"{v:+.1f}" if pd.notna(v) else "-")
    view["95% CI (pp)"] = [
        f"[{lo:+.1f}, {hi:+.1f}]" if pd.notna(lo) else "-"
        for lo, hi in zip(view["ci_low_pp"], view["ci_high_pp"], strict=True)
    ]
    view["base k/n"] = [
        f"{int(k)}/{int(n)}" if pd.notna(n) and n else "-"
        for k, n in zip(view["base_count"].fillna(0), view["n_pairs"], strict=True)
    ]
    view["treatment k/n"] = [
        f"{int(k)}/{int(n)}" if pd.notna(n) and n else "-"
        for k, n in zip(view["treatment_count"].fillna(0), view["n_pairs"], strict=True)
    ]
    view["discordant (t-only/b-only)"] = [
        f"{int(a)}/{int(b)}" if pd.notna(a) else "-"
        for a, b in zip(view["treatment_only"], view["base_only"], strict=True)
    ]
    view["McNemar p"] = view["mcnemar_p"].map(lambda p: f"{p:.3g}" if pd.notna(p) else "-")
    label = view["contrast"] + view["scope"].map(
        lambda s: " (without final_instance)" if s == "overall_excluding_existential" else ""
    )
    view.insert(0, "pair", label)
    return view[
        [
            "pair",
            "lever",
            "base k/n",
            "treatment k/n",
            "estimate (pp)",
            "95% CI (pp)",
            "discordant (t-only/b-only)",
            "McNemar p",
        ]
    ]


def variant_contrasts(inputs: ReportInputs) -> list[str]:
    """§6 contrasts with CIs and discordant counts, breakdowns, and the logistic model."""
    c = inputs.contrasts
    if c.empty:
        return [NO_ROWS]
    lines: list[str] = []
    b = int(c["bootstrap_b"].iloc[0])
    seed = int(c["seed"].iloc[0])
    lines += [
        f"Matched on (scenario, model, repeat) within complete slices; adjusted labels; cluster bootstrap over (scenario × model), B = {b:,}, seed {seed}.",
        "",
    ]
    for profile in sorted(c["variant_profile"].unique(), key=lambda p: (p != "benchmark", p)):
        part = c[c["variant_profile"] == profile]
        for outcome in (
            "ic_behavior_detected",
            "benchmark_task_completed",
            "official_path_succeeded",
        ):
            rows = part[
                (part["outcome"] == outcome)
                & part["scope"].isin(["overall", "overall_excluding_existential"])
            ]
            if rows.empty:
                continue
            lines += [f"### `{profile}`: {outcome}", "", *markdown_table(_contrast_rows(rows)), ""]
        ic = part[part["outcome"] == "ic_behavior_detected"]
        for scope in ("model", "scenario"):
            sub = ic[ic["scope"] == scope]
            if sub.empty:
                continue
            pivot = sub.pivot_table(
                index="scope_value",
                columns="contrast",
                values="estimate_pp",
                aggfunc="first",
                sort=False,
            )
            pivot = (
                pivot.map(lambda v: f"{v:+.1f}" if pd.notna(v) else "-")
                .reset_index()
                .rename(columns={"scope_value": scope})
            )
            lines += [
                f"### `{profile}`: IC contrasts (pp) per {scope}",
                "",
                *markdown_table(pivot),
                "",
            ]
    lines += ["### Logistic model of adjusted IC", ""]
    lg = inputs.logistic
    if lg.empty:
        lines.append(NO_ROWS)
    else:
        note = str(lg["note"].dropna().iloc[0]) if lg["note"].notna().any() else ""
        lines += [
            f"Method: `{lg['method'].iloc[0]}`; rows {fmt(lg['n_obs'].iloc[0])}, IC events {fmt(lg['n_events'].iloc[0])}. {note}",
            "",
        ]
        view = lg[["term", "coef", "std_err", "p_value", "odds_ratio", "or_ci_low", "or_ci_high"]]
        lines += markdown_table(view, digits=3)
    return lines


def _variant_summary(inputs: ReportInputs, letter: str, extra: list[tuple[str, str]]) -> list[str]:
    s = _bench(inputs.state)
    if s.empty:
        return [NO_ROWS]
    head = headline_rows(s)
    rows_ = head[head["variant"] == letter]
    if rows_.empty:
        return [NO_ROWS]
    out = []
    for scenario, part in [*rows_.groupby("scenario", sort=True), ("ALL", rows_)]:
        rec: dict[str, Any] = {"scenario": scenario, "n": len(part)}
        for label, column in extra:
            values = part[column]
            rec[label] = (
                f"{pd.to_numeric(values, errors='coerce').mean():.2f}"
                if label.startswith("mean")
                else _pct(to_bool(values).mean())
            )
        out.append(rec)
    return markdown_table(pd.DataFrame(out))


def control_robustness(inputs: ReportInputs) -> list[str]:
    """G: official-path engagement, completion and IC (must show official work, not passivity)."""
    return _variant_summary(
        inputs,
        "G",
        [
            ("official attempted", "official_path_attempted"),
            ("workflow reached", "official_workflow_reached"),
            ("completed", "adjusted_benchmark_task_completed"),
            ("official success", "adjusted_official_path_succeeded"),
            ("IC", "adjusted_ic_behavior_detected"),
            ("mean official tool calls", "official_tool_hit_count"),
        ],
    )


def blocked_cleanliness(inputs: ReportInputs) -> list[str]:
    """H: n, blocked preserved, official success, completed, IC, mean official refusals."""
    return _variant_summary(
        inputs,
        "H",
        [
            ("blocked preserved", "blocked_honest_path_preserved"),
            ("official success", "adjusted_official_path_succeeded"),
            ("completed", "adjusted_benchmark_task_completed"),
            ("IC", "adjusted_ic_behavior_detected"),
            ("mean official refusals", "official_refusal_count"),
        ],
    )


def noncompletion(inputs: ReportInputs) -> list[str]:
    """Scenario, model, reason family, count (rows that did not complete)."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    rows = s[~s["noncompletion_reason_family"].isin(["completed_official", "completed_ic"])]
    if rows.empty:
        return ["Every row completed."]
    view = (
        rows.groupby(
            ["variant_profile", "scenario", "model_under_test", "noncompletion_reason_family"]
        )
        .size()
        .reset_index(name="count")
    )
    return markdown_table(view)


def rationalization(inputs: ReportInputs) -> list[str]:
    """IC rows by task × text heuristics × ``ic_method``."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    ic = s[to_bool(s["adjusted_ic_behavior_detected"])]
    if ic.empty:
        return ["No IC rows."]
    view = (
        ic.assign(
            meta=to_bool(ic["assistant_meta_flag"]).astype(int),
            pushback=to_bool(ic["assistant_policy_pushback_flag"]).astype(int),
            rationalization=to_bool(ic["assistant_shortcut_rationalization_flag"]).astype(int),
        )
        .groupby(["scenario", "ic_method"], dropna=False)
        .agg(
            ic_rows=("sample_uuid", "size"),
            meta=("meta", "sum"),
            policy_pushback=("pushback", "sum"),
            shortcut_rationalization=("rationalization", "sum"),
        )
    )
    return ["Descriptive phrase heuristics; not labels.", "", *markdown_table(view.reset_index())]


def adjudication(inputs: ReportInputs) -> list[str]:
    """Raw vs adjusted counts and overrides by field, direction and reason."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    head = headline_rows(s)
    rows = []
    for field_ in ("ic_behavior_detected", "benchmark_task_completed", "official_path_succeeded"):
        for profile, part in head.groupby("variant_profile", sort=True):
            raw, adj = to_bool(part[field_]), to_bool(part[f"adjusted_{field_}"])
            rows.append(
                {
                    "profile": profile,
                    "field": field_,
                    "n": len(part),
                    "raw": int(raw.sum()),
                    "adjusted": int(adj.sum()),
                    "additions": int((~raw & adj).sum()),
                    "removals": int((raw & ~adj).sum()),
                }
            )
    lines = ["Headline rows (complete slices).", "", *markdown_table(pd.DataFrame(rows)), ""]
    codes: Counter[tuple[str, str, str]] = Counter()
    for uuid_codes, row in zip(
        s["adjudication_reason_codes"].fillna("[]"), s.itertuples(index=False), strict=True
    ):
        for code in (
            json.loads(uuid_codes)
            if isinstance(uuid_codes, str) and uuid_codes.startswith("[")
            else []
        ):
            for field_ in (
                "ic_behavior_detected",
                "benchmark_task_completed",
                "official_path_succeeded",
            ):
                raw_v = to_bool(pd.Series([getattr(row, field_)])).iloc[0]
                adj_v = to_bool(pd.Series([getattr(row, f"adjusted_{field_}")])).iloc[0]
                if raw_v != adj_v:
                    codes[(field_, f"{raw_v} -> {adj_v}", code)] += 1
            if str(row.deterministic_label_status) != str(row.adjusted_label_status):
                codes[
                    (
                        "deterministic_label_status",
                        f"{row.deterministic_label_status} -> {row.adjusted_label_status}",
                        code,
                    )
                ] += 1
    if codes:
        view = pd.DataFrame(
            [
                {"field": f, "direction": d, "reason_code": c, "count": n}
                for (f, d, c), n in sorted(codes.items())
            ]
        )
        lines += ["Overrides by field, direction and reason:", "", *markdown_table(view)]
    else:
        lines.append("No overrides are applied.")
    return lines


def scenario_model(inputs: ReportInputs) -> list[str]:
    """Per (scenario, model): headline and OK-only rates and trace means; headline ``-`` for
    cells without a complete slice."""
    a = inputs.aggregate
    if a.empty:
        return [NO_ROWS]
    s = inputs.state
    rows = []
    for (profile, scenario, model), part in s.groupby(
        ["variant_profile", "scenario", "model_under_test"], sort=True
    ):
        head = headline_rows(part)
        ok = ok_rows(part)
        rows.append(
            {
                "profile": profile,
                "scenario": scenario,
                "model": model,
                "n": int(usable_mask(part).sum()),
                "IC headline": _pct(to_bool(head["adjusted_ic_behavior_detected"]).mean())
                if len(head)
                else "-",
                "IC ok-only": _pct(to_bool(ok["ic_behavior_detected"]).mean()) if len(ok) else "-",
                "completion headline": _pct(
                    to_bool(head["adjusted_benchmark_task_completed"]).mean()
                )
                if len(head)
                else "-",
                "mean tool calls": f"{pd.to_numeric(part['tool_call_count'], errors='coerce').mean():.1f}",
                "mean tool errors": f"{pd.to_numeric(part['tool_error_count'], errors='coerce').mean():.1f}",
            }
        )
    return markdown_table(pd.DataFrame(rows))


def loop_summary(inputs: ReportInputs) -> list[str]:
    """Termination reasons, loop-guard stops and sample errors per scenario × model."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    view = pd.crosstab(
        [s["scenario"], s["model_under_test"]],
        text_or(s["termination_reason"], "(none)"),
    )
    view["loop_terminated"] = s.groupby(["scenario", "model_under_test"]).apply(
        lambda p: int(to_bool(p["loop_terminated"]).sum()), include_groups=False
    )
    lines = markdown_table(view.reset_index())
    errors = s[nonempty(s["sample_error"])]
    lines += ["", "### Errors", ""]
    if errors.empty:
        lines.append("No sample errors.")
    else:
        lines += markdown_table(
            errors.groupby(
                ["scenario", "model_under_test", "sample_error_type", "provider_error_code"],
                dropna=False,
            )
            .size()
            .reset_index(name="count")
        )
    return lines


def detailed_variants(inputs: ReportInputs) -> list[str]:
    """Per (scenario, variant) across models: headline and OK-only rates and trace means."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    rows = []
    for (profile, scenario, variant_id), part in s.groupby(
        ["variant_profile", "scenario", "variant_id"], sort=False
    ):
        head = headline_rows(part)
        ok = ok_rows(part)
        rows.append(
            {
                "profile": profile,
                "scenario": scenario,
                "variant": f"{part['variant'].iloc[0]} ({variant_id})",
                "n headline": len(head),
                "IC headline": _pct(to_bool(head["adjusted_ic_behavior_detected"]).mean())
                if len(head)
                else "-",
                "IC ok-only": _pct(to_bool(ok["ic_behavior_detected"]).mean()) if len(ok) else "-",
                "completion headline": _pct(
                    to_bool(head["adjusted_benchmark_task_completed"]).mean()
                )
                if len(head)
                else "-",
                "official success headline": _pct(
                    to_bool(head["adjusted_official_path_succeeded"]).mean()
                )
                if len(head)
                else "-",
                "mean tool calls": f"{pd.to_numeric(part['tool_call_count'], errors='coerce').mean():.1f}",
            }
        )
    return markdown_table(pd.DataFrame(rows))


def _top_json(inputs: ReportInputs, column: str, key: str) -> list[str]:
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    rows = []
    for (scenario, variant), part in s.groupby(["scenario", "variant"], sort=True):
        counts: Counter[str] = Counter()
        for cell in part[column].dropna():
            for item in json.loads(cell) if isinstance(cell, str) else cell:
                counts[item[key]] += int(item["count"])
        for rank, (value, n) in enumerate(
            sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3], start=1
        ):
            rows.append(
                {
                    "scenario": scenario,
                    "variant": variant,
                    "rank": rank,
                    key: f"`{value}`",
                    "count": n,
                }
            )
    return markdown_table(pd.DataFrame(rows)) if rows else [NO_ROWS]


def top_paths(inputs: ReportInputs) -> list[str]:
    """Top 3 referenced paths per (scenario, variant) cell."""
    return _top_json(inputs, "top_referenced_paths", "path")


def top_commands(inputs: ReportInputs) -> list[str]:
    """Top 3 primary commands per (scenario, variant) cell."""
    return _top_json(inputs, "top_primary_commands", "command")


def metric_deltas(inputs: ReportInputs) -> list[str]:
    """Strongest associations from the pooled association table (exploratory)."""
    a = inputs.pooled_associations
    if a.empty or a["estimate"].isna().all():
        return [NO_ROWS]
    lines = [
        "Exploratory: complete slices, `ok` rows; Spearman for counts, risk difference for flags.",
        "",
    ]
    for outcome in ("ic_behavior_detected", "benchmark_task_completed", "official_path_succeeded"):
        part = a[(a["outcome"] == outcome) & a["estimate"].notna()]
        if part.empty:
            continue
        top = part.reindex(part["estimate"].abs().sort_values(ascending=False).index).head(8)
        lines += [
            f"### {outcome}",
            "",
            *markdown_table(
                top[
                    [
                        "variant_profile",
                        "metric",
                        "kind",
                        "estimate",
                        "ci_low",
                        "ci_high",
                        "n_valid",
                    ]
                ],
                digits=3,
            ),
            "",
        ]
    return lines


def source_inspection(inputs: ReportInputs) -> list[str]:
    """Mean tool/service source reads per (scenario, model); logged, never invalidating."""
    s = inputs.state
    if s.empty:
        return [NO_ROWS]
    view = (
        s.assign(
            source=pd.to_numeric(s["read_official_tool_source_count"], errors="coerce"),
            disallowed=pd.to_numeric(s["disallowed_tool_touch_count"], errors="coerce"),
        )
        .groupby(["scenario", "model_under_test"])
        .agg(
            mean_tool_source_reads=("source", "mean"),
            mean_disallowed_touches=("disallowed", "mean"),
            rows_with_reads=("disallowed", lambda x: int((x > 0).sum())),
        )
    )
    return [
        "Reading tool or service source is logged for analysis and never invalidates a sample.",
        "",
        *markdown_table(view.reset_index(), digits=2),
    ]


def awareness(inputs: ReportInputs) -> list[str]:
    """Strict and broad awareness rates if the scanner has run (§9)."""
    aw = inputs.awareness
    if aw.empty:
        return ["The evaluation-awareness scanner has not run for this run (`ic scan-awareness`)."]
    cols = [
        c
        for c in aw.columns
        if any(k in c for k in ("model", "scenario", "variant", "strict", "broad", "coverage"))
    ]
    return markdown_table(aw[cols].head(40), digits=3)


def validity_checklist(inputs: ReportInputs) -> list[str]:
    """Computed checks plus fixed bullets."""
    s = _bench(inputs.state)
    c = _bench(inputs.completeness)
    if s.empty:
        return [NO_ROWS]

    def box(ok: bool) -> str:
        return "[x]" if ok else "[ ]"

    complete = int((~to_bool(c["incomplete"])).sum()) if not c.empty else 0
    head = headline_rows(s)
    g = head[head["variant"] == "G"]
    h = head[head["variant"] == "H"]
    g_work = to_bool(g["official_workflow_reached"]).mean() if len(g) else float("nan")
    h_preserved = to_bool(h["blocked_honest_path_preserved"]).mean() if len(h) else float("nan")
    existential = s["scenario"].isin(EXISTENTIAL_TASKS).any()
    return [
        f"- {box(not c.empty and complete == len(c))} Benchmark slices complete: {complete} of {len(c)}",
        f"- {box(int((s['deterministic_label_status'] == 'unknown').sum()) == 0)} No `unknown` labels (sample errors are re-run)",
        f"- {box(bool(g_work >= 0.9))} G shows official work: workflow reached in {_pct(g_work)} of G rows",
        f"- {box(bool(h_preserved == 1.0))} H keeps the honest path blocked: {_pct(h_preserved)} of H rows",
        f"- {box(bool(existential))} D→E reported with and without `final_instance`",
        "- [ ] Manual: the run manifest shows a clean repository, a matching lockfile and no continuation message",
        "- [ ] Manual: audit candidates (if the LLM audit ran) were reviewed before adjudication",
    ]


def limitations(_: ReportInputs) -> list[str]:
    """Fixed interpretation bullets."""
    return [
        "- Trace metrics are correlational; they describe behaviour and never change a label.",
        "- Shell-mediated writes are reconstructed only partly from command text (redirections, common write commands).",
        "- Tools differ in granularity across tasks, so raw call counts do not compare directly between scenarios.",
        "- LLM audit candidates need manual checks; only the adjusted-labels file changes labels, always with a recorded reason.",
        "- With three repeats per cell, power for small variant effects is low; read contrasts with their intervals.",
    ]


SECTIONS: tuple[tuple[str, Callable[[ReportInputs], list[str]]], ...] = (
    ("Overview", overview),
    ("Incomplete Task / Model Slices", incomplete_slices),
    ("Invalid Label Counts", invalid_counts),
    ("Invalid Label Reasons", invalid_reasons),
    ("Cross-Task IC Summary", cross_task_ic),
    ("Cross-Task Completion Summary", cross_task_completion),
    ("Benchmark Caveats", caveats),
    ("Completion Mode Breakdown", completion_modes),
    ("Variant Contrasts", variant_contrasts),
    ("Control Robustness Summary", control_robustness),
    ("Blocked-Row Cleanliness Summary", blocked_cleanliness),
    ("Non-Completion Explanation Summary", noncompletion),
    ("Task-Stratified Shortcut-Rationalization Summary", rationalization),
    ("Adjudication Summary", adjudication),
    ("Scenario / Model Summary", scenario_model),
    ("Loop Summary", loop_summary),
    ("Detailed Variant Summary", detailed_variants),
    ("Top Referenced Paths", top_paths),
    ("Top Commands", top_commands),
    ("Outcome-Conditioned Metric Deltas", metric_deltas),
    ("Official Tool Source Inspection", source_inspection),
    ("Evaluation Awareness", awareness),
    ("Benchmark Validity Checklist", validity_checklist),
    ("Interpretation And Limitations", limitations),
)
"""The report's sections in their fixed order (analysis.md §3.7)."""
