# SPDX-License-Identifier: Apache-2.0
"""Bridge contract messages, v1 (roaminro/koinos-bridge-contract) and v2
(BridgeKoin/koinos-bridge-contract), per bridge-contracts.md §2.2, §2.4, §3.3, §3.4.

The `*_hash` messages are what validators sign: sha256(proto3(message)), defaults omitted.
"""

from ..schema import Field as F, Message as M

ACTION_ADD_VALIDATOR = 1
ACTION_REMOVE_VALIDATOR = 2
ACTION_SET_PAUSE = 7
ACTION_COMPLETE_TRANSFER = 8

LIST_ARGUMENTS = M("get_validators_arguments", [
    F(1, "start", "bytes", "b58"), F(2, "limit", "i32"), F(3, "descending", "bool")])
REPEATED_ADDRESSES = M("repeated_addresses", [F(1, "addresses", "bytes", "b58", repeated=True)])
TRANSFER_STATUS_ARGUMENTS = M("get_transfer_status_arguments", [
    F(1, "transaction_id", "bytes", "hex")])
BOOLE = M("boole", [F(1, "value", "bool")])
TRANSFER_COMPLETED_EVENT = M("transfer_completed_event", [F(1, "tx_id", "bytes", "hex")])
EMPTY = M("empty_object", [])

METADATA_V1 = M("metadata_object", [
    F(1, "initialized", "bool"), F(2, "nonce", "u64"), F(3, "nb_validators", "u32")])
METADATA_V2 = M("metadata_object", [
    F(1, "initialized", "bool"), F(2, "nonce", "u64"), F(3, "chain_id", "u32"),
    F(4, "nb_validators", "u32")])

COMPLETE_TRANSFER_ARGS_V1 = M("complete_transfer_arguments", [
    F(1, "transaction_id", "bytes", "hex"), F(2, "token", "bytes", "b58"),
    F(3, "recipient", "bytes", "b58"), F(4, "value", "u64"),
    F(6, "signatures", "bytes", repeated=True), F(7, "expiration", "u64")])
COMPLETE_TRANSFER_ARGS_V2 = M("complete_transfer_arguments", [
    F(1, "transaction_id", "bytes", "hex"), F(2, "token", "bytes", "b58"),
    F(3, "relayer", "bytes", "b58"), F(4, "recipient", "bytes", "b58"), F(5, "value", "u64"),
    F(6, "payment", "u64"), F(7, "metadata", "string"),
    F(8, "signatures", "bytes", repeated=True), F(9, "expiration", "u64")])

COMPLETE_TRANSFER_HASH_V1 = M("complete_transfer_hash", [
    F(1, "action", "u32"), F(2, "transaction_id", "bytes"), F(3, "token", "bytes"),
    F(4, "recipient", "bytes"), F(5, "amount", "u64"), F(6, "contract_id", "bytes"),
    F(7, "expiration", "u64")])
COMPLETE_TRANSFER_HASH_V2 = M("complete_transfer_hash", [
    F(1, "action", "u32"), F(2, "transaction_id", "bytes"), F(3, "token", "bytes"),
    F(4, "recipient", "bytes"), F(5, "relayer", "bytes"), F(6, "amount", "u64"),
    F(7, "payment", "u64"), F(8, "metadata", "string"), F(9, "contract_id", "bytes"),
    F(10, "expiration", "u64"), F(11, "chain", "u32")])

TRANSFER_TOKENS_ARGS_V1 = M("transfer_tokens_arguments", [
    F(1, "from", "bytes", "b58"), F(2, "token", "bytes", "b58"), F(3, "amount", "u64"),
    F(4, "recipient", "string")])
TRANSFER_TOKENS_ARGS_V2 = M("transfer_tokens_arguments", [
    F(1, "from", "bytes", "b58"), F(2, "token", "bytes", "b58"), F(3, "amount", "u64"),
    F(4, "payment", "u64"), F(5, "relayer", "string"), F(6, "recipient", "string"),
    F(7, "metadata", "string"), F(8, "to_chain", "u32")])
TOKENS_LOCKED_EVENT_V1 = M("tokens_locked_event", [
    F(1, "from", "bytes", "b58"), F(2, "token", "bytes", "b58"), F(3, "amount", "string"),
    F(4, "recipient", "string")])
TOKENS_LOCKED_EVENT_V2 = M("tokens_locked_event", [
    F(1, "from", "bytes", "b58"), F(2, "token", "bytes", "b58"), F(3, "amount", "string"),
    F(4, "payment", "string"), F(5, "relayer", "string"), F(6, "recipient", "string"),
    F(7, "metadata", "string"), F(8, "chain_id", "u32")])
REQUEST_NEW_SIGNATURES_ARGS = M("request_new_signatures_arguments", [
    F(1, "transaction_id", "string"), F(2, "operation_id", "string")])

VALIDATOR_ARGS = M("add_validator_arguments", [
    F(1, "signatures", "bytes", repeated=True), F(2, "validator", "bytes", "b58"),
    F(3, "expiration", "u64")])
SET_PAUSE_ARGS = M("set_pause_arguments", [
    F(1, "signatures", "bytes", repeated=True), F(2, "pause", "bool"), F(3, "expiration", "u64")])

ADD_REMOVE_HASH = M("add_remove_action_hash", [
    F(1, "action", "u32"), F(2, "address", "bytes"), F(3, "nonce", "u64"),
    F(4, "contract_id", "bytes"), F(5, "expiration", "u64"), F(6, "chain", "u32")])
SET_PAUSE_HASH = M("set_pause_action_hash", [
    F(1, "action", "u32"), F(2, "pause", "bool"), F(3, "nonce", "u64"),
    F(4, "contract_id", "bytes"), F(5, "expiration", "u64"), F(6, "chain", "u32")])


def quorum(profile: str, validator_count: int) -> int:
    """Q(N): v1 ⌊(2N+2)/3⌋ (= ⌈2N/3⌉), v2 ⌊(5N+10)/9⌋ (bridge-contracts.md §2.6)."""
    if profile == "v1":
        return (2 * validator_count + 2) // 3
    return (5 * validator_count + 10) // 9
