# SPDX-License-Identifier: Apache-2.0
"""HTTP + JSON-RPC 2.0 envelopes (single and batch) on loopback."""
from __future__ import annotations

import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .wire import INVALID_REQUEST, PARSE_ERROR, RpcError

MAX_BODY = 16 * 1024 * 1024
MAX_BATCH = 1000


def _error(id_, err: RpcError) -> dict:
    return {"jsonrpc": "2.0", "id": id_, "error": err.to_json()}


def _valid_id(req: dict) -> bool:
    i = req.get("id")
    return i is None or (isinstance(i, (str, int, float)) and not isinstance(i, bool))


def process_one(node, req):
    """One request object -> response object, or None for a notification."""
    if not isinstance(req, dict) or req.get("jsonrpc") != "2.0" or not isinstance(req.get("method"), str) \
            or not _valid_id(req):
        rid = req.get("id") if isinstance(req, dict) and _valid_id(req) else None
        return _error(rid, RpcError(INVALID_REQUEST, "invalid request"))
    rid = req.get("id")
    try:
        resp = {"jsonrpc": "2.0", "id": rid, "result": node.handle(req["method"], req.get("params"))}
    except RpcError as e:
        resp = _error(rid, e)
    return None if "id" not in req else resp


def process_body(node, raw: bytes):
    """A request body -> the response value (dict, list) or None (nothing to send)."""
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return _error(None, RpcError(PARSE_ERROR, "parse error"))
    if isinstance(payload, list):
        if not payload:
            return _error(None, RpcError(INVALID_REQUEST, "empty batch"))
        if len(payload) > MAX_BATCH:
            return _error(None, RpcError(INVALID_REQUEST, f"batch larger than {MAX_BATCH}"))
        out = [r for r in (process_one(node, x) for x in payload) if r is not None]
        return out or None
    return process_one(node, payload)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server_version = "bridge-eth-devnet/1"
    node = None
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def _reply(self, status: int, value) -> None:
        body = b"" if value is None else json.dumps(value, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._reply(413 if length > MAX_BODY else 400,
                        _error(None, RpcError(INVALID_REQUEST, "bad or too large Content-Length")))
            return
        raw = self.rfile.read(length) if length else b""
        self._reply(200, process_body(self.node, raw))

    def do_GET(self):  # liveness probe
        with self.node.chain.lock:
            head = self.node.chain.head()
        self._reply(200, {"ok": True, "head": head})


def make_server(node, host: str, port: int, verbose: bool = False) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"node": node, "verbose": verbose})
    cls = ThreadingHTTPServer
    if ":" in host:
        cls = type("Server6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
    srv = cls((host, port), handler)
    srv.daemon_threads = True
    return srv
