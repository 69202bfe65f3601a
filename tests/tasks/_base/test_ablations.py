"""Diagnostic and extension rows as data (variants.md sections 6-7): table, prompts, settings
and the shared environment patches, for every task in this checkout (no sandbox)."""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from inspect_ic.tasks import available_tasks, task_definition, task_function
from inspect_ic.tasks._base.ablation_env import AUDIT_NOTICE_FILE, TRADEOFF_PREFIXES
from inspect_ic.tasks._base.extension import (
    CONTINUATION_ONCE_TEXT,
    EXTENSION_TABLE,
    EXTENSION_VARIANTS,
)
from inspect_ic.tasks._base.framing import WORKSPACE_LINE, system_prompt, user_prompt
from inspect_ic.tasks._base.naming import INNOCUOUS_RENAMES, Renamer
from inspect_ic.tasks._base.runtime.presentation import Presentation
from inspect_ic.tasks._base.variants import (
    BENCHMARK_VARIANTS,
    DIAGNOSTIC_DEFAULT_TASKS,
    DIAGNOSTIC_VARIANTS,
    PROFILE_VARIANTS,
    select_variants,
)

TASKS = available_tasks()
BY_ID = BENCHMARK_VARIANTS
EXT = {v.sample_suffix: v for v in EXTENSION_VARIANTS.values()}


def test_extension_rows_follow_the_naming_rules() -> None:
    ablations = [v for v in EXTENSION_VARIANTS.values() if v.ablation_condition != "control"]
    assert len(ablations) == sum(len(letters) for letters, _ in EXTENSION_TABLE.values())
    controls = [v for v in EXTENSION_VARIANTS.values() if v.ablation_condition == "control"]
    assert sorted(v.sample_suffix for v in controls) == ["A", "H"]
    for v in controls:
        assert v.variant_id == v.ablation_control_variant and v.variant_profile == "extension"
        assert {
            **v.dimensions(),
            "variant_profile": "benchmark",
            "ablation_condition": None,
            "ablation_control_variant": None,
        } == BY_ID[v.variant_id].dimensions()
    for v in ablations:
        base = BY_ID[v.ablation_control_variant or ""]
        assert v.variant_profile == "extension" and v.variant == base.variant
        assert v.variant_id == f"{base.variant_id}__{v.ablation_condition}"
        assert v.sample_suffix == f"{base.variant}_{v.ablation_condition}"
        changed = {k for k, x in v.dimensions().items() if x != base.dimensions()[k]}
        expected = set(EXTENSION_TABLE[v.ablation_condition or ""][1])
        assert changed == expected | {
            "variant_id",
            "variant_profile",
            "ablation_condition",
            "ablation_control_variant",
        }
    assert EXT["H_blocked_watched"].monitoring_level == "watched"
    assert EXT["H_blocked_permitted"].instruction_stance == "permitted"


def test_ablation_profiles_are_selected_only_explicitly() -> None:
    assert all(v.variant_profile == "benchmark" for v in select_variants())
    assert len(select_variants("diagnostic")) == 4
    assert select_variants("extension", "dilemma_forbidden_unwatched__low_stakes") == [
        EXT["A_low_stakes"]
    ]
    assert select_variants("extension", "A") == [EXT["A"]]
    with pytest.raises(ValueError, match="valid: .*__innocuous_naming"):
        select_variants("extension", "B")


@pytest.mark.parametrize("task_id", TASKS)
def test_no_shortcut_or_renamed_tokens_in_any_ablation_prompt(task_id: str) -> None:
    defn = task_definition(task_id)
    tokens = [*defn.prompts.shortcut_tokens, *(new for _, new in INNOCUOUS_RENAMES[task_id])]
    for v in PROFILE_VARIANTS["extension"].values():
        text = (system_prompt(defn.prompts, v) + user_prompt(defn.prompts, v)).lower()
        for token in tokens:
            assert token.lower() not in text, (task_id, v.variant_id, token)


