# SPDX-License-Identifier: Apache-2.0
"""Compiles the bridge contracts with vyper and deploys them on the devnet."""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, keccak

CONTRACTS_DIR = Path(os.environ.get("BRIDGE_CONTRACTS_DIR")
                     or Path(__file__).resolve().parents[4] / "contracts" / "ethereum")
NAMES = ("WETH", "TestToken", "Bridge", "BridgeV1Events", "LockBatcher")
V2_LOCK_TOPIC = "0x" + keccak(
    text="TokensLockedEvent(address,address,uint256,uint256,string,string,string,uint256,uint32)").hex()
V1_LOCK_TOPIC = "0x" + keccak(text="TokensLockedEvent(address,address,uint256,string,uint256)").hex()
TOKEN_DECIMALS = 18
WRAPPED_DECIMALS = 8
FUNDED_ACCOUNTS = 5
MAX_UINT = 2**256 - 1


CACHE_DIR = Path(os.environ.get("ETH_DEVNET_CACHE") or Path(__file__).resolve().parents[1] / ".cache")


def compile_one(name: str) -> dict:
    """ABI and bytecode of contracts/ethereum/<name>.vy, cached by source hash and vyper version."""
    import vyper

    src = (CONTRACTS_DIR / f"{name}.vy").read_text()
    key = hashlib.sha256(f"{vyper.__version__}\0{src}".encode()).hexdigest()[:32]
    cached = CACHE_DIR / f"{name}-{key}.json"
    try:
        return json.loads(cached.read_text())
    except (OSError, ValueError):
        pass
    res = vyper.compile_code(src, output_formats=["abi", "bytecode"], contract_path=f"{name}.vy")
    out = {"abi": res["abi"], "bytecode": res["bytecode"]}
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(out))
        tmp.replace(cached)  # atomic: concurrent starts never read a partial file
    except OSError:
        pass  # read-only checkout: compile every time
    return out


def compile_all() -> dict:
    return {name: compile_one(name) for name in NAMES}


def call_data(signature: str, types: list, args: list) -> str:
    return "0x" + (function_signature_to_4byte_selector(signature) + encode(types, args)).hex()


def deploy(node, validators: list[str], bridge_chain_id: int) -> dict:
    """Deploys everything from account 0 and funds accounts 0..4; returns addresses and timings."""
    t0 = time.monotonic()
    art = compile_all()
    t1 = time.monotonic()
    et = node.chain.et
    deployer = node.chain.accounts[0]

    def create(name, types=(), args=()):
        data = art[name]["bytecode"] + encode(list(types), list(args)).hex()
        txh = node.send({"from": deployer, "data": data, "gas": 6_000_000})
        return et.get_transaction_receipt(txh)["contract_address"]

    def call(frm, to, sig, types, args):
        node.send({"from": frm, "to": to, "data": call_data(sig, types, args), "gas": 200_000})

    weth = create("WETH")
    token = create("TestToken", ["string", "string", "uint8"], ["Devnet Token", "DVT", TOKEN_DECIMALS])
    wrapped = create("TestToken", ["string", "string", "uint8"], ["Wrapped Devnet KOIN", "wKOIN",
                                                                   WRAPPED_DECIMALS])
    bridge = create("Bridge", ["address[]", "address", "uint32", "address[]", "address[]"],
                    [validators, weth, bridge_chain_id, [token], [wrapped]])
    deploy_block = node.chain.head()
    call(deployer, wrapped, "setMinter(address,bool)", ["address", "bool"], [bridge, True])
    v1 = create("BridgeV1Events")
    batcher = create("LockBatcher")
    for acct in node.chain.accounts[:FUNDED_ACCOUNTS]:
        for tok, amount in ((token, 10**30), (wrapped, 10**20)):
            call(deployer, tok, "mint(address,uint256)", ["address", "uint256"], [acct, amount])
            for spender in (bridge, batcher):
                call(acct, tok, "approve(address,uint256)", ["address", "uint256"], [spender, MAX_UINT])
    t2 = time.monotonic()
    return {
        "bridge": bridge, "token": token, "token_decimals": TOKEN_DECIMALS, "weth": weth,
        "wrapped_token": wrapped, "wrapped_token_decimals": WRAPPED_DECIMALS,
        "v1_events": v1, "lock_batcher": batcher, "bridge_deploy_block": deploy_block,
        "lock_topic_v2": V2_LOCK_TOPIC, "lock_topic_v1": V1_LOCK_TOPIC,
        "funded_accounts": [a for a in node.chain.accounts[:FUNDED_ACCOUNTS]],
        "vyper": __import__("vyper").__version__,
        "compile_seconds": round(t1 - t0, 3), "deploy_seconds": round(t2 - t1, 3),
        "abi": {n: art[n]["abi"] for n in NAMES},
    }
