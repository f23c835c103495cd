#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A bounded soak of the localnet: starts it, makes locks continuously (erc20 and native,
alternating) for --minutes, then waits for the last ones and checks that every lock completed
exactly once: one attestation per lock event on every validator, each `completed`, and the
Koinos simulator's bridge holding exactly one completed transfer per lock.

Prints a summary (locks, completions, latency percentiles) and exits 0, or 1 naming what is
wrong and the log folder. Every process is stopped either way.
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo import Demo, RECIPIENT, get, rpc, say  # noqa: E402


def all_attestations(api):
    items, cursor = [], None
    for _ in range(1000):  # bounded: 100 per page
        page = get(f"{api}/v1/attestations?limit=100" + (f"&cursor={cursor}" if cursor else ""))
        items += page.get("items", [])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=5)
    p.add_argument("--interval", type=float, default=2.0, help="seconds between locks")
    p.add_argument("--validators", type=int, default=3)
    p.add_argument("--drain-timeout", type=float, default=180, help="seconds allowed after the last lock")
    p.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".localnet", "soak"))
    p.add_argument("--bin", default=os.environ.get("BRIDGE_RELAY_BIN"))
    args = p.parse_args()
    args.locks, args.timeout, args.exit = 0, args.drain_timeout, True
    args.max_lifetime = int(args.minutes * 60 + args.drain_timeout + 600)
    demo = Demo(args)
    try:
        summary = demo.start_network()
        eth = summary["ethereum"]
        apis = [v["api"] for v in summary["validators"]]
        relayer = summary["validators"][0]["koinos_address"]
        print(apis[0], flush=True)
        locks, completed_at, n = {}, {}, 0
        end = time.time() + args.minutes * 60
        while time.time() < end:
            kind = "native" if n % 2 else "erc20"
            amount = str(10**15 * (n + 1)) if kind == "native" else str(10**17 * (n + 1))
            r = rpc(eth["rpc"], "devnet_lock", [{"kind": kind, "amount": amount, "recipient": RECIPIENT, "relayer": relayer}])
            locks[r["tx_hash"].lower()] = time.time()
            n += 1
            for a in all_attestations(apis[0]):
                tx = a["observation"]["tx_hash"].lower()
                if a["status"] == "completed" and tx in locks and tx not in completed_at:
                    completed_at[tx] = time.time()
            if demo.net.poll() is not None:
                demo.fail("the localnet stopped during the soak")
            time.sleep(args.interval)
        say(f"{len(locks)} locks made; waiting for the last ones")
        deadline = time.time() + args.drain_timeout
        while time.time() < deadline and len(completed_at) < len(locks):
            for a in all_attestations(apis[0]):
                tx = a["observation"]["tx_hash"].lower()
                if a["status"] == "completed" and tx in locks and tx not in completed_at:
                    completed_at[tx] = time.time()
            time.sleep(0.5)
        problems = []
        missing = [tx for tx in locks if tx not in completed_at]
        if missing:
            problems.append(f"{len(missing)} locks not completed: {', '.join(missing[:5])}")
        for api in apis:
            rows = [a for a in all_attestations(api) if a["observation"]["tx_hash"].lower() in locks]
            keys = [(a["observation"]["tx_hash"].lower(), a["observation"]["log_index"]) for a in rows]
            if len(keys) != len(set(keys)):
                problems.append(f"{api}: a lock event has more than one attestation")
            if len(set(keys)) != len(locks):
                problems.append(f"{api}: {len(set(keys))} attestations for {len(locks)} locks")
            digests = {a["digest"] for a in rows}
            if len(digests) != len(rows):
                problems.append(f"{api}: two attestations share a digest")
        state = rpc(summary["koinos"]["rpc"], "simulator.dump_state", {})
        transfers = state["bridge"]["completed_transfers"]
        if len(transfers) != len(locks):
            problems.append(f"the Koinos bridge holds {len(transfers)} completed transfers for {len(locks)} locks")
        latencies = [completed_at[tx] - locks[tx] for tx in completed_at]
        print(f"soak: {len(locks)} locks in {args.minutes:g} min, {len(completed_at)} completed, "
              f"{len(transfers)} transfers on Koinos; latency p50 {percentile(latencies, 0.5):.1f} s, "
              f"p95 {percentile(latencies, 0.95):.1f} s, max {max(latencies, default=float('nan')):.1f} s", flush=True)
        if problems:
            demo.fail("; ".join(problems))
        demo.stop_network()
        say("every lock completed exactly once")
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - always stop the network
        demo.fail(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
