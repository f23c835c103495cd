# SPDX-License-Identifier: Apache-2.0
"""HTTP + JSON-RPC 2.0 envelopes (single and batch) on loopback."""
from __future__ import annotations

import json
import re
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .wire import INVALID_REQUEST, PARSE_ERROR, RpcError

MAX_BODY = 16 * 1024 * 1024
MAX_BATCH = 1000
MAX_DEPTH = 64  # JSON nesting; py-evm raises the recursion limit to 100000, so a deeply
                # nested body would overflow a thread's C stack inside json.loads
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = bytes(c for c in range(256) if c not in b"[]{}")


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text nests arrays/objects deeper than `limit` (strings ignored)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for c in _STRING.sub(b"", raw).translate(None, _NOT_BRACKET):
        depth += 1 if c in (0x5B, 0x7B) else -1
        if depth > limit:
            return True
    return False


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
    if too_deep(raw):
        return _error(None, RpcError(PARSE_ERROR, f"parse error: nested deeper than {MAX_DEPTH}"))
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
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
    timeout = 120  # an idle or stalled connection is closed, its thread freed
    node = None
    verbose = False

    def setup(self):
        super().setup()
        # one small response per request: without this, Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

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
        if len(raw) < length:  # the client went away mid-body
            self.close_connection = True
            return
        self._reply(200, process_body(self.node, raw))

    def do_GET(self):  # liveness probe
        with self.node.chain.lock:
            head = self.node.chain.head()
        self._reply(200, {"ok": True, "head": head})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    verbose = False

    def handle_error(self, request, client_address):
        # a client that resets or times out must not print tracebacks (or stop anything)
        if self.verbose:
            super().handle_error(request, client_address)


def make_server(node, host: str, port: int, verbose: bool = False) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"node": node, "verbose": verbose})
    cls = type("BoundServer", (Server,), {"verbose": verbose})
    if ":" in host:
        cls = type("Server6", (cls,), {"address_family": socket.AF_INET6})
    return cls((host, port), handler)
