# SPDX-License-Identifier: Apache-2.0
"""Optional `--state-file`: head state, accounts and blocks saved as JSON on exit, loaded at start.

Pending (not yet included) transactions are not saved.  Blocks and receipts are stored as
hex protobuf.  The file is written to a temporary name and renamed, so a crash never leaves
half a file.
"""

import json
import os

from .protocol import BLOCK, BLOCK_RECEIPT
from .schema import decode, encode

VERSION = 1


def save(sim, path: str) -> None:
    chain = sim.chain
    with chain.lock:
        payload = {
            "version": VERSION, "simulator": "koinsim",
            "chain_id": chain.chain_id.hex(),
            "objects": [[c.hex(), s, k.hex(), v.hex()]
                        for (c, s), objects in chain.head_store.spaces.items()
                        for k, v in objects.items()],
            "nonces": {a.hex(): n for a, n in chain.accounts.nonces.items()},
            "rc": {a.hex(): [chain.accounts.max_rc.get(a, 0), chain.account_rc(a)]
                   for a in chain.accounts.max_rc},
            "blocks": [[encode(BLOCK, i["block"]).hex(), encode(BLOCK_RECEIPT, i["receipt"]).hex(),
                        i["state_root"].hex()] for i in chain.blocks.items],
            "time_offset_ms": chain.time_offset_ms,
        }
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
    os.replace(tmp, path)


def load(sim, path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    if payload.get("version") != VERSION:
        raise ValueError("unsupported state file version")
    chain = sim.chain
    if bytes.fromhex(payload["chain_id"]) != chain.chain_id:
        raise ValueError("state file belongs to another chain id")
    with chain.lock:
        chain.head_store.spaces.clear()
        chain.pending_store.spaces.clear()
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
