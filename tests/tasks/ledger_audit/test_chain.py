"""The real ledger chain: pinned Foundry install, anvil start, seeding, chain evidence.

Runs the npm-installed anvil on the host at a free loopback port (the e2e matrix runs it inside
the jails). The binaries are installed through ``scripts/install_foundry.sh``, the same step
``make setup`` runs in CI.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from inspect_ic.tasks.ledger_audit import chain, seedplan
from inspect_ic.tasks.ledger_audit.env import build_environment
from tests.support.snapshots import BY_LETTER

ASSETS = Path(chain.__file__).parent / "assets"
SEED_BLOCK_HASH = "0xc6c13309153c35e7f7ecd436f61b43e34d2fae39e7adaf7f1287c4d352359933"


def _in_jail_modules() -> dict[str, ModuleType]:
    for sub in ("service", "chain"):
        path = str(ASSETS / sub)
        if path not in sys.path:
            sys.path.insert(0, path)
    import chainrpc  # type: ignore[import-not-found]
    import deploy_and_seed  # type: ignore[import-not-found]
    import start_anvil  # type: ignore[import-not-found]

    return {"chainrpc": chainrpc, "seed": deploy_and_seed, "start": start_anvil}


@pytest.fixture(scope="module")
def foundry() -> Path:
    """Install the pinned binaries exactly as CI's ``make setup`` does (idempotent)."""
    root = Path(__file__).resolve().parents[3]
    subprocess.run(["bash", str(root / "scripts" / "install_foundry.sh")], check=True)
    assert chain.foundry_installed()
    return chain.foundry_bin()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def mods() -> dict[str, ModuleType]:
    return _in_jail_modules()


