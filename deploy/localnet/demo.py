#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The newcomer's demo: start the localnet, make a few locks on the Ethereum devnet (erc20 and
native), wait until every one is attested by the validators and completed on the Koinos
simulator, print the HTTP API URL, a table of the attestations and the lock-to-completed
latency, then keep running until Ctrl-C (or stop at once: --exit).

Exit status: 0 when every lock completed; 1 (with the log folder named) when the localnet did
not start or a lock did not complete within --timeout. Every process is stopped either way.
"""
import argparse, json, os, signal, subprocess, sys, time, urllib.request

# Every line reaches a pipe at once (`scripts/demo | tee log` shows the API URL while it runs).
sys.stdout.reconfigure(line_buffering=True)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RECIPIENT = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"


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


def stop_localnet(proc):
    """SIGINT to a localnet.py process (it stops its validators and devnets), SIGKILL after 40 s."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def say(msg):
    print(f"demo: {msg}", file=sys.stderr, flush=True)


class Demo:
    def __init__(self, args):
        self.args = args
        self.dir = os.path.abspath(args.dir)
        self.net = None

    def stop_network(self):
        stop_localnet(self.net)

    def fail(self, msg):
        say(f"FAILED: {msg}")
        say(f"logs: {os.path.join(self.dir, 'logs')}")
        self.stop_network()
        sys.exit(1)

    def start_network(self):
        cmd = [sys.executable, os.path.join(ROOT, "deploy/localnet/localnet.py"), "--fresh", "--dir", self.dir,
               "--validators", str(self.args.validators), "--max-lifetime", str(self.args.max_lifetime)]
        if self.args.bin:
            cmd += ["--bin", self.args.bin]
        self.net = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
        line = self.net.stdout.readline()
        if not line:
            self.fail("the localnet did not start")
        return json.loads(line)

    def make_locks(self, eth, relayer):
        locks = []
        for i in range(self.args.locks):
            kind = "native" if i % 2 else "erc20"
            amount = str(10**16 * (i + 1)) if kind == "native" else str(10**18 * (i + 1))
            # v2: the relayer (validator 1 here) is who may claim the transfer on Koinos.
            result = rpc(eth["rpc"], "devnet_lock", [{"kind": kind, "amount": amount, "recipient": RECIPIENT, "relayer": relayer}])
            result["kind"], result["locked_at"] = kind, time.time()
            locks.append(result)
            say(f"locked {kind} in {result['tx_hash']} (block {result['block_number']})")
        return locks

    def wait_completed(self, api, locks):
        wanted = {lock["tx_hash"].lower(): lock for lock in locks}
        completed_at = {}
        rows = {}
        deadline = time.time() + self.args.timeout
        while time.time() < deadline:
            try:
                page = get(f"{api}/v1/attestations?limit=100")
                for a in page.get("items", []):
                    tx = a["observation"]["tx_hash"].lower()
                    if tx in wanted:
                        rows[a["id"]] = a
                        if a["status"] == "completed" and a["id"] not in completed_at:
                            completed_at[a["id"]] = time.time()
            except (OSError, ValueError):
                pass
            if len(completed_at) >= len(wanted) and {rows[i]["observation"]["tx_hash"].lower() for i in completed_at} == set(wanted):
                break
            if self.net.poll() is not None:
                self.fail("the localnet stopped early")
            time.sleep(0.25)
        return rows, completed_at, wanted

    def report_memory(self, summary, settle=5.0):
        """Prints each validator's resident memory once the network has been idle for `settle` s."""
        time.sleep(settle)
        parts = []
        for v in summary["validators"]:
            fields = {}
            try:
                with open(f"/proc/{v['pid']}/status") as f:
                    for line in f:
                        key, _, value = line.partition(":")
                        if key in ("VmRSS", "VmHWM"):
                            fields[key] = int(value.split()[0]) / 1024
            except OSError:
                continue
            if "VmRSS" in fields:
                parts.append(f"{v['name']} {fields['VmRSS']:.1f} MiB (peak {fields.get('VmHWM', 0):.1f})")
        if parts:
            print(f"resident memory after {settle:.0f} s idle: " + ", ".join(parts), flush=True)

    def run(self):
        summary = self.start_network()
        eth, api = summary["ethereum"], summary["validators"][0]["api"]
        print(api, flush=True)
        try:
            locks = self.make_locks(eth, summary["validators"][0]["koinos_address"])
        except (OSError, RuntimeError) as e:
            self.fail(f"a lock on the Ethereum devnet failed: {e}")
        rows, completed_at, wanted = self.wait_completed(api, locks)
        print(f"{'kind':<7} {'status':<10} {'quorum':<7} {'amount':>20}  {'latency':>8}  source tx / koinos tx")
        latencies = []
        for a in sorted(rows.values(), key=lambda a: wanted[a["observation"]["tx_hash"].lower()]["locked_at"]):
            lock = wanted[a["observation"]["tx_hash"].lower()]
            q = f"{a['quorum']['have']}/{a['quorum']['required']}"
            tx = (a.get("submission") or {}).get("koinos_tx_id") or "-"
            latency = "-"
            if a["id"] in completed_at:
                seconds = completed_at[a["id"]] - lock["locked_at"]
                latencies.append(seconds)
                latency = f"{seconds:.1f} s"
            print(f"{lock['kind']:<7} {rows[a['id']]['status']:<10} {q:<7} {a['observation']['amount']:>20}  {latency:>8}  "
                  f"{a['observation']['tx_hash']} / {tx}")
        done = {rows[i]["observation"]["tx_hash"].lower() for i in completed_at} == set(wanted)
        if not done:
            missing = [tx for tx in wanted if tx not in {rows[i]["observation"]["tx_hash"].lower() for i in completed_at}]
            self.fail(f"{len(missing)} of {len(wanted)} locks not completed within {self.args.timeout:.0f} s: {', '.join(missing)}")
        latencies.sort()
        say(f"{len(wanted)} locks attested and completed on the Koinos simulator")
        print(f"lock-to-completed latency: min {latencies[0]:.1f} s, median {latencies[len(latencies) // 2]:.1f} s, "
              f"max {latencies[-1]:.1f} s (polled every 0.25 s on {api})", flush=True)
        self.report_memory(summary)
        if self.args.exit:
            self.stop_network()
            return 0
        say("running; Ctrl-C stops the network")
        while self.net.poll() is None:
            time.sleep(1)
        return self.net.returncode or 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exit", action="store_true", help="one-shot: stop the network once the locks complete")
    p.add_argument("--validators", type=int, default=3)
    p.add_argument("--locks", type=int, default=3)
    p.add_argument("--timeout", type=float, default=180, help="seconds to wait for completion")
    p.add_argument("--dir", default=os.path.join(ROOT, ".localnet"))
    p.add_argument("--bin", default=os.environ.get("BRIDGE_RELAY_BIN"), help="bridge-relay binary (default: release build)")
    p.add_argument("--max-lifetime", type=int, default=7200, help="the devnets stop by themselves after S seconds")
    args = p.parse_args()
    demo = Demo(args)

    def on_signal(*_):
        demo.stop_network()
        sys.exit(0)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        sys.exit(demo.run())
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - always stop the network
        demo.fail(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
