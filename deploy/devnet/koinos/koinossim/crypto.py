# SPDX-License-Identifier: Apache-2.0
"""Koinos hashing, addresses and compact secp256k1 signatures (koinos.md §4, §5).

Recovery follows the chain (koinos-crypto-cpp): 65 bytes, s ≤ n/2 ("canonical"),
header byte in [31, 33] and recovery id = header >> 5.
"""

import hashlib

import coincurve

from .errors import ChainError, INVALID_SIGNATURE
from .ripemd160 import ripemd160

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_N = SECP256K1_N // 2
SHA256_PREFIX = b"\x12\x20"


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def multihash(data: bytes) -> bytes:
    """sha2-256 multihash: 0x12 0x20 ‖ sha256(data)."""
    return SHA256_PREFIX + sha256(data)


def merkle_root(leaves: list[bytes]) -> bytes:
    """Operation/transaction merkle root over raw sha256 leaf digests, as a multihash.

    Pairs hash as sha256(left ‖ right); an odd last node is carried up; no leaves → sha256(b"").
    """
    if not leaves:
        return multihash(b"")
    level = list(leaves)
    while len(level) > 1:
        nxt = [sha256(level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return SHA256_PREFIX + level[0]


def address_from_pubkey(compressed: bytes) -> bytes:
    """25-byte Koinos address: 0x00 ‖ ripemd160(sha256(pub)) ‖ 4-byte double-sha256 checksum."""
    body = b"\x00" + ripemd160(sha256(compressed))
    return body + sha256(sha256(body))[:4]


def is_valid_address(address: bytes) -> bool:
    return (len(address) == 25 and address[0] == 0
            and sha256(sha256(address[:21]))[:4] == address[21:])


def recover_address(signature: bytes, digest: bytes) -> bytes:
    """Recover the signer address of a 65-byte compact signature over a 32-byte digest.

    Raises ChainError(invalid_signature) with the chain's messages.
    """
    if len(signature) != 65:
        raise ChainError(INVALID_SIGNATURE, "unexpected signature length")
    if int.from_bytes(signature[33:65], "big") > HALF_N:
        raise ChainError(INVALID_SIGNATURE, "signature must be canonical")
    header = signature[0]
    if not 31 <= header <= 33:
        raise ChainError(INVALID_SIGNATURE, "public key is invalid")
    recid = header >> 5
    try:
        pub = coincurve.PublicKey.from_signature_and_message(
            signature[1:65] + bytes([recid]), digest, hasher=None)
    except Exception:  # noqa: BLE001 - coincurve raises plain Exception on bad signatures
        raise ChainError(INVALID_SIGNATURE, "public key is invalid") from None
    return address_from_pubkey(pub.format(compressed=True))


def sign_compact(private_key: bytes, digest: bytes) -> bytes:
    """RFC 6979 signature, low-S normalised, as header(31+recid) ‖ r ‖ s."""
    raw = coincurve.PrivateKey(private_key).sign_recoverable(digest, hasher=None)
    r, s, recid = raw[:32], int.from_bytes(raw[32:64], "big"), raw[64]
    if s > HALF_N:
        s = SECP256K1_N - s
        recid ^= 1
    return bytes([31 + recid]) + r + s.to_bytes(32, "big")


def address_from_private_key(private_key: bytes) -> bytes:
    return address_from_pubkey(coincurve.PrivateKey(private_key).public_key.format(compressed=True))
