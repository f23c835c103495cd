# SPDX-License-Identifier: Apache-2.0
"""`--state-file`: the whole devnet saved after every change and loaded at start.

What is saved: py-evm's key-value store (eth-tester's PyEVMBackend keeps the chain in an
`AtomicDB` over a `MemoryDB` dict: headers, blocks, transactions, receipts, state trie,
canonical index), the pending header of py-evm's `MiningChain` (with automine off, the
pending block's transactions and receipts live in that store under its roots), and what the
devnet keeps itself: deployment info (addresses, funded accounts, ABIs), the finalized floor,
automine, and eth-tester's snapshot ids. The funded accounts' keys are eth-tester's fixed
keys 1..10, made again at start.

When: inside the request that changed anything, before its answer is sent (and after every
block of the block clock), so a SIGKILL loses nothing a client was told succeeded. The file
is written to a temporary name, fsynced, renamed over the old one and the folder fsynced:
a crash leaves the old or the new file, never half of one.

Format: MAGIC, u64 length + JSON metadata, u64 count, then count × (u32 key length,
u32 value length, key, value). Never pickle: loading the file runs no code.
"""
from __future__ import annotations

import json
import os
import struct

MAGIC = b"bridge-eth-devnet state v1\n"
VERSION = 1


class TrackingDict(dict):
    """The MemoryDB's dict, counting writes so an unchanged chain is not saved again."""

    def __init__(self, *args):
        super().__init__(*args)
        self.writes = 0

    def __setitem__(self, key, value):
        self.writes += 1
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self.writes += 1
        super().__delitem__(key)


def encode(meta: dict, kv: dict) -> bytes:
    meta_raw = json.dumps(meta, separators=(",", ":")).encode()
    parts = [MAGIC, struct.pack(">Q", len(meta_raw)), meta_raw, struct.pack(">Q", len(kv))]
    pack = struct.Struct(">II").pack
    for k, v in kv.items():
        parts += (pack(len(k), len(v)), k, v)
    return b"".join(parts)


def decode(raw: bytes) -> tuple[dict, dict]:
    if not raw.startswith(MAGIC):
        raise ValueError("not a devnet state file (bad magic)")
    pos = len(MAGIC)
    (n,) = struct.unpack_from(">Q", raw, pos)
    pos += 8
    meta = json.loads(raw[pos:pos + n])
    pos += n
    if meta.get("version") != VERSION:
        raise ValueError(f"unsupported state file version {meta.get('version')!r}")
    (count,) = struct.unpack_from(">Q", raw, pos)
    pos += 8
    kv, unpack = {}, struct.Struct(">II").unpack_from
    for _ in range(count):
        kl, vl = unpack(raw, pos)
        pos += 8
        kv[raw[pos:pos + kl]] = raw[pos + kl:pos + kl + vl]
        pos += kl + vl
    if pos != len(raw):
        raise ValueError(f"state file is truncated or has trailing bytes ({pos} of {len(raw)})")
    return meta, kv


def write_atomically(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class StateFile:
    """Saves a Node when its chain or bookkeeping changed since the last save."""

    def __init__(self, path: str):
        self.path = path
        self._saved = None  # (store writes, bookkeeping) at the last save

    def exists(self) -> bool:
        return os.path.exists(self.path)

    def load(self, node) -> dict:
        with open(self.path, "rb") as f:
            meta, kv = decode(f.read())
        if meta["chain_id"] != node.chain.chain_id:
            raise ValueError(f"state file is for chain id {meta['chain_id']}, not {node.chain.chain_id}")
        node.restore(meta, kv)
        self._saved = self._mark(node)
        return meta

    def save_if_changed(self, node) -> bool:
        """Call with the chain lock held. Raises OSError when the file cannot be written."""
        mark = self._mark(node)
        if mark == self._saved:
            return False
        write_atomically(self.path, encode(node.state_meta(), node.chain.kv_store()))
        self._saved = mark
        return True

    @staticmethod
    def _mark(node):
        c = node.chain
        return (c.kv_store().writes, c.finalized_floor, c.automine, bytes(c.evm.header.hash),
                tuple(sorted(c.et._snapshots.items())))
