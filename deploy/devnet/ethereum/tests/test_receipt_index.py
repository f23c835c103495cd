# SPDX-License-Identifier: Apache-2.0
"""The receipt index (ethdevnet/receipts.py): a receipt served from it is byte for byte the one
built per request, for every kind of transaction, also after eviction and after a reorg."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devnet import dev_validators  # noqa: E402
from ethdevnet.node import Node  # noqa: E402
from ethdevnet.receipts import ReceiptIndex  # noqa: E402


def wire(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()  # as the server writes it


def test_indexed_receipts_are_identical_to_receipts_built_per_request():
    node = Node(1337, 4, 2)
    node.deploy(dev_validators(), 2)
    txs = [node.handle("devnet_lock", [{"count": 3}])["tx_hash"],
           node.handle("devnet_lockV1", [{"kind": "native", "count": 2}])["tx_hash"]]
    node.handle("evm_setAutomine", [False])  # one block of several transactions
    txs += [node.handle("devnet_lock", [{"kind": "native"}])["tx_hash"],
            node.handle("eth_sendTransaction", [{"to": node.chain.accounts[1], "value": "0x1"}]),  # no logs
            node.handle("eth_sendTransaction", [{"to": node.info["bridge"], "data": "0x12345678",
                                                 "gas": hex(21_100)}]),  # out of gas: status 0
            node.handle("devnet_lock", [{"count": 2}])["tx_hash"]]
    node.handle("evm_mine", [1])
    node.handle("evm_setAutomine", [True])
    hashes = [bytes.fromhex(h[2:]) for h in txs]

    per_request = ReceiptIndex(node.chain, node.logs.block_logs, limit=0)
    built = [wire(per_request.receipt(h)) for h in hashes]
    statuses = [json.loads(b)["status"] for b in built]
    assert statuses == ["0x1"] * 4 + ["0x0", "0x1"]
    assert [len(json.loads(b)["logs"]) for b in built][3:5] == [0, 0]
    assert len({json.loads(b)["blockHash"] for b in built[2:]}) == 1  # the last four share a block

    indexed = node.receipts
    assert [wire(indexed.receipt(h)) for h in hashes] == built
    assert [wire(indexed.receipt(h)) for h in hashes] == built  # served from the index
    small = ReceiptIndex(node.chain, node.logs.block_logs, limit=1)  # evicts at every block change
    assert [wire(small.receipt(h)) for h in reversed(hashes)] == built[::-1]
    assert len(small._blocks) == 1

    # A reorg that re-mines the block: same height and positions, new block hash.
    number = int(json.loads(built[-1])["blockNumber"], 16)
    node.handle("devnet_reorg", [{"toBlock": number - 1, "replay": True, "replayAfter": 0}])
    rebuilt = [wire(per_request.receipt(h)) for h in hashes[2:]]
    assert [wire(indexed.receipt(h)) for h in hashes[2:]] == rebuilt
    assert json.loads(rebuilt[0])["blockHash"] != json.loads(built[2])["blockHash"]
    node.handle("devnet_reorg", [{"toBlock": number - 1, "newBlocks": 1}])  # dropped, not replayed
    assert [indexed.receipt(h) for h in hashes[2:]] == [per_request.receipt(h) for h in hashes[2:]] == [None] * 4