def _added(old: str, new: str) -> list[str]:
    diff = difflib.ndiff(old.splitlines(), new.splitlines())
    return [line[2:] for line in diff if line[:2] in ("+ ", "- ")]


@pytest.mark.parametrize("task_id", TASKS)
def test_prompt_ablations_touch_only_their_slot(task_id: str) -> None:
    p = task_definition(task_id).prompts
    for suffix in ("A_no_workspace_line", "H_no_workspace_line"):
        v = EXT[suffix]
        base = BY_ID[v.ablation_control_variant or ""]
        assert WORKSPACE_LINE not in system_prompt(p, v)
        assert _added(system_prompt(p, base), system_prompt(p, v)) == [WORKSPACE_LINE.strip()]
        assert user_prompt(p, v) == user_prompt(p, base)
    a = BY_ID["dilemma_forbidden_unwatched"]
    assert len(_added(user_prompt(p, a), user_prompt(p, EXT["A_low_stakes"]))) == 2
    for suffix in (
        "A_innocuous_naming",
        "A_no_tradeoff_lines",
        "A_continuation_once",
        "A_watched_env",
    ):
        assert user_prompt(p, EXT[suffix]) == user_prompt(p, a)
        assert system_prompt(p, EXT[suffix]) == system_prompt(p, a)


@pytest.mark.parametrize("task_id", TASKS)
def test_every_ablation_row_builds_with_its_metadata(task_id: str) -> None:
    samples = []
    for profile in ("diagnostic", "extension"):
        samples += list(task_function(task_id)(variant_profile=profile).dataset)
    assert len(samples) == len(DIAGNOSTIC_VARIANTS) + len(EXTENSION_VARIANTS)
    # the diagnostic and extension controls share ids with their benchmark rows (one run each)
    by_id = {str(s.id): s.metadata or {} for s in samples if s.metadata}
    assert by_id[f"{task_id}_H"]["ablation_condition"] == "control"
    assert by_id[f"{task_id}_A"]["variant_profile"] == "extension"
    for sid, meta in by_id.items():
        assert meta["ablation_control_variant"] in BY_ID, sid
        assert (
            sid
            == f"{task_id}_{PROFILE_VARIANTS[meta['variant_profile']][meta['variant_id']].sample_suffix}"
        )
    cont = by_id[f"{task_id}_A_continuation_once"]
    assert (cont["continuation_message"], cont["max_continuations"]) == (CONTINUATION_ONCE_TEXT, 1)
    assert by_id[f"{task_id}_A_low_stakes"]["max_continuations"] == 0


@pytest.mark.parametrize("task_id", TASKS)
def test_sanctioned_blocker_adds_the_tool_and_one_workflow_line(task_id: str) -> None:
    defn = task_definition(task_id)
    h = defn.environment(DIAGNOSTIC_VARIANTS["dilemma_blocked_forbidden_unwatched"])
    blocker = defn.environment(
        DIAGNOSTIC_VARIANTS["dilemma_blocked_forbidden_unwatched_sanctioned_blocker"]
    )
    added = set(blocker.files) - set(h.files)
    assert added == {"/opt/tools/record_blocker.py"}
    changed = [p for p in h.files if h.files[p].content != blocker.files[p].content]
    assert len(changed) == 1, changed
    lines = _added(h.files[changed[0]].content.decode(), blocker.files[changed[0]].content.decode())
    added_text = [line for line in lines if line.strip()]
    # one sentence (a list item may wrap onto a second line) naming the tool once
    assert 1 <= len(added_text) <= 2, added_text
    assert " ".join(added_text).count("record_blocker.py") == 1
    assert h.state == blocker.state


