# SPDX-License-Identifier: Apache-2.0
"""The Koinos JSON-RPC methods over a `Chain` (koinos.md §6.4).

Each handler takes the decoded params dict and returns the response message as a dict;
`dispatch` renders it with the Koinos JSON rules.  Errors: `ChainError` → -32603 with the
chain's message and JSON `data`; unparsable params → -32601 like the gateway.
"""

from . import rpc_schemas as S
from .accounts import nonce_bytes
from .chain import RESOURCE_LIMITS, Chain
from .errors import ChainError, ParamsError
from .schema import SchemaError, from_json, to_json

MAX_BLOCKS_PER_CALL = 1000


class KoinosMethods:
    def __init__(self, chain: Chain):
        self.chain = chain
        self.table = {
            "chain.get_chain_id": (None, S.CHAIN_ID_RESPONSE, self.get_chain_id),
            "chain.get_head_info": (None, S.HEAD_INFO_RESPONSE, self.get_head_info),
            "chain.get_account_nonce": (S.ACCOUNT_REQUEST, S.NONCE_RESPONSE, self.get_account_nonce),
            "chain.get_account_rc": (S.ACCOUNT_REQUEST, S.RC_RESPONSE, self.get_account_rc),
            "chain.get_resource_limits": (None, S.RESOURCE_LIMITS_RESPONSE, self.get_resource_limits),
            "chain.read_contract": (S.READ_CONTRACT_REQUEST, S.READ_CONTRACT_RESPONSE,
                                    self.read_contract),
            "chain.submit_transaction": (S.SUBMIT_TRANSACTION_REQUEST,
                                         S.SUBMIT_TRANSACTION_RESPONSE, self.submit_transaction),
            "chain.get_fork_heads": (None, S.FORK_HEADS_RESPONSE, self.get_fork_heads),
            "mempool.get_pending_nonce": (S.PENDING_NONCE_REQUEST, S.NONCE_RESPONSE,
                                          self.get_pending_nonce),
            "mempool.get_pending_transaction_count": (S.PENDING_COUNT_REQUEST,
                                                      S.PENDING_COUNT_RESPONSE,
                                                      self.get_pending_transaction_count),
            "block_store.get_blocks_by_height": (S.BLOCKS_BY_HEIGHT_REQUEST, S.BLOCK_ITEMS_RESPONSE,
                                                 self.get_blocks_by_height),
            "block_store.get_blocks_by_id": (S.BLOCKS_BY_ID_REQUEST, S.BLOCK_ITEMS_RESPONSE,
                                             self.get_blocks_by_id),
            "block_store.get_highest_block": (None, S.HIGHEST_BLOCK_RESPONSE, self.get_highest_block),
            "transaction_store.get_transactions_by_id": (S.TRANSACTIONS_BY_ID_REQUEST,
                                                         S.TRANSACTIONS_RESPONSE,
                                                         self.get_transactions_by_id),
        }

    def resolve(self, method: str):
        if method.startswith("koinos.rpc."):
            method = method[len("koinos.rpc."):]
        return self.table.get(method)

    def call(self, entry, params) -> dict:
        request_schema, response_schema, handler = entry
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise ParamsError("params must be an object")
        try:
            request = from_json(request_schema, params) if request_schema else {}
        except SchemaError as exc:
            raise ParamsError(str(exc)) from None
        return to_json(response_schema, handler(request))

    # -- chain --
    def get_chain_id(self, _):
        return {"chain_id": self.chain.chain_id}

    def get_head_info(self, _):
        with self.chain.lock:
            blocks = self.chain.blocks
            head = blocks.head()
            return {"head_topology": blocks.topology(head),
                    "last_irreversible_block": blocks.lib_height(),
                    "head_state_merkle_root": head["state_root"],
                    "head_block_time": head["block"]["header"]["timestamp"]}

    def get_account_nonce(self, req):
        with self.chain.lock:
            return {"nonce": nonce_bytes(self.chain.accounts.nonce(req.get("account", b"")))}

    def get_account_rc(self, req):
        return {"rc": self.chain.account_rc(req.get("account", b""))}

    def get_resource_limits(self, _):
        return {"resource_limit_data": dict(RESOURCE_LIMITS)}

    def read_contract(self, req):
        result, logs = self.chain.read_contract(req.get("contract_id", b""),
                                                req.get("entry_point", 0), req.get("args", b""))
        return {"result": result, "logs": logs}

    def submit_transaction(self, req):
        tx = req.get("transaction")
        if tx is None:
            raise ChainError(-1002, "missing expected field in transaction: id")
        return {"receipt": self.chain.submit_transaction(tx, bool(req.get("broadcast", False)))}

    def get_fork_heads(self, _):
        with self.chain.lock:
            blocks = self.chain.blocks
            lib = blocks.at_height(blocks.lib_height()) or blocks.genesis
            return {"last_irreversible_block": blocks.topology(lib),
                    "fork_heads": [blocks.topology(blocks.head())]}

    # -- mempool --
    def get_pending_transaction_count(self, req):
        with self.chain.lock:
            self.chain.expire_pending()
            payee = req.get("payee", b"")
            return {"count": sum(1 for p in self.chain.pending if p["nonce_account"] == payee)}

    def get_pending_nonce(self, req):
        with self.chain.lock:
            pending = self.chain.pending_nonce(req.get("payee", b""))
        return {} if pending is None else {"nonce": nonce_bytes(pending)}

    # -- block_store --
    def _item(self, item, req):
        out = {"block_id": item["block_id"], "block_height": item["block_height"]}
        if req.get("return_block"):
            out["block"] = item["block"]
        if req.get("return_receipt"):
            out["receipt"] = item["receipt"]
        return out

    def get_blocks_by_height(self, req):
        with self.chain.lock:
            blocks = self.chain.blocks
            head = blocks.by_id.get(req.get("head_block_id", b""))
            if head is None:
                raise ChainError(-1, "block not found")
            start = req.get("ancestor_start_height", 0)
            count = min(req.get("num_blocks", 0), MAX_BLOCKS_PER_CALL)
            last = min(head["block_height"], start + count - 1)
            items = [blocks.at_height(h) for h in range(max(start, 1), last + 1)]
            return {"block_items": [self._item(i, req) for i in items if i]}

    def get_blocks_by_id(self, req):
        with self.chain.lock:
            found = [self.chain.blocks.by_id.get(bid) for bid in req.get("block_ids", [])]
            return {"block_items": [self._item(i, req) for i in found if i]}

    def get_highest_block(self, _):
        with self.chain.lock:
            return {"topology": self.chain.blocks.topology(self.chain.blocks.head())}

    # -- transaction_store --
    def get_transactions_by_id(self, req):
        with self.chain.lock:
            items = []
            for tid in req.get("transaction_ids", []):
                hit = self.chain.blocks.tx_index.get(tid)
                if hit:
                    items.append({"transaction": hit[0], "containing_blocks": [hit[1]]})
            return {"transactions": items}
