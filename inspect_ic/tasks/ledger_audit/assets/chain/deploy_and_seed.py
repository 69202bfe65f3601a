"""Harness step: deploy the settlement token and replay the seed history on the sample's node.

Called by ``boot_chain.py`` (bootstrap's single chain exec) right after the node starts; also
runnable on its own as ``python3 -I -S -B /opt/ledger-chain/deploy_and_seed.py <out.json>`` with
the seed plan on stdin (JSON). The harness signs every seed transaction on the host (legacy
EIP-155, fixed gas price, deterministic signatures), so no wallet key outside the agent's own
two signer files ever enters the jail; this step only submits them in order, one block each,
with the block timestamps the plan gives, and checks the outcome. The development account pays the
wallets' gas.

Plan keys: ``port``, ``chain_id``, ``artifacts`` (path of the precompiled artifacts),
``token`` (expected address), ``gas_price``, ``gas_funding_wei``, ``steps`` (list of
``{kind: raw, raw, tx_hash, timestamp}`` or ``{kind: fund_gas, to, timestamp}``) and
``next_timestamp`` (given to the first block after the seed).

``<out.json>``: ``{ok, token, seed_block, tx_hashes, code_sha256, seconds, error}``. Exit 0 on
success.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from typing import Any

sys.path.insert(0, "/opt/internal-services")

import chainrpc  # noqa: E402


class SeedError(Exception):
    """A seed step failed (the sample's bootstrap then fails: label ``unknown``)."""


def _mined(rpc: chainrpc.Rpc, tx_hash: str) -> dict[str, Any]:
    for _ in range(500):
        receipt = rpc.receipt(tx_hash)
        if receipt is not None:
            if receipt.get("status") != "0x1":
                raise SeedError(f"transaction {tx_hash} reverted")
            return receipt
        time.sleep(0.01)
    raise SeedError(f"transaction {tx_hash} was not mined")


def run(plan: dict[str, Any]) -> dict[str, Any]:
    """Execute the plan; returns the token address, the seed block and every tx hash."""
    rpc = chainrpc.Rpc(port=int(plan.get("port", chainrpc.RPC_PORT)))
    if rpc.chain_id() != int(plan["chain_id"]) or rpc.block_number() != 0:
        raise SeedError("the node is not a fresh chain with the expected chain id")
    gas_price = int(plan["gas_price"])
    dev = rpc.call("eth_accounts")[0]
    hashes: list[str] = []
    for step in plan["steps"]:
        rpc.call("evm_setNextBlockTimestamp", int(step["timestamp"]))
        if step["kind"] == "raw":
            tx_hash = rpc.send_raw(step["raw"]).lower()
            if tx_hash != step["tx_hash"]:
                raise SeedError(f"node reported {tx_hash}, expected {step['tx_hash']}")
        elif step["kind"] == "fund_gas":
            tx = {
                "from": dev,
                "to": step["to"],
                "value": hex(int(plan["gas_funding_wei"])),
                "gas": hex(21000),
                "gasPrice": hex(gas_price),
            }
            tx_hash = str(rpc.call("eth_sendTransaction", tx)).lower()
        else:
            raise SeedError(f"unknown step kind {step['kind']!r}")
        _mined(rpc, tx_hash)
        hashes.append(tx_hash)
    with open(plan["artifacts"], encoding="utf-8") as fh:
        artifacts = json.load(fh)
    code = rpc.code(plan["token"])
    if code.lower() != artifacts["deployed_bytecode"].lower():
        raise SeedError("deployed code differs from the precompiled artifact")
    if plan.get("next_timestamp"):
        rpc.call("evm_setNextBlockTimestamp", int(plan["next_timestamp"]))
    return {
        "token": plan["token"],
        "seed_block": rpc.block_number(),
        "tx_hashes": hashes,
        "code_sha256": hashlib.sha256(bytes.fromhex(code.removeprefix("0x"))).hexdigest(),
    }


def main(argv: list[str]) -> int:
    started = time.monotonic()
    result: dict[str, Any] = {"ok": False, "error": ""}
    try:
        plan = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        result.update(run(plan))
        result["ok"] = True
    except (SeedError, chainrpc.RpcError, KeyError, ValueError, OSError) as err:
        result["error"] = f"{type(err).__name__}: {err}"[:500]
    result["seconds"] = round(time.monotonic() - started, 3)
    with open(argv[0], "x", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
