#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The newcomer's demo: start the localnet, make a few locks on the Ethereum devnet, wait until
every one is attested by the validators and completed on the Koinos simulator, print the HTTP API
URL and a table of the attestations, then keep running until Ctrl-C (or stop at once: --exit).
"""
import argparse, json, os, signal, subprocess, sys, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        answer = json.load(r)
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--exit", action="store_true", help="one-shot: stop the network once the locks complete")
    p.add_argument("--validators", type=int, default=3)
    p.add_argument("--locks", type=int, default=3)
    p.add_argument("--timeout", type=float, default=300, help="seconds to wait for completion")
    args = p.parse_args()

    net = subprocess.Popen([sys.executable, os.path.join(ROOT, "deploy/localnet/localnet.py"), "--fresh",
                            "--validators", str(args.validators)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    def stop(code):
        if net.poll() is None:
            net.send_signal(signal.SIGINT)
            try:
                net.wait(timeout=30)
            except subprocess.TimeoutExpired:
                net.kill()
        sys.exit(code)
    signal.signal(signal.SIGINT, lambda *_: stop(0))
    signal.signal(signal.SIGTERM, lambda *_: stop(0))

    line = net.stdout.readline()
    if not line:
        print("demo: the localnet did not start; logs are in .localnet/logs", file=sys.stderr)
        stop(1)
    summary = json.loads(line)
    eth, api = summary["ethereum"], summary["validators"][0]["api"]

    recipient = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"
    locks = []
    for i in range(args.locks):
        kind = "native" if i % 2 else "erc20"
        amount = str(10**16 * (i + 1)) if kind == "native" else str(10**18 * (i + 1))
        result = rpc(eth["rpc"], "devnet_lock", [{"kind": kind, "amount": amount, "recipient": recipient}])
        locks.append(result)
        print(f"demo: locked {kind} in {result['tx_hash']} (block {result['block_number']})", file=sys.stderr)

    wanted = {lock["tx_hash"].lower() for lock in locks}
    deadline = time.time() + args.timeout
    rows = []
    while time.time() < deadline:
        try:
            page = get(f"{api}/v1/attestations?limit=100")
            rows = [a for a in page.get("items", page.get("attestations", [])) if a["observation"]["tx_hash"].lower() in wanted]
        except OSError:
            rows = []
        if len(rows) == len(wanted) and all(a["status"] == "completed" for a in rows):
            break
        if net.poll() is not None:
            print("demo: the localnet stopped early; logs are in .localnet/logs", file=sys.stderr)
            sys.exit(1)
        time.sleep(1)

    print(api)
    print(f"{'id':<78} {'status':<10} {'quorum':<7} {'amount':>12}  koinos tx")
    for a in sorted(rows, key=lambda a: a["id"]):
        q = f"{a['quorum']['have']}/{a['quorum']['required']}"
        tx = (a.get("submission") or {}).get("koinos_tx_id") or "-"
        print(f"{a['id']:<78} {a['status']:<10} {q:<7} {a['observation']['amount']:>12}  {tx}")
    done = len(rows) == len(wanted) and all(a["status"] == "completed" for a in rows)
    if not done:
        print(f"demo: not every lock completed within {args.timeout:.0f} s; logs are in .localnet/logs", file=sys.stderr)
        stop(1)
    print(f"demo: {len(rows)} locks attested and completed on the Koinos simulator", file=sys.stderr)
    if args.exit:
        stop(0)
    print("demo: running; Ctrl-C stops the network", file=sys.stderr)
    while net.poll() is None:
        time.sleep(1)
    sys.exit(net.returncode or 0)


if __name__ == "__main__":
    main()
