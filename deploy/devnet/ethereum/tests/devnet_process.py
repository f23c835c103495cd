# SPDX-License-Identifier: Apache-2.0
"""Starts devnet.py as a subprocess on an ephemeral port and talks JSON-RPC to it."""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

DEVNET = Path(__file__).resolve().parents[1] / "devnet.py"


class Devnet:
    def __init__(self, *args: str, lifetime: int = 300):
        self.proc = subprocess.Popen(
            [sys.executable, str(DEVNET), "--port", "0", "--max-lifetime", str(lifetime), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=10)
            raise RuntimeError(f"devnet did not start: {self.proc.stderr.read()[-2000:]}")
        self.ready = json.loads(line)
        u = urlparse(self.ready["rpc"])
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self._id = 0

    def post(self, body: bytes):
        self.conn.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
        r = self.conn.getresponse()
        data = r.read()
        return r.status, (json.loads(data) if data else None)

    def request(self, method: str, *params):
        self._id += 1
        _, resp = self.post(json.dumps({"jsonrpc": "2.0", "id": self._id, "method": method,
                                        "params": list(params)}).encode())
        return resp

    def __call__(self, method: str, *params):
        resp = self.request(method, *params)
        if "error" in resp:
            raise RpcFailure(resp["error"])
        return resp["result"]

    def stop(self) -> int:
        self.conn.close()
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.proc.wait(timeout=20)


class RpcFailure(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error
