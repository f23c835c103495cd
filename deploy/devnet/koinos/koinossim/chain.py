# SPDX-License-Identifier: Apache-2.0
"""The simulated chain: head state, mempool, transaction application and block production.

Model (documented in README.md):
- `head_store` is the state of the head block; `pending_store` is head state plus every
  accepted-but-not-yet-included transaction, applied in mempool order.  A submitted
  transaction is checked and executed against the pending state.
- Nonces and mana in head state change when a block includes the transaction; the
  mempool's pending nonce and pending rc cover the gap, as in koinos-mempool.
- `broadcast=false` is a dry run, as on the real chain (nothing reaches the mempool).
"""

import threading
import time

from . import crypto, txcheck
from .accounts import Accounts, nonce_bytes, parse_nonce
from .blocks import BlockStore
from .context import COMPUTE_PER_RECOVERY, ExecutionContext
from .errors import (FAILURE, INSUFFICIENT_RC, INVALID_NONCE, PENDING_TRANSACTION_LIMIT_EXCEEDED,
                     REVERSION, ChainError)
from .storage import Overlay, Store
from .textenc import b58encode

RESOURCE_LIMITS = {  # simulator figures, fixed (the real chain adjusts them per block)
    "disk_storage_limit": 409_600, "disk_storage_cost": 100,
    "network_bandwidth_limit": 1_048_576, "network_bandwidth_cost": 500,
    "compute_bandwidth_limit": 100_000_000, "compute_bandwidth_cost": 10,
}
COMPUTE_PER_TRANSACTION = 50_000


def rc_cost(disk: int, network: int, compute: int) -> int:
    r = RESOURCE_LIMITS
    return (disk * r["disk_storage_cost"] + network * r["network_bandwidth_cost"]
            + compute * r["compute_bandwidth_cost"])


