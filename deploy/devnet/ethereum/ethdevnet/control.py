# SPDX-License-Identifier: Apache-2.0
"""Test-control methods: mining, snapshots, reorgs, automine, info."""
from __future__ import annotations

from .wire import invalid, quantity

MAX_MINE = 1_000_000


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
            self.chain.et.mine_blocks(n)  # also includes pending transactions when automine is off

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
        if p[0]:
            if not self.chain.et.auto_mine_transactions:
                self.chain.et.enable_auto_mine_transactions()
        else:
            self.chain.et.disable_auto_mine_transactions()
        return True

    def rpc_devnet_reorg(self, p):
        """devnet_reorg [{"depth": d | "toBlock": n, "newBlocks": k, "force": bool}]

        Drops every block above the common ancestor (head - d, or n), then mines k
        empty blocks on it (default d + 1, so the new branch is longer). New blocks
        get new hashes; dropped transactions are not replayed (lock again with
        devnet_lock to put a different transaction on the new branch)."""
        o = _opts(p)
        head = self.chain.head()
        if "toBlock" in o:
            base = quantity(o["toBlock"], "toBlock")
        else:
            base = head - quantity(o.get("depth", 1), "depth")
        if base < 0 or base >= head:
            raise invalid(f"common ancestor must be 0..{head - 1}")
        depth = head - base
        new_blocks = quantity(o.get("newBlocks", depth + 1), "newBlocks")
        self.chain.check_reorg(base, bool(o.get("force")))
        evm = self.chain.evm
        removed = ["0x" + self.chain.canonical_hash(n).hex() for n in range(base + 1, head + 1)]
        removed_txs = ["0x" + tx.hash.hex() for n in range(base + 1, head + 1)
                       for tx in evm.get_block_by_hash(self.chain.canonical_hash(n)).transactions]
        et = self.chain.et
        sid = next(et._snapshot_counter)
        et._snapshots[sid] = self.chain.canonical_hash(base)
        try:
            et.revert_to_snapshot(sid)
        finally:
            del et._snapshots[sid]
        self.mine(new_blocks)
        return {"commonAncestor": base, "oldHead": head, "newHead": self.chain.head(),
                "removedBlocks": removed[:1000], "removedTransactions": removed_txs[:1000]}

    def rpc_devnet_info(self, p):
        c = self.chain
        return dict(self.info, head=c.head(), finalized=c.finalized(), safe=c.safe(),
                    finality_depth=c.finality_depth, safe_depth=c.safe_depth,
                    automine=bool(c.et.auto_mine_transactions),
                    max_log_range=self.logs.max_log_range, max_logs=self.logs.max_logs)


