#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Koinos chain SIMULATOR: Koinos JSON-RPC on 127.0.0.1 with the chain's acceptance checks,
the bridge contract (v1/v2) and KOIN-like tokens.  A test double, not a Koinos node.

First stdout line: {"event":"ready","rpc":"http://127.0.0.1:PORT",...} (also --info-file).
"""

import json
import logging
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from koinossim import persist  # noqa: E402
from koinossim.config import load_config  # noqa: E402
from koinossim.control import SimulatorMethods  # noqa: E402
from koinossim.rpc import KoinosMethods  # noqa: E402
from koinossim.server import Dispatcher, make_server  # noqa: E402
from koinossim.simulator import Simulator  # noqa: E402


def main(argv: list[str]) -> int:
    logging.basicConfig(level=os.environ.get("KOINSIM_LOG", "WARNING"), stream=sys.stderr,
                        format="%(asctime)s koinsim %(levelname)s %(message)s")
    try:
        config = load_config(argv)
    except (ValueError, OSError, json.JSONDecodeError) as exc:
        print(f"koinos_sim: configuration error: {exc}", file=sys.stderr)
        return 2
    sim = Simulator(config)
    restored = bool(config.state_file and os.path.exists(config.state_file))
    if restored:
        try:
            persist.load(sim, config.state_file)
        except (ValueError, OSError, KeyError) as exc:
            print(f"koinos_sim: cannot load state file: {exc}", file=sys.stderr)
            return 2
    control = SimulatorMethods(sim)
    after_change = None
    if config.state_file:
        def after_change():
            persist.save(sim, config.state_file)
        sim.after_change = after_change
        after_change()  # a fresh chain is on disk before the ready line
    server = make_server(Dispatcher(KoinosMethods(sim.chain), control, after_change), config.port)
    rpc_url = f"http://127.0.0.1:{server.server_address[1]}"
    control.rpc_url = rpc_url
    ready = json.dumps(dict(sim.info(rpc_url), restored=restored), separators=(",", ":"))
    if config.info_file:
        with open(config.info_file, "w", encoding="utf-8") as handle:
            handle.write(ready + "\n")
    print(ready, flush=True)

    # The handler only sets a flag: Event.set() from a signal handler can deadlock against the
    # main thread's Event.wait() (both take the same lock), which left the process unkillable.
    stop = {"now": False}
    def on_signal(*_):
        stop["now"] = True
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    sim.start_producer()
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                               daemon=True)
    serving.start()
    deadline = time.monotonic() + config.max_lifetime if config.max_lifetime > 0 else None
    while not stop["now"]:
        if deadline is not None and time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    server.shutdown()
    sim.stop()
    if config.state_file:
        persist.save(sim, config.state_file)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
