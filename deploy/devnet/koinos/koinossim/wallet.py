# SPDX-License-Identifier: Apache-2.0
"""A test wallet: builds and signs a real transaction for a private key a test hands over, then
submits it through `Chain.submit_transaction` (every check a client's transaction goes through).

Used by `simulator.lock_tokens` and `simulator.request_new_signatures` so that Swift tests and the
demo can make Koinos-side locks without a Koinos wallet of their own. Test keys only: the
simulator binds 127.0.0.1.
"""

from . import crypto
from .accounts import nonce_bytes
from .chain import Chain
from .contracts import bridge_proto as P
from .protocol import OPERATION, TRANSACTION_HEADER
from .schema import encode

TRANSFER_TOKENS, REQUEST_NEW_SIGNATURES = 0x1d2e4ff3, 0x97bbe8a6
RC_LIMIT = 100_000_000


def signed_call(chain: Chain, private_key: bytes, contract_id: bytes, entry_point: int,
                args: bytes) -> dict:
    """One call_contract operation, payer = the key's address, nonce = pending-or-state + 1."""
    payer = crypto.address_from_private_key(private_key)
    with chain.lock:
        pending = chain.pending_nonce(payer)
        nonce = (pending if pending is not None else chain.accounts.nonce(payer)) + 1
    operation = {"call_contract": {"contract_id": contract_id, "entry_point": entry_point,
                                   "args": args}}
    header = {"chain_id": chain.chain_id, "rc_limit": RC_LIMIT, "nonce": nonce_bytes(nonce),
              "operation_merkle_root": crypto.merkle_root([crypto.sha256(encode(OPERATION,
                                                                                operation))]),
              "payer": payer}
    tx_id = crypto.multihash(encode(TRANSACTION_HEADER, header))
    tx = {"id": tx_id, "header": header, "operations": [operation],
          "signatures": [crypto.sign_compact(private_key, tx_id[2:])]}
    return chain.submit_transaction(tx, True)


def lock_args(profile: str, lock: dict) -> bytes:
    """transfer_tokens_arguments (v1 or v2 layout, bridge-contracts.md §3.3, §3.4)."""
    if profile == "v1":
        return encode(P.TRANSFER_TOKENS_ARGS_V1, {k: lock[k] for k in
                                                  ("from", "token", "amount", "recipient")})
    return encode(P.TRANSFER_TOKENS_ARGS_V2, lock)


def request_args(transaction_id: str, operation_id: str) -> bytes:
    return encode(P.REQUEST_NEW_SIGNATURES_ARGS, {"transaction_id": transaction_id,
                                                  "operation_id": operation_id})
