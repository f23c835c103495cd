#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bounded throughput figures of the devnet on this machine (prints one JSON object).

Measures: start-up to the ready line (compile cache cold and warm), evm_mine of
N empty blocks, devnet_lock transactions, and eth_getLogs over the whole chain
(cold and cached); then, in process and in the same run, ratios against eth-tester's
own mining and log-filter paths. Run with the venv: .venv/bin/python bench.py
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devnet_process import Devnet  # noqa: E402

V2_TOPIC = "0x1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126"


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--blocks", type=int, default=10_000)
    ap.add_argument("--locks", type=int, default=200)
    a = ap.parse_args()
    cache = Path(__file__).resolve().parent / ".cache"
    shutil.rmtree(cache, ignore_errors=True)
    res = {}
    cold, d = timed(lambda: Devnet(lifetime=600))
    res["startup_cold_cache_s"] = round(cold, 2)
    res["deploy_seconds_reported"] = d.ready["deploy_seconds"]
    d.stop()
    warm, d = timed(lambda: Devnet(lifetime=600))
    res["startup_warm_cache_s"] = round(warm, 2)
    try:
        t, _ = timed(lambda: d("evm_mine", a.blocks))
        res["mine_blocks"] = a.blocks
        res["mine_blocks_per_s"] = round(a.blocks / t)
        t, _ = timed(lambda: [d("devnet_lock", {"recipient": f"1R{i}"}) for i in range(a.locks)])
        res["devnet_lock_per_s"] = round(a.locks / t, 1)
        head = int(d("eth_blockNumber"), 16)
        f = {"fromBlock": "0x0", "toBlock": hex(head), "address": d.ready["bridge"], "topics": [V2_TOPIC]}
        t1, logs = timed(lambda: d("eth_getLogs", f))
        t2, _ = timed(lambda: d("eth_getLogs", f))
        res.update(getlogs_blocks=head + 1, getlogs_results=len(logs), getlogs_cold_s=round(t1, 3),
                   getlogs_cached_s=round(t2, 3))
        n = 500
        t, _ = timed(lambda: [d("eth_blockNumber") for _ in range(n)])
        res["eth_blockNumber_per_s"] = round(n / t)
    finally:
        d.stop()
    res.update(in_process_baselines(1000, 30))
    print(json.dumps(res))
    return 0


def in_process_baselines(blocks: int, locks: int) -> dict:
    """Same-run ratios against eth-tester's own paths: mining through EthereumTester
    (which re-reads every block for filters) and eth-tester's log filters."""
    from ethdevnet.node import Node

    node = Node(1337, 4, 2)
    node.deploy(["0x" + "11" * 20], 2)
    et = node.chain.et
    t_base, _ = timed(lambda: et.mine_blocks(blocks))
    t_ours, _ = timed(lambda: node.mine(blocks))
    for i in range(locks):
        node.handle("devnet_lock", [{"recipient": f"1R{i}"}])
        node.mine(10)
    head = node.chain.head()
    bridge = node.info["bridge"]
    t_log, ours = timed(lambda: node.logs.get_logs({"fromBlock": "0x0", "toBlock": hex(head),
                                                     "address": bridge, "topics": [V2_TOPIC]}))

    def engine_logs():
        fid = et.create_log_filter(from_block=0, to_block=head, address=bridge, topics=[V2_TOPIC])
        try:
            return et.get_all_filter_logs(fid)
        finally:
            et.delete_filter(fid)

    t_eng, theirs = timed(engine_logs)
    assert len(ours) == len(theirs) == locks
    return {"baseline_blocks": blocks, "mine_ours_per_s": round(blocks / t_ours),
            "mine_eth_tester_per_s": round(blocks / t_base), "mine_speedup": round(t_base / t_ours, 2),
            "getlogs_blocks_in_process": head + 1, "getlogs_ours_cold_s": round(t_log, 3),
            "getlogs_eth_tester_s": round(t_eng, 3), "getlogs_speedup": round(t_eng / t_log, 1)}


if __name__ == "__main__":
    sys.exit(main())
