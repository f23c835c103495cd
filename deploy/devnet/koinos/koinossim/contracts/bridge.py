# SPDX-License-Identifier: Apache-2.0
"""The Koinos bridge contract's behaviour, v1 and v2 profiles (bridge-contracts.md §2, §3.3, §3.4).

Same checks, same order and same revert messages as the AssemblyScript contracts
(roaminro/koinos-bridge-contract for v1, BridgeKoin/koinos-bridge-contract for v2).
"""

from .. import crypto
from ..context import Contract, ExecutionContext, require
from ..errors import ChainError, Reversion
from ..schema import decode, encode
from ..textenc import b58encode
from . import bridge_proto as P
from .token import (BALANCE_OF_ARGUMENTS, BURN_ARGUMENTS, MINT_ARGUMENTS, TRANSFER_ARGUMENTS,
                    UINT32_RESULT, UINT64_RESULT)

METADATA_SPACE, VALIDATORS_SPACE, TOKENS_SPACE, WRAPPED_SPACE, TRANSFERS_SPACE = 0, 100, 101, 102, 103
REENTRANCY_SPACE, PAUSED_SPACE = 100001, 100002
DECIMALS, TRANSFER, MINT, BURN = 0xee80fd2f, 0x27f576ca, 0xdc6f17bb, 0x859facc5
BALANCE_OF = 0x5c721497