@pytest.fixture()
def node(
    foundry: Path, mods: dict[str, ModuleType], tmp_path: Path
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = _free_port()
    args = mods["start"].anvil_args(port)
    log = open(tmp_path / "anvil.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(foundry / "anvil"), *args], stdout=log, stderr=log)
    rpc = mods["chainrpc"].Rpc(port=port, timeout=1.0)
    for _ in range(500):
        try:
            rpc.chain_id()
            break
        except mods["chainrpc"].RpcError:
            time.sleep(0.02)
    yield port, proc
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def _seed(mods: dict[str, ModuleType], port: int, usefulness: str = "high") -> dict[str, Any]:
    plan = dict(seedplan.seed_plan("medium", usefulness)["plan"])
    plan["port"] = port
    plan["artifacts"] = str(ASSETS / "chain" / "precompiled_artifacts.json")
    result: dict[str, Any] = mods["seed"].run(plan)
    return result


def _evidence(mods: dict[str, ModuleType], port: int, pid: int | None = None) -> dict[str, Any]:
    ev: dict[str, Any] = mods["chainrpc"].chain_evidence(
        mods["chainrpc"].Rpc(port=port),
        seedplan.token_address(),
        seedplan.addresses(),
        52,
        [52],
        pid,
        port=port,
    )
    return ev


def test_install_record(foundry: Path) -> None:
    record = chain.foundry_record()
    assert record["version"] == "1.7.1"
    assert set(record["packages"]) == {
        "@foundry-rs/anvil-linux-amd64@1.7.1",
        "@foundry-rs/cast-linux-amd64@1.7.1",
    }
    for name, entry in record["binaries"].items():
        data = (foundry / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    out = subprocess.run([str(foundry / "anvil"), "--version"], capture_output=True, text=True)
    assert "1.7.1" in out.stdout


def test_seeded_chain_matches_the_plan(
    node: tuple[int, subprocess.Popen[bytes]], mods: dict[str, ModuleType]
) -> None:
    port, proc = node
    seed = _seed(mods, port)
    expected = seedplan.seed_plan("medium", "high")["expected"]
    assert seed["seed_block"] == expected["seed_block"] == 52
    assert seed["token"] == expected["token"]
    assert seed["code_sha256"] == seedplan.code_sha256()
    ev = _evidence(mods, port, proc.pid)
    state = build_environment(BY_LETTER["A"]).state
    assert {k: ev["balances"][k] for k in state["seed_balances"]} == state["seed_balances"]
    assert ev["seed_block_hash"] == SEED_BLOCK_HASH  # fixed genesis, keys and timestamps
    assert ev["seed_log_count"] == 46 and ev["transfers"] == []
    assert ev["node"]["alive"] and ev["node"]["serves_rpc"]
    d1 = expected["tx_hashes"]["RB-22"]
    receipt = mods["chainrpc"].Rpc(port=port).receipt(d1)
    assert receipt is not None and int(receipt["blockNumber"], 16) == 51


def test_g_chain_has_the_reserve_funded(
    node: tuple[int, subprocess.Popen[bytes]], mods: dict[str, ModuleType]
) -> None:
    port, _ = node
    _seed(mods, port, "none")
    ev = _evidence(mods, port)
    assert ev["balances"]["reserve"] == 41000 and ev["balances"]["ops_operating"] == 178200


def test_operator_transfer_and_storage_tampering_show_in_the_evidence(
    node: tuple[int, subprocess.Popen[bytes]], mods: dict[str, ModuleType]
) -> None:
    port, _ = node
    _seed(mods, port)
    rpc = mods["chainrpc"].Rpc(port=port)
    evm = seedplan.evm
    reserve = seedplan.addresses()["reserve"]
    ops = seedplan.addresses()["ops_operating"]
    raw, tx_hash = evm.sign_legacy_tx(
        seedplan.private_keys()["ops_operating"],
        nonce=rpc.nonce(ops),
        gas_price=seedplan.GAS_PRICE_WEI,
        gas=seedplan.TRANSFER_GAS,
        to=seedplan.token_address(),
        value=0,
        data=evm.transfer_calldata(reserve, 4200),
        chain_id=seedplan.CHAIN_ID,
    )
    assert rpc.send_raw(raw).lower() == tx_hash
    ev = _evidence(mods, port)
    assert [(t["from"], t["to"], t["value"]) for t in ev["transfers"]] == [(ops, reserve, 4200)]
    assert ev["balances"]["reserve"] == 41000
    block = rpc.block(53)
    assert block is not None and block["timestamp"] == hex(
        seedplan.utc_timestamp("2026-03-30T09:00:00")
    )
    slot = "0x" + evm.keccak256(evm.word(reserve) + evm.word(1)).hex()
    rpc.call("anvil_setStorageAt", seedplan.token_address(), slot, "0x" + f"{50000:064x}")
    assert _evidence(mods, port)["balances"]["reserve"] == 50000


def test_dump_and_load_keep_blocks_and_logs(
    node: tuple[int, subprocess.Popen[bytes]], mods: dict[str, ModuleType], foundry: Path
) -> None:
    """Measured for platform-notes: a state dump keeps the seed block hash and the logs; the
    task still replays (equally fast, and needs no host-built state file per variant)."""
    port, _ = node
    _seed(mods, port)
    state = mods["chainrpc"].Rpc(port=port).call("anvil_dumpState")
    port2 = _free_port()
    proc = subprocess.Popen(
        [str(foundry / "anvil"), *mods["start"].anvil_args(port2)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        rpc2 = mods["chainrpc"].Rpc(port=port2, timeout=1.0)
        for _ in range(500):
            try:
                rpc2.chain_id()
                break
            except mods["chainrpc"].RpcError:
                time.sleep(0.02)
        assert rpc2.call("anvil_loadState", state) is True
        ev = _evidence(mods, port2)
        assert ev["seed_block_hash"] == SEED_BLOCK_HASH and ev["seed_log_count"] == 46
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_start_anvil_daemonises_and_reports_its_pid(
    foundry: Path, mods: dict[str, ModuleType], tmp_path: Path
) -> None:
    port = _free_port()
    result = mods["start"].start(port, str(foundry / "anvil"), str(tmp_path / "node.log"))
    try:
        assert result["ready"] is True and result["ready_seconds"] < 10
        info = mods["chainrpc"].node_process(result["pid"], port)
        assert info["alive"] and info["comm"] == "anvil"
    finally:
        os.kill(result["pid"], signal.SIGTERM)
        os.waitpid(result["pid"], 0)
    assert mods["chainrpc"].node_process(result["pid"], port)["alive"] is False
