# SPDX-License-Identifier: Apache-2.0
"""A KOIN-like token contract (8 decimals) in the koinos.contracts.token interface.

Entry points (first 4 bytes of sha256(name)): name 0x82a3537f, symbol 0xb76a7ca1,
decimals 0xee80fd2f, total_supply 0xb0da3934, balance_of 0x5c721497, transfer 0x27f576ca,
mint 0xdc6f17bb, burn 0x859facc5.  `transfer` needs the authority of `from` (the calling
contract, or a transaction signature); `mint`/`burn` only the configured minter (the bridge)
may call, as in the wrapped token of BridgeKoin/koinos-bridge-contract.
"""

from ..context import Contract, ExecutionContext, require
from ..schema import Field as F, Message as M, encode

BALANCE_OF_ARGUMENTS = M("balance_of_arguments", [F(1, "owner", "bytes", "b58")])
TRANSFER_ARGUMENTS = M("transfer_arguments", [
    F(1, "from", "bytes", "b58"), F(2, "to", "bytes", "b58"), F(3, "value", "u64")])
MINT_ARGUMENTS = M("mint_arguments", [F(1, "to", "bytes", "b58"), F(2, "value", "u64")])
BURN_ARGUMENTS = M("burn_arguments", [F(1, "from", "bytes", "b58"), F(2, "value", "u64")])
UINT64_RESULT = M("uint64", [F(1, "value", "u64")])
UINT32_RESULT = M("uint32", [F(1, "value", "u32")])
STR_RESULT = M("str", [F(1, "value", "string")])

BALANCES_SPACE = 0
SUPPLY_SPACE = 1
U64_MAX = (1 << 64) - 1


class TokenContract(Contract):
    ENTRIES = {
        0x82a3537f: ("name", True), 0xb76a7ca1: ("symbol", True), 0xee80fd2f: ("decimals", True),
        0xb0da3934: ("total_supply", True), 0x5c721497: ("balance_of", True),
        0x27f576ca: ("transfer", False), 0xdc6f17bb: ("mint", False), 0x859facc5: ("burn", False),
    }

    def __init__(self, contract_id: bytes, symbol: str, decimals: int = 8,
                 minter: bytes | None = None):
        super().__init__(contract_id)
        self.symbol_text = symbol
        self.decimals_value = decimals
        self.minter = minter

    # -- storage helpers (also used by the simulator's control methods) --
    def balance(self, storage, owner: bytes) -> int:
        raw = storage.get(self.id, BALANCES_SPACE, owner)
        return int.from_bytes(raw, "big") if raw else 0

    def set_balance(self, storage, owner: bytes, value: int) -> None:
        storage.put(self.id, BALANCES_SPACE, owner, value.to_bytes(8, "big"))

    def supply(self, storage) -> int:
        raw = storage.get(self.id, SUPPLY_SPACE, b"")
        return int.from_bytes(raw, "big") if raw else 0

    def set_supply(self, storage, value: int) -> None:
        storage.put(self.id, SUPPLY_SPACE, b"", value.to_bytes(8, "big"))

    # -- read-only entry points --
    def name(self, ctx: ExecutionContext, args: bytes) -> bytes:
        return encode(STR_RESULT, {"value": f"Simulated {self.symbol_text}"})

    def symbol(self, ctx: ExecutionContext, args: bytes) -> bytes:
        return encode(STR_RESULT, {"value": self.symbol_text})

    def decimals(self, ctx: ExecutionContext, args: bytes) -> bytes:
        return encode(UINT32_RESULT, {"value": self.decimals_value})

    def total_supply(self, ctx: ExecutionContext, args: bytes) -> bytes:
        return encode(UINT64_RESULT, {"value": self.supply(ctx.storage)})

    def balance_of(self, ctx: ExecutionContext, args: bytes) -> bytes:
        owner = self.parse(BALANCE_OF_ARGUMENTS, args)["owner"]
        return encode(UINT64_RESULT, {"value": self.balance(ctx.storage, owner)})

    # -- state-changing entry points --
    def transfer(self, ctx: ExecutionContext, args: bytes) -> bytes:
        a = self.parse(TRANSFER_ARGUMENTS, args)
        require(ctx.check_authority(a["from"]), "from has not authorized transfer")
        from_balance = self.balance(ctx.storage, a["from"])
        require(from_balance >= a["value"], "account 'from' has insufficient balance")
        self.set_balance(ctx.storage, a["from"], from_balance - a["value"])
        self.set_balance(ctx.storage, a["to"], self.balance(ctx.storage, a["to"]) + a["value"])
        ctx.event("koinos.contracts.token.transfer_event", encode(TRANSFER_ARGUMENTS, a),
                  [a["to"], a["from"]])
        return b""

    def mint(self, ctx: ExecutionContext, args: bytes) -> bytes:
        a = self.parse(MINT_ARGUMENTS, args)
        require(self.minter is not None and ctx.caller == self.minter,
                "owner has not authorized mint")
        supply = self.supply(ctx.storage)
        require(supply <= U64_MAX - a["value"], "mint would overflow supply")
        self.set_balance(ctx.storage, a["to"], self.balance(ctx.storage, a["to"]) + a["value"])
        self.set_supply(ctx.storage, supply + a["value"])
        ctx.event("koinos.contracts.token.mint_event", encode(MINT_ARGUMENTS, a), [a["to"]])
        return b""

    def burn(self, ctx: ExecutionContext, args: bytes) -> bytes:
        a = self.parse(BURN_ARGUMENTS, args)
        require(self.minter is not None and ctx.caller == self.minter,
                "owner has not authorized burn")
        from_balance = self.balance(ctx.storage, a["from"])
        require(from_balance >= a["value"], "account 'from' has insufficient balance")
        self.set_balance(ctx.storage, a["from"], from_balance - a["value"])
        self.set_supply(ctx.storage, self.supply(ctx.storage) - a["value"])
        ctx.event("koinos.contracts.token.burn_event", encode(BURN_ARGUMENTS, a), [a["from"]])
        return b""
