# SPDX-License-Identifier: Apache-2.0
"""Request/response messages of the JSON-RPC methods (koinos.md §2.3, §2.4, §6.4)."""

from .protocol import BLOCK, BLOCK_RECEIPT, BLOCK_TOPOLOGY, RESOURCE_LIMIT_DATA, TRANSACTION
from .protocol import TRANSACTION_RECEIPT
from .schema import Field as F, Message as M

ACCOUNT_REQUEST = M("account_request", [F(1, "account", "bytes", "b58")])
READ_CONTRACT_REQUEST = M("read_contract_request", [
    F(1, "contract_id", "bytes", "b58"), F(2, "entry_point", "u32"), F(3, "args", "bytes")])
SUBMIT_TRANSACTION_REQUEST = M("submit_transaction_request", [
    F(1, "transaction", "msg", msg=TRANSACTION), F(2, "broadcast", "bool")])
PENDING_NONCE_REQUEST = M("get_pending_nonce_request", [
    F(1, "payee", "bytes", "b58"), F(2, "block_id", "bytes", "hex")])
BLOCKS_BY_HEIGHT_REQUEST = M("get_blocks_by_height_request", [
    F(1, "head_block_id", "bytes", "hex"), F(2, "ancestor_start_height", "u64"),
    F(3, "num_blocks", "u32"), F(4, "return_block", "bool"), F(5, "return_receipt", "bool")])
BLOCKS_BY_ID_REQUEST = M("get_blocks_by_id_request", [
    F(1, "block_ids", "bytes", "hex", repeated=True), F(2, "return_block", "bool"),
    F(3, "return_receipt", "bool")])
TRANSACTIONS_BY_ID_REQUEST = M("get_transactions_by_id_request", [
    F(1, "transaction_ids", "bytes", "hex", repeated=True)])

CHAIN_ID_RESPONSE = M("get_chain_id_response", [F(1, "chain_id", "bytes")])
HEAD_INFO_RESPONSE = M("get_head_info_response", [
    F(1, "head_topology", "msg", msg=BLOCK_TOPOLOGY), F(2, "last_irreversible_block", "u64"),
    F(3, "head_state_merkle_root", "bytes"), F(4, "head_block_time", "u64")])
NONCE_RESPONSE = M("nonce_response", [F(1, "nonce", "bytes")])
RC_RESPONSE = M("get_account_rc_response", [F(1, "rc", "u64")])
RESOURCE_LIMITS_RESPONSE = M("get_resource_limits_response", [
    F(1, "resource_limit_data", "msg", msg=RESOURCE_LIMIT_DATA)])
READ_CONTRACT_RESPONSE = M("read_contract_response", [
    F(1, "result", "bytes"), F(2, "logs", "string", repeated=True)])
SUBMIT_TRANSACTION_RESPONSE = M("submit_transaction_response", [
    F(1, "receipt", "msg", msg=TRANSACTION_RECEIPT)])
BLOCK_ITEM = M("block_item", [
    F(1, "block_id", "bytes", "hex"), F(2, "block_height", "u64"),
    F(3, "block", "msg", msg=BLOCK), F(4, "receipt", "msg", msg=BLOCK_RECEIPT)])
BLOCK_ITEMS_RESPONSE = M("block_items_response", [
    F(1, "block_items", "msg", repeated=True, msg=BLOCK_ITEM)])
HIGHEST_BLOCK_RESPONSE = M("get_highest_block_response", [
    F(1, "topology", "msg", msg=BLOCK_TOPOLOGY)])
TRANSACTION_ITEM = M("transaction_item", [
    F(1, "transaction", "msg", msg=TRANSACTION),
    F(2, "containing_blocks", "bytes", "hex", repeated=True)])
TRANSACTIONS_RESPONSE = M("get_transactions_by_id_response", [
    F(1, "transactions", "msg", repeated=True, msg=TRANSACTION_ITEM)])
FORK_HEADS_RESPONSE = M("get_fork_heads_response", [
    F(1, "last_irreversible_block", "msg", msg=BLOCK_TOPOLOGY),
    F(2, "fork_heads", "msg", repeated=True, msg=BLOCK_TOPOLOGY)])
PENDING_COUNT_REQUEST = M("get_pending_transaction_count_request", [
    F(1, "payee", "bytes", "b58"), F(2, "block_id", "bytes", "hex")])
PENDING_COUNT_RESPONSE = M("get_pending_transaction_count_response", [F(1, "count", "u64")])
