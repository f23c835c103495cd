#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Baselines for the relay's catch-up benchmark: plain web3.py loops over the same windows.

Usage: web3_scan.py RPC CONTRACT TOPICS FROM TO WINDOW [--receipts]
  TOPICS  comma-separated topic0 values (any of them matches, as the relay asks)
  without --receipts: eth_getLogs per window only;
  with --receipts: eth_getLogs per window, then the receipts of the window's distinct
  transactions in batches of 100 (the relay's receipt re-check, same requests).
Prints {"seconds", "logs", "requests", "receipts"}. Run with the devnet's venv (it has web3)."""
import json
import sys
import time

from web3 import Web3

rpc, contract, topics, start, end, window = sys.argv[1], sys.argv[2], sys.argv[3].split(","), *map(int, sys.argv[4:7])
with_receipts = "--receipts" in sys.argv[7:]
BATCH = 100  # RangeScanner.receiptBatchSize
w3 = Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": 60}))
address = Web3.to_checksum_address(contract)
t0 = time.perf_counter()
logs = requests = receipts = 0
block = start
while block <= end:
    last = min(end, block + window - 1)
    found = w3.eth.get_logs({"fromBlock": block, "toBlock": last, "address": address, "topics": [topics]})
    logs += len(found)
    requests += 1
    if with_receipts:
        hashes = list(dict.fromkeys(log["transactionHash"] for log in found))
        for i in range(0, len(hashes), BATCH):
            with w3.batch_requests() as batch:
                for h in hashes[i:i + BATCH]:
                    batch.add(w3.eth.get_transaction_receipt(h))
                answers = batch.execute()
            receipts += sum(1 for r in answers if r is not None)
            requests += 1
    block = last + 1
print(json.dumps({"seconds": time.perf_counter() - t0, "logs": logs, "requests": requests, "receipts": receipts}))
