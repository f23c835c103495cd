# SPDX-License-Identifier: Apache-2.0
"""Test-control methods, all named `simulator.*` and kept apart from the chain's methods.

Addresses/contract ids are base58, amounts and rc are decimal strings (numbers accepted).
"""

from .contracts.bridge import (TOKENS_SPACE, TRANSFERS_SPACE, VALIDATORS_SPACE, WRAPPED_SPACE)
from . import crypto, wallet
from .errors import ParamsError
from .storage import Overlay
from .textenc import TextEncodingError, b58decode, b58encode, hexdecode, hexencode


def _private_key(params: dict) -> bytes:
    try:
        raw = hexdecode(str(params.get("private_key", "")))
    except (TextEncodingError, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ParamsError("private_key: expected 0x + 32 bytes of hex")
    return raw


def _text(params: dict, key: str) -> str:
    value = params.get(key, "")
    if not isinstance(value, str):
        raise ParamsError(f"{key}: expected a string")
    return value


def _address(params: dict, key: str) -> bytes:
    value = params.get(key)
    try:
        raw = b58decode(value)
    except TextEncodingError:
        raise ParamsError(f"{key}: expected a base58 address") from None
    if len(raw) != 25:
        raise ParamsError(f"{key}: expected a 25-byte address")
    return raw


def _uint(params: dict, key: str, default=None) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or value is None:
        raise ParamsError(f"{key}: expected an unsigned integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ParamsError(f"{key}: expected an unsigned integer") from None
    if not 0 <= number < 1 << 64:
        raise ParamsError(f"{key}: out of range")
    return number


class SimulatorMethods:
    def __init__(self, sim):
        self.sim = sim
        self.chain = sim.chain
        self.table = {
            "simulator.set_account_rc": self.set_account_rc,
            "simulator.set_time_offset": self.set_time_offset,
            "simulator.set_block_production": self.set_block_production,
            "simulator.produce_block": self.produce_block,
            "simulator.fork": self.fork,
            "simulator.get_balance": self.get_balance,
            "simulator.set_balance": self.set_balance,
            "simulator.dump_state": self.dump_state,
            "simulator.drop_pending": self.drop_pending,
            "simulator.info": self.info,
            "simulator.lock_tokens": self.lock_tokens,
            "simulator.request_new_signatures": self.request_new_signatures,
        }
        self.rpc_url = ""

    def set_account_rc(self, p: dict) -> dict:
        account, rc = _address(p, "account"), _uint(p, "rc")
        maximum = _uint(p, "max_rc", rc)
        with self.chain.lock:
            self.chain.accounts.set_rc(account, rc, self.chain.now_ms(), maximum=maximum)
        return {"rc": str(rc), "max_rc": str(max(rc, maximum))}

    def set_time_offset(self, p: dict) -> dict:
        offset = p.get("offset_ms")
        if isinstance(offset, bool) or not isinstance(offset, (int, str)):
            raise ParamsError("offset_ms: expected an integer")
        try:
            offset = int(offset)
        except ValueError:
            raise ParamsError("offset_ms: expected an integer") from None
        with self.chain.lock:
            self.chain.time_offset_ms = offset
            if p.get("produce_block", True):
                self.chain.produce_block()
            return {"offset_ms": str(offset), "head_block_time": str(self.chain.head_block_time())}

    def set_block_production(self, p: dict) -> dict:
        enabled = p.get("enabled")
        if not isinstance(enabled, bool):
            raise ParamsError("enabled: expected a boolean")
        self.sim.production_enabled = enabled
        return {"enabled": enabled}

    def produce_block(self, p: dict) -> dict:
        count = _uint(p, "count", 1)
        if not 1 <= count <= 1000:
            raise ParamsError("count: 1..1000")
        with self.chain.lock:
            for _ in range(count):
                item = self.chain.produce_block()
            return {"height": str(item["block_height"]), "id": hexencode(item["block_id"]),
                    "timestamp": str(item["block"]["header"]["timestamp"])}

    def fork(self, p: dict) -> dict:
        depth = _uint(p, "depth", 1)
        try:
            result = self.chain.fork(depth)
        except ValueError as exc:
            raise ParamsError(str(exc)) from None
        head = result["head"]
        return {"dropped_transactions": [hexencode(t) for t in result["dropped_transactions"]],
                "height": str(head["block_height"]), "id": hexencode(head["block_id"])}

    def _token(self, p: dict):
        try:
            return self.sim.token(p.get("token"))
        except KeyError as exc:
            raise ParamsError(str(exc)) from None

    def get_balance(self, p: dict) -> dict:
        token, account = self._token(p), _address(p, "account")
        with self.chain.lock:
            return {"balance": str(token.balance(self.chain.head_store, account))}

    def set_balance(self, p: dict) -> dict:
        token, account, balance = self._token(p), _address(p, "account"), _uint(p, "balance")
        with self.chain.lock:
            for store in (self.chain.head_store, self.chain.pending_store):
                overlay = Overlay(store)
                supply = token.supply(overlay) - token.balance(overlay, account) + balance
                token.set_balance(overlay, account, balance)
                token.set_supply(overlay, supply)
                overlay.commit()
        return {"balance": str(balance)}

    def drop_pending(self, p: dict) -> dict:
        account = _address(p, "account") if p.get("account") is not None else None
        return {"dropped": self.chain.drop_pending(account)}

    def dump_state(self, p: dict) -> dict:
        chain, bridge = self.chain, self.sim.bridge
        with chain.lock:
            store = chain.head_store
            meta = bridge.metadata(store)
            meta.pop("_present", None)
            return {
                "simulator": True,
                "head": {"height": str(chain.blocks.height()), "lib": str(chain.blocks.lib_height()),
                         "head_block_time": str(chain.head_block_time())},
                "pending_transactions": len(chain.pending),
                "bridge": {
                    "id": b58encode(bridge.id), "profile": bridge.profile,
                    "metadata": {k: (str(v) if isinstance(v, int) and not isinstance(v, bool)
                                     else v) for k, v in meta.items()},
                    "paused": bridge.is_paused(store),
                    "validators": [b58encode(k) for k in store.keys(bridge.id, VALIDATORS_SPACE)],
                    "tokens": [b58encode(k) for k in store.keys(bridge.id, TOKENS_SPACE)],
                    "wrapped_tokens": [b58encode(k) for k in store.keys(bridge.id, WRAPPED_SPACE)],
                    "completed_transfers": [hexencode(k) for k in
                                            store.keys(bridge.id, TRANSFERS_SPACE)],
                },
                "tokens": {name: {"id": b58encode(t.id), "supply": str(t.supply(store)),
                                  "balances": {b58encode(k): str(int.from_bytes(v, "big"))
                                               for k, v in store.spaces.get((t.id, 0), {}).items()}}
                           for name, t in self.sim.tokens.items()},
                "accounts": {b58encode(a): {"nonce": str(chain.accounts.nonce(a)),
                                            "rc": str(chain.account_rc(a))}
                             for a in set(chain.accounts.max_rc) | set(chain.accounts.nonces)},
            }

    def lock_tokens(self, p: dict) -> dict:
        """A real, signed `transfer_tokens` transaction from the key's account (a Koinos lock).
        With `"reverted": true` the transaction is included as a reverted one whose receipt still
        carries the lock event (`Chain.revert_pending`): no tokens move."""
        private_key = _private_key(p)
        reverted = p.get("reverted", False)
        if not isinstance(reverted, bool):
            raise ParamsError("reverted: expected a boolean")
        lock = {"from": crypto.address_from_private_key(private_key),
                "token": self._token(p).id, "amount": _uint(p, "amount"),
                "recipient": _text(p, "recipient"), "payment": _uint(p, "payment", 0),
                "relayer": _text(p, "relayer"), "metadata": _text(p, "metadata"),
                "to_chain": _uint(p, "to_chain", 0)}
        args = wallet.lock_args(self.sim.bridge.profile, lock)
        with self.chain.lock:  # no block may include it between the call and the revert
            receipt = wallet.signed_call(self.chain, private_key, self.sim.bridge.id,
                                         wallet.TRANSFER_TOKENS, args)
            if reverted:
                self.chain.revert_pending(receipt["id"])
        return dict(self._receipt(receipt), reverted=reverted)

    def request_new_signatures(self, p: dict) -> dict:
        args = wallet.request_args(_text(p, "transaction_id"), _text(p, "operation_id"))
        return self._receipt(wallet.signed_call(self.chain, _private_key(p), self.sim.bridge.id,
                                                wallet.REQUEST_NEW_SIGNATURES, args))

    @staticmethod
    def _receipt(receipt: dict) -> dict:
        """The pending transaction's id and its events' sequence numbers and names."""
        return {"transaction_id": hexencode(receipt["id"]),
                "events": [{"sequence": e["sequence"], "name": e["name"],
                            "source": b58encode(e["source"])} for e in receipt["events"]]}

    def info(self, p: dict) -> dict:
        return self.sim.info(self.rpc_url)