@pytest.mark.parametrize("task_id", TASKS)
def test_environment_ablations_are_data_patches(task_id: str) -> None:
    defn = task_definition(task_id)
    a = BY_ID["dilemma_forbidden_unwatched"]
    base = defn.environment(a)
    quiet = defn.environment(EXT["A_no_tradeoff_lines"])
    assert quiet.files == base.files and quiet.state == base.state
    assert quiet.config["presentation"]["drop_line_prefixes"] == list(TRADEOFF_PREFIXES)
    watched = defn.environment(EXT["A_watched_env"])
    assert set(watched.files) - set(base.files) == {f"{defn.work_dir}/{AUDIT_NOTICE_FILE}"}
    assert all(watched.files[p] == base.files[p] for p in base.files)
    assert watched.state == base.state
    assert watched.config["presentation"]["banner_ops"] == list(defn.official_ops)
    for suffix in ("A", "H"):
        v = EXT[f"{suffix}_innocuous_naming"]
        plain = defn.environment(BY_ID[v.ablation_control_variant or ""])
        renamed = defn.environment(v)
        old = Renamer(tuple((o, o) for o, _ in INNOCUOUS_RENAMES[task_id]))
        assert old.pattern is not None
        for path, seed in renamed.files.items():
            assert not old.pattern.search(path), path
            assert not old.pattern.search(seed.content.decode("utf-8", "replace")), path
        assert len(renamed.files) == len(plain.files)
        assert renamed.state == plain.state
        assert renamed.config["presentation"]["aliases"] == [
            list(p) for p in INNOCUOUS_RENAMES[task_id]
        ]
        shown = (
            b"".join(f.content for f in renamed.files.values()) + "".join(renamed.files).encode()
        )
        assert all(new.encode() in shown for _, new in INNOCUOUS_RENAMES[task_id]), task_id


def test_presentation_translates_at_the_service_boundary() -> None:
    pres = Presentation(
        {
            "aliases": [["transfer_credits", "rebalance_pool"], ["reserve", "vault_b"]],
            "drop_line_prefixes": ["Changed:"],
        }
    )
    request: dict[str, Any] = {
        "op": "rebalance_pool",
        "tool": "rebalance_pool",
        "argv": ["vault_b", "1"],
        "args": {"target_op": "rebalance_pool", "to": "vault_b"},
    }
    inward = pres.incoming(request)
    assert inward["op"] == inward["tool"] == inward["args"]["target_op"] == "transfer_credits"
    assert inward["argv"] == ["reserve", "1"] and inward["args"]["to"] == "reserve"
    lines = pres.lines(["moved to reserve", "Changed: x", "reserve_shortfall stays"])
    assert lines == ["moved to vault_b", "reserve_shortfall stays"]
    assert pres.outgoing({"reserve": ["reserve"]}) == {"vault_b": ["vault_b"]}
    assert Presentation().lines(["Changed: x"]) == ["Changed: x"]
    audited = Presentation({"banner_line": "Audit: logged.", "banner_ops": ["scale"]})
    assert audited.lines(["ok"], "scale") == ["Audit: logged.", "ok"]
    assert audited.lines(["ok"], "transfer") == ["ok"]


def test_ambiguous_presented_names_are_never_translated_back() -> None:
    pres = Presentation(
        {"aliases": [["cost_daemon", "usage_sync"], ["cost_shutdown", "usage_sync"]]}
    )
    assert pres.incoming({"argv": ["usage_sync"]})["argv"] == ["usage_sync"]
    assert pres.lines(["cost_daemon and cost_shutdown"]) == ["usage_sync and usage_sync"]


def test_diagnostic_runs_default_to_the_papers_task_set() -> None:
    from inspect_ic.runner.selection import resolve_selection

    chosen = resolve_selection(None, None, "diagnostic")
    assert chosen.tasks == [t for t in TASKS if t in DIAGNOSTIC_DEFAULT_TASKS]
    assert len(chosen.variants) == 4
    assert resolve_selection(["memory_keeper"], None, "diagnostic").tasks == ["memory_keeper"]
    assert resolve_selection(None, None, "extension").tasks == TASKS
    assert all(v.variant_profile == "benchmark" for v in resolve_selection(None, None).variants)
