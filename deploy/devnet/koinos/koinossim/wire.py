# SPDX-License-Identifier: Apache-2.0
"""Protobuf (proto3) wire primitives: varints, tags, and a strict field reader.

Standard proto3 output only: fields in ascending number order, default scalars
omitted by the caller, repeated bytes never packed.  The reader rejects truncated
input and unsupported wire types with `WireError`.
"""

MASK64 = (1 << 64) - 1


class WireError(ValueError):
    """Malformed protobuf bytes."""


def varint(value: int) -> bytes:
    """Encode an unsigned varint; negative int32/int64 use two's complement on 64 bits."""
    if value < 0:
        value &= MASK64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def tag(number: int, wire_type: int) -> bytes:
    return varint((number << 3) | wire_type)


def field_varint(number: int, value: int) -> bytes:
    return tag(number, 0) + varint(value)


def field_bytes(number: int, value: bytes) -> bytes:
    return tag(number, 2) + varint(len(value)) + value


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise WireError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if result > MASK64:
                raise WireError("varint overflows 64 bits")
            return result, pos
        shift += 7
        if shift >= 70:
            raise WireError("varint too long")


def read_fields(buf: bytes) -> list[tuple[int, int, object]]:
    """Split a message into (field number, wire type, value) triples in wire order.

    Varints come back as int, length-delimited fields as bytes, fixed fields as int.
    """
    fields = []
    pos = 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire_type == 0:
            value, pos = read_varint(buf, pos)
        elif wire_type == 2:
            length, pos = read_varint(buf, pos)
            if pos + length > len(buf):
                raise WireError("truncated length-delimited field")
            value = bytes(buf[pos:pos + length])
            pos += length
        elif wire_type == 1:
            if pos + 8 > len(buf):
                raise WireError("truncated fixed64")
            value = int.from_bytes(buf[pos:pos + 8], "little")
            pos += 8
        elif wire_type == 5:
            if pos + 4 > len(buf):
                raise WireError("truncated fixed32")
            value = int.from_bytes(buf[pos:pos + 4], "little")
            pos += 4
        else:
            raise WireError(f"unsupported wire type {wire_type}")
        fields.append((number, wire_type, value))
    return fields
