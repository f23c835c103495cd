# SPDX-License-Identifier: Apache-2.0
"""Node: one chain, its log and receipt indexes, the contracts, and JSON-RPC dispatch."""
from __future__ import annotations

import sys
import traceback

from .chain import Chain
from .control import ControlApi
from .eth_api import EthApi
from .locks import LockApi
from .logs import LogIndex
from .receipts import ReceiptIndex
from .wire import INTERNAL_ERROR, INVALID_PARAMS, METHOD_NOT_FOUND, SERVER_ERROR, RpcError


class Node(EthApi, ControlApi, LockApi):
    def __init__(self, chain_id: int, finality_depth: int, safe_depth: int,
                 max_log_range: int = 0, max_logs: int = 0, verbose: bool = False):
        self.chain = Chain(chain_id, finality_depth, safe_depth)
        self.logs = LogIndex(self.chain, max_log_range, max_logs)
        self.receipts = ReceiptIndex(self.chain, self.logs.block_logs)
        self.info: dict = {"chain_id": chain_id}
        self.verbose = verbose
        self.block_time_ms = 0  # set by devnet.py when a block clock runs
        self.state_file = None  # a StateFile: saved after every change (devnet.py --state-file)

    # -- --state-file ----------------------------------------------------------------------
    def state_meta(self) -> dict:
        c = self.chain
        return {"version": 1, "chain_id": c.chain_id, "pending_header": c.pending_header_rlp().hex(),
                "info": {k: v for k, v in self.info.items() if k != "rpc"},
                "finalized_floor": c.finalized_floor, "automine": c.automine,
                "snapshots": {str(k): v.hex() for k, v in c.et._snapshots.items()},
                "next_snapshot": max(c.et._snapshots, default=-1) + 1}

    def restore(self, meta: dict, kv: dict) -> None:
        import itertools

        c = self.chain
        with c.lock:
            c.restore(kv, bytes.fromhex(meta["pending_header"]))
            self.info.update(meta["info"])
            c.finalized_floor = int(meta["finalized_floor"])
            c.automine = bool(meta["automine"])
            c.et._snapshots = {int(k): bytes.fromhex(v) for k, v in meta["snapshots"].items()}
            c.et._snapshot_counter = itertools.count(int(meta["next_snapshot"]))

    def save_state(self) -> None:
        """With the chain lock held: write the state file when anything changed. A failed
        write is an error for the request that made the change (it is not durable)."""
        if self.state_file is None:
            return
        try:
            self.state_file.save_if_changed(self)
        except OSError as e:
            raise RpcError(SERVER_ERROR, f"state file not written: {e}") from None

    def deploy(self, validators: list[str], bridge_chain_id: int) -> dict:
        from .contracts import deploy

        with self.chain.lock:
            self.info.update(deploy(self, validators, bridge_chain_id))
            self.info.update(bridge_chain_id=bridge_chain_id, validators=list(validators))
            self.chain.note_finality()
            self.save_state()
        return self.info

    def handle(self, method: str, params):
        """Run one method; returns its result or raises RpcError."""
        if params is None:
            params = []
        if not isinstance(params, list):
            raise RpcError(INVALID_PARAMS, "params must be an array")
        fn = getattr(self, "rpc_" + method, None) if method.isidentifier() else None
        if fn is None:
            raise RpcError(METHOD_NOT_FOUND, f"the method {method} does not exist/is not available")
        with self.chain.lock:
            try:
                return fn(params)
            except RpcError:
                raise
            except (ValueError, TypeError, KeyError, IndexError, OverflowError) as e:
                raise RpcError(INVALID_PARAMS, f"invalid params: {type(e).__name__}: {e}") from None
            except Exception as e:  # noqa: BLE001 - never let engine errors kill the server
                if self.verbose:
                    traceback.print_exc(file=sys.stderr)
                code = SERVER_ERROR if type(e).__module__.startswith(("eth", "rlp", "trie")) else INTERNAL_ERROR
                raise RpcError(code, f"{type(e).__name__}: {e}") from None
            finally:
                self.chain.note_finality()
                self.save_state()

    def mine_tick(self) -> None:
        """One block of the --block-time-ms clock."""
        with self.chain.lock:
            self.mine(1)
            self.chain.note_finality()
            self.save_state()
