"""Harness side of the per-sample ledger chain: jail binds, bootstrap hooks and the scorer probe.

Each sample's jail gets the Foundry binaries at ``/opt/foundry/bin`` and the chain tooling at
``/opt/ledger-chain`` (both read-only binds). ``before_service`` starts anvil inside the jail on
``127.0.0.1:8545``, replays the pre-signed seed history and runs the task's chain health
pre-check, all in one exec; the evidence hook re-reads the chain at scoring time. The node's
jail pid goes into ``extra_pids`` so quiesce keeps it alive; the jail's PID namespace takes it
down with the sample.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from inspect_ai.util import SandboxEnvironment

from inspect_ic.tasks._base.bundle import JAIL_PYTHON, cache_root
from inspect_ic.tasks._base.envspec import Environment
from inspect_ic.tasks._base.jail import HARNESS_ENV, HarnessError, read_json
from inspect_ic.tasks.ledger_audit import seedplan

FOUNDRY_VERSION = "1.7.1"
FOUNDRY_JAIL_BIN = "/opt/foundry/bin"
CHAIN_JAIL_ROOT = "/opt/ledger-chain"
CHAIN_ASSETS = Path(__file__).parent / "assets" / "chain"
REPO_ROOT = Path(__file__).resolve().parents[3]
INSTALL_HINT = "run `make setup` (or `bash scripts/install_foundry.sh`)"


def foundry_dir() -> Path:
    """Where ``scripts/install_foundry.sh`` installs: ``$IC_FOUNDRY_DIR`` or ``<repo>/.foundry``."""
    return Path(os.environ.get("IC_FOUNDRY_DIR") or REPO_ROOT / ".foundry")


def foundry_bin() -> Path:
    """Host directory holding ``anvil`` and ``cast``."""
    return foundry_dir() / FOUNDRY_VERSION / "bin"


def foundry_record() -> dict[str, Any]:
    """The install record (npm integrity, binary sha256) for the run manifest; ``{}`` if absent."""
    try:
        record: dict[str, Any] = json.loads((foundry_dir() / "install.json").read_text())
    except (OSError, ValueError):
        return {}
    return record


def foundry_installed() -> bool:
    """Both binaries are installed and executable."""
    return all(os.access(foundry_bin() / name, os.X_OK) for name in ("anvil", "cast"))


@lru_cache(maxsize=4)
def chain_bundle(src: Path = CHAIN_ASSETS) -> Path:
    """Content-addressed read-only copy of ``assets/chain``, bound at ``/opt/ledger-chain``."""
    files = {p.name: p.read_bytes() for p in sorted(src.iterdir()) if p.is_file()}
    digest = hashlib.sha256()
    for name, data in sorted(files.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    target = cache_root() / f"ledger-chain-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    for name, data in files.items():
        (staging / name).write_bytes(data)
        (staging / name).chmod(0o444)
    staging.chmod(0o555)
    try:
        staging.rename(target)
    except OSError:
        if not target.is_dir():
            raise
        shutil.rmtree(staging, ignore_errors=True)
    return target


def jail_binds() -> list[dict[str, str]]:
    """The task's extra read-only binds (``TaskDefinition.extra["ro_binds"]``)."""
    return [
        {"src": str(foundry_bin()), "dest": FOUNDRY_JAIL_BIN},
        {"src": str(chain_bundle()), "dest": CHAIN_JAIL_ROOT},
    ]


async def _run(
    sbx: SandboxEnvironment, script: str, args: list[str], stdin: str | None, timeout: int = 60
) -> int:
    result = await sbx.exec(
        [*JAIL_PYTHON, f"{CHAIN_JAIL_ROOT}/{script}", *args],
        input=stdin,
        cwd="/",
        env=HARNESS_ENV,
        timeout=timeout,
        timeout_retry=False,
    )
    return result.returncode


