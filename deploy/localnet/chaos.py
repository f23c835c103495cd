#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A bounded chaos run of the localnet: while locks stream in (one every --interval seconds)
and --clients keep-alive HTTP clients hammer validator 1's attestation routes, it takes turns
at SIGKILLing a validator (restarted a few seconds later), SIGSTOPping a validator, and
SIGSTOPping the Ethereum devnet and the Koinos simulator (each resumed with SIGCONT).

At the end it waits for the last locks and prints: locks made, completed exactly once,
duplicated, lost, the worst lock-to-completed latency, and whether every node still answers.
Exit 0 only with no loss, no duplicate and no frozen node; every process is stopped either way.

    deploy/localnet/chaos.py [--minutes 3] [--validators 3] [--clients 100]
"""
import argparse, json, os, signal, subprocess, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo import ROOT, RECIPIENT, rpc, say, stop_localnet  # noqa: E402
from soak import all_attestations  # noqa: E402


def healthy(api, timeout=2.0):
    try:
        with urllib.request.urlopen(f"{api}/healthz", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


class Chaos:
    def __init__(self, args):
        self.args = args
        self.dir = os.path.abspath(args.dir)
        self.net = None
        self.restarted = {}  # validator index -> Popen of the relay we restarted ourselves
        self.stopped = set()  # pids we SIGSTOPped and must SIGCONT
        self.events = []

    def start(self):
        cmd = [sys.executable, os.path.join(ROOT, "deploy/localnet/localnet.py"), "--fresh", "--keep-going", "--dir", self.dir,
               "--validators", str(self.args.validators), "--max-lifetime", str(int(self.args.minutes * 60 + self.args.drain_timeout + 600))]
        if self.args.bin:
            cmd += ["--bin", self.args.bin]
        self.net = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
        line = self.net.stdout.readline()
        if not line:
            raise RuntimeError("the localnet did not start")
        self.summary = json.loads(line)
        self.pids = {i: v["pid"] for i, v in enumerate(self.summary["validators"])}
        return self.summary

    def stop(self):
        for pid in list(self.stopped):
            self.cont(pid)
        for proc in self.restarted.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.restarted.values():
            try:
                proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        stop_localnet(self.net)

    def note(self, what):
        self.events.append(what)
        say(what)

    def pause(self, pid, name, seconds):
        os.kill(pid, signal.SIGSTOP)
        self.stopped.add(pid)
        self.note(f"SIGSTOP {name} for {seconds:g} s")
        time.sleep(seconds)
        self.cont(pid)

    def cont(self, pid):
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
        self.stopped.discard(pid)

    def kill_and_restart(self, index, downtime):
        v = self.summary["validators"][index]
        os.kill(self.pids[index], signal.SIGKILL)
        self.note(f"SIGKILL {v['name']}; restart in {downtime:g} s")
        time.sleep(downtime)
        env = {k: val for k, val in os.environ.items() if not k.startswith("BRIDGE_RELAY_")}
        log = open(os.path.join(self.summary["logs"], f"{v['name']}-restart-{len(self.events)}.log"), "ab")
        old = self.restarted.get(index)
        if old is not None:
            old.wait()
        proc = subprocess.Popen([self.args.bin or os.path.join(ROOT, ".build/release/bridge-relay"), "run", "--config", v["config"]],
                                stdout=log, stderr=log, cwd=ROOT, env=env, start_new_session=True)
        self.restarted[index] = proc
        self.pids[index] = proc.pid


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=3)
    p.add_argument("--interval", type=float, default=3.0, help="seconds between locks")
    p.add_argument("--validators", type=int, default=3)
    p.add_argument("--clients", type=int, default=100, help="keep-alive HTTP clients on validator 1")
    p.add_argument("--event-every", type=float, default=20.0, help="seconds between chaos events")
    p.add_argument("--drain-timeout", type=float, default=240, help="seconds allowed after the last lock")
    p.add_argument("--dir", default=os.path.join(ROOT, ".localnet", "chaos"))
    p.add_argument("--bin", default=os.environ.get("BRIDGE_RELAY_BIN"))
    args = p.parse_args()
    chaos = Chaos(args)
    load = None
    ok = False
    try:
        summary = chaos.start()
        eth, koinos = summary["ethereum"], summary["koinos"]
        apis = [v["api"] for v in summary["validators"]]
        relayer = summary["validators"][0]["koinos_address"]
        say(f"up: {len(apis)} validators; logs in {summary['logs']}")
        time.sleep(10)  # let the validators connect
        load = subprocess.Popen([sys.executable, os.path.join(ROOT, "deploy/localnet/http_load.py"), "--api", apis[0],
                                 "--clients", str(args.clients), "--seconds", str(args.minutes * 60)],
                                stdout=subprocess.PIPE, text=True)
        events = [
            lambda: chaos.kill_and_restart(len(apis) - 1, 5),
            lambda: chaos.pause(chaos.pids[1 % len(apis)], summary["validators"][1 % len(apis)]["name"], 10),
            lambda: chaos.pause(eth["pid"], "the Ethereum devnet", 10),
            lambda: chaos.pause(koinos["pid"], "the Koinos simulator", 10),
            lambda: chaos.kill_and_restart(0, 5),
        ]
        locks, n, next_event = {}, 0, time.time() + args.event_every
        end = time.time() + args.minutes * 60
        while time.time() < end:
            kind = "native" if n % 2 else "erc20"
            amount = str(10**15 * (n + 1)) if kind == "native" else str(10**17 * (n + 1))
            try:
                r = rpc(eth["rpc"], "devnet_lock", [{"kind": kind, "amount": amount, "recipient": RECIPIENT, "relayer": relayer}])
                locks[r["tx_hash"].lower()] = time.time()
                n += 1
            except OSError as e:
                say(f"lock failed ({e}); trying again")
            if time.time() >= next_event:
                events[len(chaos.events) % len(events)]()
                next_event = time.time() + args.event_every
            if chaos.net.poll() is not None:
                raise RuntimeError("the localnet stopped during the chaos run")
            time.sleep(args.interval)
        say(f"{len(locks)} locks made; waiting for the last ones")
        completed_at = {}
        deadline = time.time() + args.drain_timeout
        while time.time() < deadline and len(completed_at) < len(locks):
            try:
                for a in all_attestations(apis[0]):
                    tx = a["observation"]["tx_hash"].lower()
                    if a["status"] == "completed" and tx in locks and tx not in completed_at:
                        completed_at[tx] = time.time()
            except OSError:
                pass
            time.sleep(1)
        load_summary = json.loads(load.stdout.readline() or "{}")
        frozen = [api for api in apis if not healthy(api)]
        state = rpc(koinos["rpc"], "simulator.dump_state", {})
        transfers = state["bridge"]["completed_transfers"]
        duplicated = max(0, len(transfers) - len(completed_at))
        per_node_duplicates = []
        for api in apis:
            if api in frozen:
                continue
            rows = [a for a in all_attestations(api) if a["observation"]["tx_hash"].lower() in locks]
            keys = [(a["observation"]["tx_hash"].lower(), a["observation"]["log_index"]) for a in rows]
            if len(keys) != len(set(keys)):
                per_node_duplicates.append(api)
        lost = [tx for tx in locks if tx not in completed_at]
        worst = max((completed_at[tx] - locks[tx] for tx in completed_at), default=float("nan"))
        print(f"chaos: {len(locks)} locks made, {len(completed_at)} completed once, {duplicated} duplicated, {len(lost)} lost; "
              f"worst lock-to-completed {worst:.1f} s; {len(transfers)} transfers on Koinos; "
              f"events: {len(chaos.events)}; frozen nodes: {len(frozen)}; http: {load_summary}", flush=True)
        ok = not lost and duplicated == 0 and not per_node_duplicates and not frozen and len(transfers) == len(locks)
        if not ok:
            say(f"FAILED: lost {lost[:5]}, duplicated {duplicated}, duplicate rows on {per_node_duplicates}, frozen {frozen}; "
                f"logs in {summary['logs']}")
    except BaseException as e:  # noqa: BLE001 - report, then always clean up
        say(f"FAILED: {type(e).__name__}: {e}")
    finally:
        if load is not None and load.poll() is None:
            load.terminate()
        chaos.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
