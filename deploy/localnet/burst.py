#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end burst benchmark (issue 16): a localnet of N validators (default 7: real bridge-relay
processes, real SQLite files, real gossipsub over loopback) meets --locks Ethereum → Koinos locks
that are all final at once. The devnet accepts about 8 locks a second here, which the validators
keep up with, so to make a burst the validators are paused (SIGSTOP) while the locks are sent and
until the last one is final (the devnet's `finalized` tag, what the validators wait for), then
resumed together (SIGCONT). Measured: resume → every lock `completed` on validator 1
(`/v1/status`), and resume → the recipient's Koinos balance grown by every lock's amount.

Three baselines: the signature floor; one lock alone on the same (idle) network first — final →
completed for a single lock is the pipeline's fixed latency (Koinos blocks, its LIB); and the
chain's own floor for one v2 relayer: the Koinos mempool holds at most 10 pending transactions per
account, so ⌈locks / 10⌉ Koinos blocks at the simulator's block interval.

The floor is the signature work the burst needs, priced with the same run's `bridge-bench crypto`
figures: every validator signs each lock once and recovers every peer's signature once
(N sign + N·(N−1) recover per lock), spread over the machine's cores. The ratio wall / floor is
the figure; the absolute times are printed too.

Where the time goes: after the run `burst_timeline.py` reads the validators' SQLite files and logs and
prints, per stage (observed, own signature stored, quorum, submitted, included, completed), the
distribution of its duration and how many locks sit in each stage every second from the resume. Each
validator's CPU seconds over the burst (utime + stime from /proc, resume → all completed) are printed
too: CPU per lock is the figure that holds on a loaded machine; wall ÷ (CPU ÷ cores) says how much of
the wall time was waiting rather than computing.

    deploy/localnet/burst.py [--validators 7] [--locks 1000] [--bin .build/release/bridge-relay]
"""
import argparse, json, os, re, signal, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import burst_timeline  # noqa: E402
import demo  # noqa: E402  (the localnet helpers: rpc, get, koinos_balance, stop_localnet)

ROOT = demo.ROOT
AMOUNT = 10**11  # devnet-token base units (18 decimals) = 10 Koinos base units (8 decimals) per lock


def say(msg):
    print(f"burst: {msg}", file=sys.stderr, flush=True)


def crypto_floor(bench):
    """(sign µs, recover µs): the relay's own secp256k1 calls, CPU time, from `bridge-bench crypto`."""
    out = subprocess.run([bench, "crypto"], capture_output=True, text=True, timeout=600, check=True).stdout

    def per_op(name):
        for line in out.splitlines():
            match = re.search(r"secp256k1 " + name + r".*?swift\s+([\d.]+) ns", line)
            if match:
                return float(match.group(1)) / 1000
        raise RuntimeError(f"no 'secp256k1 {name}' figure in bridge-bench crypto output:\n{out}")
    return per_op("sign"), per_op("recover")


def cpu_seconds(pid):
    """utime + stime of `pid` in seconds (fields 14 and 15 of /proc/PID/stat), None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Burst(demo.Demo):
    pids = []

    def resume(self):
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGCONT)
            except OSError:
                pass

    def fail(self, msg):
        self.resume()  # a stopped validator would not stop with the network
        super().fail(msg)
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

    def send_locks(self, eth, relayer, count):
        hashes = []
        for _ in range(count):
            result = demo.rpc(eth["rpc"], "devnet_lock", [{"kind": "erc20", "amount": str(AMOUNT),
                                                          "recipient": demo.RECIPIENT, "relayer": relayer,
                                                          "wait": False}])
            hashes.append(result["tx_hash"])
        return hashes

    def last_block(self, eth, hashes):
        """The highest block holding one of the burst's transactions, once all are mined."""
        deadline, highest, pending = time.time() + self.args.timeout, 0, list(hashes)
        while pending and time.time() < deadline:
            still = []
            for h in pending:
                receipt = demo.rpc(eth["rpc"], "eth_getTransactionReceipt", [h])
                if receipt is None:
                    still.append(h)
                elif int(receipt["status"], 16) != 1:
                    self.fail(f"lock {h} reverted")
                else:
                    highest = max(highest, int(receipt["blockNumber"], 16))
            pending = still
            if pending:
                time.sleep(0.2)
        if pending:
            self.fail(f"{len(pending)} locks not mined within {self.args.timeout:.0f} s")
        return highest

    def wait_until(self, what, check):
        deadline = time.time() + self.args.timeout
        while time.time() < deadline:
            try:
                if check():
                    return time.time()
            except (OSError, ValueError, KeyError, RuntimeError):
                pass
            if self.net.poll() is not None:
                self.fail("the localnet stopped early")
            time.sleep(0.1)
        self.fail(f"{what} not reached within {self.args.timeout:.0f} s")

    def one_lock_latency(self, eth, api, relayer):
        """Final → completed for a single lock on the idle network: the pipeline's fixed latency."""
        h = self.send_locks(eth, relayer, count=1)
        block = self.last_block(eth, h)
        final = self.wait_until("finality of the single lock", lambda: int(
            demo.rpc(eth["rpc"], "eth_getBlockByNumber", ["finalized", False])["number"], 16) >= block)
        completed = self.wait_until("the single lock completed", lambda: demo.get(f"{api}/v1/status")
                                    ["attestations"].get("completed", 0) >= 1)
        return completed - final

    def run(self):
        bench = self.args.bench
        sign_us, recover_us = crypto_floor(bench)
        summary = self.start_network()
        eth, koinos, api = summary["ethereum"], summary["koinos"], summary["validators"][0]["api"]
        self.wait_connected(summary)
        # The devnet token (erc20 locks) is paid out in KOIN on the simulator (localnet.py's token map).
        koin = koinos["tokens"]["KOIN"]["id"]
        balance = lambda: demo.koinos_balance(koinos["rpc"], koin, demo.RECIPIENT)  # noqa: E731
        relayer = summary["validators"][0]["koinos_address"]
        single = self.one_lock_latency(eth, api, relayer)
        say(f"one lock alone: final → completed {single:.1f} s")
        before = balance()
        self.pids = [v["pid"] for v in summary["validators"]]
        for pid in self.pids:
            os.kill(pid, signal.SIGSTOP)
        started = time.time()
        hashes = self.send_locks(eth, relayer, self.args.locks)
        sent = time.time()
        say(f"{len(hashes)} locks sent in {sent - started:.1f} s")
        block = self.last_block(eth, hashes)
        mined = time.time()
        first = min(int(demo.rpc(eth["rpc"], "eth_getTransactionReceipt", [h])["blockNumber"], 16) for h in hashes[:1])
        say(f"mined in blocks {first}..{block} ({mined - started:.1f} s after the first send)")
        self.wait_until("finality of the last lock", lambda: int(
            demo.rpc(eth["rpc"], "eth_getBlockByNumber", ["finalized", False])["number"], 16) >= block)
        final = time.time()  # every lock is final; the validators see them all at once from here
        chains = {"ethereum": eth.get("pid"), "koinos": koinos.get("pid")}  # the devnets: whose answers the validators wait for
        chains_before = {name: cpu_seconds(pid) for name, pid in chains.items() if pid}
        cpu_before = [cpu_seconds(pid) for pid in self.pids]
        load_before = os.getloadavg()[0]
        self.resume()
        completed = self.wait_until("every lock completed", lambda: demo.get(f"{api}/v1/status")
                                    ["attestations"].get("completed", 0) >= len(hashes) + 1)
        cpu_after = [cpu_seconds(pid) for pid in self.pids]
        load_after = os.getloadavg()[0]
        cpu = [round(b - a, 2) for a, b in zip(cpu_before, cpu_after) if a is not None and b is not None]
        chains_cpu = {name: round(cpu_seconds(chains[name]) - before, 2) for name, before in chains_before.items()
                      if before is not None and cpu_seconds(chains[name]) is not None}
        paid = self.wait_until("every payout on Koinos", lambda: balance() - before >= len(hashes) * (AMOUNT // 10**10))
        cmd = summary["koinos"].get("cmd", [])
        interval_ms = int(cmd[cmd.index("--block-interval-ms") + 1]) if "--block-interval-ms" in cmd else 500
        chain_floor = -(-len(hashes) // 10) * interval_ms / 1000
        n = self.args.validators
        cores = os.cpu_count() or 1
        floor = len(hashes) * n * (sign_us + (n - 1) * recover_us) / 1e6 / min(cores, n)
        wall = completed - final
        print(json.dumps({
            "validators": n, "locks": len(hashes), "blocks": block - first + 1, "cores": cores,
            "sign_us": sign_us, "recover_us": recover_us, "floor_s": round(floor, 3),
            "send_s": round(sent - started, 2), "final_after_send_s": round(final - sent, 2),
            "completed_after_resume_s": round(wall, 2), "paid_after_resume_s": round(paid - final, 2),
            "single_lock_s": round(single, 2), "chain_floor_s": chain_floor,
            "ratio_completed_to_chain_floor": round(wall / chain_floor, 2), "ratio_completed_to_floor": round(wall / floor, 2),
            "ratio_completed_to_single_lock": round(wall / single, 2),
            "cpu_s_per_validator": cpu, "cpu_s_devnets": chains_cpu, "cpu_ms_per_lock": round(sum(cpu) * 1000 / len(hashes), 2),
            "wall_to_cpu_over_cores": round(wall / (sum(cpu) / cores), 2) if sum(cpu) > 0 else None,
            "load_average": [round(load_before, 1), round(load_after, 1)], "resume_ms": int(final * 1000)}), flush=True)
        say(f"all {len(hashes)} locks final, validators resumed → all completed: {wall:.1f} s = {wall / floor:.1f}× the signature floor "
            f"({floor:.2f} s: {n}×({sign_us:.1f} µs sign + {n - 1}×{recover_us:.1f} µs recover) per lock on {min(cores, n)} cores), {wall / single:.1f}× one lock alone ({single:.1f} s), "
            f"{wall / chain_floor:.1f}× the chain's floor ({chain_floor:.0f} s: 10 pending per account, a block every {interval_ms} ms)")
        say(f"CPU over the burst: {sum(cpu):.1f} s in {len(cpu)} validators ({sum(cpu) * 1000 / len(hashes):.1f} ms per lock; "
            f"per validator {', '.join(f'{c:.1f}' for c in cpu)} s); wall ÷ (CPU ÷ {cores} cores) = "
            f"{wall / (sum(cpu) / cores) if sum(cpu) > 0 else float('nan'):.1f}; load average {load_before:.1f} → {load_after:.1f}; "
            f"the devnets' CPU meanwhile: {', '.join(f'{k} {v:.1f} s' for k, v in chains_cpu.items()) or 'not read'}")
        self.report_memory(summary, settle=1.0)
        self.stop_network()
        burst_timeline.print_report(burst_timeline.timeline(self.dir, int(final * 1000)), out=sys.stderr)
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--validators", type=int, default=7, choices=range(1, 8), metavar="N (1-7)")
    p.add_argument("--locks", type=int, default=1000)
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--dir", default=os.path.join(ROOT, ".localnet-burst"))
    p.add_argument("--bin", default=os.environ.get("BRIDGE_RELAY_BIN"), help="bridge-relay binary (default: release build)")
    p.add_argument("--bench", default=os.path.join(ROOT, ".build/release/bridge-bench"), help="bridge-bench binary (floor)")
    p.add_argument("--max-lifetime", type=int, default=3600)
    args = p.parse_args()
    args.exit = True
    run = Burst(args)
    try:
        sys.exit(run.run())
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - always stop the network
        run.fail(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
