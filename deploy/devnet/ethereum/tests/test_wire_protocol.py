# SPDX-License-Identifier: Apache-2.0
"""JSON-RPC 2.0 envelopes: single, batch, notifications, and every kind of bad input."""
import json


def test_ready_line(devnet):
    r = devnet.ready
    assert r["event"] == "ready" and r["rpc"].startswith("http://127.0.0.1:")
    assert r["chain_id"] == 1337 and r["bridge_chain_id"] == 2 and r["token_decimals"] == 18
    for k in ("bridge", "token", "weth", "v1_events"):
        assert devnet("eth_getCode", r[k], "latest") not in ("0x", "")
    assert len(r["validators"]) == 3


def test_chain_id_and_net_version(devnet):
    assert devnet("eth_chainId") == "0x539"
    assert devnet("net_version") == "1337"


def test_bridge_reports_its_chain_id(devnet):
    out = devnet("eth_call", {"to": devnet.ready["bridge"], "data": "0x9a8a0592"}, "latest")  # chainId()
    assert int(out, 16) == 2


def test_batch_with_notification_and_errors(devnet):
    body = [{"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"},
            {"jsonrpc": "2.0", "method": "eth_blockNumber"},  # notification: no answer
            {"jsonrpc": "2.0", "id": "x", "method": "no_such_method"},
            {"jsonrpc": "2.0", "id": 3, "method": "eth_getBlockByNumber", "params": ["nonsense"]},
            7]
    status, resp = devnet.post(json.dumps(body).encode())
    assert status == 200 and len(resp) == 4
    by_id = {r["id"]: r for r in resp}
    assert by_id[1]["result"].startswith("0x")
    assert by_id["x"]["error"]["code"] == -32601
    assert by_id[3]["error"]["code"] == -32602
    assert by_id[None]["error"]["code"] == -32600


def test_garbage_bodies(devnet):
    for body, code in [(b"garbage{", -32700), (b"\xff\xfe", -32700), (b"[]", -32600),
                       (b"[" * 100_000 + b"]" * 100_000, -32700), (b"", -32700),
                       (b'{"id":1}', -32600), (b'{"jsonrpc":"2.0","id":1,"method":5}', -32600),
                       (b'{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":{"a":1}}', -32602),
                       (b'{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"topics":"x"}]}', -32602),
                       (b'{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x12"]}', -32602)]:
        status, resp = devnet.post(body)
        assert status == 200 and resp["error"]["code"] == code, (body, resp)
    assert devnet("eth_blockNumber").startswith("0x")  # still alive


def test_notification_only_gets_empty_body(devnet):
    status, resp = devnet.post(b'{"jsonrpc":"2.0","method":"eth_blockNumber"}')
    assert status == 200 and resp is None


def test_revert_reason_is_reported(devnet):
    resp = devnet.request("devnet_lock", {"amount": 10**18, "payment": 2 * 10**18})
    assert resp["error"]["code"] == 3
    assert resp["error"]["message"] == "execution reverted: payment exceeds amount"


def test_send_raw_transaction_with_devnet_chain_id(devnet):
    from eth_account import Account

    acct = Account.from_key("0x" + "00" * 31 + "05")  # eth-tester's 5th funded account
    nonce = int(devnet("eth_getTransactionCount", acct.address, "latest"), 16)
    tx = {"to": "0x" + "77" * 20, "value": 12345, "gas": 21000, "nonce": nonce, "chainId": 1337,
          "maxFeePerGas": int(devnet("eth_gasPrice"), 16) * 2, "maxPriorityFeePerGas": 10**9}
    raw = acct.sign_transaction(tx).raw_transaction
    txh = devnet("eth_sendRawTransaction", "0x" + raw.hex())
    assert devnet("eth_getTransactionReceipt", txh)["status"] == "0x1"
    assert devnet("eth_getBalance", "0x" + "77" * 20, "latest") == hex(12345)
    assert devnet("eth_getTransactionByHash", txh)["chainId"] == "0x539"


def test_http_level_garbage_does_not_hurt(devnet):
    import socket
    from urllib.parse import urlparse

    u = urlparse(devnet.ready["rpc"])
    payloads = [b"\x00\xff garbage \r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"",
                b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                b"POST / HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n"]
    for data in payloads:
        with socket.create_connection((u.hostname, u.port), timeout=10) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            s.settimeout(10)
            try:
                s.recv(4096)
            except OSError:
                pass
    assert devnet("eth_chainId") == "0x539"


def test_big_batch(devnet):
    body = [{"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber"} for i in range(200)]
    status, resp = devnet.post(json.dumps(body).encode())
    assert status == 200 and sorted(r["id"] for r in resp) == list(range(200))
