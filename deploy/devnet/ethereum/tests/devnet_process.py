# SPDX-License-Identifier: Apache-2.0
"""Starts devnet.py as a subprocess on an ephemeral port and talks JSON-RPC to it."""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

DEVNET = Path(__file__).resolve().parents[1] / "devnet.py"


class Devnet:
    def __init__(self, *args: str, lifetime: int = 300):
        # stderr goes to a file: an undrained pipe could fill up and block the devnet
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, str(DEVNET), "--port", "0", "--max-lifetime", str(lifetime), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=10)
            self.stderr.seek(0)
            raise RuntimeError(f"devnet did not start: {self.stderr.read()[-2000:]}")
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
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # never leave a devnet behind
            self.proc.wait(timeout=10)
            raise
        finally:
            self.proc.stdout.close()
            self.stderr.close()


class RpcFailure(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error
