"""``sandboxes/<task>/``: Dockerfile, compose file and k8s values, checked statically (no engine
or cluster here); the ``docker``-marked test runs a sample where ``docker info`` succeeds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from inspect_ic.sandbox.containers import (
    BASE_IMAGE,
    REPO_ROOT,
    SANDBOX_DIR,
    container_provenance,
    sandbox_config_file,
    sandbox_files,
    writable_mounts,
)
from inspect_ic.tasks import available_tasks, task_definition, task_function
from inspect_ic.tasks._base.bundle import JAIL_ROOT
from inspect_ic.tasks._base.variants import BENCHMARK_VARIANTS

TASKS = available_tasks()
SCHEMA = Path(__file__).parents[1] / "fixtures" / "k8s" / "agent-env-0.14.0.values.schema.json"
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def _load(task_id: str, name: str) -> Any:
    return yaml.safe_load((SANDBOX_DIR / task_id / name).read_text())


@pytest.mark.parametrize("task_id", TASKS)
def test_files_match_the_task_definition(task_id: str) -> None:
    for name, content in sandbox_files(task_definition(task_id)).items():
        path = SANDBOX_DIR / task_id / name
        assert path.is_file(), f"{path} missing: run scripts/gen_sandboxes.py"
        assert path.read_text() == content, f"{path} is stale: run scripts/gen_sandboxes.py"


@pytest.mark.parametrize("task_id", TASKS)
def test_compose_is_isolated_and_limited(task_id: str) -> None:
    compose = _load(task_id, "compose.yaml")
    assert set(compose) == {"services"} and list(compose["services"]) == ["default"]
    svc = compose["services"]["default"]
    assert svc["network_mode"] == "none" and "networks" not in svc and "ports" not in svc
    assert svc["init"] is True and svc["read_only"] is True
    assert svc["cap_drop"] == ["ALL"] and "cap_add" not in svc and not svc.get("privileged")
    assert "no-new-privileges:true" in svc["security_opt"]
    assert svc["mem_limit"] == "2048m" and svc["cpus"] == 1.0 and svc["pids_limit"] == 512
    assert not [v for v in svc.get("volumes", []) if ":ro" not in str(v)], "writable host bind"
    build = svc["build"]
    assert (SANDBOX_DIR / task_id / build["context"]).resolve() == REPO_ROOT
    assert (REPO_ROOT / build["dockerfile"]) == SANDBOX_DIR / task_id / "Dockerfile"
    mounts = [entry.split(":")[0] for entry in svc["tmpfs"]]
    assert mounts == writable_mounts(task_definition(task_id))
    assert all("size=" in entry for entry in svc["tmpfs"])
    assert not any(JAIL_ROOT.startswith(m + "/") or m == JAIL_ROOT for m in mounts)


@pytest.mark.parametrize("task_id", TASKS)
def test_every_writable_root_stays_writable(task_id: str) -> None:
    defn = task_definition(task_id)
    mounts = writable_mounts(defn)
    for root in defn.writable_roots:
        assert root in mounts or any(m.startswith(root + "/") for m in mounts), root
    for path in defn.environment(BENCHMARK_VARIANTS["dilemma_forbidden_unwatched"]).files:
        assert any(path.startswith(m + "/") for m in mounts), path


@pytest.mark.parametrize("task_id", TASKS)
def test_image_is_pinned_and_bakes_the_harness(task_id: str) -> None:
    text = (SANDBOX_DIR / task_id / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert froms == ["${BASE_IMAGE}"]
    default = re.search(r"^ARG BASE_IMAGE=(\S+)$", text, re.M)
    assert default is not None
    build = (SANDBOX_DIR / "base" / "build.sh").read_text()
    local_base = default.group(1) == BASE_IMAGE and f'TAG="{BASE_IMAGE}"' in build
    assert local_base or DIGEST.search(default.group(1)), default.group(1)
    assert re.search(r'^SNAPSHOT="\d{8}T\d{6}Z"$', build, re.M), "base not pinned to a snapshot"
    copies = re.findall(r"^COPY (\S+) (\S+)$", text, re.M)
    assert f"{JAIL_ROOT}/" in {dest for _, dest in copies}
    for src, _ in copies:
        if not src.startswith(".foundry/"):  # installed by `make setup`
            assert list(REPO_ROOT.glob(src.rstrip("/"))), src


@pytest.mark.parametrize("task_id", TASKS)
def test_k8s_values_validate_against_the_chart_schema(task_id: str) -> None:
    values = _load(task_id, "values.yaml")
    # helm validates our values merged over the chart's defaults, which supply `global`
    merged = {"global": {"nameOverride": "", "fullnameOverride": ""}, **values}
    jsonschema.validate(merged, json.loads(SCHEMA.read_text()))
    assert values["allowDomains"] == [] and values["allowCIDR"] == []
    assert values["allowEntities"] == [] and values["networkPolicy"]["enabled"] is True
    svc = values["services"]["default"]
    assert svc["runtimeClassName"]
    limits = svc["resources"]["limits"]
    assert limits == {"cpu": "1.0", "memory": "2048Mi"} == svc["resources"]["requests"]
    ctx = svc["securityContext"]
    assert ctx["readOnlyRootFilesystem"] is True and ctx["allowPrivilegeEscalation"] is False
    assert ctx["capabilities"] == {"drop": ["ALL"]}
    assert [m["mountPath"] for m in svc["volumeMounts"]] == writable_mounts(
        task_definition(task_id)
    )
    assert all(v["emptyDir"]["sizeLimit"] for v in svc["volumes"])


def test_factory_hands_each_provider_its_file() -> None:
    task = task_function("budget_siphon")(variant_id="A", sandbox="docker")
    assert task.sandbox is not None and task.sandbox.type == "docker"
    assert task.sandbox.config == sandbox_config_file("budget_siphon", "docker")
    k8s = task_function("budget_siphon")(variant_id="A", sandbox="k8s")
    assert k8s.sandbox is not None and k8s.sandbox.config.endswith("budget_siphon/values.yaml")
    assert task_function("budget_siphon")(variant_id="A").sandbox.config is None


def _docker_ready() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.docker
@pytest.mark.skipif(not _docker_ready(), reason="no docker engine (docker info failed)")
def test_scripted_sample_runs_in_docker(tmp_path: Path) -> None:
    from inspect_ai import eval as inspect_eval

    from inspect_ic.policies.scripted import scripted_model, with_policies
    from inspect_ic.tasks import task_policies

    subprocess.run(["bash", str(SANDBOX_DIR / "base" / "build.sh")], check=True)
    task = task_function("budget_siphon")(variant_id="A", sandbox="docker", message_limit=40)
    task = with_policies(task, [("budget_siphon_A", "honest")])
    log = inspect_eval(
        task,
        model=scripted_model(task_policies("budget_siphon")),
        log_dir=str(tmp_path),
        display="none",
    )[0]
    sample = (log.samples or [])[0]
    assert sample.error is None, sample.error
    meta = next(iter((sample.scores or {}).values())).metadata or {}
    assert meta["deterministic_label_status"] == "ok" and meta["benchmark_task_completed"]


def test_container_provenance_names_every_file_and_the_base() -> None:
    facts = container_provenance("k8s", ["budget_siphon"])
    assert facts["rootfs"]["source"] == BASE_IMAGE
    (entry,) = facts["compose"]
    assert entry["file"].endswith("budget_siphon/values.yaml") and len(entry["sha256"]) == 64
    assert len(entry["dockerfile_sha256"]) == 64
