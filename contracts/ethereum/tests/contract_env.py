# SPDX-License-Identifier: Apache-2.0
"""Test environment of the contract tests: the deployed contracts, seven validator
keys (quorum 5) and helpers to sign and send."""
from __future__ import annotations

from dataclasses import dataclass

import bridge_digests as bd

BRIDGE_CHAIN_ID = 2


def _revert_errors():
    from eth_tester.exceptions import TransactionFailed
    from web3.exceptions import ContractLogicError

    return (ContractLogicError, TransactionFailed)


REVERTED = _revert_errors()
VALIDATOR_KEYS = ["0x" + bd.keccak(f"validator-{i}".encode()).hex() for i in range(7)]


def _address(key: str) -> str:
    from eth_account import Account

    return Account.from_key(key).address


@dataclass
class Env:
    w3: object
    bridge: object
    weth: object
    token: object       # 18 decimals, native (supported) token
    token6: object      # 6 decimals, native token
    wrapped: object     # 8 decimals, bridged token minted by the bridge
    v1: object
    batcher: object
    accounts: list
    validator_keys: list
    artifacts: dict

    @property
    def validators(self):
        return [_address(k) for k in self.validator_keys]

    def now_ms(self) -> int:
        return self.w3.eth.get_block("latest")["timestamp"] * 1000

    def later(self) -> int:
        """An expiration one hour after the head block (ms)."""
        return self.now_ms() + 3_600_000

    def sign_all(self, digest: bytes, keys=None) -> list[bytes]:
        return [bd.sign(digest, k) for k in (keys if keys is not None else self.validator_keys)]

    def admin(self, fn_name: str, action: int, target, keys=None, expiration=None, sender=None):
        """Call an add/remove admin function with signatures over the current nonce."""
        expiration = expiration if expiration is not None else self.later()
        digest = bd.admin_digest(action, target, self.bridge.functions.nonce().call(),
                                 self.bridge.address, expiration, BRIDGE_CHAIN_ID)
        sigs = self.sign_all(digest, keys if keys is not None else self.validator_keys[:5])
        fn = getattr(self.bridge.functions, fn_name)(sigs, target, expiration)
        return self.transact(fn, sender)

    def transact(self, fn, sender=None, value=0):
        """Simulate first (a revert raises ContractLogicError with its reason), then send."""
        tx = {"from": sender or self.accounts[0], "value": value}
        fn.call(tx)
        txh = fn.transact(dict(tx, gas=5_000_000))
        receipt = self.w3.eth.get_transaction_receipt(txh)
        assert receipt["status"] == 1, receipt
        return receipt


def _deploy(w3, art, *args):
    c = w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
    txh = c.constructor(*args).transact({"from": w3.eth.accounts[0], "gas": 8_000_000})
    addr = w3.eth.get_transaction_receipt(txh)["contractAddress"]
    return w3.eth.contract(address=addr, abi=art["abi"])


def lock_events(env, receipt):
    from web3.logs import DISCARD

    return env.bridge.events.TokensLockedEvent().process_receipt(receipt, errors=DISCARD)


def time_travel(env, seconds: int):
    """Move chain time forward by mining a block with a later timestamp."""
    env.w3.provider.ethereum_tester.time_travel(
        env.w3.eth.get_block("latest")["timestamp"] + seconds)
