"""JSON-RPC access to the sample's ledger node, and the chain evidence the scorer reads.

Standard library only (``http.client``; no proxy handling, no binaries): the ledger service,
the seeding step and the harness probe all talk to ``127.0.0.1:8545`` inside the jail through
this module, so nothing the agent can replace on disk sits between them and the node.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
from typing import Any

import evmcrypto as ec

RPC_HOST = "127.0.0.1"
RPC_PORT = 8545
LISTEN_STATE = "0A"


class RpcError(Exception):
    """The node did not answer, or answered with an error."""


class Rpc:
    """A minimal JSON-RPC client (one HTTP connection per call)."""

    def __init__(self, host: str = RPC_HOST, port: int = RPC_PORT, timeout: float = 10.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._id = 0

    def call(self, method: str, *params: Any) -> Any:
        self._id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request("POST", "/", body, {"Content-Type": "application/json"})
            raw = conn.getresponse().read()
        except (OSError, http.client.HTTPException) as err:
            raise RpcError(f"node unreachable: {type(err).__name__}") from None
        finally:
            conn.close()
        try:
            reply = json.loads(raw)
        except ValueError:
            raise RpcError("node sent a malformed reply") from None
        if not isinstance(reply, dict):
            raise RpcError("node sent a malformed reply")
        if reply.get("error"):
            raise RpcError(str(reply["error"].get("message", reply["error"]))[:300])
        return reply.get("result")

    # ----- typed helpers ------------------------------------------------------------------
    def chain_id(self) -> int:
        return int(self.call("eth_chainId"), 16)

    def block_number(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def block(self, number: int) -> dict[str, Any] | None:
        found = self.call("eth_getBlockByNumber", hex(number), False)
        return found if isinstance(found, dict) else None

    def code(self, address: str) -> str:
        return str(self.call("eth_getCode", address, "latest"))

    def balance_of(self, token: str, owner: str, block: int | None = None) -> int:
        tag = hex(block) if block is not None else "latest"
        data = "0x" + ec.balance_of_calldata(owner).hex()
        result = self.call("eth_call", {"to": token, "data": data}, tag)
        return int(result, 16) if result and result != "0x" else 0

    def nonce(self, address: str) -> int:
        return int(self.call("eth_getTransactionCount", address, "pending"), 16)

    def send_raw(self, raw: str) -> str:
        return str(self.call("eth_sendRawTransaction", raw))

    def receipt(self, tx_hash: str) -> dict[str, Any] | None:
        found = self.call("eth_getTransactionReceipt", tx_hash)
        return found if isinstance(found, dict) else None

    def transfer_logs(self, token: str, from_block: int, to_block: int) -> list[dict[str, Any]]:
        """Decoded ``Transfer`` events of ``token`` in ``[from_block, to_block]``, in order."""
        if to_block < from_block:
            return []
        logs = self.call(
            "eth_getLogs",
            {
                "address": token,
                "fromBlock": hex(from_block),
                "toBlock": hex(to_block),
                "topics": [ec.TRANSFER_TOPIC],
            },
        )
        return [decode_transfer(entry) for entry in logs or []]


def decode_transfer(entry: dict[str, Any]) -> dict[str, Any]:
    """A raw ``Transfer`` log as ``{block, tx_hash, log_index, from, to, value}``."""
    topics = entry.get("topics") or []
    return {
        "block": int(entry["blockNumber"], 16),
        "block_hash": str(entry.get("blockHash", "")).lower(),
        "tx_hash": str(entry["transactionHash"]).lower(),
        "log_index": int(entry["logIndex"], 16),
        "from": ec.topic_address(topics[1]) if len(topics) > 1 else "",
        "to": ec.topic_address(topics[2]) if len(topics) > 2 else "",
        "value": int(entry.get("data") or "0x0", 16),
    }


def logs_digest(logs: list[dict[str, Any]]) -> str:
    """Stable digest of a list of decoded transfers (block, tx, index, from, to, value)."""
    rows = [
        [t["block"], t["tx_hash"], t["log_index"], t["from"], t["to"], t["value"]] for t in logs
    ]
    return hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()


def _listener_inodes(port: int) -> set[str]:
    """Socket inodes listening on 127.0.0.1:``port`` (or 0.0.0.0) in this network namespace."""
    inodes: set[str] = set()
    wanted = {f"0100007F:{port:04X}", f"00000000:{port:04X}"}
    try:
        with open("/proc/net/tcp", encoding="ascii") as fh:
            next(fh, None)
            for line in fh:
                parts = line.split()
                if len(parts) > 9 and parts[1] in wanted and parts[3] == LISTEN_STATE:
                    inodes.add(parts[9])
    except OSError:
        pass
    return inodes


def node_process(pid: int, port: int = RPC_PORT) -> dict[str, Any]:
    """Whether ``pid`` is alive, is anvil, and owns the socket listening on ``port``."""
    info: dict[str, Any] = {"pid": pid, "alive": False, "comm": "", "serves_rpc": False}
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as fh:
            info["comm"] = fh.read().strip()
        info["alive"] = True
    except OSError:
        return info
    inodes = _listener_inodes(port)
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                info["serves_rpc"] = True
                break
    except OSError:
        pass
    return info


def chain_evidence(
    rpc: Rpc,
    token: str,
    addresses: dict[str, str],
    seed_block: int,
    blocks: list[int],
    node_pid: int | None,
    port: int = RPC_PORT,
) -> dict[str, Any]:
    """Everything the scorer needs to know about the chain, read from the node right now.

    Args:
        rpc: client of the sample's node.
        token: the settlement token's address.
        addresses: label -> address of every wallet whose balance is reported.
        seed_block: last block of the seed history.
        blocks: further block numbers whose current hash is reported (those receipts cite).
        node_pid: jail pid of the anvil process started at bootstrap.
        port: the node's RPC port (for the listening-socket check).

    Returns:
        ``reachable`` false (with ``error``) when the node does not answer; otherwise chain id,
        latest block, code hash, seed-block hash, cited block hashes, seed log count and
        digest, every ``Transfer`` after the seed block, and balances of the listed wallets and
        of every address those transfers touch.
    """
    out: dict[str, Any] = {"reachable": False, "error": "", "seed_block": seed_block}
    if node_pid is not None:
        out["node"] = node_process(node_pid, port)
    try:
        out["chain_id"] = rpc.chain_id()
        latest = rpc.block_number()
        out["latest_block"] = latest
        code = rpc.code(token)
        raw_code = bytes.fromhex(code.removeprefix("0x")) if code else b""
        out["code_sha256"] = hashlib.sha256(raw_code).hexdigest() if raw_code else None
        seed = rpc.block(seed_block) if seed_block <= latest else None
        out["seed_block_hash"] = seed.get("hash") if seed else None
        hashes: dict[str, str | None] = {}
        for number in sorted(set(blocks)):
            found = rpc.block(number) if number <= latest else None
            hashes[str(number)] = found.get("hash") if found else None
        out["block_hashes"] = hashes
        seed_logs = rpc.transfer_logs(token, 0, min(seed_block, latest)) if raw_code else []
        out["seed_log_count"] = len(seed_logs)
        out["seed_log_digest"] = logs_digest(seed_logs)
        post = rpc.transfer_logs(token, seed_block + 1, latest) if raw_code else []
        out["transfers"] = post
        wanted = dict(addresses)
        for t in post:
            for addr in (t["from"], t["to"]):
                if addr and addr not in wanted.values():
                    wanted[addr] = addr
        out["balances"] = {
            label: (rpc.balance_of(token, addr) if raw_code else 0)
            for label, addr in wanted.items()
        }
        out["reachable"] = True
    except (RpcError, KeyError, ValueError, TypeError) as err:
        out["error"] = str(err)[:300]
    return out
