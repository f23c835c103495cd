# SPDX-License-Identifier: Apache-2.0
"""Reorgs, snapshots, automine off, and the finality guard."""
V2_TOPIC = "0x1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126"


def test_reorg_replaces_the_block_and_drops_the_old_log(devnet):
    lock = devnet("devnet_lock", {"recipient": "1First"})
    n = lock["block_number"]
    out = devnet("devnet_reorg", {"toBlock": n - 1, "newBlocks": 0})
    assert out["removedTransactions"] == [lock["tx_hash"]] and out["newHead"] == n - 1
    second = devnet("devnet_lock", {"recipient": "1Second"})
    assert second["block_number"] == n and second["block_hash"] != lock["block_hash"]
    assert devnet("eth_getBlockByNumber", hex(n), False)["hash"] == second["block_hash"]
    logs = devnet("eth_getLogs", {"fromBlock": hex(n - 1), "toBlock": "latest", "topics": [V2_TOPIC]})
    assert [lg["transactionHash"] for lg in logs] == [second["tx_hash"]]
    assert devnet("eth_getTransactionReceipt", lock["tx_hash"]) is None
    assert devnet("eth_getTransactionByHash", lock["tx_hash"]) is None
    assert devnet("eth_getBlockByHash", lock["block_hash"], False)["hash"] == lock["block_hash"]  # orphan


def test_reorg_by_depth_mines_a_longer_branch(devnet):
    devnet("evm_mine", 2)
    head = int(devnet("eth_blockNumber"), 16)
    old = devnet("eth_getBlockByNumber", hex(head - 1), False)["hash"]
    out = devnet("devnet_reorg", {"depth": 2})
    assert out["commonAncestor"] == head - 2 and out["newHead"] == head + 1
    assert devnet("eth_getBlockByNumber", hex(head - 1), False)["hash"] != old


def test_reorg_below_finalized_is_refused_unless_forced(devnet):
    devnet("evm_mine", 6)
    fin = int(devnet("eth_getBlockByNumber", "finalized", False)["number"], 16)
    resp = devnet.request("devnet_reorg", {"toBlock": fin - 1})
    assert resp["error"]["code"] == -32000 and "finalized" in resp["error"]["message"]
    assert int(devnet("eth_getBlockByNumber", "finalized", False)["number"], 16) == fin
    old = devnet("eth_getBlockByNumber", hex(fin), False)["hash"]
    devnet("devnet_reorg", {"toBlock": fin - 1, "force": True})
    assert devnet("eth_getBlockByNumber", hex(fin), False)["hash"] != old


def test_snapshot_and_revert(devnet):
    sid = devnet("evm_snapshot")
    head = int(devnet("eth_blockNumber"), 16)
    lock = devnet("devnet_lock", {})
    assert devnet("evm_revert", sid) is True
    assert int(devnet("eth_blockNumber"), 16) == head
    assert devnet("eth_getTransactionReceipt", lock["tx_hash"]) is None
    assert devnet("evm_revert", "0x99999") is False


def test_automine_off_then_mine(devnet):
    assert devnet("evm_setAutomine", False) is True
    try:
        head = int(devnet("eth_blockNumber"), 16)
        lock = devnet("devnet_lock", {"count": 2})
        assert lock["pending"] is True and int(devnet("eth_blockNumber"), 16) == head
        devnet("evm_mine")
        receipt = devnet("eth_getTransactionReceipt", lock["tx_hash"])
        assert int(receipt["blockNumber"], 16) == head + 1
        assert len([lg for lg in receipt["logs"] if lg["topics"][0] == V2_TOPIC]) == 2
    finally:
        devnet("evm_setAutomine", True)


def test_info(devnet):
    info = devnet("devnet_info")
    assert info["head"] - info["finalized"] == 4 and info["head"] - info["safe"] == 2
    assert info["bridge"] == devnet.ready["bridge"] and info["automine"] is True
