# SPDX-License-Identifier: Apache-2.0
"""Node: one chain, its log index, the contracts, and JSON-RPC dispatch."""
from __future__ import annotations

import sys
import traceback

from .chain import Chain
from .control import ControlApi
from .eth_api import EthApi
from .locks import LockApi
from .logs import LogIndex
from .wire import INTERNAL_ERROR, INVALID_PARAMS, METHOD_NOT_FOUND, SERVER_ERROR, RpcError


class Node(EthApi, ControlApi, LockApi):
    def __init__(self, chain_id: int, finality_depth: int, safe_depth: int,
                 max_log_range: int = 0, max_logs: int = 0, verbose: bool = False):
        self.chain = Chain(chain_id, finality_depth, safe_depth)
        self.logs = LogIndex(self.chain, max_log_range, max_logs)
        self.info: dict = {"chain_id": chain_id}
        self.verbose = verbose
        self.block_time_ms = 0  # set by devnet.py when a block clock runs

    def deploy(self, validators: list[str], bridge_chain_id: int) -> dict:
        from .contracts import deploy

        with self.chain.lock:
            self.info.update(deploy(self, validators, bridge_chain_id))
            self.info.update(bridge_chain_id=bridge_chain_id, validators=list(validators))
            self.chain.note_finality()
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

    def mine_tick(self) -> None:
        """One block of the --block-time-ms clock."""
        with self.chain.lock:
            self.mine(1)
            self.chain.note_finality()
