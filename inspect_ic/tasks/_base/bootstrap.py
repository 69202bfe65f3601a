"""``bootstrap_environment``: the Task-level setup solver (scaffold.md 7, scoring.md 6 pre-run).

It seeds the sample's files, starts placeholder daemons, hands a fresh per-sample HMAC key to the
task service on stdin, waits for the service, runs the health pre-check and stores everything
the scorer needs. Any failure raises, so the sample errors and its label becomes ``unknown``.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from inspect_ic.tasks._base.bundle import JAIL_PYTHON, JAIL_ROOT, bundle_contents
from inspect_ic.tasks._base.definition import TaskDefinition
from inspect_ic.tasks._base.envspec import Environment, manifest_sha256
from inspect_ic.tasks._base.jail import HarnessError, harness_exec, read_json
from inspect_ic.tasks._base.variants import Variant

BOOT_STORE_KEY = "ic_bootstrap"
SERVICE_START_TIMEOUT_S = 10


def variant_of(state: TaskState) -> Variant:
    """Rebuild the sample's :class:`Variant` from its metadata."""
    from inspect_ic.tasks._base.variants import PROFILE_VARIANTS

    profile = state.metadata["variant_profile"]
    return PROFILE_VARIANTS[profile][state.metadata["variant_id"]]


def seed_payload(env: Environment) -> str:
    """JSON payload for ``harness_client.py seed``."""
    return json.dumps(
        {
            "dirs": [[p, m] for p, m in env.dirs],
            "files": [
                [f.path, base64.b64encode(f.content).decode(), f.mode]
                for f in sorted(env.files.values(), key=lambda f: f.path)
            ],
            "symlinks": [[link, target] for link, target in env.symlinks],
        }
    )


def scan_spec(
    defn: TaskDefinition, env: Environment, manifest: dict[str, Any], read_paths: list[str]
) -> dict[str, Any]:
    """What the harness fingerprints: every manifest path, the slots, state files and roots."""
    paths = sorted(
        set(manifest)
        | set(env.artifact_slots)
        | set(env.controls)
        | {defn.service.state_path, defn.service.receipts_path}
        | {p for _, p in env.placeholders}
    )
    return {"paths": paths, "read": read_paths, "roots": env.scan_roots}


async def run_scan(
    defn: TaskDefinition,
    env: Environment,
    manifest: dict[str, Any],
    workdir: str,
    name: str,
    read_paths: list[str],
) -> dict[str, Any]:
    """Run one harness scan into ``<workdir>/<name>.json`` and return the parsed result."""
    sbx = sandbox()
    out = f"{workdir}/{name}.json"
    spec = json.dumps(scan_spec(defn, env, manifest, read_paths))
    if await harness_exec(sbx, ["scan", out], input=spec, timeout=120) != 0:
        raise HarnessError(f"scan {name} failed")
    result: dict[str, Any] = await read_json(sbx, out)
    return result


def _matches_manifest(info: dict[str, Any], entry: dict[str, Any]) -> bool:
    return info.get("kind") == "file" and info.get("sha256") == entry["sha256"]


@solver
def bootstrap_environment(defn: TaskDefinition) -> Solver:
    """Setup solver that realises the task environment for the sample's variant.

    Stores ``state.store["ic_bootstrap"]``: key (hex), abstract socket name, service and
    placeholder pids, the seed manifest and its hash, the seed state digest, the baseline scan,
    ``env_health_pre`` and the bootstrap time.

    Raises:
        HarnessError: seeding, service start or the health pre-check failed.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        sbx = sandbox()
        variant = variant_of(state)
        env = defn.environment(variant)
        service_files = bundle_contents(defn.task_dir / "assets" / "service")
        manifest = env.manifest(service_files)
        started = time.time()

        if await harness_exec(sbx, ["seed"], input=seed_payload(env)) != 0:
            raise HarnessError("seeding the environment failed")
        placeholder_pids: dict[str, int] = {}
        for name, pidfile in env.placeholders:
            if await harness_exec(sbx, ["spawn", name, pidfile]) != 0:
                raise HarnessError(f"placeholder {name} did not start")
            placeholder_pids[name] = int((await sbx.read_file(pidfile)).strip())

        boot_record: dict[str, Any] = {"extra_pids": {}}
        if defn.before_service is not None:
            await defn.before_service(sbx, env, boot_record)

        key = secrets.token_bytes(32)
        abstract = f"svc-{secrets.token_hex(12)}"
        boot = {
            "key": key.hex(),
            "abstract": abstract,
            "sample_uuid": state.uuid,
            "state": env.state,
            "config": env.config,
            "controls": env.controls,
            "artifact_seeds": {
                slot: (manifest[slot]["sha256"] if slot in env.files else None)
                for slot in env.artifact_slots
            },
        }
        result = await sbx.exec(
            [*JAIL_PYTHON, f"{JAIL_ROOT}/{defn.service.script}"],
            input=json.dumps(boot) + "\n",
            cwd="/",
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            timeout=SERVICE_START_TIMEOUT_S,
            timeout_retry=False,
        )
        if result.returncode != 0 or not result.stdout.startswith("ready "):
            raise HarnessError(
                f"service {defn.service.name} failed to start: {result.stderr[-500:]}"
            )

        workdir = f"/run/ic-harness-{secrets.token_hex(8)}"
        if await harness_exec(sbx, ["prepare", workdir]) != 0:
            raise HarnessError("cannot create the harness work directory")
        if await harness_exec(sbx, ["health", abstract, f"{workdir}/health.json"]) != 0:
            raise HarnessError("health pre-check: service did not answer")
        health = (await read_json(sbx, f"{workdir}/health.json"))["data"]
        problems = []
        if health.get("schema_version") != 1:
            problems.append("schema_version")
        if health.get("logical_time") != env.state.get("clock", 0):
            problems.append("logical clock")
        if health.get("state_digest") != env.seed_state_digest():
            problems.append("state digest")
        if health.get("receipt_count") != 0:
            problems.append("receipts not empty")
        scan = await run_scan(defn, env, manifest, workdir, "baseline", [])
        for path, entry in manifest.items():
            if entry["role"] in ("tool", "service", "control"):
                if not _matches_manifest(scan["paths"].get(path, {}), entry):
                    problems.append(f"{entry['role']} file {path}")
        if problems:
            raise HarnessError("health pre-check failed: " + ", ".join(problems))
        if defn.after_service is not None:
            await defn.after_service(sbx, env, boot_record)

        state.store.set(
            BOOT_STORE_KEY,
            {
                "key": key.hex(),
                "abstract": abstract,
                "service_pid": int(health["pid"]),
                "placeholder_pids": placeholder_pids,
                "extra_pids": boot_record.get("extra_pids", {}),
                "extra": {k: v for k, v in boot_record.items() if k != "extra_pids"},
                "manifest": manifest,
                "manifest_sha256": manifest_sha256(manifest),
                "seed_state_digest": env.seed_state_digest(),
                "baseline_roots": scan.get("roots", {}),
                "env_health_pre": "ok",
                "bootstrap_seconds": round(time.time() - started, 3),
                "bootstrap_marker_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
        )
        return state

    return solve
