#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Ethereum devnet for the bridge relay: py-evm (eth-tester) served as JSON-RPC on loopback.

Deploys the bridge contracts of contracts/ethereum/ and prints one JSON "ready"
line on stdout when it answers. See README.md for methods and options.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ethdevnet.server import make_server  # noqa: E402

DEV_VALIDATOR_SEEDS = ("devnet-validator-0", "devnet-validator-1", "devnet-validator-2")


def dev_validators() -> list[str]:
    """Default validator set: addresses of keys keccak256("devnet-validator-i"), i = 0..2."""
    from eth_account import Account
    from eth_utils import keccak

    return [Account.from_key(keccak(text=s)).address for s in DEV_VALIDATOR_SEEDS]


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1", help="127.0.0.1 or ::1 only")
    ap.add_argument("--port", type=int, default=8545, help="0 = an ephemeral port")
    ap.add_argument("--chain-id", type=int, default=1337, help="EVM chain id (eth_chainId)")
    ap.add_argument("--bridge-chain-id", type=int, default=2, help="the bridge contract's uint32 chainId")
    ap.add_argument("--validators", default="", help="0xA,0xB,... initial validator addresses")
    ap.add_argument("--finality-depth", type=int, default=4, help='"finalized" = head - N (monotonic)')
    ap.add_argument("--safe-depth", type=int, default=2, help='"safe" = head - N, never below finalized')
    ap.add_argument("--block-time-ms", type=int, default=0, help="mine a block every N ms (0: only on tx)")
    ap.add_argument("--max-log-range", type=int, default=0, help="eth_getLogs: max blocks per query (0: none)")
    ap.add_argument("--max-logs", type=int, default=0, help="eth_getLogs: max logs per answer (0: none)")
    ap.add_argument("--state-file", help="load the chain from this file when it exists; save it after "
                    "every change (see ethdevnet/state_file.py)")
    ap.add_argument("--info-file", help="also write the ready object (plus ABIs) to this file")
    ap.add_argument("--max-lifetime", type=float, default=0, help="exit by itself after N seconds (0: never)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    try:
        if str(ipaddress.ip_address(a.host)) not in ("127.0.0.1", "::1"):
            raise ValueError
    except ValueError:
        ap.error(f"--host must be 127.0.0.1 or ::1, got {a.host!r}")
    if not 0 <= a.bridge_chain_id < 2**32:
        ap.error("--bridge-chain-id must fit in uint32")
    if a.finality_depth < 0 or a.safe_depth < 0 or a.safe_depth > a.finality_depth:
        ap.error("need 0 <= --safe-depth <= --finality-depth")
    if a.chain_id <= 0 or a.block_time_ms < 0 or a.max_log_range < 0 or a.max_logs < 0:
        ap.error("--chain-id must be positive; limits and block time must be >= 0")
    return a


def parse_validators(text: str) -> list[str]:
    from eth_utils import is_hex_address, to_checksum_address

    if not text.strip():
        return dev_validators()
    out = []
    for v in text.split(","):
        v = v.strip()
        if not is_hex_address(v):
            raise SystemExit(f"devnet: --validators: not an Ethereum address: {v!r}")
        if to_checksum_address(v) in out:
            raise SystemExit(f"devnet: --validators: duplicate {v}")
        out.append(to_checksum_address(v))
    return out


def main(argv=None) -> int:
    a = parse_args(argv)
    validators = parse_validators(a.validators)
    # Until the server runs, a signal simply exits (status 0, nothing to clean up).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    from ethdevnet.node import Node

    t0 = time.monotonic()
    node = Node(a.chain_id, a.finality_depth, a.safe_depth, a.max_log_range, a.max_logs, a.verbose)
    restored = False
    if a.state_file:
        from ethdevnet.state_file import StateFile

        node.state_file = StateFile(a.state_file)
        if node.state_file.exists():
            try:
                node.state_file.load(node)
            except (OSError, ValueError, KeyError) as e:
                raise SystemExit(f"devnet: cannot load --state-file {a.state_file}: {e}")
            restored = True
    info = node.info if restored else node.deploy(validators, a.bridge_chain_id)  # deploys with automine
    node.block_time_ms = a.block_time_ms
    with node.chain.lock:
        node.chain.automine = a.block_time_ms == 0  # with a block clock, transactions wait for a block
        node.save_state()
    # Request threads run the EVM, which recurses deeply (py-evm lifts the recursion
    # limit to 100000): give them room. The size is reserved, not committed, memory.
    threading.stack_size(256 * 1024 * 1024)
    srv = make_server(node, a.host, a.port, a.verbose)
    host, port = srv.server_address[:2]
    rpc = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    ready = {"event": "ready", "rpc": rpc, "chain_id": a.chain_id, "bridge": info["bridge"],
             "token": info["token"], "token_decimals": info["token_decimals"], "weth": info["weth"],
             "wrapped_token": info["wrapped_token"], "v1_events": info["v1_events"],
             "lock_batcher": info["lock_batcher"], "bridge_chain_id": info["bridge_chain_id"],
             "validators": info["validators"], "bridge_deploy_block": info["bridge_deploy_block"],
             "head": node.chain.head(), "finality_depth": a.finality_depth, "safe_depth": a.safe_depth,
             "deploy_seconds": round(time.monotonic() - t0, 3), "restored": restored}
    node.info["rpc"] = rpc
    if a.info_file:
        Path(a.info_file).write_text(json.dumps(dict(ready, abi=info["abi"]), indent=1) + "\n")
    # The handler only flips a flag: taking a lock in a signal handler (Event.set) can
    # deadlock against the main thread holding the same lock inside Event.wait.
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    print(json.dumps(ready, separators=(",", ":")), flush=True)
    deadline = time.monotonic() + a.max_lifetime if a.max_lifetime > 0 else None
    tick = a.block_time_ms / 1000
    next_block = time.monotonic() + tick
    while not stopping:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            _note("devnet: --max-lifetime reached, stopping")
            break
        if tick and now >= next_block:
            try:
                node.mine_tick()
            except Exception as e:  # noqa: BLE001 - e.g. the state file cannot be written: keep serving
                _note(f"devnet: block clock: {e}")
            next_block = max(next_block + tick, time.monotonic())  # fell behind: no burst
            continue
        wait = 0.2 if not tick else next_block - now
        if deadline is not None:
            wait = min(wait, deadline - now)
        time.sleep(max(0.001, min(wait, 0.2)))
    # shutdown() waits for serve_forever to notice; bounded, the serving thread is a daemon
    closer = threading.Thread(target=srv.shutdown, daemon=True)
    closer.start()
    closer.join(timeout=5)
    srv.server_close()
    return 0


def _note(message: str) -> None:
    try:
        print(message, file=sys.stderr, flush=True)
    except OSError:  # stderr closed by a parent that went away
        pass


if __name__ == "__main__":
    sys.exit(main())
