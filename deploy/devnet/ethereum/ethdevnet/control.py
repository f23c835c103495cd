# SPDX-License-Identifier: Apache-2.0
"""Test-control methods: mining, snapshots, reorgs, automine, info."""
from __future__ import annotations

from .wire import invalid, quantity

MAX_MINE = 200_000  # ~3 minutes of mining at most per call


def _opts(p) -> dict:
    if not p:
        return {}
    if not isinstance(p[0], dict):
        raise invalid("expected an options object")
    return p[0]


class ControlApi:
    """Mixin for Node."""

    def mine(self, n: int) -> None:
        if n < 0 or n > MAX_MINE:
            raise invalid(f"block count must be 0..{MAX_MINE}")
        if n:
            # Straight to the backend: eth-tester's mine_blocks also re-reads every block to
            # feed filters (unused here), 1.5x slower. The first block takes the pending txs.
            self.chain.et.backend.mine_blocks(n)

    def rpc_evm_mine(self, p):
        """evm_mine [count] or [{"blocks": count}] -> new head (hex). Default 1 block."""
        arg = p[0] if p else 1
        self.mine(quantity(arg.get("blocks", 1) if isinstance(arg, dict) else arg, "block count"))
        return hex(self.chain.head())

    def rpc_evm_snapshot(self, p):
        return hex(self.chain.et.take_snapshot())

    def rpc_evm_revert(self, p):
        """evm_revert [id, {"force": bool}] -> true, or false for an unknown id."""
        if not p:
            raise invalid("missing snapshot id")
        sid = quantity(p[0], "snapshot id")
        snap = self.chain.et._snapshots.get(sid)
        if snap is None:
            return False
        number = self.chain.evm.get_block_by_hash(snap).number
        force = isinstance(p[1], dict) and bool(p[1].get("force")) if len(p) > 1 else False
        self.chain.check_reorg(number, force)
        self.chain.et.revert_to_snapshot(sid)
        return True

    def rpc_evm_setAutomine(self, p):
        if not p or not isinstance(p[0], bool):
            raise invalid("evm_setAutomine takes one boolean")
        self.chain.automine = p[0]
        return True

    def rpc_devnet_reorg(self, p):
        """devnet_reorg [{"depth": d | "toBlock": n, "newBlocks": k, "replay": bool,
        "replayAfter": j, "force": bool}]

        Drops every block above the common ancestor (head - d, or n), then builds a new
        branch of k blocks on it (default d + 1, so it is longer): with "replay", j empty
        blocks (default 1) then the dropped transactions again (same hashes, new blocks),
        then empty blocks up to k. New blocks always get new hashes."""
        o = _opts(p)
        head = self.chain.head()
        base = quantity(o["toBlock"], "toBlock") if "toBlock" in o else head - quantity(o.get("depth", 1), "depth")
        if base < 0 or base >= head:
            raise invalid(f"common ancestor must be 0..{head - 1}")
        new_blocks = quantity(o.get("newBlocks", head - base + 1), "newBlocks")
        self.chain.check_reorg(base, bool(o.get("force")))
        evm = self.chain.evm
        dropped = [evm.get_block_by_hash(self.chain.canonical_hash(n)) for n in range(base + 1, head + 1)]
        removed_txs = [tx for b in dropped for tx in b.transactions]
        et = self.chain.et
        sid = next(et._snapshot_counter)
        et._snapshots[sid] = self.chain.canonical_hash(base)
        try:
            et.revert_to_snapshot(sid)
        finally:
            del et._snapshots[sid]
        mined = 0
        if o.get("replay") and removed_txs:
            after = quantity(o.get("replayAfter", 1), "replayAfter")
            self.mine(after)
            automine, self.chain.automine = self.chain.automine, False
            try:
                for tx in removed_txs:
                    self._submit("send_raw_transaction", "0x" + _raw_tx(tx).hex())
            finally:
                self.chain.automine = automine
            self.mine(1)
            mined = after + 1
        self.mine(max(0, new_blocks - mined))
        return {"commonAncestor": base, "oldHead": head, "newHead": self.chain.head(),
                "removedBlocks": ["0x" + b.hash.hex() for b in dropped][:1000],
                "removedTransactions": ["0x" + tx.hash.hex() for tx in removed_txs][:1000]}

    def rpc_devnet_info(self, p):
        c = self.chain
        return dict(self.info, head=c.head(), finalized=c.finalized(), safe=c.safe(),
                    finality_depth=c.finality_depth, safe_depth=c.safe_depth,
                    automine=c.automine,
                    max_log_range=self.logs.max_log_range, max_logs=self.logs.max_logs)




def _raw_tx(tx) -> bytes:
    """The signed wire encoding of a py-evm transaction (typed or legacy)."""
    if hasattr(tx, "encode"):
        return tx.encode()
    import rlp

    return rlp.encode(tx)
