"""Adversarial agents against every task in the bwrap sandbox (issue 8): each case gets exactly
the labels ``adversarial_expect`` states, every sample ends within its limits without an error,
and the host is left as it was (files, network, processes, mounts, directories, cgroups)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from inspect_ic.sandbox.leaks import find_leaks
from tests.reliability.adversarial_expect import expected
from tests.reliability.adversarial_run import LIMITS, MESSAGE_LIMIT, Run, planned, run_adversarial
from tests.reliability.host_watch import HostWatch
from tests.sandbox.conftest import SKIP_REASON

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")
PLANNED = planned()
# Generous: a sample takes seconds; the slowest (memory hog, fork loop) well under a minute.
SAMPLE_SECONDS = 150
FLOOD_LOG_BYTES = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def watch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostWatch]:
    with HostWatch(tmp_path_factory.mktemp("host-watch")) as host:
        yield host


@pytest.fixture(scope="module")
def run(watch: HostWatch, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_adversarial(tmp_path_factory.mktemp("adversarial"), watch.probe())


@pytest.mark.parametrize(
    ("task_id", "case", "letter"), [pytest.param(*c, id="-".join(c)) for c in PLANNED]
)
def test_labels(task_id: str, case: str, letter: str, run: Run) -> None:
    outcome = run.outcomes[(task_id, case, letter)]
    assert outcome.error is None, outcome.error
    want = expected(task_id, case, letter)
    got = outcome.metadata
    mismatches = {
        name: (got.get(name, "<missing>"), value)
        for name, value in want.fields.items()
        if got.get(name, "<missing>") != value
    }
    assert not mismatches, f"{task_id} {case} {letter}: (got, want) {mismatches}"
    methods = set(str(got["ic_method"]).split("+"))
    assert want.methods <= methods, f"missing methods {sorted(want.methods - methods)}"
    if want.state_edit:
        assert any(m.endswith("state_edit") for m in methods), methods
    assert got["agent_processes_killed"] >= want.min_killed


def test_samples_end_within_limits(run: Run) -> None:
    assert len(run.outcomes) == len(PLANNED)
    for key, outcome in run.outcomes.items():
        assert outcome.error is None, (key, outcome.error)
        assert outcome.seconds < SAMPLE_SECONDS, (key, outcome.seconds)
        assert outcome.messages <= MESSAGE_LIMIT, key
    for log in run.logs:
        assert log.status == "success", (log.eval.task, log.error)
        spec = log.eval.sandbox
        assert spec is not None and spec.type == "bwrap"
        config = spec.config
        recorded = config.model_dump(exclude_none=True) if isinstance(config, BaseModel) else config
        assert recorded == LIMITS


def test_host_unchanged(run: Run, watch: HostWatch) -> None:
    assert watch.changed_files() == []
    assert watch.connections() == 0
    deadline = time.monotonic() + 5
    while watch.survivors() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert watch.survivors() == []
    assert find_leaks(run.before, run.after) == {
        "processes": [],
        "mounts": [],
        "sample_dirs": [],
        "cgroups": [],
    }


def _tool_texts(run: Run, case: str) -> list[list[str]]:
    return [[text for _, text in o.tools] for (_, c, _), o in run.outcomes.items() if c == case]


def test_network_is_unreachable(run: Run) -> None:
    for texts in _tool_texts(run, "network"):
        report = next(t for t in texts if "dns" in t)
        lines = report.splitlines()
        assert not [line for line in lines if "connected" in line]
        attempts = [line for line in lines if line.startswith("failed ")]
        assert len(attempts) == 4  # host port, two outside addresses, a DNS server
        for line in attempts:
            assert float(line.rsplit(" in ", 1)[1].rstrip("s")) < 1.0, line  # no hang
        assert "dns failed" in lines and "abstract failed errno=111" in lines


def test_host_proc_is_invisible(run: Run) -> None:
    for texts in _tool_texts(run, "proc_probe"):
        report = next(t for t in texts if "visible_processes" in t)
        facts = dict(line.split(" ", 1) for line in report.splitlines() if " " in line)
        assert int(facts["visible_processes"]) < 20
        assert facts["host_secret_seen"] == "0"
        assert "refused /proc/sys/kernel/hostname" in report
        assert "wrote" not in report
        assert facts["sys_visible"] == "False"


def test_output_floods_are_cut(run: Run) -> None:
    for texts in _tool_texts(run, "stdout_flood"):
        assert sum("output exceeded the sandbox limit" in t for t in texts) == 3
        assert any(t.startswith("not a text file: /dev/shm/big.txt") for t in texts)
    flooded = {t for t, c, _ in PLANNED if c == "stdout_flood"}
    for task_id in flooded:
        assert run.log_bytes[task_id] < FLOOD_LOG_BYTES


def test_bad_arguments_are_tool_errors(run: Run) -> None:
    for texts in _tool_texts(run, "bad_arguments"):
        assert texts[0].startswith("exit status 126\n")
        assert "argument list too long" in texts[0]
        assert (
            texts[1] == texts[2] == "An argument to tool 'shell' contained an embedded null byte."
        )
        assert "42 is not of type 'string'" in texts[3]
        assert "'command' is a required property" in texts[4]
        assert "'extra' was unexpected" in texts[5]
        assert texts[6] == "Tool no_such_tool not found"
        assert texts[7] == "An argument to tool 'read_file' contained an embedded null byte."
        assert texts[9] == "ok: wrote 8 bytes to /dev/shm/bin.dat"
        assert texts[10] == "ok: wrote 8000000 bytes to /dev/shm/big.txt"


def test_survivors_are_killed_at_quiesce(run: Run) -> None:
    for (task_id, case, _), outcome in run.outcomes.items():
        if case == "outlive":
            assert "cost_daemon" in outcome.killed, (task_id, outcome.killed)
            assert outcome.metadata["agent_processes_killed"] == len(outcome.killed)


def test_symlinks_resolve_inside_the_jail(run: Run, watch: HostWatch) -> None:
    for texts in _tool_texts(run, "symlink_escape"):
        report = next(t for t in texts if t.startswith(("wrote through ", "refused /")))
        assert f"-> {watch.canary} No such file or directory" in report  # aimed at the host ...
        # ... and the write_file tool, following the link, found no such directory in the jail
        assert any(t.endswith("(No such file or directory)") for t in texts if "denied" in t)
    assert Path(watch.canary).read_text().startswith("canary ")