async def before_service(
    sbx: SandboxEnvironment, env: Environment, boot_record: dict[str, Any]
) -> None:
    """Start anvil in the jail, replay the seed history and run the chain health pre-check.

    One exec does all three (``boot_chain.py``); the checks: chain id 31337, the token's code
    hash, block == seed block, every seed balance, and that the node process owns the RPC
    socket. The seed block hash and the seed logs' count and digest are recorded for the
    post-run checks; the node's jail pid goes to the service (config) and to quiesce.

    Raises:
        HarnessError: binaries missing, node not ready, seed or pre-check failed (the sample
            becomes ``unknown``).
    """
    if not foundry_installed():
        raise HarnessError(f"Foundry {FOUNDRY_VERSION} binaries are missing: {INSTALL_HINT}")
    started = time.monotonic()
    variant = env.config["ledger_variant"]
    plan = seedplan.seed_plan(variant["preset"], variant["usefulness"])
    expected = plan["expected"]
    probe_request = {"token": expected["token"], "addresses": seedplan.addresses()}
    out = f"/run/ic-chain-boot-{secrets.token_hex(8)}.json"
    code = await _run(
        sbx, "boot_chain.py", [out], json.dumps({"plan": plan["plan"], "probe": probe_request})
    )
    try:
        boot = await read_json(sbx, out)
    except (OSError, ValueError) as err:
        raise HarnessError(f"the ledger chain did not start: {err}") from None
    if code != 0 or not boot.get("ok"):
        raise HarnessError(f"the ledger chain did not start: {boot.get('error', '')}")
    problems = precheck_problems(boot, expected, plan["plan"]["steps"], env.state["seed_balances"])
    if problems:
        raise HarnessError("ledger chain health pre-check failed: " + ", ".join(problems))
    pid = int(boot["node"]["pid"])
    found = boot["chain"]
    env.config["node_pid"] = pid
    boot_record["extra_pids"]["anvil"] = pid
    boot_record["chain"] = {
        "token": expected["token"],
        "seed_block": expected["seed_block"],
        "node_pid": pid,
        "addresses": seedplan.addresses(),
        "seed_block_hash": found["seed_block_hash"],
        "seed_log_count": found["seed_log_count"],
        "seed_log_digest": found["seed_log_digest"],
        "code_sha256": found["code_sha256"],
    }
    record = foundry_record()
    boot_record["foundry"] = {
        "version": record.get("version"),
        "binaries": {k: v.get("sha256") for k, v in (record.get("binaries") or {}).items()},
    }
    boot_record["chain_timing"] = {
        "node_ready_s": boot["node"].get("ready_seconds"),
        "seed_s": boot.get("seed_seconds"),
        "start_and_seed_s": round(time.monotonic() - started, 3),
    }


def precheck_problems(
    boot: dict[str, Any],
    expected: dict[str, Any],
    steps: list[dict[str, Any]],
    seed_balances: dict[str, int],
) -> list[str]:
    """What is wrong with a freshly seeded chain (task file section 9, health pre-check)."""
    seed, found = boot.get("seed") or {}, boot.get("chain") or {}
    problems = []
    if seed.get("seed_block") != expected["seed_block"] or seed.get("token") != expected["token"]:
        problems.append("seed block or token address differs from the plan")
    signed = [s["tx_hash"] for s in steps if s["kind"] == "raw"]
    mined = [
        h for s, h in zip(steps, seed.get("tx_hashes") or [], strict=False) if s["kind"] == "raw"
    ]
    if signed != mined:
        problems.append("transaction hashes differ from the plan")
    if found.get("chain_id") != seedplan.CHAIN_ID:
        problems.append("chain id")
    if found.get("code_sha256") != seedplan.code_sha256():
        problems.append("token code")
    if found.get("latest_block") != expected["seed_block"]:
        problems.append("block != seed block")
    if {k: (found.get("balances") or {}).get(k) for k in seed_balances} != seed_balances:
        problems.append("seed balances")
    if not (found.get("node") or {}).get("serves_rpc"):
        problems.append("node process does not own the RPC socket")
    return problems


async def probe(
    sbx: SandboxEnvironment, workdir: str, chain: dict[str, Any], name: str
) -> dict[str, Any]:
    """Run ``chain_probe.py`` into ``<workdir>/<name>.json``; hashes of every post-seed block."""
    request = {
        "token": chain["token"],
        "addresses": chain["addresses"],
        "seed_block": chain["seed_block"],
        "blocks_since_seed": True,
        "node_pid": chain["node_pid"],
    }
    try:
        await _run(sbx, "chain_probe.py", [f"{workdir}/{name}.json"], json.dumps(request))
    except TimeoutError:
        return {"reachable": False, "error": "probe timed out"}
    try:
        result: dict[str, Any] = await read_json(sbx, f"{workdir}/{name}.json")
    except (OSError, ValueError):
        return {"reachable": False, "error": "probe wrote no result"}
    return result


async def evidence_hook(
    sbx: SandboxEnvironment, workdir: str, boot: dict[str, Any]
) -> dict[str, Any]:
    """Scorer-side chain reading through the harness probe (used when the service is gone)."""
    chain = (boot.get("extra") or {}).get("chain")
    if not chain:
        return {"chain_probe": {"reachable": False, "error": "no chain record at bootstrap"}}
    return {"chain_probe": await probe(sbx, workdir, chain, "chain-probe")}
