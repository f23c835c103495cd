# SPDX-License-Identifier: Apache-2.0
"""Blocks, block receipts and the transaction index (block_store / transaction_store views).

A block id is 0x1220 ‖ sha256(proto3 block header), signed by the simulator's producer key.
The chain is one line and the last irreversible block (LIB) is a fixed depth behind head; a
test can replace the blocks above the LIB with another branch (`truncate`, then new blocks).
"""

from . import crypto
from .protocol import BLOCK_HEADER, TRANSACTION_HEADER
from .schema import encode

ZERO_ID = crypto.SHA256_PREFIX + bytes(32)


def transaction_merkle_root(transactions: list[dict]) -> bytes:
    """Leaves per transaction: sha256(header), sha256(concatenated signatures) (koinos-chain)."""
    leaves = []
    for tx in transactions:
        leaves.append(crypto.sha256(encode(TRANSACTION_HEADER, tx["header"])))
        leaves.append(crypto.sha256(b"".join(tx.get("signatures", []))))
    return crypto.merkle_root(leaves)


class BlockStore:
    def __init__(self, producer_key: bytes, irreversible_depth: int, genesis_time_ms: int):
        self.producer_key = producer_key
        self.producer = crypto.address_from_private_key(producer_key)
        self.irreversible_depth = max(0, irreversible_depth)
        self.items: list[dict] = []  # index = height - 1
        self.by_id: dict[bytes, dict] = {}
        self.tx_index: dict[bytes, tuple[dict, bytes]] = {}  # tx id → (transaction, block id)
        self.genesis = {"block_id": ZERO_ID, "block_height": 0, "state_root": crypto.multihash(b""),
                        "block": {"id": ZERO_ID, "header": {"height": 0,
                                                            "timestamp": genesis_time_ms}}}

    def head(self) -> dict:
        return self.items[-1] if self.items else self.genesis

    def height(self) -> int:
        return self.head()["block_height"]

    def lib_height(self) -> int:
        return max(0, self.height() - self.irreversible_depth)

    def at_height(self, height: int) -> dict | None:
        return self.items[height - 1] if 1 <= height <= len(self.items) else None

    def append(self, included: list[dict], now_ms: int) -> dict:
        parent = self.head()
        transactions = [p["tx"] for p in included]
        receipts = [p["receipt"] for p in included]
        header = {
            "previous": parent["block_id"], "height": parent["block_height"] + 1,
            "timestamp": max(now_ms, parent["block"]["header"]["timestamp"] + 1),
            "previous_state_merkle_root": parent["state_root"],
            "transaction_merkle_root": transaction_merkle_root(transactions),
            "signer": self.producer,
        }
        block_id = crypto.multihash(encode(BLOCK_HEADER, header))
        block = {"id": block_id, "header": header, "transactions": transactions,
                 "signature": crypto.sign_compact(self.producer_key, block_id[2:])}
        # Not a real state merkle root: a running hash over the included transaction ids.
        state_root = crypto.multihash(parent["state_root"] + b"".join(t["id"] for t in transactions))
        receipt = {
            "id": block_id, "height": header["height"], "state_merkle_root": state_root,
            "transaction_receipts": receipts,
            "disk_storage_used": sum(r["disk_storage_used"] for r in receipts),
            "network_bandwidth_used": sum(r["network_bandwidth_used"] for r in receipts),
            "compute_bandwidth_used": sum(r["compute_bandwidth_used"] for r in receipts),
        }
        item = {"block_id": block_id, "block_height": header["height"], "block": block,
                "receipt": receipt, "state_root": state_root}
        self.items.append(item)
        self.by_id[block_id] = item
        for tx in transactions:
            self.tx_index[tx["id"]] = (tx, block_id)
        return item

    def truncate(self, height: int) -> list[bytes]:
        """Removes the blocks above `height` and returns the ids of the transactions they held."""
        dropped = []
        while self.items and self.items[-1]["block_height"] > height:
            item = self.items.pop()
            del self.by_id[item["block_id"]]
            for tx in item["block"]["transactions"]:
                self.tx_index.pop(tx["id"], None)
                dropped.append(tx["id"])
        return dropped

    def topology(self, item: dict) -> dict:
        return {"id": item["block_id"], "height": item["block_height"],
                "previous": item["block"]["header"].get("previous", b"")}
