#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""HTTP load on a relay's API: N keep-alive clients alternate between the attestation list and
detail routes for a bounded time, then print one JSON summary line (requests, statuses, errors,
latency percentiles in ms). Loopback only.

    deploy/localnet/http_load.py --api http://127.0.0.1:PORT [--clients 100] [--seconds 20]
"""
import argparse, http.client, json, sys, threading, time, urllib.parse


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--api", required=True)
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--timeout", type=float, default=10, help="per-request socket timeout, seconds")
    args = p.parse_args()
    url = urllib.parse.urlparse(args.api)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("http_load: loopback APIs only")
    deadline = time.monotonic() + min(args.seconds, 600)
    lock = threading.Lock()
    latencies, statuses, errors = [], {}, {}
    # A well-formed id nobody has (404) until list answers give real ones (<chain>:<tx>:<log>).
    missing_id = "1337:0x" + "00" * 32 + ":0"
    detail_ids = [missing_id]

    def client(index):
        conn = None
        n = 0
        while time.monotonic() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=args.timeout)
            path = "/v1/attestations?limit=200" if n % 2 == 0 else "/v1/attestations/" + detail_ids[n % len(detail_ids)]
            n += 1
            start = time.monotonic()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                elapsed = (time.monotonic() - start) * 1000
                if n % 2 == 1 and response.status == 200 and len(detail_ids) < 21:  # a list answer
                    items = json.loads(body).get("items", [])
                    with lock:
                        for item in items[:20]:
                            if item.get("id") not in detail_ids:
                                detail_ids.append(item["id"])
                        if len(detail_ids) > 1 and detail_ids[0] == missing_id:
                            detail_ids.pop(0)
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except Exception as e:  # timeouts, resets: counted, the client reconnects
                with lock:
                    name = type(e).__name__
                    errors[name] = errors.get(name, 0) + 1
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + args.timeout + 5)
    wall = time.monotonic() - started
    latencies.sort()

    def pct(q):
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2) if latencies else None

    print(json.dumps({"requests": len(latencies), "seconds": round(wall, 2), "rps": round(len(latencies) / wall, 1),
                      "statuses": {str(k): v for k, v in sorted(statuses.items())}, "errors": errors,
                      "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1.0)}), flush=True)


if __name__ == "__main__":
    main()
