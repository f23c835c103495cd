#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A tiny JSON-RPC HTTP/1.1 server for the relay's transport and failover tests (stdlib only).

Without --upstream it answers every call itself ("echo" mode: the result is
{"method", "connection", "requests"}). With --upstream it forwards to that URL and
can inject faults. Switch modes with a JSON-RPC call to method "fault_setMode"
[mode, {options}]; "fault_stats" returns counters (also calls per method). Modes:
  pass, http500, garbage, truncated, wrong_chain, frozen, slow, huge, gzip, lie, rpc_error
"rpc_error" answers the calls named in {"methods": [...]} with a JSON-RPC error
  {"code": C, "message": M} (default -32000, "node error"); other calls pass.
"lie" is a dishonest provider (options, each optional):
  {"receipt_as": H, "receipt_from": R}  eth_getTransactionReceipt of H answers R's real receipt
                                        relabelled as H (a transfer that never happened)
  {"finalized": "latest"}               the finalized and safe tags answer the latest block
  {"header_hash_at": N}                 block N's header (by number) carries a made-up hash
  {"behind": N}                         a lagging node whose head is block N: eth_blockNumber says
                                        at most N, the latest/safe/finalized tags answer N, N-2, N-4,
                                        and blocks, logs and receipts after N are not there
  Koinos JSON-RPC upstreams (the Koinos simulator):
  {"koinos_previous_at": N}             block N of get_blocks_by_height names a made-up parent
  {"koinos_lib": N}                     chain.get_head_info reports last_irreversible_block N
  {"koinos_extra_event_at": N}          block N's last receipt gains a copy of its last event with
                                        sequence + 100 (a made-up lock that still links)
