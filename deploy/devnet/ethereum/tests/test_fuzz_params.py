# SPDX-License-Identifier: Apache-2.0
"""Every method with malformed params answers a JSON-RPC envelope and the node survives."""
import itertools
import json
import random

METHODS = ["eth_chainId", "net_version", "eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByHash",
           "eth_getLogs", "eth_getTransactionReceipt", "eth_getTransactionByHash", "eth_getCode", "eth_call",
           "eth_sendTransaction", "eth_sendRawTransaction", "eth_getBalance", "eth_estimateGas",
           "eth_gasPrice", "eth_getTransactionCount", "eth_getBlockReceipts", "evm_mine", "evm_revert",
           "evm_setAutomine", "devnet_reorg", "devnet_info", "devnet_lock", "devnet_lockV1"]
VALUES = [None, True, -1, 0, 2**300, 1.5, "", "x", "0x", "0xzz", "0x" + "f" * 64, "0x" + "00" * 20,
          "latest", "pending", [], [None], {}, {"fromBlock": "0xffffffffffff"}, {"to": "0x12"},
          {"kind": "bogus"}, {"count": 999}, {"amount": -5}, {"blockHash": "0x" + "11" * 32},
          {"recipients": [1, 2]}, {"depth": 10**9}, {"toBlock": "0x0", "force": False}, "\u0000\ud7ff"]


def test_malformed_params_never_break_the_node(devnet):
    rng = random.Random(1234)
    automine_before = devnet("devnet_info")["automine"]
    cases = [(m, []) for m in METHODS]
    cases += [(m, [v]) for m, v in itertools.product(METHODS, VALUES)]
    cases += [(rng.choice(METHODS), [rng.choice(VALUES) for _ in range(rng.randint(1, 3))]) for _ in range(150)]
    skip = {"evm_setAutomine", "evm_revert", "devnet_reorg", "evm_mine"}  # legal ones change the chain
    for i, (method, params) in enumerate(cases):
        if method in skip and all(isinstance(p, (bool, int)) for p in params) and params:
            continue
        status, resp = devnet.post(json.dumps({"jsonrpc": "2.0", "id": i, "method": method,
                                               "params": params}).encode())
        assert status == 200 and resp["id"] == i, (method, params, resp)
        assert ("result" in resp) != ("error" in resp)
        if "error" in resp:
            assert isinstance(resp["error"]["code"], int) and resp["error"]["message"]
    devnet("evm_setAutomine", automine_before)
    assert devnet("eth_chainId") == "0x539"
