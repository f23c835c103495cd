#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The newcomer's demo: start the localnet (both directions), make a few locks on the Ethereum
devnet (erc20 and native) and on the Koinos simulator (KOIN, paid on Ethereum in the devnet token
the bridge maps), wait until every one is attested by the validators and completed on the other
chain, print the HTTP API URL, a table of the attestations (with their direction), the balance
changes on both chains and the lock-to-completed latency, then keep running until Ctrl-C (or
stop at once: --exit).

Exit status: 0 when every lock of both directions completed; 1 (with the log folder named) when the localnet did
not start or a lock did not complete within --timeout. Every process is stopped either way.
"""
import argparse, base64, json, os, signal, subprocess, sys, time, urllib.request

# Every line reaches a pipe at once (`scripts/demo | tee log` shows the API URL while it runs).
sys.stdout.reconfigure(line_buffering=True)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RECIPIENT = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"
ETH_RECIPIENT = "0x00000000000000000000000000000000000de305"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
KOINOS_BALANCE_OF = 0x5c721497


def b58decode(text):
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def koinos_balance(rpc_url, token, owner):
    """`balance_of` of a Koinos token contract: args and result are protobuf field 1 (bytes / uint64)."""
    owner_bytes = b58decode(owner)
    args = base64.urlsafe_b64encode(b"\x0a" + bytes([len(owner_bytes)]) + owner_bytes).decode()
    result = base64.urlsafe_b64decode(rpc(rpc_url, "chain.read_contract", {
        "contract_id": token, "entry_point": KOINOS_BALANCE_OF, "args": args}).get("result", "") or "")
    value, shift = 0, 0
    for byte in result[1:] if result[:1] == b"\x08" else b"":
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value


def ethereum_balance(rpc_url, token, owner):
    """ERC-20 `balanceOf(owner)` (selector 0x70a08231) at the latest block."""
    data = "0x70a08231" + owner.lower().removeprefix("0x").rjust(64, "0")
    return int(rpc(rpc_url, "eth_call", [{"to": token, "data": data}, "latest"]), 16)


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
               "--validators", str(self.args.validators), "--max-lifetime", str(self.args.max_lifetime), "--both-directions"]
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
            result["direction"], result["key"] = "ethereum_to_koinos", result["tx_hash"].lower()
            locks.append(result)
            say(f"locked {kind} in {result['tx_hash']} (block {result['block_number']})")
        return locks

    def wait_connected(self, summary, settle=3.0):
        """Until every validator lists every other one as a connected peer (`/v1/peers`), then `settle` s
        for the gossip mesh to form: a Koinos → Ethereum signature is gossiped once and not re-requested
        (architecture.md, "The other direction"), so one published before the mesh would be lost."""
        ids = {v["peer_id"] for v in summary["validators"]}

        def connected(v):
            return {p["peer_id"] for p in get(f"{v['api']}/v1/peers").get("peers", []) if p.get("connected")}
        deadline = time.time() + self.args.timeout
        while time.time() < deadline:
            try:
                if all(ids - {v["peer_id"]} <= connected(v) for v in summary["validators"]):
                    time.sleep(settle)
                    return
            except (OSError, ValueError, KeyError, TypeError):
                pass
            time.sleep(0.25)
        self.fail("the validators did not all connect to each other")

    def make_koinos_locks(self, summary):
        """KOIN locks on the Koinos simulator, paid on Ethereum in the devnet token the bridge maps;
        v2: the relayer is validator 1's Ethereum address (its sender delivers them)."""
        koinos, eth, locks = summary["koinos"], summary["ethereum"], []
        for i in range(self.args.koinos_locks):
            amount = 10**7 * (i + 1)  # 0.1, 0.2 … KOIN (8 decimals): far below what the Ethereum locks leave in the bridge
            result = rpc(koinos["rpc"], "simulator.lock_tokens", {
                "private_key": summary["koinos_locker"]["private_key"], "token": "KOIN", "amount": amount,
                "recipient": ETH_RECIPIENT, "relayer": summary["validators"][0]["ethereum_address"],
                "to_chain": eth["bridge_chain_id"]})
            locks.append({"kind": "KOIN", "tx_hash": result["transaction_id"], "locked_at": time.time(),
                          "direction": "koinos_to_ethereum", "key": result["transaction_id"].lower().removeprefix("0x")})
            say(f"locked {amount} KOIN on Koinos in {result['transaction_id']}")
        return locks

    def balances(self, summary):
        """The demo's accounts on both chains: what the locks took and what the completions paid."""
        koinos, eth = summary["koinos"], summary["ethereum"]
        koin, weth = koinos["tokens"]["KOIN"]["id"], koinos["tokens"]["WETH"]["id"]
        return {
            "Koinos   KOIN of the Koinos locker": koinos_balance(koinos["rpc"], koin, summary["koinos_locker"]["address"]),
            f"Koinos   KOIN of {RECIPIENT}": koinos_balance(koinos["rpc"], koin, RECIPIENT),
            f"Koinos   WETH of {RECIPIENT}": koinos_balance(koinos["rpc"], weth, RECIPIENT),
            f"Ethereum devnet token of {ETH_RECIPIENT}": ethereum_balance(eth["rpc"], eth["token"], ETH_RECIPIENT),
        }

    @staticmethod
    def lock_key(direction, attestation):
        if direction == "koinos_to_ethereum":
            return attestation["observation"]["tx_id"].lower().removeprefix("0x")
        return attestation["observation"]["tx_hash"].lower()

    def wait_completed(self, api, locks):
        """Polls both directions' lists until every lock is `completed`; rows and completion times by lock key."""
        wanted = {lock["key"]: lock for lock in locks}
        completed_at, rows = {}, {}
        deadline = time.time() + self.args.timeout
        while time.time() < deadline:
            for direction in ("ethereum_to_koinos", "koinos_to_ethereum"):
                query = "?limit=100" if direction == "ethereum_to_koinos" else "?direction=koinos_to_ethereum&limit=100"
                try:
                    page = get(f"{api}/v1/attestations{query}")
                except (OSError, ValueError):
                    continue
                for a in page.get("items", []):
                    key = self.lock_key(direction, a)
                    if key in wanted and wanted[key]["direction"] == direction:
                        rows[key] = a
                        if a["status"] == "completed" and key not in completed_at:
                            completed_at[key] = time.time()
            if set(completed_at) == set(wanted):
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
            before = self.balances(summary)
            locks = self.make_locks(eth, summary["validators"][0]["koinos_address"])
            self.wait_connected(summary)
            locks += self.make_koinos_locks(summary)
        except (OSError, RuntimeError, KeyError) as e:
            self.fail(f"a lock failed: {e}")
        rows, completed_at, wanted = self.wait_completed(api, locks)
        print(f"{'direction':<19} {'kind':<7} {'status':<10} {'quorum':<7} {'amount':>20}  {'latency':>8}  source tx / completing tx")
        latencies = []
        for key, lock in sorted(wanted.items(), key=lambda item: item[1]["locked_at"]):
            a = rows.get(key)
            if a is None:
                print(f"{lock['direction']:<19} {lock['kind']:<7} {'unseen':<10} {'-':<7} {'-':>20}  {'-':>8}  {lock['tx_hash']} / -")
                continue
            if lock["direction"] == "koinos_to_ethereum":
                q = f"{len(a.get('signatures', []))} sig"
                tx = (a.get("submission") or {}).get("ethereum_tx_hash") or "-"
            else:
                q = f"{a['quorum']['have']}/{a['quorum']['required']}"
                tx = (a.get("submission") or {}).get("koinos_tx_id") or "-"
            latency = "-"
            if key in completed_at:
                seconds = completed_at[key] - lock["locked_at"]
                latencies.append(seconds)
                latency = f"{seconds:.1f} s"
            print(f"{lock['direction']:<19} {lock['kind']:<7} {a['status']:<10} {q:<7} {a['observation']['amount']:>20}  "
                  f"{latency:>8}  {lock['tx_hash']} / {tx}")
        if set(completed_at) != set(wanted):
            missing = [f"{wanted[k]['direction']} {wanted[k]['tx_hash']}" for k in wanted if k not in completed_at]
            self.fail(f"{len(missing)} of {len(wanted)} locks not completed within {self.args.timeout:.0f} s: {', '.join(missing)}")
        after = self.balances(summary)
        print("balance changes (base units; Koinos KOIN has 8 decimals, the devnet token 18, the Ethereum contract scales):")
        for name, value in after.items():
            print(f"  {name:<62} {before[name]:>24} -> {value:>24}  ({value - before[name]:+})")
        latencies.sort()
        by_direction = {d: sum(1 for l in wanted.values() if l["direction"] == d) for d in ("ethereum_to_koinos", "koinos_to_ethereum")}
        say(f"{len(wanted)} locks attested and completed: {by_direction['ethereum_to_koinos']} Ethereum → Koinos, "
            f"{by_direction['koinos_to_ethereum']} Koinos → Ethereum")
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
    p.add_argument("--locks", type=int, default=3, help="Ethereum → Koinos locks")
    p.add_argument("--koinos-locks", type=int, default=2, help="Koinos → Ethereum locks")
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
