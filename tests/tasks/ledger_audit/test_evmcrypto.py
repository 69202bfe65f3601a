"""The pure-Python Ethereum primitives against known vectors (cross-checked with cast 1.7.1)."""

from __future__ import annotations

import subprocess

import pytest

from inspect_ic.tasks.ledger_audit import chain, seedplan

evm = seedplan.evm


def test_keccak_vectors() -> None:
    assert evm.keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    # Longer than one 136-byte block (cast keccak of 300 x 'a').
    assert evm.keccak256(b"a" * 300).hex() == (
        "5b7e0e47a96f32a88b4f14ca177982790807c40e1a105742ba0fc1babe1ef826"
    )
    assert evm.TRANSFER_TOPIC == (
        "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    )


def test_key_derivation_and_address() -> None:
    key = evm.private_key_from_seed("s", "x")
    assert hex(key) == "0xb82f3479062865ddcde684c47a48010dc04e12dab2d94072fce192defd249fee"
    assert evm.address_of(key) == "0x09feb853ce03cfae72a9863f64c0408533561bc6"
    assert evm.checksum(evm.address_of(key)) == "0x09Feb853ce03CFae72A9863f64C0408533561Bc6"


def test_legacy_transaction_matches_cast_mktx() -> None:
    key = evm.private_key_from_seed("s", "x")
    raw, tx_hash = evm.sign_legacy_tx(
        key,
        nonce=0,
        gas_price=3_000_000_000,
        gas=100_000,
        to="0x" + "11" * 20,
        value=0,
        data=evm.transfer_calldata("0x" + "22" * 20, 4200),
        chain_id=31337,
    )
    assert raw.endswith("a05cc0073d18aba80896f303a004294fd04dc61c240ab8e3e520363d6774dfd605")
    assert raw.startswith("0xf8ab8084b2d05e00830186a0941111")
    assert tx_hash == "0xa6414448ed132199b21715941f1b76a3f8dc8aa2cdb2b1646c76d755dc788c7d"


def test_rlp_and_contract_address() -> None:
    assert evm.rlp_encode(b"") == b"\x80"
    assert evm.rlp_encode(0) == b"\x80"
    assert evm.rlp_encode(b"\x7f") == b"\x7f"
    assert evm.rlp_encode([]) == b"\xc0"
    assert evm.rlp_encode(b"a" * 60)[:2] == b"\xb8\x3c"
    # The classic example: the first contract of 0x6ac7...c2e0 (nonce 0).
    assert evm.contract_address("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 0) == (
        "0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"
    )


def test_wallet_keys_are_not_anvil_dev_accounts() -> None:
    dev = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
    assert dev not in seedplan.addresses().values()
    assert len(set(seedplan.addresses().values())) == len(seedplan.addresses())


def test_addresses_agree_with_cast() -> None:
    """Every wallet address equals what cast derives from the same key (when installed)."""
    cast = chain.foundry_bin() / "cast"
    if not chain.foundry_installed():
        pytest.skip("Foundry not installed (the chain tests install it)")
    for label, address in seedplan.addresses().items():
        out = subprocess.run(
            [str(cast), "wallet", "address", "--private-key", seedplan.key_hex(label)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert out.lower() == address
