# SPDX-License-Identifier: Apache-2.0
"""--state-file: the chain survives a SIGKILL and a restart on the same port."""
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from devnet_process import DEVNET, Devnet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ethdevnet.state_file import decode, encode  # noqa: E402

BALANCE_OF = "0x70a08231"  # balanceOf(address)


def token_balance(d, token, account, block="latest"):
    return d("eth_call", {"to": token, "data": BALANCE_OF + account[2:].lower().rjust(64, "0")}, block)


def snapshot_of(d):
    """Everything a client could have been told: blocks, balances, contract state, tags."""
    head = int(d("eth_blockNumber"), 16)
    accounts = d.ready_accounts
    return {
        "head": head,
        "hashes": [d("eth_getBlockByNumber", hex(n), False)["hash"] for n in range(head + 1)],
        "eth": [d("eth_getBalance", a) for a in accounts],
        "nonces": [d("eth_getTransactionCount", a) for a in accounts],
        "tokens": [token_balance(d, d.ready["token"], a) for a in accounts],
        "bridge_code": d("eth_getCode", d.ready["bridge"]),
        "finalized": d("eth_getBlockByNumber", "finalized", False)["hash"],
    }


def start(state: Path, port: int = 0) -> Devnet:
    d = Devnet("--state-file", str(state), "--port", str(port), "--finality-depth", "4")
    d.ready_accounts = [a for a in d("eth_accounts")[:3]]
    return d


def test_state_survives_sigkill_and_restart_on_the_same_port(tmp_path):
    state = tmp_path / "eth-state.bin"
    d = start(state)
    assert d.ready["restored"] is False and state.exists()
    port = urlparse(d.ready["rpc"]).port
    lock = d("devnet_lock", {"kind": "erc20"})
    native = d("devnet_lock", {"kind": "native"})
    receipts = [d("eth_getTransactionReceipt", x["tx_hash"]) for x in (lock, native)]
    d("evm_mine", 6)
    d("evm_setAutomine", False)
    queued = d("devnet_lock", {"kind": "erc20", "wait": False})  # told: accepted, waits for a block
    assert queued["pending"] is True
    before = snapshot_of(d)
    d.proc.send_signal(signal.SIGKILL)
    assert d.stop() == -signal.SIGKILL

    d2 = start(state, port)  # same port: clients keep their URL
    try:
        assert d2.ready["restored"] is True and d2.ready["rpc"] == d.ready["rpc"]
        for key in ("bridge", "token", "weth", "lock_batcher", "bridge_deploy_block", "validators"):
            assert d2.ready[key] == d.ready[key], key
        assert snapshot_of(d2) == before
        assert [d2("eth_getTransactionReceipt", x["tx_hash"]) for x in (lock, native)] == receipts
        assert d2("eth_getLogs", {"blockHash": lock["block_hash"]})[0]["transactionHash"] == lock["tx_hash"]
        # the transaction that waited in the pending block is still there, and is mined
        assert d2("eth_getTransactionByHash", queued["tx_hash"])["blockNumber"] is None
        d2("evm_mine", 1)
        mined = d2("eth_getTransactionReceipt", queued["tx_hash"])
        assert mined is not None and int(mined["status"], 16) == 1
        again = d2("devnet_lock", {"kind": "erc20"})  # the nonces follow on
        assert again["status"] == 1 and again["block_number"] == before["head"] + 2
    finally:
        assert d2.stop() == 0


def test_unreadable_state_file_is_refused(tmp_path):
    state = tmp_path / "eth-state.bin"
    state.write_bytes(b"not a state file")
    r = subprocess.run([sys.executable, str(DEVNET), "--port", "0", "--state-file", str(state)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "cannot load --state-file" in r.stderr and "bad magic" in r.stderr


def test_encoding_round_trip_and_truncation():
    meta, kv = {"version": 1, "chain_id": 5}, {b"k" * 32: b"v" * 100, b"": b"", b"\x00": b"\xff" * 3}
    raw = encode(meta, kv)
    assert decode(raw) == (meta, kv)
    with pytest.raises(ValueError, match="truncated"):
        decode(raw + b"x")
    with pytest.raises(ValueError, match="truncated"):
        decode(raw[:-2])
