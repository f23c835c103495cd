# SPDX-License-Identifier: Apache-2.0
"""The simulator as a process: ready line, block interval, LIB, garbage input, lifetime, state."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from kit import address, key, post

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VALIDATOR = address(key("process validator"))


def start(tmp_path, *extra, lifetime="30"):
    info = tmp_path / "info.json"
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "koinos_sim.py"), "--port", "0",
                             "--validators", VALIDATOR, "--info-file", str(info),
                             "--max-lifetime", lifetime, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    return proc, line, info


def stop(proc) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()


def call(url, method, params=None):
    return post(url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}})


def test_ready_line_blocks_and_lib(tmp_path):
    proc, line, info = start(tmp_path, "--block-interval-ms", "50", "--irreversible-depth", "3",
                             "--profile", "v1", "--tokens", "KOIN:native")
    try:
        ready = json.loads(line)
        assert line.startswith('{"event":"ready","simulator":true,"rpc":"http://127.0.0.1:')
        assert info.read_text().strip() == line.strip()
        assert ready["profile"] == "v1" and list(ready["tokens"]) == ["KOIN"]
        assert ready["chain_id"].startswith("Ei") and len(ready["chain_id"]) == 48 and ready["bridge"].startswith("1")
        url = ready["rpc"]
        assert call(url, "chain.get_chain_id")["result"]["chain_id"] == ready["chain_id"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            head = call(url, "chain.get_head_info")["result"]
            if int(head["head_topology"]["height"]) >= 6:
                break
            time.sleep(0.05)
        height = int(head["head_topology"]["height"])
        assert height >= 6
        assert int(head["last_irreversible_block"]) in (height - 3, height - 2)
    finally:
        assert stop(proc) == 0


def test_garbage_never_kills_the_server(tmp_path):
    proc, line, _ = start(tmp_path, "--block-interval-ms", "0")
    url = json.loads(line)["rpc"]
    try:
        bodies = [b"", b"{", b"[]", b"[1,2]", b"null", b"\xff\xfe", b"[" * 5000 + b"]" * 5000,
                  json.dumps({"jsonrpc": "1.0", "id": 1, "method": "chain.get_chain_id"}).encode(),
                  json.dumps({"jsonrpc": "2.0", "method": "chain.get_chain_id"}).encode(),
                  json.dumps({"jsonrpc": "2.0", "id": 1.5, "method": "chain.get_chain_id"}).encode()]
        for body in bodies:
            reply = post(url, body)
            replies = reply if isinstance(reply, list) else [reply]
            assert all("error" in r for r in replies), (body[:20], reply)
        weird = [("chain.submit_transaction", {"transaction": {"id": "zz", "header": 5}}),
                 ("chain.submit_transaction", {"transaction": {"id": "0x00", "signatures": ["AA"]}}),
                 ("chain.submit_transaction", {"transaction": {"id": "0x00", "header": {
                     "payer": VALIDATOR, "rc_limit": "1", "operation_merkle_root": "AA=="},
                     "signatures": ["AA=="]}}),
                 ("chain.read_contract", {"contract_id": VALIDATOR, "entry_point": -1}),
                 ("chain.read_contract", {"contract_id": json.loads(line)["bridge"],
                                          "entry_point": 0x50068f92, "args": "_____w=="}),
                 ("chain.get_account_rc", {"account": "1" * 500}),
                 ("block_store.get_blocks_by_height", {"head_block_id": "0x", "num_blocks": 10**12}),
                 ("simulator.produce_block", {"count": "many"}), ("simulator.nope", None),
                 ("chain.get_account_nonce", [1, 2])]
        for method, params in weird:
            reply = call(url, method, params)
            assert "error" in reply and reply["error"]["code"] in (-32601, -32603), reply
        request = urllib.request.Request(url, b"x", {"Content-Length": "-5"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=5)
        assert call(url, "chain.get_chain_id")["result"]["chain_id"]
        assert proc.poll() is None
    finally:
        assert stop(proc) == 0


def test_max_lifetime_exits_by_itself(tmp_path):
    proc, line, _ = start(tmp_path, lifetime="0.5")
    assert json.loads(line)["event"] == "ready"
    assert proc.wait(timeout=10) == 0


def test_configuration_errors_exit_with_a_message(tmp_path):
    proc = subprocess.run([sys.executable, os.path.join(HERE, "koinos_sim.py"),
                           "--validators", "not-an-address", "--max-lifetime", "1"],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 2 and "invalid validator" in proc.stderr


def test_state_file_survives_a_restart(tmp_path):
    state = tmp_path / "state.json"
    proc, line, _ = start(tmp_path, "--block-interval-ms", "0", "--state-file", str(state))
    url = json.loads(line)["rpc"]
    koin = json.loads(line)["tokens"]["KOIN"]["id"]
    call(url, "simulator.set_balance", {"token": "KOIN", "account": VALIDATOR, "balance": "42"})
    produced = call(url, "simulator.produce_block", {"count": 3})["result"]
    assert stop(proc) == 0
    proc, line, _ = start(tmp_path, "--block-interval-ms", "0", "--state-file", str(state))
    url = json.loads(line)["rpc"]
    try:
        head = call(url, "chain.get_head_info")["result"]["head_topology"]
        assert head["id"] == produced["id"] and head["height"] == produced["height"]
        balance = call(url, "simulator.get_balance", {"token": koin, "account": VALIDATOR})
        assert balance["result"]["balance"] == "42"
    finally:
        assert stop(proc) == 0


def test_state_survives_a_sigkill_and_restart_on_the_same_port(tmp_path):
    """Saved after every change, before the answer: a SIGKILL loses no block and no accepted
    (mempool) transaction; the restart on the same port serves the same chain."""
    from kit import TRANSFER, build_tx, call_op, token_transfer_args
    from koinossim.textenc import b64decode

    sender_key, receiver = key("state sender"), address(key("state receiver"))
    sender = address(sender_key)
    state = tmp_path / "state.json"
    args = ("--block-interval-ms", "100", "--state-file", str(state), "--account", f"{sender}:60000000",
            "--balance", f"KOIN:{sender}:5000")
    proc, line, _ = start(tmp_path, *args, lifetime="120")
    ready = json.loads(line)
    url, koin = ready["rpc"], ready["tokens"]["KOIN"]["id"]
    assert ready["restored"] is False
    chain_id = b64decode(ready["chain_id"])

    def transfer(nonce, value):
        tx = build_tx(chain_id, [sender_key], nonce, [call_op(koin, TRANSFER, token_transfer_args(sender, receiver, value))])
        reply = call(url, "chain.submit_transaction", {"transaction": tx, "broadcast": True})
        assert "result" in reply, reply
        return tx

    included = transfer(1, 100)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not call(url, "transaction_store.get_transactions_by_id",
                                                    {"transaction_ids": [included["id"]]})["result"]:
        time.sleep(0.05)
    call(url, "simulator.set_block_production", {"enabled": False})
    time.sleep(0.3)  # a block being made when production stopped is saved with it
    queued = transfer(2, 7)  # accepted, in the mempool only
    head = call(url, "chain.get_head_info")["result"]
    found = call(url, "transaction_store.get_transactions_by_id", {"transaction_ids": [included["id"]]})["result"]
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL

    port = url.rsplit(":", 1)[1]
    proc, line, _ = start(tmp_path, *args, "--port", port, "--block-interval-ms", "0", lifetime="120")
    try:
        again = json.loads(line)
        assert again["restored"] is True and again["rpc"] == url
        assert call(url, "chain.get_head_info")["result"] == head
        assert call(url, "transaction_store.get_transactions_by_id",
                    {"transaction_ids": [included["id"]]})["result"] == found
        assert call(url, "simulator.get_balance", {"token": koin, "account": receiver})["result"]["balance"] == "100"
        assert call(url, "mempool.get_pending_nonce", {"payee": sender})["result"] == {"nonce": "KAI="}
        block = call(url, "simulator.produce_block", {})["result"]
        assert int(block["height"]) == int(head["head_topology"]["height"]) + 1
        assert call(url, "simulator.get_balance", {"token": koin, "account": receiver})["result"]["balance"] == "107"
        assert call(url, "transaction_store.get_transactions_by_id",
                    {"transaction_ids": [queued["id"]]})["result"]["transactions"][0]["containing_blocks"] == [block["id"]]
    finally:
        assert stop(proc) == 0
