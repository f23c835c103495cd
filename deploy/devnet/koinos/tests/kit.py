# SPDX-License-Identifier: Apache-2.0
"""Test helpers: an in-process simulator on a real loopback HTTP port, a JSON-RPC client,
keys, and builders for signed Koinos transactions and bridge calls."""

import json
import os
import sys
import threading
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from koinossim import crypto  # noqa: E402
from koinossim.config import load_config  # noqa: E402
from koinossim.control import SimulatorMethods  # noqa: E402
from koinossim.protocol import OPERATION, TRANSACTION_HEADER  # noqa: E402
from koinossim.rpc import KoinosMethods  # noqa: E402
from koinossim.schema import encode, to_json  # noqa: E402
from koinossim.server import Dispatcher, make_server  # noqa: E402
from koinossim.simulator import Simulator  # noqa: E402
from koinossim.accounts import nonce_bytes  # noqa: E402
from koinossim.textenc import b58decode, b58encode, b64encode  # noqa: E402

TRANSFER, BALANCE_OF = 0x27f576ca, 0x5c721497


class RpcError(Exception):
    def __init__(self, error: dict):
        super().__init__(error.get("message"))
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = json.loads(error["data"]) if str(error.get("data", "")).startswith("{") else \
            error.get("data")


def post(url: str, payload) -> object:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


class Sim:
    """A simulator served on 127.0.0.1:ephemeral inside the test process."""

    def __init__(self, argv: list[str]):
        self.sim = Simulator(load_config(argv + ["--block-interval-ms", "0"]))
        self.server = make_server(Dispatcher(KoinosMethods(self.sim.chain),
                                             SimulatorMethods(self.sim)), 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        self.info = self.sim.info(self.url)
        self.chain_id = self.sim.config.chain_id
        self.next_id = 0

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def rpc(self, method: str, params=None):
        self.next_id += 1
        reply = post(self.url, {"jsonrpc": "2.0", "id": self.next_id, "method": method,
                                "params": params or {}})
        assert reply["id"] == self.next_id
        if "error" in reply:
            raise RpcError(reply["error"])
        return reply["result"]

    def submit(self, tx_json: dict, broadcast: bool = True) -> dict:
        return self.rpc("chain.submit_transaction", {"transaction": tx_json, "broadcast": broadcast})

    def nonce(self, address: str) -> int:
        pending = self.rpc("mempool.get_pending_nonce", {"payee": address})
        raw = pending.get("nonce") or self.rpc("chain.get_account_nonce",
                                                {"account": address})["nonce"]
        from koinossim.accounts import parse_nonce
        from koinossim.textenc import b64decode
        return parse_nonce(b64decode(raw))

    def balance(self, token: str, owner: str) -> int:
        args = b64encode(encode_fields([(1, b58decode(owner))]))
        result = self.rpc("chain.read_contract", {"contract_id": token, "entry_point": BALANCE_OF,
                                                  "args": args})
        from koinossim.contracts.token import UINT64_RESULT
        from koinossim.schema import decode
        from koinossim.textenc import b64decode
        return decode(UINT64_RESULT, b64decode(result.get("result", "")))["value"]

    def produce(self, count: int = 1) -> dict:
        return self.rpc("simulator.produce_block", {"count": count})


def encode_fields(fields: list[tuple[int, object]]) -> bytes:
    """Tiny independent proto3 writer for test arguments: (number, int|bytes|str)."""
    from koinossim import wire
    out = b""
    for number, value in fields:
        if isinstance(value, bool):
            out += wire.field_varint(number, int(value)) if value else b""
        elif isinstance(value, int):
            out += wire.field_varint(number, value) if value else b""
        elif isinstance(value, str):
            out += wire.field_bytes(number, value.encode()) if value else b""
        elif value:
            out += wire.field_bytes(number, value)
    return out


def key(name: str) -> bytes:
    return crypto.sha256(f"koinsim test key {name}".encode())


def address(private_key: bytes) -> str:
    return b58encode(crypto.address_from_private_key(private_key))


def call_op(contract_id: str, entry_point: int, args: bytes) -> dict:
    return {"call_contract": {"contract_id": b58decode(contract_id), "entry_point": entry_point,
                              "args": args}}


def build_tx(chain_id: bytes, signer_keys: list[bytes], nonce: int, operations: list[dict],
             rc_limit: int = 10_000_000, payer: str | None = None, payee: str | None = None) -> dict:
    """A signed transaction as Koinos JSON: header → id → compact signatures."""
    header = {"chain_id": chain_id, "rc_limit": rc_limit, "nonce": nonce_bytes(nonce),
              "operation_merkle_root": crypto.merkle_root(
                  [crypto.sha256(encode(OPERATION, op)) for op in operations]),
              "payer": b58decode(payer or address(signer_keys[0]))}
    if payee:
        header["payee"] = b58decode(payee)
    tx_id = crypto.multihash(encode(TRANSACTION_HEADER, header))
    from koinossim.protocol import TRANSACTION
    return to_json(TRANSACTION, {
        "id": tx_id, "header": header, "operations": operations,
        "signatures": [crypto.sign_compact(k, tx_id[2:]) for k in signer_keys]})


def token_transfer_args(sender: str, receiver: str, value: int) -> bytes:
    return encode_fields([(1, b58decode(sender)), (2, b58decode(receiver)), (3, value)])
