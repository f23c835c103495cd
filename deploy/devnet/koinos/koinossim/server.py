# SPDX-License-Identifier: Apache-2.0
"""JSON-RPC 2.0 over HTTP POST on 127.0.0.1 (single requests and batches).

Envelope rules follow koinos-jsonrpc: `jsonrpc` must be "2.0", `id` is required (number,
string or null); -32700 parse error, -32600 invalid request, -32601 "Unable to translate
request" (unknown method or unparsable params), -32603 chain errors with JSON `data`.
Batches are an extension (the real gateway takes one object per request).
Nothing a client sends can stop the server: every failure becomes an error response.
"""

import json
import logging
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .errors import ChainError, ParamsError
from .schema import SchemaError

MAX_BODY = 8 * 1024 * 1024
log = logging.getLogger("koinsim")


def _error(req_id, code: int, message: str, data=None) -> dict:
    err = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return {"jsonrpc": "2.0", "id": req_id, "error": err}


# Methods that change the chain, the mempool or accounts: `after_change` runs before they answer.
CHANGING = {"chain.submit_transaction", "simulator.set_account_rc", "simulator.set_time_offset",
            "simulator.produce_block", "simulator.set_balance", "simulator.drop_pending",
            "simulator.lock_tokens", "simulator.request_new_signatures"}


class Dispatcher:
    def __init__(self, koinos_methods, simulator_methods, after_change=None):
        self.koinos = koinos_methods
        self.simulator = simulator_methods
        self.after_change = after_change  # e.g. save the state file (an error fails the request)

    def handle_body(self, body: bytes):
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return _error(None, -32700, "Parse error")
        if isinstance(request, list):
            if not request:
                return _error(None, -32600, "Invalid Request")
            return [self.handle_one(item) for item in request[:1000]]
        return self.handle_one(request)

    def handle_one(self, request) -> dict:
        if not isinstance(request, dict):
            return _error(None, -32600, "Invalid Request")
        req_id = request.get("id")
        valid_id = ("id" in request and (req_id is None or isinstance(req_id, str) or (
            isinstance(req_id, (int, float)) and not isinstance(req_id, bool)
            and float(req_id).is_integer())))
        if request.get("jsonrpc") != "2.0" or not valid_id:
            return _error(req_id if valid_id else None, -32600, "Invalid Request")
        method = request.get("method")
        if not isinstance(method, str):
            return _error(req_id, -32600, "Invalid Request")
        try:
            return {"jsonrpc": "2.0", "id": req_id, "result": self.call(method, request.get("params"))}
        except ChainError as err:
            data = {"code": err.code}
            if err.logs:
                data["logs"] = err.logs
            return _error(req_id, -32603, err.message, json.dumps(data))
        except _UnknownMethod as exc:
            return _error(req_id, -32601, "Unable to translate request", str(exc))
        except (ParamsError, SchemaError) as exc:
            log.info("unparsable params for %s: %s", method, exc)
            return _error(req_id, -32601, "Unable to translate request",
                          f"parameters could not be parsed: {exc}")
        except Exception as exc:  # noqa: BLE001 - never let a request kill the server
            log.error("internal error in %s: %s\n%s", method, exc, traceback.format_exc())
            return _error(req_id, -32603, f"internal error: {exc}", json.dumps({"code": 100}))

    def call(self, method: str, params):
        if self.after_change is None or method not in CHANGING:
            return self._call(method, params)
        with self.simulator.chain.lock:  # the change and its save, before anyone sees it
            result = self._call(method, params)
            self.after_change()
            return result

    def _call(self, method: str, params):
        if method.startswith("simulator."):
            handler = self.simulator.table.get(method)
            if handler is None:
                raise _UnknownMethod(method)
            if params is None:
                params = {}
            if not isinstance(params, dict):
                raise ParamsError("params must be an object")
            return handler(params)
        entry = self.koinos.resolve(method)
        if entry is None:
            raise _UnknownMethod(method)
        return self.koinos.call(entry, params)


class _UnknownMethod(ParamsError):
    def __init__(self, method: str):
        super().__init__(f"unknown method {method}")


def make_server(dispatcher: Dispatcher, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        wbufsize = 64 * 1024  # headers and body leave in one segment (flushed per response)
        timeout = 60  # an idle keep-alive connection is closed after a minute

        def do_POST(self):  # noqa: N802 - http.server naming
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self._send(413 if length > MAX_BODY else 400,
                           _error(None, -32602 if length > MAX_BODY else -32700, "request rejected"))
                return
            body = self.rfile.read(length)
            self._send(200, dispatcher.handle_body(body))

        def do_OPTIONS(self):  # noqa: N802
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "*")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):  # noqa: N802
            self._send(405, _error(None, -32600, "use HTTP POST"))

        def _send(self, status: int, payload) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

        def log_message(self, fmt, *args):
            log.debug("%s " + fmt, self.address_string(), *args)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server
