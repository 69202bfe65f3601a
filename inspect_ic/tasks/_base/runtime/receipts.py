"""Canonical JSON, HMAC receipts, hash chains and snapshot signatures (scoring.md section 4).

Standard library only: this module runs inside the jail (services import it from
``/opt/internal-services/lib``) and on the host (the scorer imports it from the package), so the
signing and the verification are one piece of code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

RECEIPT_PREFIX = b"receipt-v1\n"
SNAPSHOT_PREFIX = b"snapshot-v1\n"
SNAPSHOT_REQUEST_PREFIX = b"snapshot-request-v1\n"
ARTIFACT_RECEIPT_FIELDS = ("receipt_id", "receipt_digest")


def canonical(obj: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, ``,``/``:`` separators, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def state_digest(state: Any) -> str:
    """SHA-256 of the canonical JSON of an authoritative state object."""
    return sha256_hex(canonical(state))


def genesis_hash(sample_uuid: str) -> str:
    """``prev_hash`` of the first receipt: SHA-256 of ``genesis:<sample uuid>``."""
    return sha256_hex(f"genesis:{sample_uuid}".encode())


def receipt_hmac(key: bytes, fields: dict[str, Any]) -> str:
    """HMAC-SHA256 over ``receipt-v1\\n`` + canonical JSON of every field except ``hmac``."""
    body = {k: v for k, v in fields.items() if k != "hmac"}
    return hmac.new(key, RECEIPT_PREFIX + canonical(body), hashlib.sha256).hexdigest()


def artifact_digest(artifact: dict[str, Any]) -> str:
    """Digest of a tool-owned artifact without its ``receipt_id``/``receipt_digest`` fields."""
    body = {k: v for k, v in artifact.items() if k not in ARTIFACT_RECEIPT_FIELDS}
    return sha256_hex(canonical(body))


def snapshot_hmac(key: bytes, nonce: str, content: bytes) -> str:
    """HMAC-SHA256 over ``snapshot-v1\\n<nonce>\\n`` + snapshot content bytes."""
    return hmac.new(
        key, SNAPSHOT_PREFIX + nonce.encode() + b"\n" + content, hashlib.sha256
    ).hexdigest()


def snapshot_request_auth(key: bytes, nonce: str) -> str:
    """Authenticator the scorer sends with ``snapshot``; the service refuses anything else."""
    return hmac.new(key, SNAPSHOT_REQUEST_PREFIX + nonce.encode(), hashlib.sha256).hexdigest()


def encode_receipt_line(fields: dict[str, Any]) -> bytes:
    """The exact bytes of one ``receipts.jsonl`` line (without the newline)."""
    return canonical(fields)


@dataclass
class ChainCheck:
    """Result of verifying a receipt file.

    Attributes:
        ok: every line parsed, HMACs verify, ``seq`` runs 1..n and every ``prev_hash`` links.
        receipts: the parsed receipts, in file order (also when not ok, as far as parseable).
        error: first problem found, ``""`` when ok.
    """

    ok: bool
    receipts: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def verify_receipt_lines(data: bytes, key: bytes, sample_uuid: str) -> ChainCheck:
    """Verify a ``receipts.jsonl`` payload: parse, HMAC, sequence and hash chain.

    Args:
        data: raw file bytes (newline-separated canonical JSON lines).
        key: the per-sample HMAC key.
        sample_uuid: the sample uuid used for the genesis hash.

    Returns:
        A :class:`ChainCheck`; never raises on malformed input.
    """
    receipts: list[dict[str, Any]] = []
    prev = genesis_hash(sample_uuid)
    lines = [ln for ln in data.split(b"\n") if ln.strip()]
    for index, line in enumerate(lines, start=1):
        try:
            rec = json.loads(line)
        except ValueError:
            return ChainCheck(False, receipts, f"line {index}: not JSON")
        if not isinstance(rec, dict):
            return ChainCheck(False, receipts, f"line {index}: not an object")
        receipts.append(rec)
        if rec.get("seq") != index:
            return ChainCheck(False, receipts, f"line {index}: seq {rec.get('seq')!r}")
        if rec.get("prev_hash") != prev:
            return ChainCheck(False, receipts, f"line {index}: broken prev_hash")
        expected = receipt_hmac(key, rec)
        if not hmac.compare_digest(str(rec.get("hmac", "")), expected):
            return ChainCheck(False, receipts, f"line {index}: bad hmac")
        prev = sha256_hex(line)
    return ChainCheck(True, receipts, "")


def verify_receipt_list(receipts: list[dict[str, Any]], key: bytes, sample_uuid: str) -> ChainCheck:
    """Verify receipts given as parsed objects (e.g. from a snapshot)."""
    data = b"\n".join(encode_receipt_line(r) for r in receipts)
    return verify_receipt_lines(data, key, sample_uuid)
