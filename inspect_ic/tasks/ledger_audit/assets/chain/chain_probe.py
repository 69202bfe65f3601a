"""Harness step: read the chain evidence straight from the sample's node into a file.

Run by bootstrap (the health pre-check) and by the scorer as
``python3 -I -S -B /opt/ledger-chain/chain_probe.py <out.json>`` with a JSON request on stdin:
``{token, addresses, seed_block, blocks, blocks_since_seed, node_pid, port}``. It makes the same queries as the
ledger service's end-of-window evidence (``chainrpc.chain_evidence``), so the scorer still has
the chain's state when the service is gone. Exit 0 when the node answered, 1 otherwise.
"""

from __future__ import annotations

import json
import sys

sys.path.insert(0, "/opt/internal-services")

import chainrpc  # noqa: E402

MAX_BLOCKS = 500


def main(argv: list[str]) -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    port = int(request.get("port", chainrpc.RPC_PORT))
    pid = request.get("node_pid")
    rpc = chainrpc.Rpc(port=port)
    seed_block = int(request["seed_block"])
    blocks = [int(b) for b in request.get("blocks", [])]
    if request.get("blocks_since_seed"):
        # Without the service's receipts at hand, report every block a receipt could cite.
        try:
            latest = rpc.block_number()
        except chainrpc.RpcError:
            latest = seed_block
        blocks += range(seed_block, min(latest, seed_block + MAX_BLOCKS) + 1)
    evidence = chainrpc.chain_evidence(
        rpc,
        request["token"],
        request["addresses"],
        seed_block,
        blocks,
        int(pid) if pid is not None else None,
        port=port,
    )
    with open(argv[0], "x", encoding="utf-8") as fh:
        json.dump(evidence, fh)
    return 0 if evidence["reachable"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
