# SPDX-License-Identifier: Apache-2.0
"""Optional `--state-file`: head state, accounts, blocks and the mempool, saved as JSON after
every block and every change made through the RPC (before its answer is sent), and at exit;
loaded at start.

A SIGKILL therefore loses nothing a client was told: an accepted transaction is in the file
before `chain.submit_transaction` answers (mempool transactions are saved as protobuf and
submitted again at load, in order), and a block is in the file before any client can see it
as head (it is saved with the chain lock held, which every read takes).  The file is written
to a temporary name, fsynced, renamed over the old one and the folder fsynced: a crash leaves
the old file or the new one, never half of one.  Blocks and receipts are stored as hex
protobuf; a block's encoding is cached (blocks never change), so a save costs the state, not
the whole chain's re-encoding.
"""

import json
import logging
import os

from .errors import ChainError
from .protocol import BLOCK, BLOCK_RECEIPT, TRANSACTION
from .schema import decode, encode

VERSION = 2
log = logging.getLogger("koinsim")


def _block_row(chain, item) -> list:
    cache = chain.__dict__.setdefault("_persist_rows", {})
    row = cache.get(item["block_id"])
    if row is None:
        row = cache[item["block_id"]] = [encode(BLOCK, item["block"]).hex(),
                                         encode(BLOCK_RECEIPT, item["receipt"]).hex(),
                                         item["state_root"].hex()]
    return row


def payload_of(sim) -> dict:
    """Call with the chain lock held."""
    chain = sim.chain
    return {
        "version": VERSION, "simulator": "koinsim",
        "chain_id": chain.chain_id.hex(),
        "objects": [[c.hex(), s, k.hex(), v.hex()]
                    for (c, s), objects in chain.head_store.spaces.items()
                    for k, v in objects.items()],
        "nonces": {a.hex(): n for a, n in chain.accounts.nonces.items()},
        "rc": {a.hex(): [chain.accounts.max_rc.get(a, 0), chain.account_rc(a)]
               for a in chain.accounts.max_rc},
        "genesis_time_ms": chain.blocks.genesis["block"]["header"]["timestamp"],
        "blocks": [_block_row(chain, i) for i in chain.blocks.items],
        "mempool": [encode(TRANSACTION, p["tx"]).hex() for p in chain.pending],
        "time_offset_ms": chain.time_offset_ms,
    }


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


def save(sim, path: str) -> None:
    """Writes the file with the chain lock held, so saves never overtake each other."""
    with sim.chain.lock:
        write_atomically(path, json.dumps(payload_of(sim), separators=(",", ":")).encode())


def load(sim, path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    if payload.get("version") not in (1, VERSION):
        raise ValueError("unsupported state file version")
    chain = sim.chain
    if bytes.fromhex(payload["chain_id"]) != chain.chain_id:
        raise ValueError("state file belongs to another chain id")
    with chain.lock:
        chain.head_store.spaces.clear()
        chain.pending_store.spaces.clear()
        chain.pending = []
        for c, s, k, v in payload["objects"]:
            for store in (chain.head_store, chain.pending_store):
                store.spaces.setdefault((bytes.fromhex(c), int(s)), {})[bytes.fromhex(k)] = \
                    bytes.fromhex(v)
        chain.accounts.nonces = {bytes.fromhex(a): int(n) for a, n in payload["nonces"].items()}
        now = chain.now_ms()
        for a, (maximum, value) in payload["rc"].items():
            chain.accounts.set_rc(bytes.fromhex(a), int(value), now, maximum=int(maximum))
        chain.time_offset_ms = int(payload.get("time_offset_ms", 0))
        store = chain.blocks
        if "genesis_time_ms" in payload:
            store.genesis["block"]["header"]["timestamp"] = int(payload["genesis_time_ms"])
        store.items.clear()
        store.by_id.clear()
        store.tx_index.clear()
        for block_hex, receipt_hex, root_hex in payload["blocks"]:
            block = decode(BLOCK, bytes.fromhex(block_hex))
            receipt = decode(BLOCK_RECEIPT, bytes.fromhex(receipt_hex))
            item = {"block_id": block["id"], "block_height": block["header"]["height"],
                    "block": block, "receipt": receipt, "state_root": bytes.fromhex(root_hex)}
            store.items.append(item)
            store.by_id[item["block_id"]] = item
            for tx in block["transactions"]:
                store.tx_index[tx["id"]] = (tx, item["block_id"])
        for raw in payload.get("mempool", []):
            tx = decode(TRANSACTION, bytes.fromhex(raw))
            try:  # accepted before: applies again, against the same head state, in order
                chain.submit_transaction(tx, True)
            except ChainError as err:
                log.warning("state file: mempool transaction %s not accepted again: %s",
                            tx.get("id", b"").hex(), err.message)
