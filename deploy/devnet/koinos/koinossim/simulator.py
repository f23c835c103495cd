# SPDX-License-Identifier: Apache-2.0
"""Builds a simulated chain from a `SimConfig`: accounts, tokens, the bridge, block producer."""

import logging
import threading

from . import crypto
from .chain import Chain
from .config import SimConfig
from .contracts.bridge import BridgeContract
from .contracts.token import TokenContract
from .textenc import b58encode, b64encode

log = logging.getLogger("koinsim")


class Simulator:
    def __init__(self, config: SimConfig):
        self.config = config
        self.chain = Chain(config.chain_id, crypto.sha256(b"koinsim block producer"),
                           config.irreversible_depth, config.mana_regen_ms, config.pending_limit,
                           config.time_offset_ms)
        self.chain.mempool_expiry_s = config.mempool_expiry_ms / 1000.0
        self.bridge = BridgeContract(config.bridge_id, config.profile)
        self.tokens: dict[str, TokenContract] = {}
        self.chain.contracts[config.bridge_id] = self.bridge
        for token in config.tokens:
            contract = TokenContract(token.contract_id, token.name, token.decimals,
                                     minter=config.bridge_id if token.kind == "wrapped" else None)
            self.tokens[token.name] = contract
            self.chain.contracts[token.contract_id] = contract
        self.chain.genesis(self._genesis)
        now = self.chain.now_ms()
        for account, rc in config.accounts:
            self.chain.accounts.set_rc(account, rc, now, maximum=rc)
        self.production_enabled = config.block_interval_ms > 0
        self._stop = threading.Event()
        self._producer: threading.Thread | None = None
        self.after_change = None  # called with the chain lock held after each produced block
        self.chain.produce_block()

    def _genesis(self, storage) -> None:
        self.bridge.initialize(storage, self.config.validators, self.config.bridge_chain_id)
        for token in self.config.tokens:
            contract = self.tokens[token.name]
            self.bridge.add_token(storage, token.contract_id, token.kind == "wrapped")
            if token.kind == "native" and token.bridge_balance:
                contract.set_balance(storage, self.config.bridge_id, token.bridge_balance)
                contract.set_supply(storage, contract.supply(storage) + token.bridge_balance)
        for token_name, account, amount in self.config.balances:
            contract = self.token(token_name)
            contract.set_balance(storage, account, contract.balance(storage, account) + amount)
            contract.set_supply(storage, contract.supply(storage) + amount)

    def token(self, name_or_id) -> TokenContract:
        if isinstance(name_or_id, str) and name_or_id in self.tokens:
            return self.tokens[name_or_id]
        for contract in self.tokens.values():
            if b58encode(contract.id) == name_or_id or contract.id == name_or_id:
                return contract
        raise KeyError(f"unknown token {name_or_id!r}")

    def info(self, rpc_url: str) -> dict:
        return {
            "event": "ready", "simulator": True, "rpc": rpc_url,
            "chain_id": b64encode(self.config.chain_id), "bridge": b58encode(self.config.bridge_id),
            "tokens": {t.name: {"id": b58encode(t.contract_id), "kind": t.kind,
                                "decimals": t.decimals} for t in self.config.tokens},
            "profile": self.config.profile, "bridge_chain_id": self.config.bridge_chain_id,
            "validators": [b58encode(v) for v in self.config.validators],
            "block_interval_ms": self.config.block_interval_ms,
        }

    # -- block production thread --
    def start_producer(self) -> None:
        if self.config.block_interval_ms <= 0 or self._producer:
            return
        self._producer = threading.Thread(target=self._produce_loop, name="block-producer",
                                          daemon=True)
        self._producer.start()

    def _produce_loop(self) -> None:
        interval = self.config.block_interval_ms / 1000.0
        while not self._stop.wait(interval):
            if self.production_enabled:
                with self.chain.lock:  # the block and its save: no reader sees it unsaved
                    self.chain.produce_block()
                    if self.after_change is not None:
                        try:
                            self.after_change()
                        except OSError as exc:
                            log.error("state file not written: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        if self._producer:
            self._producer.join(timeout=5)
