#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Idle memory of validators, several builds side by side in one run (issue 16: RSS ≤ 40 MB,
private ≤ 8 MB for one idle validator).

Starts a localnet (deploy/localnet/localnet.py --both-directions, as scripts/demo does) with one
validator per --bin, restarts validator i with binary i on its generated config, waits until they
are all connected and idle for --settle s, then reads /proc/PID/smaps of each:

  RSS, private dirty, shared clean, private clean; text resident (executable file mappings) split by
  file; threads. Then clears the pages' referenced bits (/proc/PID/clear_refs) and, after --window s
  more of idle running, counts the text pages touched again: the idle working set. Text is resident in
  64 KiB fault-around windows, so resident text minus the idle working set is code touched once
  (start-up) or mapped beside a touched page. CPU ms/s: the process's CPU time over that window.

  The RSS is also sampled every --sample s over the window (does it creep back?). --node-args gives
  validator i extra `run` arguments (the same build with a setting off: two copies of one binary, so
  they share no page cache); --node-env gives it extra environment (`MALLOC_ARENA_MAX=2`); --node-user
  runs it as that user (its validator directory handed to the user; a root-owned binary run by
  another user, as the systemd unit and the Docker image run it). --locks N then makes N Ethereum → Koinos locks, waits until validator 1
  lists them completed, idles --settle s and reads the RSS again (memory after work).

    deploy/localnet/idle_memory.py --bin A --bin B [--label a --label b] [--node-args ARGS …] [--settle 20]
        [--window 30] [--sample 15] [--locks N] [--node-env 'K=V …' …] [--node-user USER|'' …]
