# SPDX-License-Identifier: Apache-2.0
"""Reorgs, snapshots, automine off (and replacing a waiting transaction), and the finality guard."""
import pytest
from devnet_process import RpcFailure

V2_TOPIC = "0x1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126"


def test_reorg_replaces_the_block_and_drops_the_old_log(devnet):
    lock = devnet("devnet_lock", {"recipient": "1First"})
    n = lock["block_number"]
    out = devnet("devnet_reorg", {"toBlock": n - 1, "newBlocks": 0})
    assert out["removedTransactions"] == [lock["tx_hash"]] and out["newHead"] == n - 1
    second = devnet("devnet_lock", {"recipient": "1Second"})
    assert second["block_number"] == n and second["block_hash"] != lock["block_hash"]
    assert devnet("eth_getBlockByNumber", hex(n), False)["hash"] == second["block_hash"]
    logs = devnet("eth_getLogs", {"fromBlock": hex(n), "toBlock": "latest", "topics": [V2_TOPIC]})
    assert [lg["transactionHash"] for lg in logs] == [second["tx_hash"]]
    assert devnet("eth_getTransactionReceipt", lock["tx_hash"]) is None
    assert devnet("eth_getTransactionByHash", lock["tx_hash"]) is None
    assert devnet("eth_getBlockByHash", lock["block_hash"], False)["hash"] == lock["block_hash"]  # orphan


def test_reorg_with_replay_moves_the_transaction_to_another_block(devnet):
    a = devnet("devnet_lock", {"count": 2})
    b = devnet("devnet_lock", {"kind": "native"})
    out = devnet("devnet_reorg", {"toBlock": a["block_number"] - 1, "replay": True, "replayAfter": 1})
    assert out["removedTransactions"] == [a["tx_hash"], b["tx_hash"]]
    ra = devnet("eth_getTransactionReceipt", a["tx_hash"])
    rb = devnet("eth_getTransactionReceipt", b["tx_hash"])
    assert int(ra["blockNumber"], 16) == int(rb["blockNumber"], 16) == a["block_number"] + 1
    assert ra["blockHash"] != a["block_hash"] and ra["status"] == rb["status"] == "0x1"
    logs = devnet("eth_getLogs", {"blockHash": ra["blockHash"], "topics": [V2_TOPIC]})
    assert [lg["transactionHash"] for lg in logs] == [a["tx_hash"]] * 2 + [b["tx_hash"]]
    assert out["newHead"] == out["oldHead"] + 1


def test_receipt_after_a_reorg_is_the_new_blocks(devnet):
    """Receipts are indexed by block hash: a transaction re-mined at the same height and position
    is served from its new block, never from the orphaned one it was first served from."""
    lock = devnet("devnet_lock", {"count": 2})
    old = devnet("eth_getTransactionReceipt", lock["tx_hash"])  # the block's receipts are indexed
    assert old["blockHash"] == lock["block_hash"]
    devnet("devnet_reorg", {"toBlock": lock["block_number"] - 1, "replay": True, "replayAfter": 0})
    new = devnet("eth_getTransactionReceipt", lock["tx_hash"])
    block = devnet("eth_getBlockByNumber", hex(lock["block_number"]), False)
    assert (new["blockNumber"], new["transactionIndex"]) == (old["blockNumber"], old["transactionIndex"])
    assert new["blockHash"] == block["hash"] != old["blockHash"]
    assert [lg["blockHash"] for lg in new["logs"]] == [block["hash"]] * len(old["logs"])
    assert devnet("eth_getBlockReceipts", block["hash"]) == [new]


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
        a = devnet("devnet_lock", {"count": 2})
        b = devnet("devnet_lock", {"recipient": "1Other", "from": "0x2b5ad5c4795c026514f8317c7a215e218dcCD6CF"})
        extra = [devnet("devnet_lock", {"kind": "native"}) for _ in range(8)]  # same sender: nonces count up
        assert a["pending"] and b["pending"] and int(devnet("eth_blockNumber"), 16) == head
        assert devnet("eth_getTransactionByHash", a["tx_hash"])["blockNumber"] is None
        assert devnet("eth_getTransactionReceipt", a["tx_hash"]) is None
        devnet("evm_mine")
        ra = devnet("eth_getTransactionReceipt", a["tx_hash"])
        rb = devnet("eth_getTransactionReceipt", b["tx_hash"])
        assert int(ra["blockNumber"], 16) == int(rb["blockNumber"], 16) == head + 1
        assert all(devnet("eth_getTransactionReceipt", x["tx_hash"])["blockHash"] == ra["blockHash"] for x in extra)
        assert (ra["transactionIndex"], rb["transactionIndex"]) == ("0x0", "0x1")
        idx = [int(lg["logIndex"], 16) for r in (ra, rb) for lg in r["logs"] if lg["topics"][0] == V2_TOPIC]
        assert len(idx) == 3 and idx == sorted(set(idx))  # block-wide, increasing
        logs = devnet("eth_getLogs", {"blockHash": ra["blockHash"], "topics": [V2_TOPIC]})
        assert [int(lg["logIndex"], 16) for lg in logs][:3] == idx and len(logs) == 11
    finally:
        devnet("evm_setAutomine", True)


def test_a_pending_transaction_is_replaced_only_with_both_fees_ten_percent_higher(devnet):
    from eth_account import Account

    key = "0x" + "00" * 31 + "05"  # eth-tester's funded account 4
    sender = Account.from_key(key).address
    nonce = int(devnet("eth_getTransactionCount", sender, "pending"), 16)

    def raw(max_fee, tip, value):
        tx = {"type": 2, "chainId": int(devnet("eth_chainId"), 16), "nonce": nonce, "to": "0x" + "42" * 20, "value": value,
              "gas": 21000, "maxFeePerGas": max_fee, "maxPriorityFeePerGas": tip}
        return "0x" + Account.sign_transaction(tx, key).raw_transaction.hex().removeprefix("0x")

    assert devnet("evm_setAutomine", False) is True
    try:
        head = int(devnet("eth_blockNumber"), 16)
        other = devnet("devnet_lock", {"kind": "native"})  # another sender's transaction stays
        first = devnet("eth_sendRawTransaction", raw(20 * 10**9, 10**9, 1))
        for fees in [(21 * 10**9, 2 * 10**9), (30 * 10**9, 10**9 + 10**8 - 1)]:  # one fee below +10 %
            with pytest.raises(RpcFailure, match="replacement transaction underpriced"):
                devnet("eth_sendRawTransaction", raw(*fees, 2))
        with pytest.raises(RpcFailure, match="already known"):
            devnet("eth_sendRawTransaction", raw(20 * 10**9, 10**9, 1))
        second = devnet("eth_sendRawTransaction", raw(22 * 10**9, 11 * 10**8, 3))
        assert devnet("eth_getTransactionByHash", first) is None
        assert devnet("eth_getTransactionByHash", second)["blockNumber"] is None
        assert int(devnet("eth_getTransactionCount", sender, "pending"), 16) == nonce + 1
        devnet("evm_mine")
        receipt = devnet("eth_getTransactionReceipt", second)
        assert int(receipt["blockNumber"], 16) == head + 1 and receipt["status"] == "0x1"
        assert devnet("eth_getTransactionReceipt", first) is None
        assert devnet("eth_getTransactionReceipt", other["tx_hash"])["status"] == "0x1"
    finally:
        devnet("evm_setAutomine", True)


def test_info(devnet):
    info = devnet("devnet_info")
    assert info["head"] - info["finalized"] == 4 and info["head"] - info["safe"] == 2
    assert info["bridge"] == devnet.ready["bridge"] and info["automine"] is True
