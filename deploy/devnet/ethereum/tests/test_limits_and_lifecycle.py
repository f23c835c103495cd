# SPDX-License-Identifier: Apache-2.0
"""Provider-limit emulation, block clock, host check and clean shutdown."""
import signal
import subprocess
import sys
import time

import pytest
from devnet_process import DEVNET, Devnet

V2_TOPIC = "0x1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126"


@pytest.fixture(scope="module")
def limited():
    d = Devnet("--max-log-range", "50", "--max-logs", "3", "--block-time-ms", "200")
    yield d
    assert d.stop() == 0


def test_block_range_too_large(limited):
    limited("evm_mine", 80)
    head = int(limited("eth_blockNumber"), 16)
    nothing = ["0x" + "00" * 32]
    resp = limited.request("eth_getLogs", {"fromBlock": hex(head - 60), "toBlock": hex(head), "topics": nothing})
    assert resp["error"]["code"] == -32005
    assert resp["error"]["message"].startswith("block range too large")
    assert resp["error"]["data"] == {"limit": 50}
    assert limited("eth_getLogs", {"fromBlock": hex(head - 49), "toBlock": hex(head), "topics": nothing}) == []


def test_too_many_results(limited):
    lock = limited("devnet_lock", {"count": 4})
    n = lock["block_number"]
    limited("evm_mine", 2)
    f = {"fromBlock": hex(n - 2), "toBlock": hex(n + 2), "address": limited.ready["bridge"],
         "topics": [V2_TOPIC]}
    resp = limited.request("eth_getLogs", f)
    assert resp["error"]["code"] == -32005
    assert resp["error"]["message"] == "query returned more than 3 results"
    assert resp["error"]["data"] == {"from": hex(n - 2), "to": hex(n - 1), "limit": 3}
    lock2 = limited("devnet_lock", {"count": 3})
    got = limited("eth_getLogs", dict(f, fromBlock=hex(lock2["block_number"]), toBlock=hex(lock2["block_number"])))
    assert len(got) == 3


def test_block_clock_mines_and_transactions_wait_for_it(limited):
    start = int(limited("eth_blockNumber"), 16)
    time.sleep(1.5)
    assert int(limited("eth_blockNumber"), 16) >= start + 3
    queued = limited("devnet_lock", {"wait": False})
    assert queued["pending"] is True
    two = limited("devnet_lock", {"kind": "native"})  # waits for the clock's next block
    assert two["pending"] is False and len(two["log_indexes"]) == 1
    first = limited("eth_getTransactionReceipt", queued["tx_hash"])
    assert first is not None and int(first["blockNumber"], 16) <= two["block_number"]


def test_non_loopback_host_is_refused():
    r = subprocess.run([sys.executable, str(DEVNET), "--host", "0.0.0.0", "--port", "0"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--host must be 127.0.0.1 or ::1" in r.stderr


def test_sigterm_exits_cleanly_and_max_lifetime_stops():
    d = Devnet(lifetime=300)
    assert d("eth_chainId") == "0x539"
    assert d.stop() == 0
    d2 = Devnet(lifetime=1)
    assert d2.proc.wait(timeout=30) == 0 and d2.stop() == 0
    d3 = Devnet("--block-time-ms", "50", lifetime=300)  # signal while the block clock runs
    time.sleep(0.5)
    d3.proc.send_signal(signal.SIGINT)
    assert d3.proc.wait(timeout=20) == 0 and d3.stop() == 0
