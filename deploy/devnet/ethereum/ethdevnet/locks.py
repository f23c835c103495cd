# SPDX-License-Identifier: Apache-2.0
"""devnet_lock / devnet_lockV1: a real lock transaction in one RPC call."""
from __future__ import annotations

import time

from .contracts import V1_LOCK_TOPIC, V2_LOCK_TOPIC, call_data
from .wire import invalid, quantity

DEFAULT_RECIPIENT = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"  # a valid Koinos address
MAX_COUNT = 64
LOCK_GAS_BASE, LOCK_GAS_EACH = 200_000, 60_000  # measured: ~78k for one lock, ~2.0M for 64
MAX_STRING = 128
MAX_METADATA = 512
V2_ARGS = ["uint256", "string", "string", "string", "uint32"]


def _text(o: dict, key: str, default: str, limit: int) -> str:
    v = o.get(key, default)
    if not isinstance(v, str) or len(v.encode()) > limit:
        raise invalid(f"{key} must be a string of at most {limit} bytes")
    return v


class LockApi:
    """Mixin for Node."""

    def _lock_opts(self, p):
        o = p[0] if p else {}
        if not isinstance(o, dict):
            raise invalid("expected an options object")
        kind = o.get("kind", "erc20")
        if kind not in ("erc20", "native", "wrapped"):
            raise invalid("kind must be erc20, native or wrapped")
        count = quantity(o.get("count", 1), "count")
        if not 1 <= count <= MAX_COUNT:
            raise invalid(f"count must be 1..{MAX_COUNT}")
        sender = o.get("from", 1)
        if isinstance(sender, int) and not isinstance(sender, bool):
            if not 0 <= sender < len(self.info["funded_accounts"]):
                raise invalid("from: account index out of range")
            sender = self.info["funded_accounts"][sender]
        else:
            match = [a for a in self.info["funded_accounts"] if isinstance(sender, str) and a.lower() == sender.lower()]
            if not match:
                raise invalid("from must be a funded account index or address")
            sender = match[0]
        return o, kind, count, sender

    def rpc_devnet_lock(self, p):
        """devnet_lock [{"kind": "erc20"|"native"|"wrapped", "amount", "payment", "relayer",
        "recipient", "metadata", "chain", "count", "from"}] (see README)."""
        o, kind, count, sender = self._lock_opts(p)
        decimals = {"erc20": self.info["token_decimals"], "native": 18,
                    "wrapped": self.info["wrapped_token_decimals"]}[kind]
        amount = quantity(o.get("amount", 10**decimals), "amount")
        payment = quantity(o.get("payment", 0), "payment")
        chain = quantity(o.get("chain", 1), "chain")
        if chain >= 2**32:
            raise invalid("chain must fit in uint32")
        relayer, metadata = _text(o, "relayer", "", MAX_STRING), _text(o, "metadata", "", MAX_METADATA)
        recipients = self._recipients(o, count)
        count = len(recipients)
        bridge, batcher = self.info["bridge"], self.info["lock_batcher"]
        token = {"erc20": self.info["token"], "native": self.info["weth"],
                 "wrapped": self.info["wrapped_token"]}[kind]
        if count == 1 and kind == "native":
            tx = {"to": bridge, "value": amount, "data": call_data(
                "wrapAndTransferETH(uint256,string,string,string,uint32)", V2_ARGS,
                [payment, relayer, recipients[0], metadata, chain])}
        elif count == 1:
            tx = {"to": bridge, "data": call_data(
                "transferTokens(address,uint256,uint256,string,string,string,uint32)",
                ["address", "uint256"] + V2_ARGS, [token, amount, payment, relayer, recipients[0], metadata, chain])}
        elif kind == "native":
            tx = {"to": batcher, "value": amount * count, "data": call_data(
                "lockETHMany(address,uint256,string,string[],string,uint32)",
                ["address", "uint256", "string", "string[]", "string", "uint32"],
                [bridge, payment, relayer, recipients, metadata, chain])}
        else:
            tx = {"to": batcher, "data": call_data(
                "lockTokensMany(address,address,uint256,uint256,string,string[],string,uint32)",
                ["address", "address", "uint256", "uint256", "string", "string[]", "string", "uint32"],
                [bridge, token, amount, payment, relayer, recipients, metadata, chain])}
        result = self._lock_result(dict(tx, **{"from": sender}), bridge, V2_LOCK_TOPIC, bool(o.get("wait", True)), count)
        scale = 10 ** (decimals - 8) if decimals > 8 else 1
        result.update(sender=(sender if count == 1 else batcher), token=token, amount=amount // scale,
                      payment=payment // scale, chain=chain, count=count)
        return result

    @staticmethod
    def _recipients(o: dict, count: int) -> list:
        """"recipients": [..] (one lock each, count ignored) or `count` times "recipient"."""
        if "recipients" not in o:
            return [_text(o, "recipient", DEFAULT_RECIPIENT, MAX_STRING)] * count
        rs = o["recipients"]
        if not isinstance(rs, list) or not 1 <= len(rs) <= MAX_COUNT:
            raise invalid(f"recipients must be a list of 1..{MAX_COUNT} strings")
        return [_text({"recipient": r}, "recipient", "", MAX_STRING) for r in rs]

    def rpc_devnet_lockV1(self, p):
        """devnet_lockV1 [{"kind": "erc20"|"native", "amount", "recipient", "count", "from"}]:
        v1 TokensLockedEvent logs from the BridgeV1Events fixture (no tokens move)."""
        o, kind, count, sender = self._lock_opts(p)
        recipient = _text(o, "recipient", DEFAULT_RECIPIENT, MAX_STRING)
        v1 = self.info["v1_events"]
        if kind == "wrapped":
            raise invalid("devnet_lockV1 supports kind erc20 or native")
        amount = quantity(o.get("amount", 10**8), "amount")  # logged as given (8 decimals)
        token = self.info["token"] if kind == "erc20" else "0x" + "00" * 20
        if kind == "native" and count == 1:
            tx = {"to": v1, "value": amount * 10**10, "data": call_data(
                "wrapAndTransferETH(string)", ["string"], [recipient])}
        elif count == 1:
            tx = {"to": v1, "data": call_data("transferTokens(address,uint256,string)",
                                              ["address", "uint256", "string"], [token, amount, recipient])}
        else:
            tx = {"to": v1, "data": call_data("transferTokensMany(address,uint256,string,uint256)",
                                              ["address", "uint256", "string", "uint256"],
                                              [token, amount, recipient, count])}
        result = self._lock_result(dict(tx, **{"from": sender}), v1, V1_LOCK_TOPIC, bool(o.get("wait", True)), count)
        result.update(sender=sender, token=token, amount=amount, count=count)
        return result

    def _await_receipt(self, tx_hash: bytes, wait: bool):
        """The receipt; with the block clock running (--block-time-ms) and `wait`, first
        wait for the block that includes it (the chain lock is released meanwhile)."""
        receipt = self.receipts.receipt(tx_hash)
        if receipt is not None or not wait or not self.block_time_ms:
            return receipt
        deadline = time.monotonic() + max(30.0, 5 * self.block_time_ms / 1000)
        while receipt is None and time.monotonic() < deadline:
            self.chain.lock.release()
            try:
                time.sleep(0.01)
            finally:
                self.chain.lock.acquire()
            receipt = self.receipts.receipt(tx_hash)
        return receipt

    def _lock_result(self, tx: dict, contract: str, topic: str, wait: bool, count: int) -> dict:
        # One simulation for a clear revert reason, then a fixed gas limit: a binary-search
        # gas estimate would run the transaction ~15 times.
        gas = LOCK_GAS_BASE + LOCK_GAS_EACH * count  # a gas limit, not a price: ≤ 4M for 64 locks
        self._reverts(lambda: self.chain.et.call(dict(tx, gas=gas), "latest"))
        txh = self.send(dict(tx, gas=gas))
        receipt = self._await_receipt(bytes.fromhex(txh[2:]), wait)
        if receipt is None:  # automine is off: the transaction waits for evm_mine
            return {"tx_hash": txh, "pending": True, "block_number": None, "block_hash": None,
                    "log_indexes": []}
        idx = [int(lg["logIndex"], 16) for lg in receipt["logs"]
               if lg["address"] == contract.lower() and lg["topics"][:1] == [topic]]
        return {"tx_hash": txh, "pending": False, "block_number": int(receipt["blockNumber"], 16),
                "block_hash": receipt["blockHash"], "status": int(receipt["status"], 16),
                "log_indexes": idx}
