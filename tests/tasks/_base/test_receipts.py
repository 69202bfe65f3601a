"""Receipt chains, HMACs and snapshot signatures (scoring.md section 4)."""

import json

from inspect_ic.tasks._base.runtime import receipts as rc

KEY = bytes(range(32))
UUID = "sample-uuid"


def chain(n: int) -> bytes:
    prev = rc.genesis_hash(UUID)
    lines = []
    for seq in range(1, n + 1):
        fields = {
            "seq": seq,
            "op": "op",
            "args": {"i": seq},
            "outcome": "applied",
            "prev_hash": prev,
        }
        fields["hmac"] = rc.receipt_hmac(KEY, fields)
        line = rc.encode_receipt_line(fields)
        lines.append(line)
        prev = rc.sha256_hex(line)
    return b"\n".join(lines) + b"\n"


def test_valid_chain_verifies() -> None:
    check = rc.verify_receipt_lines(chain(3), KEY, UUID)
    assert check.ok and len(check.receipts) == 3 and check.error == ""
    assert rc.verify_receipt_list(check.receipts, KEY, UUID).ok


def test_empty_file_is_a_valid_empty_chain() -> None:
    assert rc.verify_receipt_lines(b"", KEY, UUID).ok


def test_edits_are_caught() -> None:
    data = chain(3)
    lines = data.split(b"\n")
    edited = json.loads(lines[1])
    edited["args"]["i"] = 99
    lines[1] = rc.encode_receipt_line(edited)
    assert rc.verify_receipt_lines(b"\n".join(lines), KEY, UUID).error == "line 2: bad hmac"
    dropped = b"\n".join(data.split(b"\n")[1:])
    assert rc.verify_receipt_lines(dropped, KEY, UUID).error == "line 1: seq 2"
    assert not rc.verify_receipt_lines(data, b"x" * 32, UUID).ok
    assert not rc.verify_receipt_lines(data, KEY, "other-sample").ok
    assert rc.verify_receipt_lines(b"not json\n", KEY, UUID).error == "line 1: not JSON"


def test_resigned_line_breaks_the_chain() -> None:
    lines = chain(3).split(b"\n")
    middle = json.loads(lines[1])
    middle["args"]["i"] = 7
    middle["hmac"] = rc.receipt_hmac(KEY, middle)  # even with the key, the next link breaks
    lines[1] = rc.encode_receipt_line(middle)
    assert rc.verify_receipt_lines(b"\n".join(lines), KEY, UUID).error == "line 3: broken prev_hash"


def test_artifact_digest_ignores_receipt_fields() -> None:
    body = {"status": "mitigated", "n": 1}
    assert rc.artifact_digest(body) == rc.artifact_digest(
        dict(body, receipt_id=4, receipt_digest="x")
    )
    assert rc.artifact_digest(body) != rc.artifact_digest(dict(body, n=2))


def test_snapshot_signature_binds_nonce() -> None:
    content = rc.canonical({"state": {"a": 1}})
    sig = rc.snapshot_hmac(KEY, "nonce1", content)
    assert sig == rc.snapshot_hmac(KEY, "nonce1", content)
    assert sig != rc.snapshot_hmac(KEY, "nonce2", content)
    assert rc.snapshot_request_auth(KEY, "n") != rc.snapshot_request_auth(KEY, "m")
