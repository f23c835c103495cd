#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Makes bridge locks on a running devnet through devnet_lock / devnet_lockV1.

    lock.py --rpc http://127.0.0.1:8545 --kind erc20 --amount 1000000000000000000 --recipient 1Abc...
    lock.py --info-file info.json --count 2          # two locks in one transaction
    lock.py --info-file info.json --v1 --amount 500  # a v1-shaped event

Prints the JSON result (tx_hash, block_number, block_hash, log_indexes, ...) on
stdout; exits 1 with the JSON-RPC error on stderr. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.request


def call(rpc: str, method: str, params: list, timeout: float = 60):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(rpc, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        resp = json.loads(r.read())
    if "error" in resp:
        raise RuntimeError(json.dumps(resp["error"]))
    return resp["result"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rpc", help="devnet URL (or --info-file)")
    ap.add_argument("--info-file", help="the devnet's --info-file")
    ap.add_argument("--v1", action="store_true", help="emit the v1 event (devnet_lockV1)")
    ap.add_argument("--kind", choices=["erc20", "native", "wrapped"], default="erc20")
    ap.add_argument("--amount", help="token base units (v1: the logged 8-decimal amount)")
    ap.add_argument("--payment")
    ap.add_argument("--relayer")
    ap.add_argument("--recipient")
    ap.add_argument("--recipients", nargs="+", help="one lock per recipient, all in one transaction")
    ap.add_argument("--metadata")
    ap.add_argument("--chain", type=int, help="destination chain id in the event (default 1)")
    ap.add_argument("--count", type=int, default=1, help="locks in one transaction (1..64)")
    ap.add_argument("--from", dest="sender", type=int, help="funded account index 0..4 (default 1)")
    ap.add_argument("--repeat", type=int, default=1, help="make this many transactions")
    a = ap.parse_args(argv)
    rpc = a.rpc
    if not rpc and a.info_file:
        with open(a.info_file) as f:
            rpc = json.load(f)["rpc"]
    if not rpc:
        ap.error("need --rpc or --info-file")
    opts = {"kind": a.kind, "count": a.count}
    for key, value in (("amount", a.amount), ("payment", a.payment), ("relayer", a.relayer),
                       ("recipient", a.recipient), ("recipients", a.recipients), ("metadata", a.metadata),
                       ("chain", a.chain),
                       ("from", a.sender)):
        if value is not None:
            opts[key] = value
    if a.v1:
        opts = {k: v for k, v in opts.items() if k in ("kind", "count", "amount", "recipient", "from")}
    try:
        for _ in range(max(1, a.repeat)):
            print(json.dumps(call(rpc, "devnet_lockV1" if a.v1 else "devnet_lock", [opts])), flush=True)
    except (RuntimeError, OSError, ValueError) as e:
        print(f"lock: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
