"""Ethereum primitives in pure Python: Keccak-256, secp256k1 signing, RLP, legacy transactions.

Standard library only. It runs inside the jail (the ledger service signs operator transfers and
the seeding step signs the seed history with it) and on the host (the task computes wallet
addresses and the seed transaction hashes with the very same code). Signatures are
deterministic (RFC 6979) and transactions use a fixed gas price, so every seed transaction hash
is known before the chain exists.
"""

from __future__ import annotations

import hashlib
import hmac

# ----- Keccak-256 (the pre-standard padding Ethereum uses, not hashlib's sha3_256) -------------

_MASK = (1 << 64) - 1
_RC = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
# Rotation offsets r[x][y] for lane x + 5*y.
_ROT = (
    (0, 36, 3, 41, 18),
    (1, 44, 10, 45, 2),
    (62, 6, 43, 15, 61),
    (28, 55, 25, 21, 56),
    (27, 20, 39, 8, 14),
)
_RATE = 136


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK if shift else value


def _keccak_f(a: list[int]) -> None:
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        for i in range(25):
            a[i] ^= d[i % 5]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl(a[x + 5 * y], _ROT[x][y])
        for y in range(5):
            row = b[5 * y : 5 * y + 5]
            for x in range(5):
                a[x + 5 * y] = row[x] ^ ((~row[(x + 1) % 5]) & row[(x + 2) % 5])
        a[0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 digest of ``data`` (32 bytes)."""
    padded = bytearray(data)
    padded.append(0x01)
    padded.extend(b"\x00" * (-len(padded) % _RATE))
    padded[-1] |= 0x80
    state = [0] * 25
    for offset in range(0, len(padded), _RATE):
        block = padded[offset : offset + _RATE]
        for i in range(_RATE // 8):
            state[i] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


# ----- secp256k1 -------------------------------------------------------------------------------

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
GX = 0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798
GY = 0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8

Jacobian = tuple[int, int, int]


def _double(pt: Jacobian) -> Jacobian:
    x, y, z = pt
    if y == 0:
        return (0, 0, 0)
    ysq = y * y % P
    s = 4 * x * ysq % P
    m = 3 * x * x % P
    nx = (m * m - 2 * s) % P
    ny = (m * (s - nx) - 8 * ysq * ysq) % P
    return (nx, ny, 2 * y * z % P)


def _add(p1: Jacobian, p2: Jacobian) -> Jacobian:
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1sq, z2sq = z1 * z1 % P, z2 * z2 % P
    u1, u2 = x1 * z2sq % P, x2 * z1sq % P
    s1, s2 = y1 * z2sq * z2 % P, y2 * z1sq * z1 % P
    if u1 == u2:
        return _double(p1) if s1 == s2 else (0, 0, 0)
    h, r = (u2 - u1) % P, (s2 - s1) % P
    h2 = h * h % P
    h3 = h * h2 % P
    u1h2 = u1 * h2 % P
    nx = (r * r - h3 - 2 * u1h2) % P
    ny = (r * (u1h2 - nx) - s1 * h3) % P
    return (nx, ny, h * z1 * z2 % P)


def _multiply(k: int) -> tuple[int, int]:
    """``k * G`` in affine coordinates."""
    result: Jacobian = (0, 0, 0)
    addend: Jacobian = (GX, GY, 1)
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _double(addend)
        k >>= 1
    x, y, z = result
    zinv = pow(z, -1, P)
    return x * zinv * zinv % P, y * zinv * zinv * zinv % P


def private_key_from_seed(seed: str, label: str) -> int:
    """The documented key derivation: SHA-256 of ``"<seed>/<label>"`` reduced into [1, N-1]."""
    digest = hashlib.sha256(f"{seed}/{label}".encode()).digest()
    return int.from_bytes(digest, "big") % (N - 1) + 1


def address_of(private_key: int) -> str:
    """Lower-case ``0x`` address of a private key."""
    x, y = _multiply(private_key)
    return "0x" + keccak256(x.to_bytes(32, "big") + y.to_bytes(32, "big"))[12:].hex()


def checksum(address: str) -> str:
    """EIP-55 mixed-case form of an address."""
    raw = address.lower().removeprefix("0x")
    digest = keccak256(raw.encode()).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(raw))


def _rfc6979_k(private_key: int, msg_hash: bytes) -> int:
    x = private_key.to_bytes(32, "big")
    h = (int.from_bytes(msg_hash, "big") % N).to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        candidate = int.from_bytes(v, "big")
        if 1 <= candidate < N:
            return candidate
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def sign(private_key: int, msg_hash: bytes) -> tuple[int, int, int]:
    """ECDSA signature ``(recovery_id, r, s)`` with low ``s`` (EIP-2)."""
    z = int.from_bytes(msg_hash, "big")
    k = _rfc6979_k(private_key, msg_hash)
    rx, ry = _multiply(k)
    r = rx % N
    s = pow(k, -1, N) * (z + r * private_key) % N
    recovery = (ry & 1) | (2 if rx >= N else 0)
    if s > N // 2:
        s = N - s
        recovery ^= 1
    return recovery, r, s


# ----- RLP and transactions -------------------------------------------------------------------

RlpItem = bytes | int | list["RlpItem"]


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""


def _length_prefix(length: int, offset: int) -> bytes:
    if length < 56:
        return bytes([offset + length])
    encoded = _int_bytes(length)
    return bytes([offset + 55 + len(encoded)]) + encoded


def rlp_encode(item: RlpItem) -> bytes:
    """RLP encoding of bytes, non-negative ints and nested lists of them."""
    if isinstance(item, int):
        item = _int_bytes(item)
    if isinstance(item, bytes):
        if len(item) == 1 and item[0] < 0x80:
            return item
        return _length_prefix(len(item), 0x80) + item
    payload = b"".join(rlp_encode(i) for i in item)
    return _length_prefix(len(payload), 0xC0) + payload


def hex_bytes(value: str) -> bytes:
    """Bytes of a ``0x`` hex string."""
    return bytes.fromhex(value.removeprefix("0x"))


def sign_legacy_tx(
    private_key: int,
    *,
    nonce: int,
    gas_price: int,
    gas: int,
    to: str | None,
    value: int,
    data: bytes,
    chain_id: int,
) -> tuple[str, str]:
    """Sign an EIP-155 legacy transaction; returns ``(raw tx hex, tx hash hex)``."""
    to_bytes = hex_bytes(to) if to else b""
    fields: list[RlpItem] = [nonce, gas_price, gas, to_bytes, value, data]
    digest = keccak256(rlp_encode([*fields, chain_id, 0, 0]))
    recovery, r, s = sign(private_key, digest)
    raw = rlp_encode([*fields, chain_id * 2 + 35 + recovery, r, s])
    return "0x" + raw.hex(), "0x" + keccak256(raw).hex()


def contract_address(deployer: str, nonce: int) -> str:
    """Address of the contract ``deployer`` creates with transaction ``nonce``."""
    return "0x" + keccak256(rlp_encode([hex_bytes(deployer), nonce]))[12:].hex()


# ----- ABI fragments of the settlement token --------------------------------------------------

TRANSFER_TOPIC = "0x" + keccak256(b"Transfer(address,address,uint256)").hex()
SELECTOR_TRANSFER = keccak256(b"transfer(address,uint256)")[:4]
SELECTOR_BALANCE_OF = keccak256(b"balanceOf(address)")[:4]


def word(value: int | str) -> bytes:
    """One 32-byte ABI word for a uint or an address."""
    if isinstance(value, str):
        return hex_bytes(value).rjust(32, b"\x00")
    return value.to_bytes(32, "big")


def transfer_calldata(to: str, amount: int) -> bytes:
    return SELECTOR_TRANSFER + word(to) + word(amount)


def balance_of_calldata(owner: str) -> bytes:
    return SELECTOR_BALANCE_OF + word(owner)


def topic_address(topic: str) -> str:
    """The address held in an indexed ``address`` log topic."""
    return "0x" + topic.removeprefix("0x")[-40:].lower()
