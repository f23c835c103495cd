#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Where a burst's time goes (issue 16): a timeline per lock from a localnet's SQLite files and logs.

For every lock observed on validator 1 (the v2 relayer in `burst.py`) at or after --since:
  observed   the observation row is written (`observation.created_at_ms`)
  signed     its own signature is stored (`signature.received_at_ms`, source `self`)
  quorum     quorum is reached (`observation.quorum_at_ms`)
  submitted  the first `complete_transfer` transaction holding it is sent (log "Submitted complete_transfer")
  included   the contract reports it completed: that transaction is in a block (log "… waiting for irreversibility")
  completed  the block is irreversible: status `completed` (log "Transfer completed on Koinos")
and, on every validator, when it observed the lock and stored its own signature (quorum needs the others').

Printed: each stage's duration (min / median / p90 / max), the validators' observe and sign times, the Koinos
transactions used, and how many locks sit in each stage every second from --since. Read-only: the files may
belong to a running localnet (WAL readers do not block it).

    deploy/localnet/burst_timeline.py [--dir .localnet-burst] [--since EPOCH_MS] [--json]
"""
import argparse, datetime, glob, json, os, sqlite3, sys

STAGES = ["observed", "signed", "quorum", "submitted", "included", "completed"]
LOG_STAGES = {"Submitted complete_transfer": "submitted",
              "Transfer completed on Koinos; waiting for irreversibility": "included",
              "Transfer completed on Koinos": "completed"}


def epoch_ms(ts):
    return int(datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000)


def validator_dirs(root):
    dirs = glob.glob(os.path.join(root, "validator-*"))
    return sorted(dirs, key=lambda d: int(d.rsplit("-", 1)[1]))


def read_store(path):
    """{id: {"observed": ms, "signed": ms, "quorum": ms}} for every observation."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = db.execute("""
            SELECT o.id, o.created_at_ms, o.quorum_at_ms,
                   (SELECT MIN(s.received_at_ms) FROM signature s WHERE s.observation_id = o.id AND s.source = 'self')
            FROM observation o""").fetchall()
    finally:
        db.close()
    return {r[0]: {"observed": r[1], "quorum": r[2], "signed": r[3]} for r in rows}


def read_log(path, since):
    """({id: {stage: first ms}}, {id: koinos tx id}) from one validator's JSON log."""
    times, txs = {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            if '"transfer.id"' not in line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            stage = LOG_STAGES.get(entry.get("msg"))
            if stage is None or "ts" not in entry:
                continue
            ms = epoch_ms(entry["ts"])
            if ms < since:
                continue
            lock = entry["transfer.id"]
            times.setdefault(lock, {}).setdefault(stage, ms)
            if stage == "submitted":
                txs.setdefault(lock, entry.get("koinos.tx.id"))
    return times, txs


def quantiles(values):
    if not values:
        return None
    xs = sorted(values)
    pick = lambda p: xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]  # noqa: E731
    return {"n": len(xs), "min": xs[0], "p50": pick(0.5), "p90": pick(0.9), "max": xs[-1]}


def timeline(root, since):
    dirs = validator_dirs(root)
    if not dirs:
        raise SystemExit(f"burst_timeline: no validator-* folders in {root}")
    stores = [read_store(os.path.join(d, "data", "bridge.sqlite")) for d in dirs]
    # The burst's locks: those validator 1 observed at or after `since` (other validators may have
    # observed them a little earlier; they are looked up by id).
    burst = {lock for lock, row in stores[0].items() if row["observed"] >= since}
    stores = [{lock: row for lock, row in store.items() if lock in burst} for store in stores]
    logs, txs = read_log(os.path.join(root, "logs", os.path.basename(dirs[0]) + ".log"), since)
    locks = {}
    for lock, row in stores[0].items():
        t = dict(row)
        t.update({k: v for k, v in logs.get(lock, {}).items()})
        locks[lock] = t
    origin = since if since > 0 else min((r["observed"] for s in stores for r in s.values()), default=0)
    report = {"since_ms": origin, "locks": len(locks), "stages": {}, "validators": [], "transactions": {}, "per_second": []}
    previous = None
    for stage in STAGES:
        spans = [(t[stage] - (t[previous] if previous else origin)) / 1000 for t in locks.values()
                 if t.get(stage) is not None and (previous is None or t.get(previous) is not None)]
        report["stages"][f"{previous or 'since'} → {stage}"] = quantiles(spans)
        previous = stage
    report["stages"]["since → completed"] = quantiles([(t["completed"] - origin) / 1000 for t in locks.values() if t.get("completed")])
    for d, store in zip(dirs, stores):
        report["validators"].append({
            "validator": os.path.basename(d),
            "observed": quantiles([(r["observed"] - origin) / 1000 for r in store.values()]),
            "signed": quantiles([(r["signed"] - origin) / 1000 for r in store.values() if r["signed"]])})
    per_tx = {}
    for lock, tx in txs.items():
        per_tx.setdefault(tx, []).append(lock)
    sent = sorted(min(locks[l]["submitted"] for l in ls if l in locks) for ls in per_tx.values() if any(l in locks for l in ls))
    report["transactions"] = {"count": len(per_tx), "transfers": quantiles([len(v) for v in per_tx.values()]),
                              "first_sent_s": round((sent[0] - origin) / 1000, 2) if sent else None,
                              "last_sent_s": round((sent[-1] - origin) / 1000, 2) if sent else None}
    end = max((max(v for v in t.values() if v) for t in locks.values()), default=origin)
    for second in range(0, int((end - origin) / 1000) + 2):
        at = origin + second * 1000
        counts = {"waiting": 0, **{s: 0 for s in STAGES}}
        for t in locks.values():
            reached = [s for s in STAGES if t.get(s) is not None and t[s] <= at]
            counts[reached[-1] if reached else "waiting"] += 1
        report["per_second"].append({"t": second, **counts})
    return report


def fmt(q):
    if q is None:
        return "—"
    return f"{q['min']:7.2f} {q['p50']:7.2f} {q['p90']:7.2f} {q['max']:7.2f}  (n={q['n']})"


def print_report(report, out=sys.stdout):
    p = lambda s="": print(s, file=out)  # noqa: E731
    p(f"timeline of {report['locks']} locks on validator 1, seconds from {report['since_ms']} ms")
    p(f"{'stage':<26} {'min':>7} {'p50':>7} {'p90':>7} {'max':>7}")
    for name, q in report["stages"].items():
        p(f"{name:<26} {fmt(q)}")
    p("per validator, seconds from the origin:      observed (p50 / max)   own signature stored (p50 / max)")
    for v in report["validators"]:
        o, s = v["observed"], v["signed"]
        p(f"  {v['validator']:<12} {o['p50'] if o else '—':>8} / {o['max'] if o else '—':<8}        "
          f"{s['p50'] if s else '—':>8} / {s['max'] if s else '—'}")
    tx = report["transactions"]
    p(f"Koinos transactions: {tx['count']}, transfers each {fmt(tx['transfers']).strip() if tx['transfers'] else '—'}; "
      f"first sent at {tx['first_sent_s']} s, last at {tx['last_sent_s']} s")
    p("locks in each stage (the last one reached) every second:")
    p("   t  " + " ".join(f"{s:>9}" for s in ["waiting"] + STAGES))
    for row in report["per_second"]:
        p(f"{row['t']:4d}  " + " ".join(f"{row[s]:9d}" for s in ["waiting"] + STAGES))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".localnet-burst"))
    p.add_argument("--since", type=int, default=0, help="origin in epoch ms (burst.py: the resume); default the first observation")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    args = p.parse_args()
    report = timeline(args.dir, args.since)
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
