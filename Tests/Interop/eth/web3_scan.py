#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Baseline for the relay's catch-up benchmark: a plain web3.py eth_getLogs loop.

Usage: web3_scan.py RPC CONTRACT TOPIC0 FROM TO WINDOW -> prints {"seconds", "logs", "requests"}.
Run with the devnet's venv (it has web3)."""
import json
import sys
import time

from web3 import Web3

rpc, contract, topic, start, end, window = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])
w3 = Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": 60}))
t0 = time.perf_counter()
logs = requests = 0
block = start
while block <= end:
    last = min(end, block + window - 1)
    logs += len(w3.eth.get_logs({"fromBlock": block, "toBlock": last, "address": Web3.to_checksum_address(contract), "topics": [topic]}))
    requests += 1
    block = last + 1
print(json.dumps({"seconds": time.perf_counter() - t0, "logs": logs, "requests": requests}))
