# SPDX-License-Identifier: Apache-2.0
"""Builders for bridge calls: complete_transfer (v1/v2) and quorum-signed admin actions."""

from kit import encode_fields
from koinossim import crypto
from koinossim.textenc import b58decode

COMPLETE_TRANSFER, ADD_VALIDATOR, REMOVE_VALIDATOR, SET_PAUSE = (
    0x4d4d3ef9, 0xfc15f1be, 0xff61ff26, 0x39a2c4e4)
GET_VALIDATORS, GET_METADATA, GET_TRANSFER_STATUS = 0x50068f92, 0xfcf7a68f, 0x27ff4bd5
GET_SUPPORTED_TOKENS, GET_SUPPORTED_WRAPPED_TOKENS = 0xc8e36f04, 0x2f540a24


def transfer_digest(profile: str, bridge: str, t: dict) -> bytes:
    """sha256 of complete_transfer_hash, written field by field (bridge-contracts.md §2.2)."""
    if profile == "v1":
        fields = [(1, 8), (2, t["tx"]), (3, b58decode(t["token"])), (4, b58decode(t["recipient"])),
                  (5, t["value"]), (6, b58decode(bridge)), (7, t["expiration"])]
    else:
        relayer = b58decode(t["relayer"]) if t.get("relayer") else b""
        fields = [(1, 8), (2, t["tx"]), (3, b58decode(t["token"])), (4, b58decode(t["recipient"])),
                  (5, relayer), (6, t["value"]), (7, t.get("payment", 0)),
                  (8, t.get("metadata", "")), (9, b58decode(bridge)), (10, t["expiration"]),
                  (11, t["chain"])]
    return crypto.sha256(encode_fields(fields))


def complete_transfer_args(profile: str, t: dict, signatures: list[bytes]) -> bytes:
    if profile == "v1":
        fields = [(1, t["tx"]), (2, b58decode(t["token"])), (3, b58decode(t["recipient"])),
                  (4, t["value"])]
        fields += [(6, s) for s in signatures] + [(7, t["expiration"])]
    else:
        relayer = b58decode(t["relayer"]) if t.get("relayer") else b""
        fields = [(1, t["tx"]), (2, b58decode(t["token"])), (3, relayer),
                  (4, b58decode(t["recipient"])), (5, t["value"]), (6, t.get("payment", 0)),
                  (7, t.get("metadata", ""))]
        fields += [(8, s) for s in signatures] + [(9, t["expiration"])]
    return encode_fields(fields)


def sign_all(keys: list[bytes], digest: bytes) -> list[bytes]:
    return [crypto.sign_compact(k, digest) for k in keys]


def validator_action_digest(profile: str, action: int, validator: str, nonce: int, bridge: str,
                            expiration: int, chain: int = 1) -> bytes:
    fields = [(1, action), (2, b58decode(validator)), (3, nonce), (4, b58decode(bridge)),
              (5, expiration)]
    if profile == "v2":
        fields.append((6, chain))
    return crypto.sha256(encode_fields(fields))


def validator_action_args(signatures: list[bytes], validator: str, expiration: int) -> bytes:
    return encode_fields([(1, s) for s in signatures] + [(2, b58decode(validator)),
                                                         (3, expiration)])


def pause_digest(profile: str, pause: bool, nonce: int, bridge: str, expiration: int,
                 chain: int = 1) -> bytes:
    fields = [(1, 7), (2, pause), (3, nonce), (4, b58decode(bridge)), (5, expiration)]
    if profile == "v2":
        fields.append((6, chain))
    return crypto.sha256(encode_fields(fields))


def pause_args(signatures: list[bytes], pause: bool, expiration: int) -> bytes:
    return encode_fields([(1, s) for s in signatures] + [(2, pause), (3, expiration)])
