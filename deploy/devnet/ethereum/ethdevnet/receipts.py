# SPDX-License-Identifier: Apache-2.0
"""eth_getTransactionReceipt from a per-block receipt index, as a node serves receipts.

A block's receipts never change once the block exists (a reorg makes new blocks with new
hashes), so the wire receipts of a whole block are built once, on the first request for any
of its transactions, and kept by block hash (bounded, least recently used out first). Every
request still goes through the transaction index and checks that the transaction sits at
that position in the block that is canonical now: a receipt orphaned by a reorg is never
served, a re-mined transaction is served from its new block.

Building one receipt costs the block's decoding, its receipts' decoding and, above all, the
sender's ECDSA recovery in pure Python (≈ 30 ms); a served one costs two key lookups.
"""
from __future__ import annotations

from collections import OrderedDict

from .wire import to_wire

CACHE_BLOCKS = 4096


class ReceiptIndex:
    def __init__(self, chain, block_logs, limit: int = CACHE_BLOCKS):
        self.chain = chain
        self.block_logs = block_logs  # LogIndex.block_logs: the wire logs of a block
        self.limit = limit            # blocks kept; 0: build every answer (no index)
        self._blocks: OrderedDict[bytes, tuple] = OrderedDict()

    def receipt(self, tx_hash: bytes):
        """The wire receipt of a canonical transaction, or None (unknown, pending, orphaned).
        The answer is shared with later ones: callers must not change it."""
        from eth.exceptions import TransactionNotFound

        try:
            number, index = self.chain.evm.chaindb.get_transaction_index(tx_hash)
        except TransactionNotFound:
            return None
        if number > self.chain.head():  # py-evm keeps stale index entries after a revert
            return None
        tx_hashes, receipts = self.block(self.chain.canonical_hash(number))
        if index >= len(tx_hashes) or tx_hashes[index] != tx_hash:
            return None  # the index entry is stale: another transaction holds that position now
        return receipts[index]

    def block(self, block_hash: bytes) -> tuple:
        """(transaction hashes, wire receipts) of one block."""
        entry = self._blocks.get(block_hash)
        if entry is not None:
            self._blocks.move_to_end(block_hash)
            return entry
        entry = self._build(block_hash)
        if self.limit > 0:
            self._blocks[block_hash] = entry
            if len(self._blocks) > self.limit:
                self._blocks.popitem(last=False)
        return entry

    def _build(self, block_hash: bytes) -> tuple:
        from eth_tester.backends.pyevm.serializers import serialize_transaction_receipt

        evm, normalize = self.chain.evm, self.chain.et.normalizer.normalize_outbound_receipt
        block = evm.get_block_by_hash(block_hash)
        receipts = block.get_receipts(evm.chaindb)
        logs_by_tx: dict[str, list] = {}
        for _, _, wire in self.block_logs(block.hash, block.number):
            logs_by_tx.setdefault(wire["transactionIndex"], []).append(wire)
        out = []
        for index, tx in enumerate(block.transactions):
            raw = serialize_transaction_receipt(block, receipts, tx, index, False, None)
            raw.pop("state_root", None)  # pre-Byzantium field
            raw.pop("logs")
            wire = to_wire(normalize(dict(raw, logs=[])))
            wire["logs"] = logs_by_tx.get(hex(index), [])
            wire["logsBloom"] = "0x%0512x" % receipts[index].bloom
            out.append(wire)
        return tuple(tx.hash for tx in block.transactions), tuple(out)
