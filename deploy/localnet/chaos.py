#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A bounded chaos run of the localnet: while locks stream in (one every --interval seconds)
and --clients keep-alive HTTP clients hammer validator 1's attestation routes, it takes turns
at SIGKILLing a validator (restarted a few seconds later), SIGSTOPping a validator,
SIGSTOPping the Ethereum devnet and the Koinos simulator (each resumed with SIGCONT), and
SIGKILLing each devnet (started again on the same port from its state file; a devnet that
comes back without its chain fails the run).

The locks counted are those on the Ethereum chain at the end (eth_getLogs of the bridge), so
a lock whose answer was lost (a timeout, a kill) still has to complete. At the end it waits
for the last locks and prints: locks made, completed exactly once,
duplicated, lost, the worst lock-to-completed latency, and whether every node still answers.
Exit 0 only with no loss, no duplicate and no frozen node; every process is stopped either way.

    deploy/localnet/chaos.py [--minutes 3] [--validators 3] [--clients 100]
"""
import argparse, json, os, signal, subprocess, sys, threading, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo import ROOT, RECIPIENT, rpc, say, stop_localnet  # noqa: E402
from soak import all_attestations  # noqa: E402


def chain_locks(eth_rpc):
    """Transaction hashes of every lock on the Ethereum chain (the bridge's lock events)."""
    info = rpc(eth_rpc, "devnet_info", [])
    logs = rpc(eth_rpc, "eth_getLogs", [{"fromBlock": hex(info["bridge_deploy_block"]), "toBlock": "latest",
                                         "address": info["bridge"], "topics": [info["lock_topic_v2"]]}])
    return {log["transactionHash"].lower() for log in logs}


def note_completed(apis, locks, completed_at):
    """Record when each lock is first seen completed on any validator (polled during the run,
    not only at the end: the latency is measured from the lock, not from the drain)."""
    for api in apis:
        try:
            for a in all_attestations(api):
                tx = a["observation"]["tx_hash"].lower()
                if a["status"] == "completed" and tx in locks and tx not in completed_at:
                    completed_at[tx] = time.time()
        except (OSError, ValueError):  # down, stopped, restarting or shedding load: next one
            pass


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
        self.devnets = {}  # "ethereum"/"koinos" -> Popen of the devnet we restarted ourselves
        self.problems = []  # what makes the run fail besides the lock accounting
        self.stopped = set()  # pids we SIGSTOPped and must SIGCONT
        self.events = []
        self.turn = 0  # index of the next chaos event

    def start(self):
        cmd = [sys.executable, os.path.join(ROOT, "deploy/localnet/localnet.py"), "--fresh", "--keep-going", "--restartable-devnets", "--dir", self.dir,
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
        mine = list(self.restarted.values()) + list(self.devnets.values())
        for proc in mine:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in mine:
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

    def kill_and_restart_devnet(self, which, downtime, start_timeout=120):
        """SIGKILL a devnet, then start it again with localnet's command (same port, same state
        file); it must come back with its chain (ready line "restored": true)."""
        info = self.summary[which]
        os.kill(info["pid"], signal.SIGKILL)
        self.note(f"SIGKILL the {which} devnet; restart in {downtime:g} s")
        old = self.devnets.get(which)
        if old is not None:
            old.wait()
        time.sleep(downtime)
        log = open(os.path.join(self.summary["logs"], f"{which}-restart-{len(self.events)}.log"), "ab")
        proc = subprocess.Popen(info["cmd"], stdout=subprocess.PIPE, stderr=log, cwd=ROOT, start_new_session=True)
        self.devnets[which] = proc
        info["pid"] = proc.pid
        first = []
        reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(start_timeout)
        if not first or not first[0]:
            self.problems.append(f"the {which} devnet did not start again (see {log.name})")
            return
        ready = json.loads(first[0])
        if ready.get("restored") is not True or ready["rpc"] != info["rpc"]:
            self.problems.append(f"the {which} devnet came back without its state or on another URL: {ready['rpc']}")

        def drain():  # the child must never block on a full pipe
            for chunk in iter(lambda: proc.stdout.read(4096), b""):
                log.write(chunk)
                log.flush()
        threading.Thread(target=drain, daemon=True).start()
        say(f"the {which} devnet is back at {ready['rpc']} with its state")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=3)
    p.add_argument("--interval", type=float, default=3.0, help="seconds between locks")
    p.add_argument("--validators", type=int, default=3)
    p.add_argument("--clients", type=int, default=100, help="keep-alive HTTP clients on validator 1")
    p.add_argument("--event-every", type=float, default=15.0, help="seconds between chaos events")
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
        # Validator and devnet events alternate, so a default run (~7 events) has each kind.
        events = [
            lambda: chaos.kill_and_restart(len(apis) - 1, 5),
            lambda: chaos.kill_and_restart_devnet("ethereum", 3),
            lambda: chaos.pause(chaos.pids[1 % len(apis)], summary["validators"][1 % len(apis)]["name"], 10),
            lambda: chaos.kill_and_restart_devnet("koinos", 3),
            lambda: chaos.pause(eth["pid"], "the Ethereum devnet", 10),
            lambda: chaos.kill_and_restart(0, 5),
            lambda: chaos.pause(koinos["pid"], "the Koinos simulator", 10),
        ]
        locks, completed_at, n, next_event = {}, {}, 0, time.time() + args.event_every
        end = time.time() + args.minutes * 60
        while time.time() < end:
            kind = "native" if n % 2 else "erc20"
            amount = str(10**15 * (n + 1)) if kind == "native" else str(10**17 * (n + 1))
            try:
                r = rpc(eth["rpc"], "devnet_lock", [{"kind": kind, "amount": amount, "recipient": RECIPIENT, "relayer": relayer}])
                locks[r["tx_hash"].lower()] = time.time()
                n += 1
            except (OSError, RuntimeError) as e:  # a devnet down, stopped or restarting
                say(f"lock failed ({e}); trying again")
            if time.time() >= next_event:
                events[chaos.turn % len(events)]()
                chaos.turn += 1
                next_event = time.time() + args.event_every
            note_completed(apis[::-1], locks, completed_at)  # validator 1, under HTTP load, last
            if chaos.net.poll() is not None:
                raise RuntimeError("the localnet stopped during the chaos run")
            time.sleep(args.interval)
        acknowledged = len(locks)
        for tx in chain_locks(eth["rpc"]):  # made, but the answer was lost: must complete too
            locks.setdefault(tx, None)
        say(f"{acknowledged} locks acknowledged, {len(locks)} on the chain; waiting for the last ones")
        deadline = time.time() + args.drain_timeout
        while time.time() < deadline and len(completed_at) < len(locks):
            note_completed(apis, locks, completed_at)
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
        worst = max((completed_at[tx] - locks[tx] for tx in completed_at if locks[tx] is not None), default=float("nan"))
        print(f"chaos: {len(locks)} locks made, {len(completed_at)} completed once, {duplicated} duplicated, {len(lost)} lost; "
              f"worst lock-to-completed {worst:.1f} s; {len(transfers)} transfers on Koinos; "
              f"events: {len(chaos.events)}; frozen nodes: {len(frozen)}; problems: {len(chaos.problems)}; "
              f"http: {load_summary}", flush=True)
        for problem in chaos.problems:
            say(f"problem: {problem}")
        ok = (not lost and duplicated == 0 and not per_node_duplicates and not frozen and len(transfers) == len(locks)
              and not chaos.problems)
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
