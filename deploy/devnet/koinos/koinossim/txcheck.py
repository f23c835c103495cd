# SPDX-License-Identifier: Apache-2.0
"""The chain's stateless transaction checks, in koinos-chain order and with its messages.

`validate_required` is controller::validate_transaction; `check_integrity` is the first part
of apply_transaction (chain id, id recomputed from the re-serialized header, merkle root);
`check_signed_by` is check_authority for an account without an authorize override.
"""

from . import crypto
from .errors import (AUTHORIZATION_FAILURE, FAILURE, MISSING_REQUIRED_ARGUMENTS, ChainError)
from .protocol import OPERATION, TRANSACTION, TRANSACTION_HEADER
from .schema import encode
from .textenc import b58encode


def transaction_id(header: dict) -> bytes:
    """0x12 0x20 ‖ sha256(standard proto3 serialization of the header)."""
    return crypto.multihash(encode(TRANSACTION_HEADER, header))


def operation_merkle_root(operations: list[dict]) -> bytes:
    return crypto.merkle_root([crypto.sha256(encode(OPERATION, op)) for op in operations])


def serialized_size(tx: dict) -> int:
    return len(encode(TRANSACTION, tx))


def validate_required(tx: dict) -> None:
    header = tx.get("header")

    def missing(field: str, where: str = "transaction") -> ChainError:
        return ChainError(MISSING_REQUIRED_ARGUMENTS,
                          f"missing expected field in {where}: {field}")

    if not tx.get("id"):
        raise missing("id")
    if header is None:
        raise missing("header")
    if not header.get("payer"):
        raise missing("payer")
    if not header.get("rc_limit"):
        raise missing("rc_limit", "transaction header")
    if not header.get("operation_merkle_root"):
        raise missing("operation_merkle_root", "transaction header")
    if not tx.get("signatures"):
        raise missing("signature_data")


def check_integrity(tx: dict, chain_id: bytes) -> None:
    header = tx["header"]
    if header.get("chain_id", b"") != chain_id:
        raise ChainError(FAILURE, "chain id mismatch")
    if transaction_id(header) != tx["id"]:
        raise ChainError(FAILURE, "transaction contains an invalid transaction id")
    root = header["operation_merkle_root"]
    if root[0] != 0x12:
        raise ChainError(FAILURE, "unexpected operation merkle root hash code - was: "
                                  f"{root[0]}, expected: 18")
    if operation_merkle_root(tx.get("operations", [])) != root:
        raise ChainError(FAILURE, "operation merkle root does not match")


def check_signed_by(tx: dict, account: bytes, recover=crypto.recover_address) -> None:
    """Signatures are recovered in order until one matches; a malformed one before that raises."""
    digest = tx["id"][2:]
    for signature in tx.get("signatures", []):
        if recover(signature, digest) == account:
            return
    raise ChainError(AUTHORIZATION_FAILURE,
                     f"account {b58encode(account)} has not authorized transaction")
