# SPDX-License-Identifier: Apache-2.0
"""Account nonces and mana (rc) in head-block state.

Mana regenerates linearly from its current value to the account's maximum over
`regen_ms` (the real chain regenerates KOIN-backed mana over 5 days; tests want seconds).
"""

from .protocol import VALUE_TYPE_U64
from .schema import SchemaError, decode, encode


def nonce_bytes(value: int) -> bytes:
    """Serialized koinos.chain.value_type{uint64_value}: 0 → 28 00, 1 → 28 01."""
    return encode(VALUE_TYPE_U64, {"uint64_value": value})


def parse_nonce(raw: bytes) -> int | None:
    """The uint64 nonce inside a value_type, or None when it is not a plain uint64_value."""
    try:
        value = decode(VALUE_TYPE_U64, raw)
    except SchemaError:
        return None
    if "uint64_value" not in value["_present"] or nonce_bytes(value["uint64_value"]) != raw:
        return None
    return value["uint64_value"]


class Accounts:
    def __init__(self, regen_ms: int):
        self.regen_ms = max(1, int(regen_ms))
        self.nonces: dict[bytes, int] = {}
        self.max_rc: dict[bytes, int] = {}
        self.rc: dict[bytes, tuple[int, int]] = {}  # account → (value, at ms)

    def nonce(self, account: bytes) -> int:
        return self.nonces.get(account, 0)

    def set_nonce(self, account: bytes, value: int) -> None:
        self.nonces[account] = value

    def rc_now(self, account: bytes, now_ms: int) -> int:
        maximum = self.max_rc.get(account, 0)
        value, at = self.rc.get(account, (maximum, now_ms))
        regenerated = value + (max(0, now_ms - at) * maximum) // self.regen_ms
        return min(maximum, regenerated)

    def set_rc(self, account: bytes, value: int, now_ms: int, maximum: int | None = None) -> None:
        if maximum is not None:
            self.max_rc[account] = maximum
        self.max_rc[account] = max(self.max_rc.get(account, 0), value)
        self.rc[account] = (value, now_ms)

    def consume_rc(self, account: bytes, used: int, now_ms: int) -> None:
        current = self.rc_now(account, now_ms)
        self.rc[account] = (max(0, current - used), now_ms)
