# SPDX-License-Identifier: Apache-2.0
"""The chain: eth-tester + py-evm with a chosen chain id, finality tags and lookups
(blocks, transactions) served straight from py-evm's database (receipts: receipts.py)."""
from __future__ import annotations

import threading

from .state_file import TrackingDict
from .wire import INVALID_PARAMS, SERVER_ERROR, RpcError, data_bytes, invalid, quantity, to_wire

TAGS = ("latest", "safe", "finalized", "earliest", "pending")


class Chain:
    """One EVM chain. Every public method must be called with `self.lock` held."""

    def __init__(self, chain_id: int, finality_depth: int, safe_depth: int):
        from eth_tester import EthereumTester, PyEVMBackend

        backend = PyEVMBackend()
        # eth-tester builds a fresh chain class per backend: set its id before any block.
        type(backend.chain).chain_id = chain_id
        self.et = EthereumTester(backend, auto_mine_transactions=True)
        self.chain_id = chain_id
        self.lock = threading.RLock()
        self.finality_depth = finality_depth
        self.safe_depth = safe_depth
        self.finalized_floor = 0  # "finalized" never moves back (except a forced reorg)
        self.automine = True  # False: transactions wait in the pending block for evm_mine
        self.accounts = list(self.et.get_accounts())
        memory_db = self.evm.chaindb.db.wrapped_db  # eth-tester's AtomicDB over a MemoryDB
        memory_db.kv_store = TrackingDict(memory_db.kv_store)

    # -- the chain database (see state_file.py) ---------------------------------------------
    def kv_store(self) -> TrackingDict:
        return self.evm.chaindb.db.wrapped_db.kv_store

    def pending_header_rlp(self) -> bytes:
        import rlp

        return rlp.encode(self.evm.header)

    def restore(self, kv: dict, pending_header_rlp: bytes) -> None:
        """Replace the chain by a saved one: its key-value store and pending header."""
        import rlp
        from eth.db.atomic import AtomicDB
        from eth.db.backends.memory import MemoryDB

        chain_class, header_class = type(self.evm), type(self.evm.header)
        header = rlp.decode(pending_header_rlp, sedes=header_class)
        self.et.backend.chain = chain_class(AtomicDB(MemoryDB(TrackingDict(kv))), header)

    # -- head and finality ---------------------------------------------------------------
    @property
    def evm(self):
        return self.et.backend.chain  # replaced by eth-tester on a revert to genesis

    def head(self) -> int:
        return self.evm.chaindb.get_canonical_head().block_number

    def finalized(self) -> int:
        h = self.head()
        return max(0, min(h, max(self.finalized_floor, h - self.finality_depth)))

    def safe(self) -> int:
        return max(self.finalized(), max(0, self.head() - self.safe_depth))

    def note_finality(self) -> None:
        """Remember the highest finalized block handed out (called after each request)."""
        self.finalized_floor = self.finalized()

    def check_reorg(self, new_head: int, force: bool) -> None:
        """Refuse to drop a finalized block, as a real chain would, unless forced."""
        if new_head >= self.finalized_floor:
            return
        if not force:
            raise RpcError(SERVER_ERROR, f"refusing to reorg below finalized block {self.finalized_floor} "
                           f"(new head would be {new_head}); pass \"force\": true to allow")
        self.finalized_floor = new_head

    def resolve(self, tag, allow_pending: bool = True):
        """Block parameter -> canonical block number, or "pending"."""
        if tag is None or tag == "latest":
            return self.head()
        if tag == "finalized":
            return self.finalized()
        if tag == "safe":
            return self.safe()
        if tag == "earliest":
            return 0
        if tag == "pending":
            if not allow_pending:
                raise invalid("pending is not supported here")
            return "pending"
        if isinstance(tag, dict):  # EIP-1898
            if "blockHash" in tag:
                number = self.header(data_bytes(tag["blockHash"], "blockHash", 32)).block_number
                if self.canonical_hash(number) != data_bytes(tag["blockHash"], "blockHash", 32):
                    raise RpcError(SERVER_ERROR, "block is not canonical")
                return number
            if "blockNumber" in tag:
                return self.resolve(tag["blockNumber"], allow_pending)
            raise invalid("block object needs blockHash or blockNumber")
        if isinstance(tag, str) and not tag.startswith("0x"):
            raise invalid(f"invalid block tag {tag!r}; expected one of {', '.join(TAGS)} or a hex number")
        return quantity(tag, "block number")

    def state_block(self, tag):
        """Block parameter for state reads; a block above the head is an error, like geth."""
        n = self.resolve(tag)
        if n != "pending" and n > self.head():
            raise RpcError(SERVER_ERROR, "header not found")
        return n

    # -- blocks --------------------------------------------------------------------------
    def canonical_hash(self, number: int) -> bytes:
        return self.evm.chaindb.get_canonical_block_hash(number)

    def header(self, block_hash: bytes):
        from eth.exceptions import HeaderNotFound

        try:
            return self.evm.chaindb.get_block_header_by_hash(block_hash)
        except HeaderNotFound:
            raise RpcError(SERVER_ERROR, "unknown block") from None

    def block_json(self, block_hash: bytes | None, full: bool):
        """A block (canonical, or orphaned by a reorg: geth serves those by hash too)."""
        from eth.exceptions import HeaderNotFound
        from eth_tester.backends.pyevm.serializers import serialize_block

        try:
            block = self.evm.get_block() if block_hash is None else self.evm.get_block_by_hash(block_hash)
        except HeaderNotFound:
            return None
        raw = serialize_block(block, full, block_hash is None)
        out = to_wire(self.et.normalizer.normalize_outbound_block(raw))
        if full:
            for tx in out["transactions"]:
                tx["input"] = tx.get("data", "0x")
        return out

    def block_by_number(self, tag, full: bool):
        n = self.resolve(tag)
        if n == "pending":
            return self.block_json(None, full)
        if n > self.head():
            return None
        return self.block_json(self.canonical_hash(n), full)

    # -- transactions ----------------------------------------------------------------------
    def locate_tx(self, tx_hash: bytes):
        """(block, index) of a canonical transaction, or None. py-evm indexes a transaction
        when its block becomes canonical but keeps stale entries after a revert: verify."""
        from eth.exceptions import TransactionNotFound

        try:
            number, index = self.evm.chaindb.get_transaction_index(tx_hash)
        except TransactionNotFound:
            return None
        if number > self.head():
            return None
        block = self.evm.get_block_by_hash(self.canonical_hash(number))
        if index >= len(block.transactions) or block.transactions[index].hash != tx_hash:
            return None
        return block, index

    def tx_json(self, tx_hash: bytes):
        from eth_tester.backends.pyevm.serializers import serialize_transaction

        found = self.locate_tx(tx_hash)
        pending = False
        if found is None:  # waiting in the pending block (automine off)?
            block = self.evm.get_block()
            idx = next((i for i, t in enumerate(block.transactions) if t.hash == tx_hash), None)
            if idx is None:
                return None
            found, pending = (block, idx), True
        block, index = found
        raw = serialize_transaction(block, block.transactions[index], index, pending)
        out = to_wire(self.et.normalizer.normalize_outbound_transaction(raw))
        out["input"] = out.get("data", "0x")
        return out


def require(params: list, n: int, method: str) -> None:
    if len(params) < n:
        raise RpcError(INVALID_PARAMS, f"{method} needs {n} parameter(s), got {len(params)}")