class Chain:
    def __init__(self, chain_id: bytes, producer_key: bytes, irreversible_depth: int = 5,
                 mana_regen_ms: int = 60_000, pending_limit: int = 10, time_offset_ms: int = 0):
        self.lock = threading.RLock()
        self.chain_id = chain_id
        self.head_store = Store()
        self.pending_store = Store()
        self.contracts: dict[bytes, object] = {}
        self.accounts = Accounts(mana_regen_ms)
        self.pending: list[dict] = []
        self.pending_limit = pending_limit
        self.time_offset_ms = time_offset_ms
        self.blocks = BlockStore(producer_key, irreversible_depth, self.now_ms())
        # height → (contract state, nonces) after that block, kept from the LIB up (forks).
        self.snapshots: dict[int, tuple[dict, dict]] = {}
        self.mempool_expiry_s = 120.0  # koinos-mempool drops unincluded transactions after 120 s

    # -- clock and head --
    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.time_offset_ms

    def head_block_time(self) -> int:
        return self.blocks.head()["block"]["header"]["timestamp"]

    def genesis(self, setup) -> None:
        """Run `setup(storage)` and write its effects to head and pending state alike."""
        with self.lock:
            overlay = Overlay(self.head_store)
            setup(overlay)
            self.pending_store.apply(overlay.writes)
            overlay.commit()

    # -- account views --
    def expire_pending(self) -> int:
        """Drop transactions pending longer than the mempool keeps them, and the later ones of
        the same account (their nonces can no longer apply)."""
        with self.lock:
            limit = time.monotonic() - self.mempool_expiry_s
            stale = {p["nonce_account"] for p in self.pending if p["accepted_at"] < limit}
            if not stale:
                return 0
            return self._rebuild_pending([p for p in self.pending if p["nonce_account"] not in stale])

    def _rebuild_pending(self, kept: list[dict]) -> int:
        dropped = len(self.pending) - len(kept)
        self.pending = kept
        self.pending_store = Store()
        self.pending_store.spaces = {k: dict(v) for k, v in self.head_store.spaces.items()}
        for item in kept:
            self.pending_store.apply(item["writes"])
        return dropped

    def pending_nonce(self, account: bytes) -> int | None:
        self.expire_pending()
        nonces = [p["nonce"] for p in self.pending if p["nonce_account"] == account]
        return max(nonces) if nonces else None

    def pending_rc(self, payer: bytes) -> int:
        return sum(p["rc_used"] for p in self.pending if p["payer"] == payer)

    def account_rc(self, account: bytes) -> int:
        return self.accounts.rc_now(account, self.now_ms())

    # -- read_contract --
    def read_contract(self, contract_id: bytes, entry_point: int, args: bytes) -> tuple[bytes, list]:
        with self.lock:
            ctx = ExecutionContext(self.contracts, Overlay(self.head_store, read_only=True),
                                   self.head_block_time(), None)
            ctx.stack.append(b"")  # the read comes from outside any contract
            try:
                return ctx.call(contract_id, entry_point, args), ctx.logs
            except ChainError as err:
                err.logs = ctx.logs + err.logs
                raise

    # -- submit_transaction --
    def submit_transaction(self, tx: dict, broadcast: bool) -> dict:
        with self.lock:
            self.expire_pending()
            txcheck.validate_required(tx)
            header = tx["header"]
            payer, payee = header["payer"], header.get("payee", b"")
            nonce_account = payee if payee and payee != payer else payer
            rc_limit = header["rc_limit"]
            max_payer_rc = self.account_rc(payer)
            mempool_nonce = self.pending_nonce(nonce_account) if broadcast else None
            if broadcast:
                self._mempool_checks(tx, payer, nonce_account, rc_limit, max_payer_rc)
            if max_payer_rc < rc_limit:
                raise ChainError(FAILURE, "payer does not have the rc to cover transaction rc limit")
            txcheck.check_integrity(tx, self.chain_id)
            recoveries = [0]

            def recover(signature, digest):
                recoveries[0] += 1
                return crypto.recover_address(signature, digest)

            txcheck.check_signed_by(tx, payer, recover)
            if nonce_account != payer:
                txcheck.check_signed_by(tx, nonce_account, recover)
            nonce = self._check_nonce(tx, nonce_account, mempool_nonce)
            receipt, writes = self._execute(tx, max_payer_rc, recoveries[0])
            if broadcast:
                self.pending_store.apply(writes)
                self.pending.append({"tx": tx, "receipt": receipt, "writes": writes,
                                     "payer": payer, "nonce_account": nonce_account,
                                     "nonce": nonce, "rc_used": receipt["rc_used"],
                                     "accepted_at": time.monotonic()})
            return receipt

    def _mempool_checks(self, tx, payer, nonce_account, rc_limit, max_payer_rc) -> None:
        if rc_limit > max_payer_rc - self.pending_rc(payer):
            raise ChainError(INSUFFICIENT_RC, "insufficient pending account resources")
        current = self.pending_nonce(nonce_account)
        if current is None:
            current = self.accounts.nonce(nonce_account)
        if parse_nonce(tx["header"].get("nonce", b"")) != current + 1:
            raise ChainError(INVALID_NONCE, "invalid account nonce")
        count = sum(1 for p in self.pending if p["nonce_account"] == nonce_account)
        if count >= self.pending_limit:
            raise ChainError(PENDING_TRANSACTION_LIMIT_EXCEEDED, "pending transaction limit exceeded")

    def _check_nonce(self, tx: dict, account: bytes, mempool_nonce: int | None) -> int:
        current = mempool_nonce if mempool_nonce is not None else self.accounts.nonce(account)
        raw = tx["header"].get("nonce", b"")
        value = parse_nonce(raw)
        if value is None or value != current + 1:
            raise ChainError(INVALID_NONCE, "invalid transaction nonce - account: "
                             f"{b58encode(account)}, nonce: 0x{raw.hex()}, "
                             f"current nonce: 0x{nonce_bytes(current).hex()}")
        return value

    def _execute(self, tx: dict, max_payer_rc: int, recoveries: int) -> tuple[dict, dict]:
        overlay = Overlay(self.pending_store)
        ctx = ExecutionContext(self.contracts, overlay, self.head_block_time(), tx)
        try:
            for op in tx.get("operations", []):
                self._apply_operation(ctx, op)
        except ChainError as err:
            if err.code == REVERSION or err.code > 0:
                err.logs = ctx.logs + [f"transaction reverted: {err.message}"]
            raise
        network = txcheck.serialized_size(tx)
        compute = COMPUTE_PER_TRANSACTION + ctx.compute + recoveries * COMPUTE_PER_RECOVERY
        disk = overlay.bytes_written
        rc_used = rc_cost(disk, network, compute)
        if rc_used > tx["header"]["rc_limit"]:
            raise ChainError(INSUFFICIENT_RC, "insufficient rc",
                             ["transaction reverted: insufficient rc"])
        receipt = {"id": tx["id"], "payer": tx["header"]["payer"], "max_payer_rc": max_payer_rc,
                   "rc_limit": tx["header"]["rc_limit"], "rc_used": rc_used,
                   "disk_storage_used": disk, "network_bandwidth_used": network,
                   "compute_bandwidth_used": compute, "events": ctx.events, "logs": ctx.logs}
        return receipt, dict(overlay.writes)

    @staticmethod
    def _apply_operation(ctx: ExecutionContext, op: dict) -> None:
        call = op.get("call_contract")
        if call is not None:
            ctx.call(call.get("contract_id", b""), call.get("entry_point", 0), call.get("args", b""))
            return
        for kind in ("upload_contract", "set_system_call", "set_system_contract"):
            if op.get(kind) is not None:
                raise ChainError(FAILURE, f"the simulator does not execute {kind} operations")
        raise ChainError(REVERSION, "unknown operation")

    def revert_pending(self, tx_id: bytes) -> None:
        """Test hook: the pending transaction `tx_id` becomes a reverted one. It stays in the
        mempool and is included (nonce and mana still used, as on the real chain), its writes
        are dropped and its receipt says `reverted: true` but KEEPS its events, so a watcher's
        rule "events of reverted receipts are ignored" can be tested over the wire."""
        with self.lock:
            for item in self.pending:
                if item["tx"]["id"] == tx_id:
                    item["receipt"]["reverted"] = True
                    item["writes"] = {}
                    self._rebuild_pending(self.pending)
                    return
            raise ValueError("no pending transaction with this id")

    def drop_pending(self, account: bytes | None = None) -> int:
        """Forget pending transactions (all, or those of one nonce account), like a mempool
        expiring them; the pending state is rebuilt from head state and what remains."""
        with self.lock:
            return self._rebuild_pending(
                [p for p in self.pending if account is not None and p["nonce_account"] != account])

    # -- block production --
    def produce_block(self) -> dict:
        with self.lock:
            self.expire_pending()
            if not self.snapshots:
                self._snapshot()  # the state before the first block, so it can be forked away too
            included, self.pending = self.pending, []
            now = self.now_ms()
            for item in included:
                self.head_store.apply(item["writes"])
                self.accounts.set_nonce(item["nonce_account"], item["nonce"])
                self.accounts.consume_rc(item["payer"], item["rc_used"], now)
            block = self.blocks.append(included, now)
            self._snapshot()
            return block

    # -- forks above the LIB --
    def _snapshot(self) -> None:
        """Keeps the state at head for the heights a fork may still return to (LIB and above)."""
        self.snapshots[self.blocks.height()] = (
            {k: dict(v) for k, v in self.head_store.spaces.items()}, dict(self.accounts.nonces))
        for height in [h for h in self.snapshots if h < self.blocks.lib_height()]:
            del self.snapshots[height]

    def fork(self, depth: int) -> dict:
        """Another branch wins: the last `depth` blocks (all above the LIB) are replaced by
        `depth + 1` empty blocks, and the transactions they held are gone (state, nonces and
        indexes return to the fork point). Pending transactions stay pending."""
        with self.lock:
            head, lib = self.blocks.height(), self.blocks.lib_height()
            target = head - depth
            if depth < 1 or target < lib:
                raise ValueError(f"depth must be 1..{head - lib} (only blocks above the LIB {lib} can be replaced)")
            if target not in self.snapshots:
                raise ValueError(f"no state kept for height {target} (the simulator restarted?)")
            spaces, nonces = self.snapshots[target]
            self.head_store.spaces = {k: dict(v) for k, v in spaces.items()}
            self.accounts.nonces = dict(nonces)
            dropped = self.blocks.truncate(target)
            for height in [h for h in self.snapshots if h > target]:
                del self.snapshots[height]
            for _ in range(depth + 1):
                block = self.blocks.append([], self.now_ms())
                self._snapshot()
            self._rebuild_pending(self.pending)
            return {"dropped_transactions": dropped, "head": block}
