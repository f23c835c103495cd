# SPDX-License-Identifier: Apache-2.0
"""A small schema-driven proto3 codec with Koinos JSON rendering.

A message value is a plain dict keyed by proto field name; repeated fields are lists;
nested messages are dicts.  `encode` writes standard proto3 (defaults omitted, except
oneof members and set sub-messages), `decode` fills defaults, `to_json`/`from_json`
follow koinos.md §6.2 (uint64 as strings, bytes by btype, defaults omitted).
"""

from dataclasses import dataclass, field as dc_field

from . import wire
from .textenc import DECODERS, ENCODERS, TextEncodingError

_RANGES = {"u64": (0, (1 << 64) - 1), "u32": (0, (1 << 32) - 1),
           "i32": (-(1 << 31), (1 << 31) - 1), "i64": (-(1 << 63), (1 << 63) - 1)}
_INTS = set(_RANGES)


class SchemaError(ValueError):
    """A value does not fit the schema (bad JSON params or bad protobuf bytes)."""


@dataclass(frozen=True)
class Field:
    number: int
    name: str
    kind: str  # bytes | string | bool | u64 | u32 | i32 | i64 | msg
    btype: str = "b64"
    repeated: bool = False
    msg: "Message | None" = None
    always: bool = False  # oneof member: emitted even when default


@dataclass
class Message:
    name: str
    fields: list = dc_field(default_factory=list)

    def __post_init__(self):
        self.fields = sorted(self.fields, key=lambda f: f.number)
        self.by_number = {f.number: f for f in self.fields}


def _default(f: Field):
    if f.repeated:
        return []
    return {"bytes": b"", "string": "", "bool": False, "msg": None}.get(f.kind, 0)


def _is_default(f: Field, value) -> bool:
    return value == _default(f) and f.kind != "msg"


def _encode_one(f: Field, value) -> bytes:
    if f.kind == "msg":
        return wire.field_bytes(f.number, encode(f.msg, value))
    if f.kind == "bytes":
        return wire.field_bytes(f.number, bytes(value))
    if f.kind == "string":
        return wire.field_bytes(f.number, value.encode("utf-8"))
    if f.kind == "bool":
        return wire.field_varint(f.number, 1 if value else 0)
    return wire.field_varint(f.number, int(value))


def encode(schema: Message, obj: dict) -> bytes:
    out = bytearray()
    for f in schema.fields:
        value = obj.get(f.name)
        if value is None:
            continue
        if f.repeated:
            for item in value:
                out += _encode_one(f, item)
        elif f.always or not _is_default(f, value):
            out += _encode_one(f, value)
    return bytes(out)


def _decode_one(f: Field, wire_type: int, raw):
    length_delimited = f.kind in ("bytes", "string", "msg")
    if (wire_type == 2) != length_delimited:
        raise SchemaError(f"{f.name}: unexpected wire type {wire_type}")
    if f.kind == "msg":
        return decode(f.msg, raw)
    if f.kind == "bytes":
        return raw
    if f.kind == "string":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise SchemaError(f"{f.name}: invalid utf-8") from None
    if f.kind == "bool":
        return raw != 0
    if f.kind in ("i32", "i64") and raw >= 1 << 63:
        raw -= 1 << 64
    if f.kind == "u32":
        raw &= 0xFFFFFFFF
    low, high = _RANGES[f.kind]
    if not low <= raw <= high:
        raise SchemaError(f"{f.name}: value out of range")
    return raw


def decode(schema: Message, data: bytes) -> dict:
    obj = {f.name: _default(f) for f in schema.fields}
    present = set()
    try:
        triples = wire.read_fields(data)
    except wire.WireError as exc:
        raise SchemaError(f"{schema.name}: {exc}") from None
    for number, wire_type, raw in triples:
        f = schema.by_number.get(number)
        if f is None:
            continue
        value = _decode_one(f, wire_type, raw)
        if f.repeated:
            obj[f.name].append(value)
        else:
            obj[f.name] = value
            present.add(f.name)
    obj["_present"] = present
    return obj


def to_json(schema: Message, obj: dict) -> dict:
    out = {}
    for f in schema.fields:
        value = obj.get(f.name)
        if value is None:
            continue
        if f.repeated:
            if value:
                out[f.name] = [_json_one(f, item) for item in value]
        elif f.always or not _is_default(f, value):
            out[f.name] = _json_one(f, value)
    return out


def _json_one(f: Field, value):
    if f.kind == "msg":
        return to_json(f.msg, value)
    if f.kind == "bytes":
        return ENCODERS[f.btype](bytes(value))
    if f.kind in ("u64", "i64"):
        return str(int(value))
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def from_json(schema: Message, data) -> dict:
    if not isinstance(data, dict):
        raise SchemaError(f"{schema.name}: expected a JSON object")
    obj = {}
    for f in schema.fields:
        value = data.get(f.name, data.get(_camel(f.name)))
        if value is None:
            continue
        if f.repeated:
            if not isinstance(value, list):
                raise SchemaError(f"{f.name}: expected a list")
            obj[f.name] = [_from_json_one(f, item) for item in value]
        else:
            obj[f.name] = _from_json_one(f, value)
    return obj


def _from_json_one(f: Field, value):
    try:
        if f.kind == "msg":
            return from_json(f.msg, value)
        if f.kind == "bytes":
            return DECODERS[f.btype](value)
    except TextEncodingError as exc:
        raise SchemaError(f"{f.name}: {exc}") from None
    if f.kind == "string":
        if not isinstance(value, str):
            raise SchemaError(f"{f.name}: expected a string")
        return value
    if f.kind == "bool":
        if not isinstance(value, bool):
            raise SchemaError(f"{f.name}: expected a boolean")
        return value
    if f.kind in _INTS:
        return _parse_int(f, value)
    raise SchemaError(f"{f.name}: unsupported kind")


def _parse_int(f: Field, value) -> int:
    if isinstance(value, bool):
        raise SchemaError(f"{f.name}: expected an integer")
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise SchemaError(f"{f.name}: expected an integer string")
        value = int(text)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise SchemaError(f"{f.name}: expected an integer")
    low, high = _RANGES[f.kind]
    if not low <= value <= high:
        raise SchemaError(f"{f.name}: integer out of range")
    return value
