#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bounded throughput figures of the devnet on this machine (prints one JSON object).

Measures: start-up to the ready line (compile cache cold and warm), evm_mine of
N empty blocks, devnet_lock transactions, and eth_getLogs over the whole chain
(cold and cached). Run with the venv: .venv/bin/python bench.py [--blocks 10000]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

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
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
