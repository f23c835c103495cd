# SPDX-License-Identifier: Apache-2.0
"""Fixtures: the contracts compiled once with vyper and deployed once on eth-tester
(py-evm); each test runs on a snapshot that is reverted afterwards."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CONTRACTS = HERE.parent
sys.path.insert(0, str(HERE))

import bridge_digests as bd  # noqa: E402
from contract_env import BRIDGE_CHAIN_ID, VALIDATOR_KEYS, Env, _address, _deploy  # noqa: E402


@pytest.fixture(scope="session")
def artifacts():
    import vyper

    out = {}
    for name in ("Bridge", "TestToken", "WETH", "BridgeV1Events", "LockBatcher"):
        src = (CONTRACTS / f"{name}.vy").read_text()
        res = vyper.compile_code(src, output_formats=["abi", "bytecode"], contract_path=f"{name}.vy")
        out[name] = res
    return out


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


