# SPDX-License-Identifier: Apache-2.0
"""Pure-Python digests of the v2 Ethereum bridge (bridge-contracts.md §2.3, §2.4, §2.6).

Independent of the contract: tests sign these digests with eth_account and the
contract must accept the signatures, and test_digest_vectors.py checks them
against the spec's vector C.
"""
from __future__ import annotations

from eth_utils import keccak

EIP191_PREFIX = b"\x19Ethereum Signed Message:\n32"

ADD_VALIDATOR = 1
REMOVE_VALIDATOR = 2
ADD_SUPPORTED_TOKEN = 3
REMOVE_SUPPORTED_TOKEN = 4
ADD_SUPPORTED_WRAPPED_TOKEN = 5
REMOVE_SUPPORTED_WRAPPED_TOKEN = 6
SET_PAUSE = 7
COMPLETE_TRANSFER = 8


def _u256(n: int) -> bytes:
    return int(n).to_bytes(32, "big")


def _u32(n: int) -> bytes:
    return int(n).to_bytes(4, "big")


def _addr(a) -> bytes:
    raw = bytes.fromhex(a[2:]) if isinstance(a, str) else bytes(a)
    if len(raw) != 20:
        raise ValueError(f"address must be 20 bytes, got {len(raw)}")
    return raw


def _bytes(b) -> bytes:
    return bytes.fromhex(b[2:]) if isinstance(b, str) else bytes(b)


def eip191(inner: bytes) -> bytes:
    """keccak256("\\x19Ethereum Signed Message:\\n32" ‖ inner)."""
    return keccak(EIP191_PREFIX + inner)


def complete_transfer_packed(tx_id, operation_id, token, relayer, recipient, value, payment,
                             metadata: str, bridge, expiration, chain_id) -> bytes:
    """abi.encodePacked of the v2 completeTransfer message (§2.3 v2)."""
    return (_u256(COMPLETE_TRANSFER) + _bytes(tx_id) + _u256(operation_id) + _addr(token)
            + _addr(relayer) + _addr(recipient) + _u256(value) + _u256(payment)
            + metadata.encode("utf-8") + _addr(bridge) + _u256(expiration) + _u32(chain_id))


def complete_transfer_digest(*args, **kwargs) -> bytes:
    """The EIP-191 digest validators sign for completeTransfer (v2)."""
    return eip191(keccak(complete_transfer_packed(*args, **kwargs)))


def completed_key(tx_id, operation_id) -> bytes:
    """Replay key: EIP191(keccak256(txId ‖ uint256(operationId))) (§2.3 step 4)."""
    return eip191(keccak(_bytes(tx_id) + _u256(operation_id)))


def admin_digest(action: int, target, nonce: int, bridge, expiration: int, chain_id) -> bytes:
    """Add/remove validator or token (§2.4). v2 appends uint32 chainId; chain_id=None gives
    the v1 layout (used to check the spec's vector F). No fee field (see README)."""
    packed = _u256(action) + _addr(target) + _u256(nonce) + _addr(bridge) + _u256(expiration)
    if chain_id is not None:
        packed += _u32(chain_id)
    return eip191(keccak(packed))


def pause_digest(pause: bool, nonce: int, bridge, expiration: int, chain_id: int) -> bytes:
    """pause / unpause: uint256 7 ‖ bool (1 byte) ‖ nonce ‖ this ‖ expiration ‖ chainId."""
    packed = (_u256(SET_PAUSE) + (b"\x01" if pause else b"\x00") + _u256(nonce) + _addr(bridge)
              + _u256(expiration) + _u32(chain_id))
    return eip191(keccak(packed))


def quorum(n: int) -> int:
    """v2 quorum Q(N) = floor((5N + 10) / 9) (§2.6)."""
    return (5 * n + 10) // 9


def normalize(amount: int, decimals: int) -> int:
    """Token units -> 8-decimal units (only tokens with more than 8 decimals are scaled)."""
    return amount // 10 ** (decimals - 8) if decimals > 8 else amount


def sign(digest: bytes, private_key) -> bytes:
    """65-byte r ‖ s ‖ v (v = 27/28) over an already-prefixed digest, as validators sign."""
    from eth_account import Account

    signed = Account.unsafe_sign_hash(digest, private_key)
    return signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v])


def sign_inner(inner_hash: bytes, private_key) -> bytes:
    """Same signature made the wallet way: eth_account applies the EIP-191 prefix itself."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    signed = Account.sign_message(encode_defunct(primitive=inner_hash), private_key)
    return signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v])
