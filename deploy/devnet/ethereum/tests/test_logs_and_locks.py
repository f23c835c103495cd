# SPDX-License-Identifier: Apache-2.0
"""devnet_lock / devnet_lockV1 and eth_getLogs filters, checked against receipts."""
from eth_abi import decode

V2_TOPIC = "0x1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126"
V1_TOPIC = "0x943004f24b74daf8f1b3184c2703c86aa64f95fc624bab58e578754f7bf8ab6b"
V2_TYPES = ["address", "address", "uint256", "uint256", "string", "string", "string", "uint256", "uint32"]


def _logs(devnet, block, **f):
    return devnet("eth_getLogs", dict({"fromBlock": hex(block), "toBlock": hex(block)}, **f))


def test_two_locks_in_one_transaction(devnet):
    lock = devnet("devnet_lock", {"count": 2, "amount": 3 * 10**18, "recipient": "1Two", "chain": 1})
    assert len(lock["log_indexes"]) == 2 and len(set(lock["log_indexes"])) == 2
    logs = _logs(devnet, lock["block_number"], address=devnet.ready["bridge"], topics=[V2_TOPIC])
    assert [int(lg["logIndex"], 16) for lg in logs] == lock["log_indexes"]
    assert {lg["transactionHash"] for lg in logs} == {lock["tx_hash"]}
    for lg in logs:
        ev = decode(V2_TYPES, bytes.fromhex(lg["data"][2:]))
        assert ev[2] == 3 * 10**8 and ev[5] == "1Two" and ev[8] == 1
        assert ev[0].lower() == devnet.ready["lock_batcher"].lower()
    receipt = devnet("eth_getTransactionReceipt", lock["tx_hash"])
    assert [lg for lg in receipt["logs"] if lg["topics"][0] == V2_TOPIC] == logs
    assert devnet("eth_getBlockReceipts", hex(lock["block_number"])) == [receipt]
    assert receipt["blockHash"] == lock["block_hash"] and receipt["status"] == "0x1"


def test_one_transaction_with_different_recipients(devnet):
    lock = devnet("devnet_lock", {"kind": "native", "amount": 10**17, "recipients": ["1Good", "bad 0OIl!"]})
    assert lock["count"] == 2 and len(lock["log_indexes"]) == 2
    logs = devnet("eth_getLogs", {"blockHash": lock["block_hash"], "topics": [V2_TOPIC]})
    assert [decode(V2_TYPES, bytes.fromhex(lg["data"][2:]))[5] for lg in logs] == ["1Good", "bad 0OIl!"]
    assert devnet.request("devnet_lock", {"recipients": []})["error"]["code"] == -32602


def test_native_lock_normalises_and_names_weth(devnet):
    lock = devnet("devnet_lock", {"kind": "native", "amount": hex(25 * 10**17), "payment": 10**17,
                                  "relayer": "1Relayer", "metadata": "m"})
    (lg,) = _logs(devnet, lock["block_number"], topics=[V2_TOPIC])
    ev = decode(V2_TYPES, bytes.fromhex(lg["data"][2:]))
    assert ev[1].lower() == devnet.ready["weth"].lower()
    assert (ev[2], ev[3], ev[4], ev[6]) == (25 * 10**7, 10**7, "1Relayer", "m")
    assert lock["amount"] == 25 * 10**7 and lock["payment"] == 10**7


def test_v1_locks(devnet):
    lock = devnet("devnet_lockV1", {"count": 2, "amount": 500, "recipient": "1V1"})
    logs = _logs(devnet, lock["block_number"], address=devnet.ready["v1_events"])
    assert [lg["topics"][0] for lg in logs] == [V1_TOPIC, V1_TOPIC]
    ev = decode(["address", "address", "uint256", "string", "uint256"], bytes.fromhex(logs[0]["data"][2:]))
    assert (ev[2], ev[3]) == (500, "1V1")


def test_topic_or_lists_and_address_filters(devnet):
    a = devnet("devnet_lock", {})
    b = devnet("devnet_lockV1", {})
    rng = {"fromBlock": hex(a["block_number"]), "toBlock": hex(b["block_number"])}
    both = devnet("eth_getLogs", dict(rng, topics=[[V1_TOPIC, V2_TOPIC]]))
    assert {lg["transactionHash"] for lg in both} == {a["tx_hash"], b["tx_hash"]}
    only_v1 = devnet("eth_getLogs", dict(rng, address=[devnet.ready["v1_events"]], topics=[None]))
    assert {lg["transactionHash"] for lg in only_v1} == {b["tx_hash"]}
    none = devnet("eth_getLogs", dict(rng, topics=[V2_TOPIC, "0x" + "00" * 32]))
    assert none == []
    by_hash = devnet("eth_getLogs", {"blockHash": a["block_hash"], "topics": [V2_TOPIC]})
    assert [lg["transactionHash"] for lg in by_hash] == [a["tx_hash"]]


def test_bad_filters(devnet):
    head = devnet("eth_blockNumber")
    for f in ({"fromBlock": head, "toBlock": "0x1"}, {"blockHash": "0x" + "00" * 32, "fromBlock": "0x1"},
              {"address": "0x1234"}, {"topics": [["0x12"]]}, {"fromBlock": "soon"}, {"bogus": 1}):
        resp = devnet.request("eth_getLogs", f)
        assert resp["error"]["code"] == -32602, (f, resp)
    assert devnet("eth_getLogs", {"fromBlock": hex(int(head, 16) + 10)}) == []


def test_lock_client_script(devnet):
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "lock.py"
    r = subprocess.run([sys.executable, str(script), "--rpc", devnet.ready["rpc"], "--count", "2",
                        "--recipient", "1Cli", "--repeat", "2"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    results = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(results) == 2 and all(len(x["log_indexes"]) == 2 for x in results)
    bad = subprocess.run([sys.executable, str(script), "--rpc", devnet.ready["rpc"], "--payment", str(10**30)],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "payment exceeds amount" in bad.stderr
