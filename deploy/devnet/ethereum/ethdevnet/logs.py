# SPDX-License-Identifier: Apache-2.0
"""eth_getLogs from our own per-block log index, with provider-limit emulation.

Logs of a block never change once it exists (a reorg makes new blocks with new
hashes), so they are cached by block hash; blocks whose header bloom is empty
are skipped without loading their receipts.
"""
from __future__ import annotations

from .wire import INVALID_PARAMS, LIMIT_EXCEEDED, RpcError, data_bytes, invalid

CACHE_LIMIT = 500_000
FILTER_KEYS = {"fromBlock", "toBlock", "blockHash", "address", "topics"}


class LogIndex:
    def __init__(self, chain, max_log_range: int = 0, max_logs: int = 0):
        self.chain = chain
        self.max_log_range = max_log_range  # >0: reject ranges of more blocks
        self.max_logs = max_logs            # >0: reject answers with more logs
        self._cache: dict[bytes, tuple] = {}

    def block_logs(self, block_hash: bytes, number: int) -> tuple:
        """((address bytes, topics tuple, wire log dict), ...) for one block."""
        cached = self._cache.get(block_hash)
        if cached is not None:
            return cached
        evm = self.chain.evm
        header = evm.chaindb.get_block_header_by_hash(block_hash)
        out = []
        if header.bloom:
            block = evm.get_block_by_header(header)
            receipts = block.get_receipts(evm.chaindb)
            bh, bn, k = "0x" + block_hash.hex(), hex(number), 0
            for ti, (tx, rc) in enumerate(zip(block.transactions, receipts)):
                txh = "0x" + tx.hash.hex()
                for lg in rc.logs:
                    topics = tuple(t.to_bytes(32, "big") for t in lg.topics)
                    out.append((lg.address, topics, {
                        "address": "0x" + lg.address.hex(), "topics": ["0x" + t.hex() for t in topics],
                        "data": "0x" + lg.data.hex(), "blockNumber": bn, "blockHash": bh,
                        "transactionHash": txh, "transactionIndex": hex(ti), "logIndex": hex(k),
                        "removed": False}))
                    k += 1
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[block_hash] = out = tuple(out)
        return out

    def get_logs(self, f) -> list:
        if not isinstance(f, dict):
            raise invalid("filter must be an object")
        unknown = set(f) - FILTER_KEYS
        if unknown:
            raise invalid(f"unknown filter field(s): {', '.join(sorted(unknown))}")
        addrs = self._addresses(f.get("address"))
        wanted = self._topics(f.get("topics"))
        if f.get("blockHash") is not None:
            if f.get("fromBlock") is not None or f.get("toBlock") is not None:
                raise invalid("cannot specify both blockHash and fromBlock/toBlock")
            bh = data_bytes(f["blockHash"], "blockHash", 32)
            blocks = [(bh, self.chain.header(bh).block_number)]  # side-chain blocks too, like geth
            lo = hi = blocks[0][1]
        else:
            head = self.chain.head()
            lo = self._bound(f.get("fromBlock"), head)
            hi = self._bound(f.get("toBlock"), head)
            if lo > head:
                return []
            hi = min(hi, head)
            if lo > hi:
                raise RpcError(INVALID_PARAMS, "invalid block range params: fromBlock is after toBlock")
            if self.max_log_range and hi - lo + 1 > self.max_log_range:
                raise RpcError(LIMIT_EXCEEDED, f"block range too large: {hi - lo + 1} blocks requested, "
                               f"the limit is {self.max_log_range}", {"limit": self.max_log_range})
            get_hash = self.chain.canonical_hash
            blocks = ((get_hash(n), n) for n in range(lo, hi + 1))
        result: list = []
        for bhash, n in blocks:
            for a, topics, wire in self.block_logs(bhash, n):
                if addrs is not None and a not in addrs:
                    continue
                if len(wanted) > len(topics):
                    continue
                if any(w is not None and topics[i] not in w for i, w in enumerate(wanted)):
                    continue
                result.append(wire)
            if self.max_logs and len(result) > self.max_logs:
                # Infura's answer: code -32005, and a range that would have fitted
                data = {"from": hex(lo), "to": hex(max(lo, n - 1)), "limit": self.max_logs}
                raise RpcError(LIMIT_EXCEEDED, f"query returned more than {self.max_logs} results", data)
        return result

    def _bound(self, tag, head: int) -> int:
        n = self.chain.resolve(tag)
        return head if n == "pending" else n

    @staticmethod
    def _addresses(addr):
        if addr is None or addr == []:
            return None
        items = addr if isinstance(addr, list) else [addr]
        return {data_bytes(a, "address", 20) for a in items}

    @staticmethod
    def _topics(topics):
        if topics is None:
            return []
        if not isinstance(topics, list) or len(topics) > 4:
            raise invalid("topics must be an array of at most 4 entries")
        wanted = []
        for t in topics:
            if t is None or t == []:
                wanted.append(None)
            elif isinstance(t, list):
                wanted.append({data_bytes(x, "topic", 32) for x in t if x is not None}
                              if None not in t else None)
            else:
                wanted.append({data_bytes(t, "topic", 32)})
        return wanted