Any mode's options may hold {"from_call": {"method": M, "count": C}}: the mode applies only once
M has been called C times (the C-th call included); calls before that pass.
Prints {"port": N} on stdout when listening; exits after --max-lifetime seconds.
"""
import argparse
import gzip
import http.server
import itertools
import json
import os
import socketserver
import sys
import threading
import time
import urllib.request

STATE = {"mode": "pass", "options": {}, "connections": 0, "requests": 0, "frozen": None, "methods": {}}
LOCK = threading.Lock()
CONN_IDS = itertools.count(1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATE["connections"] += 1
        self.connection_id = next(CONN_IDS)

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with LOCK:
            STATE["requests"] += 1
        try:
            request = json.loads(body)
        except ValueError:
            return self.reply(400, b'{"error":"bad json"}')
        if isinstance(request, dict) and request.get("method") in ("fault_setMode", "fault_stats"):
            return self.control(request)
        with LOCK:  # calls per method, whatever the mode does with them
            for call in request if isinstance(request, list) else [request]:
                if isinstance(call, dict) and isinstance(call.get("method"), str):
                    STATE["methods"][call["method"]] = STATE["methods"].get(call["method"], 0) + 1
        mode, opts = STATE["mode"], STATE["options"]
        trigger = opts.get("from_call")
        if isinstance(trigger, dict) and STATE["methods"].get(trigger.get("method"), 0) < int(trigger.get("count", 1)):
            mode = "pass"
        if mode == "http500":
            return self.reply(500, b"internal error")
        if mode == "garbage":
            return self.reply(200, b"<html>this is not json{{")
        if mode == "rpc_error" and isinstance(request, dict) and request.get("method") in opts.get("methods", []):
            error = {"code": int(opts.get("code", -32000)), "message": str(opts.get("message", "node error"))}
            return self.reply(200, json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "error": error}).encode())
        if mode == "truncated":
            answer = self.answer(request, body, mode)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer[: len(answer) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "slow":
            time.sleep(float(opts.get("seconds", 3)))
        if mode == "huge":
            return self.reply(200, b'{"jsonrpc":"2.0","id":1,"result":"' + b"a" * int(opts.get("bytes", 2_000_000)) + b'"}')
        answer = self.answer(request, body, mode)
        if mode == "gzip":
            return self.reply(200, gzip.compress(answer), {"Content-Encoding": "gzip"})
        self.reply(200, answer)

    def answer(self, request, body: bytes, mode: str) -> bytes:
        if UPSTREAM is None:
            def echo(r):
                return {"jsonrpc": "2.0", "id": r.get("id"), "result": {
                    "method": r.get("method"), "connection": self.connection_id, "requests": STATE["requests"]}}
            out = [echo(r) for r in request] if isinstance(request, list) else echo(request)
            return json.dumps(out).encode()
        if mode == "frozen" and isinstance(request, dict):
            body = json.dumps(self.freeze(request)).encode()
        if mode == "lie":
            return lie(request, STATE["options"])
        raw = forward(body)
        if mode == "wrong_chain":
            data = json.loads(raw)
            for r in data if isinstance(data, list) else [data]:
                if isinstance(r, dict) and r.get("result", "").__class__ is str and self.is_chain_id(request, r.get("id")):
                    r["result"] = hex(int(r["result"], 16) + 1000)
            raw = json.dumps(data).encode()
        return raw

    @staticmethod
    def is_chain_id(request, rid):
        items = request if isinstance(request, list) else [request]
        return any(i.get("id") == rid and i.get("method") == "eth_chainId" for i in items)

    def freeze(self, request):
        """Pin latest/safe/finalized to the head seen when the freeze began."""
        frozen = STATE["frozen"]
        if frozen is None:
            frozen = STATE["frozen"] = int(json.loads(forward(json.dumps(
                {"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []}).encode()))["result"], 16)
        m, p = request.get("method"), list(request.get("params") or [])
        if m == "eth_blockNumber":
            return {"jsonrpc": "2.0", "id": request.get("id"), "method": "eth_chainId", "params": [], "_frozen": hex(frozen)}
        if m == "eth_getBlockByNumber" and p and p[0] in ("latest", "safe", "finalized"):
            lag = {"latest": 0, "safe": 2, "finalized": 4}[p[0]]
            p[0] = hex(max(0, frozen - lag))
            return dict(request, params=p)
        return request

    def control(self, request):
        p = request.get("params") or []
        with LOCK:
            if request["method"] == "fault_setMode":
                STATE["mode"] = p[0]
                STATE["options"] = p[1] if len(p) > 1 else {}
                STATE["frozen"] = None
            result = {k: STATE[k] for k in ("mode", "connections", "requests", "methods")}
        self.reply(200, json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "result": result}).encode())

    def reply(self, status, payload, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def forward(body: bytes) -> bytes:
    request = json.loads(body)
    if isinstance(request, dict) and "_frozen" in request:  # a frozen eth_blockNumber answer
        return json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": request["_frozen"]}).encode()
    req = urllib.request.Request(UPSTREAM, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def lie(request, opts) -> bytes:
    """Forwards `request` (one call or a batch) with the "lie" rewrites of `opts`."""
    items = request if isinstance(request, list) else [request]
    fake, real = (opts.get("receipt_as") or "").lower(), (opts.get("receipt_from") or "").lower()
    forwarded = []
    for item in items:
        if not isinstance(item.get("params"), (list, type(None))):  # Koinos: params are an object
            forwarded.append(item)
            continue
        m, p = item.get("method"), list(item.get("params") or [])
        if m == "eth_getTransactionReceipt" and fake and p and str(p[0]).lower() == fake:
            p[0] = real
        if m == "eth_getBlockByNumber" and p and p[0] in ("finalized", "safe") and opts.get("finalized") == "latest":
            p[0] = "latest"
        if m == "eth_getBlockByNumber" and p and p[0] in ("latest", "safe", "finalized") and opts.get("behind") is not None:
            p[0] = hex(max(0, int(opts["behind"]) - {"latest": 0, "safe": 2, "finalized": 4}[p[0]]))
        forwarded.append(dict(item, params=p))
    answers = json.loads(forward(json.dumps(forwarded if isinstance(request, list) else forwarded[0]).encode()))
    asked = {item.get("id"): item for item in items}
    for answer in answers if isinstance(answers, list) else [answers]:
        item = asked.get(answer.get("id")) if isinstance(answer, dict) else None
        result = answer.get("result") if item else None
        p = (item or {}).get("params") or []
        forged_at = opts.get("header_hash_at")
        if item and item.get("method") == "eth_getBlockByNumber" and forged_at is not None and result and p \
                and str(p[0]).startswith("0x") and int(str(p[0]), 16) == int(forged_at):
            result["hash"] = "0x" + "ee" * 32
        if item and item.get("method") == "block_store.get_blocks_by_height" and isinstance(result, dict) \
                and opts.get("koinos_previous_at") is not None:
            for block in result.get("block_items", []):
                if int(block.get("block_height", 0)) == int(opts["koinos_previous_at"]):
                    block["block"]["header"]["previous"] = "0x1220" + "ee" * 32
        if item and item.get("method") == "block_store.get_blocks_by_height" and isinstance(result, dict) \
                and opts.get("koinos_extra_event_at") is not None:
            for block in result.get("block_items", []):
                receipts = block.get("receipt", {}).get("transaction_receipts", [])
                if int(block.get("block_height", 0)) == int(opts["koinos_extra_event_at"]) and receipts and receipts[-1].get("events"):
                    copy = dict(receipts[-1]["events"][-1])
                    copy["sequence"] = int(copy.get("sequence", 0)) + 100
                    receipts[-1]["events"].append(copy)
        if item and item.get("method") == "chain.get_head_info" and isinstance(result, dict) and opts.get("koinos_lib") is not None:
            result["last_irreversible_block"] = str(int(opts["koinos_lib"]))
        if item and opts.get("behind") is not None and "result" in answer:
            answer["result"] = behind(item.get("method"), result, int(opts["behind"]))
        if item and item.get("method") == "eth_getTransactionReceipt" and fake and p and str(p[0]).lower() == fake and result:
            result["transactionHash"] = fake
            for log in result.get("logs", []):
                log["transactionHash"] = fake
    return json.dumps(answers).encode()


def behind(method, result, head):
    """`result` as a node whose head is block `head` would answer `method`."""
    def after(obj):
        return isinstance(obj, dict) and isinstance(obj.get("blockNumber", obj.get("number")), str) \
            and int(obj.get("blockNumber", obj.get("number")), 16) > head
    if method == "eth_blockNumber" and isinstance(result, str):
        return hex(min(int(result, 16), head))
    if method == "eth_getLogs" and isinstance(result, list):
        return [log for log in result if not after(log)]
    if method in ("eth_getBlockByNumber", "eth_getBlockByHash", "eth_getTransactionReceipt") and after(result):
        return None
    return result


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


UPSTREAM = None

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream")
    ap.add_argument("--max-lifetime", type=float, default=300)
    a = ap.parse_args()
    UPSTREAM = a.upstream
    srv = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(json.dumps({"port": srv.server_address[1]}), flush=True)
    threading.Timer(a.max_lifetime, lambda: os._exit(0)).start()  # never outlive the test
    try:
        while sys.stdin.readline():  # the parent closing stdin (or dying) stops the server
            pass
    except KeyboardInterrupt:
        pass
    os._exit(0)
