# SPDX-License-Identifier: Apache-2.0
"""Schemas of the koinos.protocol / koinos.chain messages the simulator needs (koinos.md §2).

`(btype)` options become the `btype` of bytes fields: "b58" for ADDRESS/CONTRACT_ID,
"hex" for BLOCK_ID/TRANSACTION_ID, "b64" otherwise.
"""

from .schema import Field as F, Message as M

CALL_CONTRACT = M("call_contract_operation", [
    F(1, "contract_id", "bytes", "b58"), F(2, "entry_point", "u32"), F(3, "args", "bytes")])
UPLOAD_CONTRACT = M("upload_contract_operation", [
    F(1, "contract_id", "bytes", "b58"), F(2, "bytecode", "bytes"), F(3, "abi", "string"),
    F(4, "authorizes_call_contract", "bool"), F(5, "authorizes_transaction_application", "bool"),
    F(6, "authorizes_upload_contract", "bool")])
CONTRACT_CALL_BUNDLE = M("contract_call_bundle", [
    F(1, "contract_id", "bytes", "b58"), F(2, "entry_point", "u32")])
SYSTEM_CALL_TARGET = M("system_call_target", [
    F(1, "thunk_id", "u32", always=True),
    F(2, "system_call_bundle", "msg", msg=CONTRACT_CALL_BUNDLE)])
SET_SYSTEM_CALL = M("set_system_call_operation", [
    F(1, "call_id", "u32"), F(2, "target", "msg", msg=SYSTEM_CALL_TARGET)])
SET_SYSTEM_CONTRACT = M("set_system_contract_operation", [
    F(1, "contract_id", "bytes", "b58"), F(2, "system_contract", "bool")])
OPERATION = M("operation", [
    F(1, "upload_contract", "msg", msg=UPLOAD_CONTRACT),
    F(2, "call_contract", "msg", msg=CALL_CONTRACT),
    F(3, "set_system_call", "msg", msg=SET_SYSTEM_CALL),
    F(4, "set_system_contract", "msg", msg=SET_SYSTEM_CONTRACT)])

TRANSACTION_HEADER = M("transaction_header", [
    F(1, "chain_id", "bytes"), F(2, "rc_limit", "u64"), F(3, "nonce", "bytes"),
    F(4, "operation_merkle_root", "bytes"), F(5, "payer", "bytes", "b58"),
    F(6, "payee", "bytes", "b58")])
TRANSACTION = M("transaction", [
    F(1, "id", "bytes", "hex"), F(2, "header", "msg", msg=TRANSACTION_HEADER),
    F(3, "operations", "msg", repeated=True, msg=OPERATION),
    F(4, "signatures", "bytes", repeated=True)])

OBJECT_SPACE = M("object_space", [
    F(1, "system", "bool"), F(2, "zone", "bytes", "b58"), F(3, "id", "u32")])
STATE_DELTA_ENTRY = M("state_delta_entry", [
    F(1, "object_space", "msg", msg=OBJECT_SPACE), F(2, "key", "bytes"), F(3, "value", "bytes")])
EVENT_DATA = M("event_data", [
    F(1, "sequence", "u32"), F(2, "source", "bytes", "b58"), F(3, "name", "string"),
    F(4, "data", "bytes"), F(5, "impacted", "bytes", "b58", repeated=True)])
TRANSACTION_RECEIPT = M("transaction_receipt", [
    F(1, "id", "bytes", "hex"), F(2, "payer", "bytes", "b58"), F(3, "max_payer_rc", "u64"),
    F(4, "rc_limit", "u64"), F(5, "rc_used", "u64"), F(6, "disk_storage_used", "u64"),
    F(7, "network_bandwidth_used", "u64"), F(8, "compute_bandwidth_used", "u64"),
    F(9, "reverted", "bool"), F(10, "events", "msg", repeated=True, msg=EVENT_DATA),
    F(11, "logs", "string", repeated=True),
    F(12, "state_delta_entries", "msg", repeated=True, msg=STATE_DELTA_ENTRY)])

BLOCK_HEADER = M("block_header", [
    F(1, "previous", "bytes", "hex"), F(2, "height", "u64"), F(3, "timestamp", "u64"),
    F(4, "previous_state_merkle_root", "bytes"), F(5, "transaction_merkle_root", "bytes"),
    F(6, "signer", "bytes", "b58"), F(7, "approved_proposals", "bytes", "hex", repeated=True)])
BLOCK = M("block", [
    F(1, "id", "bytes", "hex"), F(2, "header", "msg", msg=BLOCK_HEADER),
    F(3, "transactions", "msg", repeated=True, msg=TRANSACTION), F(4, "signature", "bytes")])
BLOCK_RECEIPT = M("block_receipt", [
    F(1, "id", "bytes", "hex"), F(2, "height", "u64"), F(3, "disk_storage_used", "u64"),
    F(4, "network_bandwidth_used", "u64"), F(5, "compute_bandwidth_used", "u64"),
    F(6, "state_merkle_root", "bytes"), F(7, "events", "msg", repeated=True, msg=EVENT_DATA),
    F(8, "transaction_receipts", "msg", repeated=True, msg=TRANSACTION_RECEIPT),
    F(9, "logs", "string", repeated=True), F(10, "disk_storage_charged", "u64"),
    F(11, "network_bandwidth_charged", "u64"), F(12, "compute_bandwidth_charged", "u64"),
    F(13, "state_delta_entries", "msg", repeated=True, msg=STATE_DELTA_ENTRY)])
BLOCK_TOPOLOGY = M("block_topology", [
    F(1, "id", "bytes", "hex"), F(2, "height", "u64"), F(3, "previous", "bytes", "hex")])

# koinos.chain.value_type: only uint64_value (field 5) is used, for nonces (always emitted).
VALUE_TYPE_U64 = M("value_type", [F(5, "uint64_value", "u64", always=True)])

RESOURCE_LIMIT_DATA = M("resource_limit_data", [
    F(1, "disk_storage_limit", "u64"), F(2, "disk_storage_cost", "u64"),
    F(3, "network_bandwidth_limit", "u64"), F(4, "network_bandwidth_cost", "u64"),
    F(5, "compute_bandwidth_limit", "u64"), F(6, "compute_bandwidth_cost", "u64")])
