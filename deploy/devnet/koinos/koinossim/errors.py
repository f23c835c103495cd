# SPDX-License-Identifier: Apache-2.0
"""Chain error codes (koinos.md §6.3) and the exceptions that carry them.

A `ChainError` becomes a JSON-RPC error with code -32603, the chain's message and
`data` = a JSON string `{"code": N, "logs": [...]}` like the real gateway answers.
A `Reversion` is what a contract raises (`System.revert` / failed `System.require`).
"""

REVERSION = 1
INSUFFICIENT_RC = 104
FAILURE = -1
AUTHORIZATION_FAILURE = -200
INVALID_NONCE = -201
INVALID_SIGNATURE = -202
MALFORMED_TRANSACTION = -204
PENDING_TRANSACTION_LIMIT_EXCEEDED = -206
MISSING_REQUIRED_ARGUMENTS = -1002
INTERNAL_ERROR = 100


class ChainError(Exception):
    """An error the chain (or mempool) answers with: code, message, logs."""

    def __init__(self, code: int, message: str, logs: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.logs = list(logs or [])


class Reversion(ChainError):
    """A contract revert (code 1): the transaction is rejected at submit time."""

    def __init__(self, message: str):
        super().__init__(REVERSION, message)


class ParamsError(ValueError):
    """Request parameters could not be parsed (JSON-RPC -32601, like the gateway)."""
