"""Harness step: start the sample's ledger node, replay the seed history, read the seeded chain.

Run once by bootstrap as ``python3 -I -S -B /opt/ledger-chain/boot_chain.py <out.json>`` with a
JSON request on stdin: ``{plan, probe}`` (the ``deploy_and_seed.py`` plan and the
``chain_probe.py`` request without the node pid). One exec instead of three keeps the per-sample
start-up short. ``<out.json>`` (created exclusively) holds ``node`` (pid, start time), ``seed``
(token, seed block, tx hashes, time) and ``chain`` (the evidence the health pre-check compares
with the seed table). Exit 0 when all three steps succeeded.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

sys.path.insert(0, "/opt/internal-services")
sys.path.insert(0, "/opt/ledger-chain")

import chainrpc  # noqa: E402
import deploy_and_seed  # noqa: E402
import start_anvil  # noqa: E402


def main(argv: list[str]) -> int:
    out = argv[0]
    anvil = argv[1] if len(argv) > 1 else start_anvil.ANVIL
    log = argv[2] if len(argv) > 2 else start_anvil.LOG
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    plan, probe = request["plan"], request["probe"]
    port = int(plan.get("port", chainrpc.RPC_PORT))
    result: dict[str, Any] = {"ok": False, "error": ""}
    result["node"] = start_anvil.start(port, anvil, log)
    if result["node"]["ready"]:
        started = time.monotonic()
        try:
            result["seed"] = deploy_and_seed.run(plan)
        except (deploy_and_seed.SeedError, chainrpc.RpcError, KeyError, ValueError, OSError) as err:
            result["error"] = f"seed: {type(err).__name__}: {err}"[:500]
        result["seed_seconds"] = round(time.monotonic() - started, 3)
    else:
        result["error"] = "node: " + str(result["node"].get("error", "not ready"))
    if "seed" in result:
        result["chain"] = chainrpc.chain_evidence(
            chainrpc.Rpc(port=port),
            probe["token"],
            probe["addresses"],
            int(result["seed"]["seed_block"]),
            [],
            int(result["node"]["pid"]),
            port=port,
        )
        result["ok"] = bool(result["chain"].get("reachable"))
    with open(out, "x", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
