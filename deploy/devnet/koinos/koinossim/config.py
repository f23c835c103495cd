# SPDX-License-Identifier: Apache-2.0
"""Simulator configuration from command-line flags and/or a JSON file (`--config`).

JSON keys are the flag names with '_' for '-', e.g. {"profile": "v1", "validators": [...],
"tokens": ["KOIN:native"], "account": ["1…:50000000"], "block_interval_ms": 200}.
Command-line flags win over the file.
"""

import argparse
import json
from dataclasses import dataclass, field

from . import crypto
from .textenc import TextEncodingError, b58decode, b64decode, hexdecode

DEFAULT_CHAIN_ID_SEED = b"koinos-bridge-relay simulator chain"
DEFAULT_TOKENS = "KOIN:native,WETH:wrapped"


@dataclass
class TokenSpec:
    name: str
    kind: str  # native | wrapped
    contract_id: bytes
    decimals: int = 8
    bridge_balance: int = 0


@dataclass
class SimConfig:
    port: int = 0
    chain_id: bytes = crypto.multihash(DEFAULT_CHAIN_ID_SEED)
    profile: str = "v2"
    bridge_id: bytes = b""
    bridge_chain_id: int = 1
    validators: list = field(default_factory=list)
    tokens: list = field(default_factory=list)
    accounts: list = field(default_factory=list)  # (address, rc)
    balances: list = field(default_factory=list)  # (token name or id, address, amount)
    block_interval_ms: int = 500
    irreversible_depth: int = 5
    mana_regen_ms: int = 60_000
    pending_limit: int = 10
    mempool_expiry_ms: int = 120_000
    state_file: str | None = None
    max_lifetime: float = 3600.0
    info_file: str | None = None
    time_offset_ms: int = 0


def derived_contract_id(name: str) -> bytes:
    """A fixed contract id for a name: the address of the key sha256("koinsim contract NAME")."""
    return crypto.address_from_private_key(crypto.sha256(f"koinsim contract {name}".encode()))


def parse_address(text: str, what: str = "address") -> bytes:
    try:
        raw = b58decode(text.strip())
    except TextEncodingError as exc:
        raise ValueError(f"invalid {what} {text!r}: {exc}") from None
    if not crypto.is_valid_address(raw):
        raise ValueError(f"invalid {what} {text!r}: not a 25-byte Koinos address with checksum")
    return raw


def parse_chain_id(text: str) -> bytes:
    raw = hexdecode(text) if text.startswith("0x") else b64decode(text)
    if len(raw) != 34 or raw[:2] != b"\x12\x20":
        raise ValueError("chain id must be a 34-byte sha2-256 multihash (0x1220…)")
    return raw


def _split_list(values) -> list[str]:
    items = []
    for value in values or []:
        items += [v.strip() for v in str(value).split(",") if v.strip()]
    return items


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="koinos_sim.py",
                                description="Koinos JSON-RPC chain SIMULATOR (not a Koinos node)")
    p.add_argument("--config", help="JSON file with any of the options below")
    p.add_argument("--port", type=int, help="TCP port on 127.0.0.1 (0 = ephemeral)")
    p.add_argument("--chain-id", help="34-byte multihash, base64url (EiB…) or 0x1220… hex")
    p.add_argument("--profile", choices=["v1", "v2"], help="bridge contract profile (default v2)")
    p.add_argument("--bridge-id", help="bridge contract id (base58)")
    p.add_argument("--bridge-chain-id", type=int, help="v2 metadata chain_id (default 1)")
    p.add_argument("--validators", action="append", help="comma-separated Koinos addresses")
    p.add_argument("--tokens", action="append",
                   help=f"NAME:native|wrapped[:CONTRACT_ID], comma-separated (default {DEFAULT_TOKENS})")
    p.add_argument("--account", action="append", help="ADDR:RC funded account (repeatable)")
    p.add_argument("--balance", action="append", help="TOKEN:ADDR:AMOUNT initial balance")
    p.add_argument("--bridge-native-balance", type=int,
                   help="balance the bridge holds of each native token (default 10^15)")
    p.add_argument("--block-interval-ms", type=int, help="0 = blocks only on demand")
    p.add_argument("--irreversible-depth", type=int, help="LIB = head - depth (default 5)")
    p.add_argument("--mana-regen-ms", type=int, help="time for mana to regenerate fully")
    p.add_argument("--pending-limit", type=int, help="pending transactions per account (10)")
    p.add_argument("--mempool-expiry-ms", type=int,
                   help="unincluded transactions are dropped after this (default 120000)")
    p.add_argument("--state-file", help="load state from / save state to this JSON file")
    p.add_argument("--max-lifetime", type=float, help="exit after this many seconds (0 = never)")
    p.add_argument("--info-file", help="also write the ready line to this file")
    p.add_argument("--time-offset-ms", type=int,
                   help="block clock = wall clock + offset (may be negative at start)")
    return p


def load_config(argv: list[str]) -> SimConfig:
    args = vars(_parser().parse_args(argv))
    if args.get("config"):
        with open(args["config"], encoding="utf-8") as handle:
            file_values = json.load(handle)
        for key, value in file_values.items():
            key = key.replace("-", "_")
            if key in ("validators", "tokens", "account", "balance") and isinstance(value, str):
                value = [value]
            if args.get(key) is None:
                args[key] = value
    return build_config(args)


def build_config(args: dict) -> SimConfig:
    cfg = SimConfig()
    for key in ("port", "bridge_chain_id", "block_interval_ms", "irreversible_depth",
                "mana_regen_ms", "pending_limit", "mempool_expiry_ms", "max_lifetime", "state_file", "info_file",
                "profile", "time_offset_ms"):
        if args.get(key) is not None:
            setattr(cfg, key, args[key])
    if cfg.profile not in ("v1", "v2"):
        raise ValueError("profile must be v1 or v2")
    if args.get("chain_id"):
        cfg.chain_id = parse_chain_id(args["chain_id"])
    cfg.bridge_id = (parse_address(args["bridge_id"], "bridge id") if args.get("bridge_id")
                     else derived_contract_id("bridge"))
    cfg.validators = [parse_address(v, "validator") for v in _split_list(args.get("validators"))]
    if not cfg.validators:
        raise ValueError("--validators is required (at least one Koinos address)")
    if len(set(cfg.validators)) != len(cfg.validators):
        raise ValueError("Validator not unique")
    native_balance = args.get("bridge_native_balance")
    native_balance = 10 ** 15 if native_balance is None else int(native_balance)
    for spec in _split_list(args.get("tokens") or [DEFAULT_TOKENS]):
        parts = spec.split(":")
        if len(parts) not in (2, 3) or parts[1] not in ("native", "wrapped"):
            raise ValueError(f"invalid token spec {spec!r}: NAME:native|wrapped[:CONTRACT_ID]")
        cid = parse_address(parts[2], "token id") if len(parts) == 3 else derived_contract_id(parts[0])
        cfg.tokens.append(TokenSpec(parts[0], parts[1], cid,
                                    bridge_balance=native_balance if parts[1] == "native" else 0))
    for spec in _split_list(args.get("account")):
        address, _, rc = spec.rpartition(":")
        cfg.accounts.append((parse_address(address), int(rc)))
    for spec in _split_list(args.get("balance")):
        token, address, amount = spec.split(":")
        cfg.balances.append((token, parse_address(address), int(amount)))
    return cfg
