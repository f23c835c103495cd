# SPDX-License-Identifier: Apache-2.0
"""Checks a Koinos node makes of the blocks a peer's GetBlocks returns (koinos.md §1.4, §2.1):
each is a protobuf `koinos.protocol.block` whose id (field 1) is the sha2-256 multihash of its
header bytes (field 2), at the heights asked for, each header's `previous` the block before."""

from __future__ import annotations

import hashlib


class BlockError(Exception):
    pass


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if i >= len(data) or shift > 63:
            raise BlockError("truncated or overlong varint")
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, varint or bytes) in wire order; fixed-width fields are refused."""
    out, i = [], 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            length, i = _varint(data, i)
            if i + length > len(data):
                raise BlockError("truncated length-delimited field")
            value, i = data[i:i + length], i + length
        else:
            raise BlockError(f"unexpected wire type {wire}")
        out.append((number, value))
    return out


def multihash(data: bytes) -> bytes:
    return b"\x12\x20" + hashlib.sha256(data).digest()


def check_blocks(blocks: list[bytes], start_height: int, previous_id: bytes | None) -> list[bytes]:
    """The ids of `blocks` after checking them; raises BlockError on the first that fails."""
    ids = []
    for offset, block in enumerate(blocks):
        top = dict((n, v) for n, v in fields(block) if n in (1, 2))
        block_id, header = top.get(1), top.get(2)
        if not isinstance(block_id, bytes) or not isinstance(header, bytes):
            raise BlockError(f"block {offset}: no id or header")
        if multihash(header) != block_id:
            raise BlockError(f"block {offset}: id is not the hash of its header")
        head = dict(fields(header))
        height = head.get(2, 0)
        if height != start_height + offset:
            raise BlockError(f"block {offset}: height {height}, expected {start_height + offset}")
        if previous_id is not None and head.get(1, b"") != previous_id:
            raise BlockError(f"block {height}: previous is not the block before it")
        previous_id = block_id
        ids.append(block_id)
    return ids
