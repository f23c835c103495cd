# SPDX-License-Identifier: Apache-2.0
"""Blocks by number/hash and the finality tags (finalized = head - 4, safe = head - 2)."""


def _num(block):
    return int(block["number"], 16)


def test_tags_lag_the_head(devnet):
    devnet("evm_mine", 10)
    head = int(devnet("eth_blockNumber"), 16)
    assert _num(devnet("eth_getBlockByNumber", "latest", False)) == head
    assert _num(devnet("eth_getBlockByNumber", "safe", False)) == head - 2
    assert _num(devnet("eth_getBlockByNumber", "finalized", False)) == head - 4
    assert _num(devnet("eth_getBlockByNumber", "earliest", False)) == 0
    assert _num(devnet("eth_getBlockByNumber", "pending", False)) == head + 1
    devnet("evm_mine", {"blocks": 3})
    assert _num(devnet("eth_getBlockByNumber", "finalized", False)) == head - 1


def test_future_block_is_null_and_hash_lookup_matches(devnet):
    head = int(devnet("eth_blockNumber"), 16)
    assert devnet("eth_getBlockByNumber", hex(head + 100), False) is None
    b = devnet("eth_getBlockByNumber", hex(head - 1), False)
    assert devnet("eth_getBlockByHash", b["hash"], False) == b
    assert devnet("eth_getBlockByHash", "0x" + "ab" * 32, False) is None
    assert b["parentHash"] == devnet("eth_getBlockByNumber", hex(head - 2), False)["hash"]


def test_full_block_carries_transactions(devnet):
    lock = devnet("devnet_lock", {})
    b = devnet("eth_getBlockByNumber", hex(lock["block_number"]), True)
    (tx,) = b["transactions"]
    assert tx["hash"] == lock["tx_hash"] and tx["input"].startswith("0x0b47c9da")
    assert devnet("eth_getBlockByNumber", hex(lock["block_number"]), False)["transactions"] == [lock["tx_hash"]]


def test_state_reads_at_tags(devnet):
    token = devnet.ready["token"]
    assert devnet("eth_getCode", token, "finalized") != "0x"
    assert devnet("eth_getCode", token, "earliest") == "0x"
    assert int(devnet("eth_getBalance", "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "latest"), 16) > 0
    assert int(devnet("eth_estimateGas", {"to": "0x" + "77" * 20, "value": "0x1"}), 16) == 21000
    assert int(devnet("eth_gasPrice"), 16) >= 10**9
