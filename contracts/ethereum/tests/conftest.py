# SPDX-License-Identifier: Apache-2.0
"""Fixtures: the contracts compiled once with vyper, deployed on a fresh
eth-tester (py-evm) chain per test, and seven validator keys (quorum 5)."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CONTRACTS = HERE.parent
sys.path.insert(0, str(HERE))

import bridge_digests as bd  # noqa: E402

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


@pytest.fixture(scope="session")
def artifacts():
    import vyper

    out = {}
    for name in ("Bridge", "TestToken", "WETH", "BridgeV1Events", "LockBatcher"):
        src = (CONTRACTS / f"{name}.vy").read_text()
        res = vyper.compile_code(src, output_formats=["abi", "bytecode"], contract_path=f"{name}.vy")
        out[name] = res
    return out


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


@pytest.fixture(scope="session")
def deployed(artifacts):
    from eth_tester import EthereumTester, PyEVMBackend
    from web3 import EthereumTesterProvider, Web3

    tester = EthereumTester(PyEVMBackend())
    w3 = Web3(EthereumTesterProvider(tester))
    accounts = w3.eth.accounts
    weth = _deploy(w3, artifacts["WETH"])
    validators = [_address(k) for k in VALIDATOR_KEYS]
    bridge = _deploy(w3, artifacts["Bridge"], validators, weth.address, BRIDGE_CHAIN_ID, [], [])
    token = _deploy(w3, artifacts["TestToken"], "Test Token 18", "T18", 18)
    token6 = _deploy(w3, artifacts["TestToken"], "Test Token 6", "T6", 6)
    wrapped = _deploy(w3, artifacts["TestToken"], "Wrapped KOIN", "wKOIN", 8)
    v1 = _deploy(w3, artifacts["BridgeV1Events"])
    batcher = _deploy(w3, artifacts["LockBatcher"])
    e = Env(w3, bridge, weth, token, token6, wrapped, v1, batcher, accounts, list(VALIDATOR_KEYS),
            artifacts)
    wrapped.functions.setMinter(bridge.address, True).transact({"from": accounts[0]})
    e.admin("addSupportedToken", bd.ADD_SUPPORTED_TOKEN, token.address)
    e.admin("addSupportedToken", bd.ADD_SUPPORTED_TOKEN, token6.address)
    e.admin("addSupportedWrappedToken", bd.ADD_SUPPORTED_WRAPPED_TOKEN, wrapped.address)
    for t in (token, token6, wrapped):
        for a in accounts[:3]:
            t.functions.mint(a, 10**30).transact({"from": accounts[0]})
            for spender in (bridge.address, batcher.address):
                t.functions.approve(spender, 2**256 - 1).transact({"from": a})
    return e


@pytest.fixture
def env(deployed):
    """The deployed contracts, with the chain reverted to this state after each test."""
    tester = deployed.w3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    yield deployed
    tester.revert_to_snapshot(snapshot)


def lock_events(env, receipt):
    from web3.logs import DISCARD

    return env.bridge.events.TokensLockedEvent().process_receipt(receipt, errors=DISCARD)


def time_travel(env, seconds: int):
    """Move chain time forward by mining a block with a later timestamp."""
    env.w3.provider.ethereum_tester.time_travel(
        env.w3.eth.get_block("latest")["timestamp"] + seconds)
