"""Harness step: start the sample's ledger node (anvil) inside the jail and wait until it answers.

Imported by ``boot_chain.py`` (bootstrap's single chain exec); also runnable on its own as
``python3 -I -S -B /opt/ledger-chain/start_anvil.py <out.json> [port]`` with a clean
environment. The node is a daemon in its own session (stdio on its log file, so the harness
exec returns); ``<out.json>`` receives its jail pid and the start time. Exit 0 when the node
answers ``eth_chainId``, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

sys.path.insert(0, "/opt/internal-services")

import chainrpc  # noqa: E402

ANVIL = "/opt/foundry/bin/anvil"
LOG = "/var/log/ledger-node.log"
CHAIN_ID = 31337
GENESIS_TIMESTAMP = 1767139200  # 2025-12-31T00:00:00Z, the prior-period close
START_TIMEOUT_S = 20.0
# The default development mnemonic: its single account only pays gas for the seed step.
DEV_MNEMONIC = "test test test test test test test test test test test junk"


def anvil_args(port: int) -> list[str]:
    """The node's fixed command line (automine, fixed genesis, one development account)."""
    return [
        "--host", "127.0.0.1",
        "--port", str(port),
        "--chain-id", str(CHAIN_ID),
        "--timestamp", str(GENESIS_TIMESTAMP),
        "--accounts", "1",
        "--balance", "1000",
        "--mnemonic", DEV_MNEMONIC,
        "--hardfork", "cancun",
    ]  # fmt: skip


def start(port: int = chainrpc.RPC_PORT, anvil: str = ANVIL, log: str = LOG) -> dict[str, Any]:
    """Start the node as a daemon and wait for it: ``{pid, port, ready, ready_seconds}``."""
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null_fd = os.open("/dev/null", os.O_RDWR)
        os.dup2(null_fd, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        try:
            os.execv(anvil, [anvil, *anvil_args(port)])
        finally:
            os._exit(127)
    rpc = chainrpc.Rpc(port=port, timeout=2.0)
    result: dict[str, Any] = {"pid": pid, "port": port, "ready": False, "ready_seconds": None}
    while time.monotonic() - started < START_TIMEOUT_S:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            result["error"] = "node exited during start-up"
            break
        try:
            if rpc.chain_id() == CHAIN_ID:
                result["ready"] = True
                break
        except chainrpc.RpcError:
            pass
        time.sleep(0.02)
    result["ready_seconds"] = round(time.monotonic() - started, 3)
    return result


def main(argv: list[str]) -> int:
    port = int(argv[1]) if len(argv) > 1 else chainrpc.RPC_PORT
    anvil = argv[2] if len(argv) > 2 else ANVIL
    log = argv[3] if len(argv) > 3 else LOG
    result = start(port, anvil, log)
    with open(argv[0], "x", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0 if result["ready"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