"""
import argparse, json, os, pwd, shlex, signal, subprocess, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo  # noqa: E402  (stop_localnet, Demo: the locks)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MIB = 1024.0


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def smaps(pid):
    """One dict per mapping: path, perms and the kB fields of /proc/PID/smaps."""
    maps, cur = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if "-" in head[0] and not head[0].endswith(":"):
                cur = {"perms": head[1], "path": head[5] if len(head) > 5 else "[anon]"}
                maps.append(cur)
            elif head[0].endswith(":") and len(head) >= 2 and head[1].isdigit():
                cur[head[0][:-1]] = int(head[1])
    return maps


def threads(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("Threads:"))


def cpu_seconds(pid):
    """User + system CPU time of `pid` so far (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def text_by_file(maps, field):
    out = {}
    for m in maps:
        if "x" in m["perms"] and m["path"].startswith("/"):
            name = os.path.basename(m["path"])
            out[name] = out.get(name, 0) + m.get(field, 0)
    return out


def summary(maps):
    total = lambda key: sum(m.get(key, 0) for m in maps)
    return {"rss": total("Rss"), "private_dirty": total("Private_Dirty"), "shared_clean": total("Shared_Clean"),
            "private_clean": total("Private_Clean"), "anon": total("Anonymous"),
            "text": sum(text_by_file(maps, "Rss").values())}


def summary_rss(pid):
    """VmRSS of `pid` in kB."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))


def run_locks(net, localnet, count):
    """`count` Ethereum → Koinos locks through the localnet (as scripts/demo makes them); seconds until
    validator 1 lists them all completed."""
    d = demo.Demo(argparse.Namespace(locks=count, timeout=300, dir=".", bin=None))
    d.net = net
    started = time.time()
    locks = d.make_locks(localnet["ethereum"], localnet["validators"][0]["koinos_address"])
    _, completed, wanted = d.wait_completed(localnet["validators"][0]["api"], locks)
    if set(completed) != set(wanted):
        raise RuntimeError(f"{len(wanted) - len(completed)} of {len(wanted)} locks not completed")
    return time.time() - started


def drop_page_cache(path):
    """Drops the file's clean page-cache pages, so every build is read from disk at start as after an install.

    Resident code depends on how much of the file is already cached (a file just written by `cp` sits in the
    cache in large folios and more of it is mapped per fault): the same static binary read 53.3-54.4 MiB from
    a cold cache and 57.4-58.5 MiB just after a cp, while the shared-library build barely moved."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def wait_gone(pid, timeout):
    """Until `pid` (a localnet child: it stays a zombie, as --keep-going does not reap it) has exited."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except OSError:
            return
        time.sleep(0.2)
    raise RuntimeError(f"validator {pid} did not stop")


def wait_connected(apis, ids, timeout, anyway=False):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            ok = all(ids - {pid} <= {p["peer_id"] for p in get(f"{api}/v1/peers").get("peers", []) if p.get("connected")}
                     for api, pid in apis)
            if ok:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    if not anyway:
        raise RuntimeError("validators did not all connect")
    print("validators not all connected; reading anyway (--unconnected-ok)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", action="append", required=True, help="a bridge-relay binary (repeat: one validator each)")
    p.add_argument("--label", action="append", help="a name per --bin for the table")
    p.add_argument("--dir", default=os.path.join(ROOT, ".localnet-idle"))
    p.add_argument("--settle", type=float, default=20, help="idle seconds before the first reading")
    p.add_argument("--window", type=float, default=30, help="idle seconds between clear_refs and the second reading")
    p.add_argument("--hold", type=float, default=0, help="keep the validators running S s after the readings (pids printed)")
    p.add_argument("--top", type=int, default=8, help="files listed in the text breakdown")
    p.add_argument("--node-args", action="append", help="extra `run` arguments per --bin (shell words; repeat, one each)")
    p.add_argument("--node-env", action="append", help="extra environment per --bin (K=V shell words; repeat, one each)")
    p.add_argument("--node-user", action="append", help="run validator i as this user ('' for the current one; repeat, one each)")
    p.add_argument("--unconnected-ok", action="store_true", help="read the memory even when not every validator connected")
    p.add_argument("--sample", type=float, default=15, help="RSS sampled every S s over the window")
    p.add_argument("--locks", type=int, default=0, help="then N Ethereum → Koinos locks, and the RSS once they completed")
    args = p.parse_args()
    bins = [os.path.abspath(b) for b in args.bin]
    labels = args.label or [os.path.relpath(b, ROOT) for b in bins]
    node_args = [shlex.split(a) for a in (args.node_args or [""] * len(bins))]
    node_env = [dict(w.split("=", 1) for w in shlex.split(a)) for a in (args.node_env or [""] * len(bins))]
    node_user = args.node_user or [""] * len(bins)
    if len(bins) > 7 or len(labels) != len(bins) or not len(node_args) == len(node_env) == len(node_user) == len(bins):
        sys.exit("1 to 7 binaries, one label (and one --node-args/--node-env/--node-user, when given) each")
    net = subprocess.Popen([sys.executable, os.path.join(ROOT, "deploy/localnet/localnet.py"), "--fresh", "--dir", args.dir,
                            "--validators", str(max(2, len(bins))), "--both-directions", "--keep-going", "--bin", bins[0],
                            "--max-lifetime", "1800"], stdout=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    nodes = []
    try:
        line = net.stdout.readline()
        if not line:
            raise RuntimeError("the localnet did not start")
        localnet = json.loads(line)
        validators = localnet["validators"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_RELAY_")}
        # Every validator restarted with its binary, so each has the same history since start.
        for v in validators:
            os.killpg(v["pid"], signal.SIGTERM)
        for v in validators:
            wait_gone(v["pid"], 20)
        for binary in set(bins):
            drop_page_cache(binary)
        for i, v in enumerate(validators):
            binary = bins[i % len(bins)]
            log = open(os.path.join(args.dir, "logs", f"{v['name']}-idle.log"), "ab")
            k = i if i < len(bins) else 0
            command = [binary, "run", "--config", v["config"], *node_args[k]]
            if node_user[k]:
                subprocess.run(["chown", "-R", f"{node_user[k]}:", os.path.dirname(v["config"])], check=True)
                user = pwd.getpwnam(node_user[k])
                command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"] + command
            proc = subprocess.Popen(command, stdout=log, stderr=log, cwd=ROOT, start_new_session=True, env={**env, **node_env[k]})
            nodes.append((labels[i] if i < len(bins) else f"(extra) {labels[0]}", proc, v))
        wait_connected([(v["api"], v["peer_id"]) for _, _, v in nodes], {v["peer_id"] for _, _, v in nodes}, 120,
                       args.unconnected_ok)
        time.sleep(args.settle)
        first = {n: smaps(proc.pid) for n, proc, _ in nodes}
        counts = {n: threads(proc.pid) for n, proc, _ in nodes}
        cpu = {n: cpu_seconds(proc.pid) for n, proc, _ in nodes}
        for _, proc, _ in nodes:
            with open(f"/proc/{proc.pid}/clear_refs", "w") as f:
                f.write("1")
        rss_series = {n: [] for n, _, _ in nodes}
        window_end = time.time() + args.window
        while time.time() < window_end:
            time.sleep(max(0.0, min(args.sample, window_end - time.time())))
            for n, proc, _ in nodes:
                rss_series[n].append(summary_rss(proc.pid))
        second = {n: smaps(proc.pid) for n, proc, _ in nodes}
        cpu = {n: cpu_seconds(proc.pid) - cpu[n] for n, proc, _ in nodes}
        print(f"idle {args.settle:.0f} s after connecting; working set = text referenced in the next {args.window:.0f} s; "
              f"load {os.getloadavg()[0]:.1f}; MiB")
        print(f"{'build':<28} {'RSS':>6} {'priv dirty':>10} {'shr clean':>9} {'priv clean':>10} {'text res':>8} "
              f"{'text idle':>9} {'RSS later':>9} {'threads':>7} {'CPU ms/s':>8}")
        for name, _, _ in nodes[:len(bins)]:
            a, later = summary(first[name]), summary(second[name])
            idle_text = sum(text_by_file(second[name], "Referenced").values())
            print(f"{name:<28} {a['rss'] / MIB:6.1f} {a['private_dirty'] / MIB:10.1f} {a['shared_clean'] / MIB:9.1f} "
                  f"{a['private_clean'] / MIB:10.1f} {a['text'] / MIB:8.1f} {idle_text / MIB:9.1f} {later['rss'] / MIB:9.1f} "
                  f"{counts[name]:7d} {cpu[name] * 1000 / args.window:8.1f}")
        for name, _, _ in nodes[:len(bins)]:
            res, ref = text_by_file(first[name], "Rss"), text_by_file(second[name], "Referenced")
            top = sorted(res.items(), key=lambda kv: -kv[1])[:args.top]
            print(f"  {name}: text resident (idle working set) " +
                  ", ".join(f"{f} {kb / MIB:.1f} ({ref.get(f, 0) / MIB:.1f})" for f, kb in top))
        for name, _, _ in nodes[:len(bins)]:
            print(f"  {name}: RSS every {args.sample:.0f} s over the window: " + ", ".join(f"{r / MIB:.1f}" for r in rss_series[name]))
        if args.locks:
            worked = run_locks(net, localnet, args.locks)
            time.sleep(args.settle)
            print(f"after {args.locks} locks (completed in {worked:.1f} s) and {args.settle:.0f} s idle: " +
                  ", ".join(f"{n} RSS {summary_rss(proc.pid) / MIB:.1f} MiB, private dirty "
                            f"{summary(smaps(proc.pid))['private_dirty'] / MIB:.1f}" for n, proc, _ in nodes[:len(bins)]), flush=True)
        if args.hold:
            print("holding: " + ", ".join(f"{n} pid {proc.pid}" for n, proc, _ in nodes[:len(bins)]), flush=True)
            time.sleep(args.hold)
    finally:
        for _, proc, _ in nodes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc, _ in nodes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        demo.stop_localnet(net)


if __name__ == "__main__":
    main()