class BridgeContract(Contract):
    ENTRIES = {
        0x50068f92: ("get_validators", True), 0xc8e36f04: ("get_supported_tokens", True),
        0x2f540a24: ("get_supported_wrapped_tokens", True), 0xfcf7a68f: ("get_metadata", True),
        0x27ff4bd5: ("get_transfer_status", True), 0x4d4d3ef9: ("complete_transfer", False),
        0xfc15f1be: ("add_validator", False), 0xff61ff26: ("remove_validator", False),
        0x39a2c4e4: ("set_pause", False), 0x1d2e4ff3: ("transfer_tokens", False),
        0x97bbe8a6: ("request_new_signatures", False),
    }

    def __init__(self, contract_id: bytes, profile: str):
        super().__init__(contract_id)
        if profile not in ("v1", "v2"):
            raise ValueError("profile must be v1 or v2")
        self.profile = profile
        self.metadata_schema = P.METADATA_V1 if profile == "v1" else P.METADATA_V2

    # -- state helpers --
    def metadata(self, storage) -> dict:
        raw = storage.get(self.id, METADATA_SPACE, b"")
        if raw is None:
            return {"initialized": False, "nonce": 1, "chain_id": 0, "nb_validators": 0}
        return decode(self.metadata_schema, raw)

    def put_metadata(self, storage, meta: dict) -> None:
        storage.put(self.id, METADATA_SPACE, b"", encode(self.metadata_schema, meta))

    def initialize(self, storage, validators: list[bytes], chain_id: int) -> None:
        """Genesis set-up, equivalent to the contract's `initialize` entry point."""
        for validator in validators:
            storage.put(self.id, VALIDATORS_SPACE, validator, b"")
        meta = {"initialized": True, "nonce": 1, "nb_validators": len(set(validators))}
        if self.profile == "v2":
            meta["chain_id"] = chain_id
        self.put_metadata(storage, meta)

    def add_token(self, storage, token: bytes, wrapped: bool) -> None:
        storage.put(self.id, WRAPPED_SPACE if wrapped else TOKENS_SPACE, token, b"")

    def is_paused(self, storage) -> bool:
        return storage.get(self.id, PAUSED_SPACE, b"") == b"\x01"

    # -- read-only entry points --
    def _list(self, ctx: ExecutionContext, args: bytes, space: int) -> bytes:
        a = self.parse(P.LIST_ARGUMENTS, args)
        start, limit = a["start"], a["limit"] or 100
        result = []
        if ctx.storage.has(self.id, space, start):
            keys = ctx.storage.keys(self.id, space)
            if a["descending"]:
                following = [k for k in reversed(keys) if k < start]
            else:
                following = [k for k in keys if k > start]
            result = [start] + following[:max(limit, 0)]
        return encode(P.REPEATED_ADDRESSES, {"addresses": result})

    def get_validators(self, ctx, args):
        return self._list(ctx, args, VALIDATORS_SPACE)

    def get_supported_tokens(self, ctx, args):
        return self._list(ctx, args, TOKENS_SPACE)

    def get_supported_wrapped_tokens(self, ctx, args):
        return self._list(ctx, args, WRAPPED_SPACE)

    def get_metadata(self, ctx, args):
        return encode(self.metadata_schema, self.metadata(ctx.storage))

    def get_transfer_status(self, ctx, args):
        tx_id = self.parse(P.TRANSFER_STATUS_ARGUMENTS, args)["transaction_id"]
        return encode(P.BOOLE, {"value": ctx.storage.has(self.id, TRANSFERS_SPACE, tx_id)})

    # -- transfer_tokens (a Koinos-side lock) and request_new_signatures --
    def transfer_tokens(self, ctx: ExecutionContext, args: bytes) -> bytes:
        v2 = self.profile == "v2"
        a = self.parse(P.TRANSFER_TOKENS_ARGS_V2 if v2 else P.TRANSFER_TOKENS_ARGS_V1, args)
        require(not self.is_paused(ctx.storage), "Pausable: paused")
        self._enter(ctx)
        token, amount = a["token"], a["amount"]
        wrapped = ctx.storage.has(self.id, WRAPPED_SPACE, token)
        native = ctx.storage.has(self.id, TOKENS_SPACE, token)
        require(native or wrapped, "token is not supported")
        if wrapped:
            require(self._transfer_from(ctx, token, a["from"], amount),
                    "could not transfer wrapped tokens to the bridge")
            burn = encode(BURN_ARGUMENTS, {"from": self.id, "value": amount})
            require(self._token_call(ctx, token, BURN, burn)[0], "could not burn wrapped tokens")
        else:
            before = self._balance(ctx, token)
            require(self._transfer_from(ctx, token, a["from"], amount),
                    "could not transfer tokens to the bridge")
            amount = self._balance(ctx, token) - before
        ok, result = self._token_call(ctx, token, DECIMALS, b"")
        require(ok, "failed to retrieve token decimals")
        decimals = decode(UINT32_RESULT, result)["value"]
        normalized = amount // 10 ** (decimals - 8) if decimals > 8 else amount
        require(normalized > 0, "normalizedAmount amount must be greater than 0")
        event = {"from": a["from"], "token": token, "amount": str(normalized),
                 "recipient": a["recipient"]}
        if v2:
            event.update(payment=str(a["payment"]), relayer=a["relayer"], metadata=a["metadata"],
                         chain_id=a["to_chain"])
        schema = P.TOKENS_LOCKED_EVENT_V2 if v2 else P.TOKENS_LOCKED_EVENT_V1
        ctx.event("bridge.tokens_locked_event", encode(schema, event), [a["from"]])
        self._leave(ctx)
        return encode(P.EMPTY, {})

    def request_new_signatures(self, ctx: ExecutionContext, args: bytes) -> bytes:
        """Permissionless; only emits its arguments as an event (bridge-contracts.md §2.7)."""
        a = self.parse(P.REQUEST_NEW_SIGNATURES_ARGS, args)
        ctx.event("bridge.request_new_signatures_event",
                  encode(P.REQUEST_NEW_SIGNATURES_ARGS, a), [])
        return encode(P.EMPTY, {})

    def _transfer_from(self, ctx, token: bytes, owner: bytes, value: int) -> bool:
        args = encode(TRANSFER_ARGUMENTS, {"from": owner, "to": self.id, "value": value})
        return self._token_call(ctx, token, TRANSFER, args)[0]

    def _balance(self, ctx, token: bytes) -> int:
        ok, result = self._token_call(ctx, token, BALANCE_OF,
                                      encode(BALANCE_OF_ARGUMENTS, {"owner": self.id}))
        require(ok, "failed to retrieve the bridge balance")
        return decode(UINT64_RESULT, result)["value"]

    # -- complete_transfer --
    def complete_transfer(self, ctx: ExecutionContext, args: bytes) -> bytes:
        v2 = self.profile == "v2"
        a = self.parse(P.COMPLETE_TRANSFER_ARGS_V2 if v2 else P.COMPLETE_TRANSFER_ARGS_V1, args)
        require(not self.is_paused(ctx.storage), "Pausable: paused")
        self._enter(ctx)
        meta = self.metadata(ctx.storage)
        require(a["expiration"] >= ctx.head_block_time, "Expired signatures")
        token = a["token"]
        native = ctx.storage.has(self.id, TOKENS_SPACE, token)
        wrapped = ctx.storage.has(self.id, WRAPPED_SPACE, token)
        require(native or wrapped, "token is not supported")
        if v2:
            is_relayer = a["relayer"] in ctx.transaction_signers()
            is_recipient = a["recipient"] in ctx.transaction_signers()
            require(is_relayer or is_recipient,
                    "tokens can only be claimed by the recipient or relayer")
        require(not ctx.storage.has(self.id, TRANSFERS_SPACE, a["transaction_id"]),
                "transfer already completed")
        ctx.storage.put(self.id, TRANSFERS_SPACE, a["transaction_id"], b"")
        digest = crypto.sha256(encode(*self._transfer_hash(a, meta)))
        self.verify_signatures(ctx, digest, a["signatures"], meta["nb_validators"])
        self._pay_out(ctx, a, token, wrapped)
        event = encode(P.TRANSFER_COMPLETED_EVENT, {"tx_id": a["transaction_id"]})
        impacted = [a["recipient"], a["relayer"]] if v2 else [a["recipient"]]
        ctx.event("bridge.transfer_completed_event", event, impacted)
        self._leave(ctx)
        return encode(P.EMPTY, {})

    def _transfer_hash(self, a: dict, meta: dict):
        common = {"action": P.ACTION_COMPLETE_TRANSFER, "transaction_id": a["transaction_id"],
                  "token": a["token"], "recipient": a["recipient"], "amount": a["value"],
                  "contract_id": self.id, "expiration": a["expiration"]}
        if self.profile == "v1":
            return P.COMPLETE_TRANSFER_HASH_V1, common
        common.update(relayer=a["relayer"], payment=a["payment"], metadata=a["metadata"],
                      chain=meta["chain_id"])
        return P.COMPLETE_TRANSFER_HASH_V2, common

    def _pay_out(self, ctx: ExecutionContext, a: dict, token: bytes, wrapped: bool) -> None:
        ok, result = self._token_call(ctx, token, DECIMALS, b"")
        require(ok, "failed to retrieve token decimals")
        decimals = decode(UINT32_RESULT, result)["value"]
        amount = a["value"]
        if decimals > 8:
            amount *= 10 ** (decimals - 8)
        elif decimals < 8:
            amount //= 10 ** (8 - decimals)
        if self.profile == "v1":
            if wrapped:
                require(self._mint(ctx, token, a["recipient"], a["value"]),
                        "mint of new wrapped tokens failed")
            else:
                require(self._transfer(ctx, token, a["recipient"], amount), "transfer of tokens failed")
            return
        if wrapped:
            require(self._mint(ctx, token, self.id, a["value"]), "mint of new wrapped tokens failed")
        if a["relayer"]:
            require(self._transfer(ctx, token, a["relayer"], a["payment"]),
                    "could not transfer tokens to the relayer")
            require(amount >= a["payment"], f"could not subtract {a['payment']} from {amount}")
            amount -= a["payment"]
        require(self._transfer(ctx, token, a["recipient"], amount),
                "could not transfer tokens to the user" if wrapped else "transfer of tokens failed")

    def _transfer(self, ctx, token: bytes, to: bytes, value: int) -> bool:
        args = encode(TRANSFER_ARGUMENTS, {"from": self.id, "to": to, "value": value})
        return self._token_call(ctx, token, TRANSFER, args)[0]

    def _mint(self, ctx, token: bytes, to: bytes, value: int) -> bool:
        return self._token_call(ctx, token, MINT, encode(MINT_ARGUMENTS, {"to": to, "value": value}))[0]

    @staticmethod
    def _token_call(ctx, token: bytes, entry: int, args: bytes) -> tuple[bool, bytes]:
        """sdk-as `Token`: System.call returns a code; a reverted callee leaves no writes."""
        saved = dict(ctx.storage.writes)
        events = len(ctx.events)
        try:
            return True, ctx.call(token, entry, args)
        except ChainError as err:
            if err.code <= 0:
                raise
            ctx.storage.writes = saved
            del ctx.events[events:]
            return False, b""

    def verify_signatures(self, ctx, digest: bytes, signatures: list[bytes], count: int) -> None:
        require(len(signatures) >= P.quorum(self.profile, count), "quorum not met")
        seen = set()
        for signature in signatures:
            address = ctx.recover(signature, digest)
            if not ctx.storage.has(self.id, VALIDATORS_SPACE, address):
                raise Reversion(f"{b58encode(address)} is not a validator")
            if address in seen:
                raise Reversion(f"validator {b58encode(address)} already signed")
            seen.add(address)

    def _enter(self, ctx) -> None:
        require(not ctx.storage.has(self.id, REENTRANCY_SPACE, b""), "ReentrancyGuard: reentrant call")
        ctx.storage.put(self.id, REENTRANCY_SPACE, b"", b"\x01")

    def _leave(self, ctx) -> None:
        ctx.storage.remove(self.id, REENTRANCY_SPACE, b"")

    # -- admin entry points (quorum-signed, shared nonce) --
    def add_validator(self, ctx, args):
        return self._change_validator(ctx, args, adding=True)

    def remove_validator(self, ctx, args):
        return self._change_validator(ctx, args, adding=False)

    def _change_validator(self, ctx: ExecutionContext, args: bytes, adding: bool) -> bytes:
        a = self.parse(P.VALIDATOR_ARGS, args)
        require(a["expiration"] >= ctx.head_block_time, "Expired signatures")
        exists = ctx.storage.has(self.id, VALIDATORS_SPACE, a["validator"])
        if adding:
            require(not exists, "Validator already exists")
        else:
            require(exists, "Validator does not exist")
        meta = self.metadata(ctx.storage)
        action = P.ACTION_ADD_VALIDATOR if adding else P.ACTION_REMOVE_VALIDATOR
        digest = crypto.sha256(encode(P.ADD_REMOVE_HASH, self._admin_hash(
            meta, action=action, address=a["validator"], expiration=a["expiration"])))
        self.verify_signatures(ctx, digest, a["signatures"], meta["nb_validators"])
        if adding:
            ctx.storage.put(self.id, VALIDATORS_SPACE, a["validator"], b"")
            meta["nb_validators"] += 1
        else:
            ctx.storage.remove(self.id, VALIDATORS_SPACE, a["validator"])
            meta["nb_validators"] -= 1
        meta["nonce"] += 1
        self.put_metadata(ctx.storage, meta)
        name = "bridge.add_validator_result" if adding else "bridge.remove_validator_result"
        ctx.event(name, b"", [a["validator"]])
        return encode(P.EMPTY, {})

    def set_pause(self, ctx: ExecutionContext, args: bytes) -> bytes:
        a = self.parse(P.SET_PAUSE_ARGS, args)
        require(a["expiration"] >= ctx.head_block_time, "Expired signatures")
        meta = self.metadata(ctx.storage)
        digest = crypto.sha256(encode(P.SET_PAUSE_HASH, self._admin_hash(
            meta, action=P.ACTION_SET_PAUSE, pause=a["pause"], expiration=a["expiration"])))
        self.verify_signatures(ctx, digest, a["signatures"], meta["nb_validators"])
        ctx.storage.put(self.id, PAUSED_SPACE, b"", b"\x01" if a["pause"] else b"\x00")
        meta["nonce"] += 1
        self.put_metadata(ctx.storage, meta)
        ctx.event("bridge.pause" if a["pause"] else "bridge.unpause", b"", [])
        return encode(P.EMPTY, {})

    def _admin_hash(self, meta: dict, **fields) -> dict:
        fields.update(nonce=meta["nonce"], contract_id=self.id)
        if self.profile == "v2":
            fields["chain"] = meta["chain_id"]
        return fields
