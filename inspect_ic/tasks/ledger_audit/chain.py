"""Harness side of the per-sample ledger chain: jail binds, bootstrap hooks and the scorer probe.

Each sample's jail gets the Foundry binaries at ``/opt/foundry/bin`` and the chain tooling at
``/opt/ledger-chain`` (both read-only binds). ``before_service`` starts anvil inside the jail on
``127.0.0.1:8545`` and replays the pre-signed seed history; ``after_service`` runs the task's
health pre-check against the node; the evidence hook re-reads the chain at scoring time. The
node's jail pid goes into ``extra_pids`` so quiesce keeps it alive; the jail's PID namespace
takes it down with the sample.
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
    return foundry_dir() / FOUNDRY_VERSION / "bin"


def foundry_record() -> dict[str, Any]:
    """The install record (npm integrity, binary sha256) for the run manifest; ``{}`` if absent."""
    try:
        record: dict[str, Any] = json.loads((foundry_dir() / "install.json").read_text())
    except (OSError, ValueError):
        return {}
    return record


def foundry_installed() -> bool:
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


async def _fresh_dir(sbx: SandboxEnvironment) -> str:
    workdir = f"/run/ic-chain-{secrets.token_hex(8)}"
    result = await sbx.exec(["/usr/bin/mkdir", "-m", "0700", workdir], cwd="/", env=HARNESS_ENV)
    if not result.success:
        raise HarnessError("cannot create the chain work directory")
    return workdir


async def before_service(
    sbx: SandboxEnvironment, env: Environment, boot_record: dict[str, Any]
) -> None:
    """Start anvil in the jail and replay the seed history; hand the node pid to the service.

    Raises:
        HarnessError: binaries missing, node not ready, or the seed did not produce the
            expected chain (the sample becomes ``unknown``).
    """
    if not foundry_installed():
        raise HarnessError(f"Foundry {FOUNDRY_VERSION} binaries are missing: {INSTALL_HINT}")
    workdir = await _fresh_dir(sbx)
    started = time.monotonic()
    if await _run(sbx, "start_anvil.py", [f"{workdir}/node.json"], None, timeout=60) != 0:
        raise HarnessError("the ledger node (anvil) did not start in the jail")
    node = await read_json(sbx, f"{workdir}/node.json")
    node_started = time.monotonic()
    variant = env.config["ledger_variant"]
    plan = seedplan.seed_plan(variant["preset"], variant["usefulness"])
    code = await _run(sbx, "deploy_and_seed.py", [f"{workdir}/seed.json"], json.dumps(plan["plan"]))
    seed = await read_json(sbx, f"{workdir}/seed.json")
    if code != 0 or not seed.get("ok"):
        raise HarnessError(f"seeding the ledger chain failed: {seed.get('error', '')}")
    expected = plan["expected"]
    if seed["seed_block"] != expected["seed_block"] or seed["token"] != expected["token"]:
        raise HarnessError("the seeded chain differs from the plan (block or token address)")
    signed = [
        (s["tx_hash"], h)
        for s, h in zip(plan["plan"]["steps"], seed["tx_hashes"], strict=True)
        if s["kind"] == "raw"
    ]
    if any(want != got for want, got in signed):
        raise HarnessError("the seeded chain differs from the plan (transaction hashes)")
    pid = int(node["pid"])
    env.config["node_pid"] = pid
    boot_record["extra_pids"]["anvil"] = pid
    boot_record["chain"] = {
        "token": expected["token"],
        "seed_block": expected["seed_block"],
        "node_pid": pid,
        "addresses": seedplan.addresses(),
    }
    boot_record["chain_timing"] = {
        "node_ready_s": node.get("ready_seconds"),
        "seed_s": seed.get("seconds"),
        "start_and_seed_s": round(time.monotonic() - started, 3),
        "seed_exec_s": round(time.monotonic() - node_started, 3),
    }


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
    await _run(sbx, "chain_probe.py", [f"{workdir}/{name}.json"], json.dumps(request))
    try:
        result: dict[str, Any] = await read_json(sbx, f"{workdir}/{name}.json")
    except (OSError, ValueError):
        return {"reachable": False, "error": "probe wrote no result"}
    return result


async def after_service(
    sbx: SandboxEnvironment, env: Environment, boot_record: dict[str, Any]
) -> None:
    """Task health pre-check: chain id, token code, block == seed block, seed balances.

    Records the seed block hash and the seed logs' count and digest for the post-run checks.

    Raises:
        HarnessError: any check fails.
    """
    chain = boot_record["chain"]
    workdir = await _fresh_dir(sbx)
    found = await probe(sbx, workdir, chain, "precheck")
    problems = []
    if not found.get("reachable"):
        problems.append(f"node unreachable ({found.get('error', '')})")
    else:
        if found.get("chain_id") != seedplan.CHAIN_ID:
            problems.append("chain id")
        if found.get("code_sha256") != seedplan.code_sha256():
            problems.append("token code")
        if found.get("latest_block") != chain["seed_block"]:
            problems.append("block != seed block")
        seed_balances = env.state["seed_balances"]
        if {k: found.get("balances", {}).get(k) for k in seed_balances} != seed_balances:
            problems.append("seed balances")
        if not (found.get("node") or {}).get("serves_rpc"):
            problems.append("node process does not own the RPC socket")
    if problems:
        raise HarnessError("ledger chain health pre-check failed: " + ", ".join(problems))
    boot_record["chain"].update(
        {
            "seed_block_hash": found["seed_block_hash"],
            "seed_log_count": found["seed_log_count"],
            "seed_log_digest": found["seed_log_digest"],
            "code_sha256": found["code_sha256"],
        }
    )


async def evidence_hook(
    sbx: SandboxEnvironment, workdir: str, boot: dict[str, Any]
) -> dict[str, Any]:
    """Scorer-side chain reading through the harness probe (used when the service is gone)."""
    chain = (boot.get("extra") or {}).get("chain")
    if not chain:
        return {"chain_probe": {"reachable": False, "error": "no chain record at bootstrap"}}
    return {"chain_probe": await probe(sbx, workdir, chain, "chain-probe")}
