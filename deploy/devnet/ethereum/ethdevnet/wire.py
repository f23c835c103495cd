# SPDX-License-Identifier: Apache-2.0
"""JSON-RPC errors and conversions between wire values and eth-tester values."""
from __future__ import annotations

import re

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_ERROR = -32000
LIMIT_EXCEEDED = -32005  # what Infura and geth answer for eth_getLogs limits
EXECUTION_REVERTED = 3   # geth's code for a reverted eth_call / eth_estimateGas

_HEX = re.compile(r"^0x[0-9a-fA-F]*$")
_CAMEL = re.compile(r"_([a-z])")


class RpcError(Exception):
    """An error answered as a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def to_json(self) -> dict:
        err = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


def invalid(message: str) -> RpcError:
    return RpcError(INVALID_PARAMS, message)


def quantity(value, what: str = "quantity") -> int:
    """A hex quantity ("0x1f"), a JSON integer or a decimal string -> int >= 0."""
    if isinstance(value, bool):
        raise invalid(f"invalid {what}: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise invalid(f"invalid {what}: negative")
        return value
    if isinstance(value, str):
        if _HEX.match(value) and len(value) > 2 and len(value) <= 66:
            return int(value, 16)
        if value.isdigit() and len(value) <= 78:
            return int(value)
    raise invalid(f"invalid {what}: {value!r}")


def data_bytes(value, what: str = "data", length: int | None = None) -> bytes:
    """0x-prefixed hex -> bytes, optionally of an exact length."""
    if not isinstance(value, str) or not _HEX.match(value) or len(value) % 2:
        raise invalid(f"invalid {what}: {value!r}")
    raw = bytes.fromhex(value[2:])
    if length is not None and len(raw) != length:
        raise invalid(f"invalid {what}: expected {length} bytes, got {len(raw)}")
    return raw


def address(value, what: str = "address") -> str:
    from eth_utils import to_checksum_address

    return to_checksum_address(data_bytes(value, what, 20))


def camel(key: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), key)


def to_wire(obj, key: str | None = None):
    """eth-tester values (snake_case keys, ints, bytes) -> JSON-RPC wire values."""
    if obj is None or isinstance(obj, bool):
        return obj
    if isinstance(obj, int):
        return "0x%0512x" % obj if key == "logsBloom" else hex(obj)
    if isinstance(obj, (bytes, bytearray)):
        return "0x" + bytes(obj).hex()
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            ck = camel(k)
            out[ck] = to_wire(v, ck)
        return out
    if isinstance(obj, (list, tuple)):
        return [to_wire(v, key) for v in obj]
    return obj


_TX_FIELDS = {"from": "from", "to": "to", "gas": "gas", "gasPrice": "gas_price",
              "maxFeePerGas": "max_fee_per_gas", "maxPriorityFeePerGas": "max_priority_fee_per_gas",
              "value": "value", "nonce": "nonce", "data": "data", "input": "data"}


def tx_params(obj, default_from: str) -> dict:
    """A wire transaction object (eth_call / eth_sendTransaction) -> eth-tester's format."""
    if not isinstance(obj, dict):
        raise invalid("transaction must be an object")
    out: dict = {}
    for k, v in obj.items():
        name = _TX_FIELDS.get(k)
        if name is None or v is None:
            continue  # unknown or unsupported fields (accessList, type, chainId) are ignored
        if name in ("from", "to"):
            out[name] = address(v, k)
        elif name == "data":
            out[name] = "0x" + data_bytes(v, k).hex()
        else:
            out[name] = quantity(v, k)
    out.setdefault("from", default_from)
    if "gas_price" in out and ("max_fee_per_gas" in out or "max_priority_fee_per_gas" in out):
        raise invalid("both gasPrice and maxFeePerGas specified")
    return out
