# SPDX-License-Identifier: Apache-2.0
"""What a simulated contract sees while it runs: storage, head time, signers, calls, events.

Mirrors the system calls the bridge and token contracts use: `get_head_info`,
`check_authority` (caller, else transaction signatures in order), `recover_public_key`,
`call`, `event` (sequence numbers counted per transaction), `get_transaction_field`.
"""

from . import crypto
from .errors import Reversion
from .schema import SchemaError, decode

# Compute-bandwidth units charged per action (simulator figures, not the chain's).
COMPUTE_PER_CALL = 10_000
COMPUTE_PER_RECOVERY = 25_000
COMPUTE_PER_EVENT = 1_000


class ExecutionContext:
    def __init__(self, contracts: dict, storage, head_block_time: int, transaction: dict | None):
        self.contracts = contracts
        self.storage = storage
        self.head_block_time = head_block_time
        self.transaction = transaction
        self.events: list[dict] = []
        self.logs: list[str] = []
        self.stack: list[bytes] = []
        self.compute = 0

    @property
    def caller(self) -> bytes | None:
        """The contract that called the running contract, or None for a transaction operation."""
        return self.stack[-2] if len(self.stack) >= 2 else None

    def call(self, contract_id: bytes, entry_point: int, args: bytes) -> bytes:
        contract = self.contracts.get(bytes(contract_id))
        if contract is None:
            raise Reversion("contract does not exist")
        self.compute += COMPUTE_PER_CALL
        self.stack.append(bytes(contract_id))
        try:
            return contract.invoke(self, entry_point, args)
        finally:
            self.stack.pop()

    def recover(self, signature: bytes, digest: bytes) -> bytes:
        self.compute += COMPUTE_PER_RECOVERY
        return crypto.recover_address(signature, digest)

    def transaction_signers(self) -> list[bytes]:
        """Every transaction signature recovered against the transaction id (v2 `getSigners`)."""
        if not self.transaction:
            return []
        digest = self.transaction["id"][2:]
        return [self.recover(sig, digest) for sig in self.transaction.get("signatures", [])]

    def check_authority(self, account: bytes) -> bool:
        if self.caller is not None and self.caller == account:
            return True
        if not self.transaction:
            return False
        digest = self.transaction["id"][2:]
        for sig in self.transaction.get("signatures", []):
            if self.recover(sig, digest) == account:
                return True
        return False

    def event(self, name: str, data: bytes, impacted: list[bytes]) -> None:
        self.compute += COMPUTE_PER_EVENT
        self.events.append({"sequence": len(self.events), "source": self.stack[-1], "name": name,
                            "data": data, "impacted": [bytes(a) for a in impacted if a]})


class Contract:
    """A native-Python stand-in for a WASM contract: entry point id → (method, read-only)."""

    ENTRIES: dict[int, tuple[str, bool]] = {}

    def __init__(self, contract_id: bytes):
        self.id = contract_id

    def invoke(self, ctx: ExecutionContext, entry_point: int, args: bytes) -> bytes:
        entry = self.ENTRIES.get(entry_point)
        if entry is None:
            raise Reversion("unknown entry point")
        method, _ = entry
        return getattr(self, method)(ctx, args)

    @staticmethod
    def parse(schema, args: bytes) -> dict:
        try:
            return decode(schema, args)
        except SchemaError as exc:
            raise Reversion(f"could not parse arguments: {exc}") from None


def require(condition: bool, message: str) -> None:
    """`System.require`: revert with the contract's message when the condition fails."""
    if not condition:
        raise Reversion(message)
