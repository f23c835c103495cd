#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bounded throughput figures of the simulator itself (one HTTP client, loopback).

Prints, for N transactions each: the rate of building+signing alone in this Python client,
then token-transfer and complete_transfer (3-of-4 quorum, v2) submissions/s including that
client work, over one keep-alive connection.
Usage: .venv/bin/python bench.py [N]   (default 300)
"""

import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests"))

import bridge_kit as B  # noqa: E402
from kit import TRANSFER, Sim, address, build_tx, call_op, key, token_transfer_args  # noqa: E402
from koinossim import crypto  # noqa: E402


class KeepAlive:
    """One persistent HTTP/1.1 connection, as a libcurl client would keep."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.next_id = 0

    def submit(self, tx: dict) -> dict:
        self.next_id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": "chain.submit_transaction",
                           "params": {"transaction": tx, "broadcast": True}})
        self.conn.request("POST", "/", body, {"Content-Type": "application/json"})
        reply = json.loads(self.conn.getresponse().read())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]


def main(count: int) -> None:
    validators = [key(f"bench validator {i}") for i in range(4)]
    relayer = key("bench relayer")
    sim = Sim(["--profile", "v2", "--validators", ",".join(address(k) for k in validators),
               "--account", f"{address(relayer)}:{10**18}", "--pending-limit", str(count + 10),
               "--balance", f"KOIN:{address(relayer)}:{10**12}"])
    sim.profile = "v2"
    koin = sim.info["tokens"]["KOIN"]["id"]
    client = KeepAlive(sim.server.server_address[1])
    try:
        start = time.perf_counter()
        for i in range(count):
            build_tx(sim.chain_id, [relayer], i + 1, [])
        sign_rate = count / (time.perf_counter() - start)

        start = time.perf_counter()
        for i in range(count):
            op = call_op(koin, TRANSFER, token_transfer_args(address(relayer), address(key("x")), 1))
            client.submit(build_tx(sim.chain_id, [relayer], i + 1, [op]))
        transfer_rate = count / (time.perf_counter() - start)
        sim.produce()

        start = time.perf_counter()
        for i in range(count):
            t = {"tx": crypto.sha256(b"bench %d" % i), "token": koin, "value": 1000,
                 "recipient": address(key("bench recipient")), "relayer": address(relayer),
                 "payment": 1, "metadata": "", "expiration": 4_000_000_000_000, "chain": 1}
            digest = B.transfer_digest("v2", sim.info["bridge"], t)
            args = B.complete_transfer_args("v2", t, B.sign_all(validators[:3], digest))
            op = call_op(sim.info["bridge"], B.COMPLETE_TRANSFER, args)
            client.submit(build_tx(sim.chain_id, [relayer], count + i + 1, [op], rc_limit=10**8))
        complete_rate = count / (time.perf_counter() - start)
        print(f"signing only (python client): {sign_rate:.0f} tx/s")
        print(f"token transfer submissions:   {transfer_rate:.0f} tx/s "
              f"({transfer_rate / sign_rate:.2f}x of the signing floor)")
        print(f"complete_transfer (3 sigs):   {complete_rate:.0f} tx/s "
              f"({complete_rate / sign_rate:.2f}x of the signing floor)")
    finally:
        sim.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
