# SPDX-License-Identifier: Apache-2.0
"""chain.submit_transaction over HTTP: the §8.2 transaction and single-change rejections,
an accepted transfer, blocks, receipts, nonces and mana."""

import copy

import pytest

from kit import (BALANCE_OF, TRANSFER, RpcError, Sim, address, build_tx, call_op,
                 key, token_transfer_args)
from koinossim import crypto
from koinossim.textenc import b64decode, b64encode
from test_vectors import ADDRESS as ADDRESS_82, CHAIN_82, KEY, tx_82

KOIN_82 = "19JntSm8pSNETT9aHTwAUHC5RMoaSmgZPJ"
FROM_82 = "12fN2CQnuJM8cMnWZ1hPtM4knjLME8E4PD"
OTHER = key("other")


@pytest.fixture
def sim():
    chain_id = "0x" + b64decode(CHAIN_82).hex()
    s = Sim(["--chain-id", chain_id, "--validators", address(key("v1")),
             "--tokens", f"KOIN:native:{KOIN_82}", "--account", f"{ADDRESS_82}:60000000",
             "--account", f"{address(OTHER)}:60000000",
             "--balance", f"KOIN:{FROM_82}:5000", "--balance", f"KOIN:{ADDRESS_82}:100000"])
    yield s
    s.close()


def expect_error(fn, message: str, code: int):
    with pytest.raises(RpcError) as info:
        fn()
    assert info.value.code == -32603
    assert info.value.message.startswith(message), info.value.message
    assert info.value.data["code"] == code
    return info.value


def test_transaction_82_passes_every_chain_check(sim):
    # The §8.2 operation moves KOIN of 12fN2… that only 1GE2… signed: every transaction-level
    # check passes (id, merkle root, signature, payer, nonce 1, rc, chain id) and the token
    # contract then refuses, exactly as on a real chain.
    err = expect_error(lambda: sim.submit(tx_82()), "from has not authorized transfer", 1)
    assert err.data["logs"] == ["transaction reverted: from has not authorized transfer"]
    assert sim.rpc("mempool.get_pending_nonce", {"payee": ADDRESS_82}) == {}


def test_single_changes_to_82_are_rejected_with_the_chain_message(sim):
    bad_id = tx_82()
    bad_id["id"] = bad_id["id"][:-2] + "00"
    expect_error(lambda: sim.submit(bad_id), "transaction contains an invalid transaction id", -1)

    high_s = tx_82()
    sig = b64decode(high_s["signatures"][0])
    s = int.from_bytes(sig[33:], "big")
    high_s["signatures"] = [b64encode(bytes([63 - sig[0]]) + sig[1:33]
                                      + (crypto.SECP256K1_N - s).to_bytes(32, "big"))]
    expect_error(lambda: sim.submit(high_s), "signature must be canonical", -202)

    wrong_payer = build_tx(b64decode(CHAIN_82), [KEY], 1,
                           [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 1))],
                           rc_limit=50_000_000, payer=address(OTHER))
    expect_error(lambda: sim.submit(wrong_payer),
                 f"account {address(OTHER)} has not authorized transaction", -200)

    for field, value, message, code in [
            ("rc_limit", "70000000", "insufficient pending account resources", 104),
            ("nonce", "KAI=", "invalid account nonce", -201),
            ("chain_id", b64encode(crypto.multihash(b"other chain")), "chain id mismatch", -1)]:
        tx = tx_82()
        tx["header"][field] = value
        expect_error(lambda: sim.submit(tx), message, code)
    dry = tx_82()
    dry["header"]["rc_limit"] = "70000000"
    expect_error(lambda: sim.submit(dry, broadcast=False),
                 "payer does not have the rc to cover transaction rc limit", -1)

    missing = tx_82()
    missing["signatures"] = []
    expect_error(lambda: sim.submit(missing),
                 "missing expected field in transaction: signature_data", -1002)


def test_chain_id_mismatch_with_a_correctly_signed_transaction(sim):
    other_chain = crypto.multihash(b"another chain")
    tx = build_tx(other_chain, [KEY], 1,
                  [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 1))])
    expect_error(lambda: sim.submit(tx), "chain id mismatch", -1)


def test_merkle_root_must_match(sim):
    tx = build_tx(b64decode(CHAIN_82), [KEY], 1,
                  [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 1))])
    tampered = copy.deepcopy(tx)
    tampered["operations"][0]["call_contract"]["args"] = b64encode(
        token_transfer_args(ADDRESS_82, FROM_82, 2))
    expect_error(lambda: sim.submit(tampered), "operation merkle root does not match", -1)


def test_accepted_transfer_block_receipt_nonce_and_mana(sim):
    chain_id = b64decode(CHAIN_82)
    tx = build_tx(chain_id, [KEY], 1,
                  [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 1000))],
                  rc_limit=50_000_000)
    receipt = sim.submit(tx)["receipt"]
    assert receipt["id"] == tx["id"] and receipt["payer"] == ADDRESS_82
    assert receipt["max_payer_rc"] == "60000000" and receipt["rc_limit"] == "50000000"
    used = int(receipt["rc_used"])
    assert 0 < used < 50_000_000
    event = receipt["events"][0]
    assert event["name"] == "koinos.contracts.token.transfer_event" and event["source"] == KOIN_82
    assert "sequence" not in event  # sequence 0 is a proto3 default, omitted like the chain
    assert event["impacted"] == [FROM_82, ADDRESS_82]
    # pending: the mempool knows nonce 1, head state does not yet
    assert sim.rpc("mempool.get_pending_nonce", {"payee": ADDRESS_82}) == {"nonce": "KAE="}
    assert sim.rpc("chain.get_account_nonce", {"account": ADDRESS_82}) == {"nonce": "KAA="}
    assert sim.rpc("transaction_store.get_transactions_by_id",
                   {"transaction_ids": [tx["id"]]}) == {}
    expect_error(lambda: sim.submit(tx), "invalid account nonce", -201)  # nonce reuse
    assert sim.balance(KOIN_82, FROM_82) == 5000
    block = sim.produce()
    assert sim.balance(KOIN_82, FROM_82) == 6000
    assert sim.rpc("chain.get_account_nonce", {"account": ADDRESS_82}) == {"nonce": "KAE="}
    assert sim.rpc("mempool.get_pending_nonce", {"payee": ADDRESS_82}) == {}
    rc_after = int(sim.rpc("chain.get_account_rc", {"account": ADDRESS_82})["rc"])
    assert 60_000_000 - used <= rc_after < 60_000_000
    found = sim.rpc("transaction_store.get_transactions_by_id", {"transaction_ids": [tx["id"]]})
    assert found["transactions"][0]["containing_blocks"] == [block["id"]]
    assert found["transactions"][0]["transaction"] == tx
    head = sim.rpc("chain.get_head_info")
    assert head["head_topology"]["id"] == block["id"]
    items = sim.rpc("block_store.get_blocks_by_height", {
        "head_block_id": block["id"], "ancestor_start_height": block["height"], "num_blocks": 1,
        "return_block": True, "return_receipt": True})["block_items"]
    assert items[0]["block"]["transactions"][0]["id"] == tx["id"]
    assert items[0]["receipt"]["transaction_receipts"][0]["events"][0]["name"] == \
        "koinos.contracts.token.transfer_event"
    by_id = sim.rpc("block_store.get_blocks_by_id", {"block_ids": [block["id"]]})
    assert by_id["block_items"][0]["block_height"] == block["height"]
    assert "block" not in by_id["block_items"][0]
    # the same nonce again, now from state: the chain's own nonce message (dry run path)
    expect_error(lambda: sim.submit(tx, broadcast=False),
                 f"invalid transaction nonce - account: {ADDRESS_82}, nonce: 0x2801, "
                 "current nonce: 0x2801", -201)


def test_dry_run_leaves_no_trace(sim):
    tx = build_tx(b64decode(CHAIN_82), [KEY], 1,
                  [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 7))])
    assert sim.submit(tx, broadcast=False)["receipt"]["id"] == tx["id"]
    assert sim.rpc("mempool.get_pending_nonce", {"payee": ADDRESS_82}) == {}
    sim.produce()
    assert sim.balance(KOIN_82, FROM_82) == 5000


def test_mana_exhaustion_and_pending_limit(sim):
    chain_id = b64decode(CHAIN_82)
    sim.rpc("simulator.set_account_rc", {"account": ADDRESS_82, "rc": "1000"})
    low = build_tx(chain_id, [KEY], 1, [], rc_limit=5000)
    expect_error(lambda: sim.submit(low), "insufficient pending account resources", 104)
    sim.rpc("simulator.set_account_rc", {"account": ADDRESS_82, "rc": "600000000"})
    tiny = build_tx(chain_id, [KEY], 1, [], rc_limit=10)
    expect_error(lambda: sim.submit(tiny), "insufficient rc", 104)
    for nonce in range(1, 11):
        sim.submit(build_tx(chain_id, [KEY], nonce, [], rc_limit=50_000_000))
    eleventh = build_tx(chain_id, [KEY], 11, [], rc_limit=50_000_000)
    expect_error(lambda: sim.submit(eleventh), "pending transaction limit exceeded", -206)
    sim.produce()
    assert sim.submit(eleventh)["receipt"]["id"] == eleventh["id"]


def test_payee_pays_with_its_own_nonce_and_both_must_sign(sim):
    chain_id = b64decode(CHAIN_82)
    payee = key("payee")
    op = [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 1))]
    only_payer = build_tx(chain_id, [KEY], 1, op, payee=address(payee))
    expect_error(lambda: sim.submit(only_payer),
                 f"account {address(payee)} has not authorized transaction", -200)
    both = build_tx(chain_id, [KEY, payee], 1, op, payee=address(payee))
    sim.submit(both)
    assert sim.rpc("mempool.get_pending_nonce", {"payee": address(payee)}) == {"nonce": "KAE="}


def test_read_contract_balance_of(sim):
    from kit import encode_fields
    from koinossim.textenc import b58decode
    result = sim.rpc("chain.read_contract", {"contract_id": KOIN_82, "entry_point": BALANCE_OF,
                                             "args": b64encode(encode_fields([(1, b58decode(FROM_82))]))})
    assert b64decode(result["result"]) == bytes([0x08]) + bytes([0x88, 0x27])
    expect_error(lambda: sim.rpc("chain.read_contract", {
        "contract_id": address(OTHER), "entry_point": BALANCE_OF, "args": ""}),
        "contract does not exist", 1)


def test_fork_heads_and_pending_count(sim):
    sim.produce(7)
    heads = sim.rpc("chain.get_fork_heads")
    head = sim.rpc("chain.get_head_info")
    assert heads["fork_heads"] == [head["head_topology"]]
    assert int(heads["last_irreversible_block"]["height"]) == int(head["last_irreversible_block"])
    sim.submit(build_tx(b64decode(CHAIN_82), [KEY], 1, []))
    assert sim.rpc("mempool.get_pending_transaction_count", {"payee": ADDRESS_82}) == {"count": "1"}


def test_dropped_pending_transactions_never_land(sim):
    chain_id = b64decode(CHAIN_82)
    op = [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 5))]
    first = build_tx(chain_id, [KEY], 1, op)
    sim.submit(first)
    assert sim.rpc("simulator.drop_pending", {"account": ADDRESS_82}) == {"dropped": 1}
    assert sim.rpc("mempool.get_pending_nonce", {"payee": ADDRESS_82}) == {}
    sim.produce()
    assert sim.balance(KOIN_82, FROM_82) == 5000
    assert sim.rpc("transaction_store.get_transactions_by_id", {"transaction_ids": [first["id"]]}) == {}
    again = build_tx(chain_id, [KEY], 1, op, rc_limit=10_000_001)
    sim.submit(again)
    sim.produce()
    assert sim.balance(KOIN_82, FROM_82) == 5005


def test_block_header_links_and_transaction_merkle_root(sim):
    from koinossim.blocks import transaction_merkle_root
    from koinossim.protocol import BLOCK, BLOCK_HEADER, TRANSACTION, TRANSACTION_HEADER
    from koinossim.schema import encode, from_json
    from koinossim.textenc import b58decode
    tx = build_tx(b64decode(CHAIN_82), [KEY], 1, [])
    sim.submit(tx)
    made = sim.produce()
    item = sim.rpc("block_store.get_blocks_by_id", {"block_ids": [made["id"]], "return_block": True})
    block = from_json(BLOCK, item["block_items"][0]["block"])
    header = block["header"]
    assert "0x" + crypto.multihash(encode(BLOCK_HEADER, header)).hex() == made["id"]
    parsed = from_json(TRANSACTION, tx)
    assert header["transaction_merkle_root"] == crypto.merkle_root(
        [crypto.sha256(encode(TRANSACTION_HEADER, parsed["header"])),
         crypto.sha256(parsed["signatures"][0])])
    assert header["transaction_merkle_root"] == transaction_merkle_root([parsed])
    signer = crypto.recover_address(block["signature"], block["id"][2:])
    assert signer == header["signer"] and len(b58decode(sim.info["bridge"])) == 25
    previous = sim.rpc("block_store.get_blocks_by_height", {
        "head_block_id": made["id"], "ancestor_start_height": str(int(made["height"]) - 1),
        "num_blocks": 1})["block_items"][0]["block_id"]
    assert "0x" + header["previous"].hex() == previous


def test_mempool_expiry_drops_unincluded_transactions():
    import time
    s = Sim(["--chain-id", "0x" + b64decode(CHAIN_82).hex(), "--validators", address(key("v1")),
             "--account", f"{ADDRESS_82}:60000000", "--mempool-expiry-ms", "200"])
    try:
        chain_id = b64decode(CHAIN_82)
        s.submit(build_tx(chain_id, [KEY], 1, []))
        s.submit(build_tx(chain_id, [KEY], 2, []))
        assert s.rpc("mempool.get_pending_nonce", {"payee": ADDRESS_82}) == {"nonce": "KAI="}
        time.sleep(0.3)
        assert s.rpc("mempool.get_pending_nonce", {"payee": ADDRESS_82}) == {}
        s.submit(build_tx(chain_id, [KEY], 1, [], rc_limit=10_000_002))
        s.produce()
        assert s.rpc("chain.get_account_nonce", {"account": ADDRESS_82}) == {"nonce": "KAE="}
    finally:
        s.close()


def test_a_fork_above_the_lib_drops_its_transactions_and_restores_state(sim):
    chain_id = b64decode(CHAIN_82)
    op = [call_op(KOIN_82, TRANSFER, token_transfer_args(ADDRESS_82, FROM_82, 9))]
    sim.produce(10)  # LIB = head - 5
    tx = build_tx(chain_id, [KEY], 1, op)
    sim.submit(tx)
    landed = sim.produce()
    assert sim.balance(KOIN_82, FROM_82) == 5009
    head = sim.rpc("chain.get_head_info")
    lib = int(head["last_irreversible_block"])
    assert int(landed["height"]) > lib
    with pytest.raises(RpcError) as refused:
        sim.rpc("simulator.fork", {"depth": int(landed["height"]) - lib + 1})
    assert "only blocks above the LIB" in str(refused.value.message) + str(refused.value.data)
    forked = sim.rpc("simulator.fork", {"depth": 1})
    assert forked["dropped_transactions"] == [tx["id"]]
    assert int(forked["height"]) == int(landed["height"]) + 1  # the winning branch is longer
    assert sim.balance(KOIN_82, FROM_82) == 5000
    assert sim.rpc("transaction_store.get_transactions_by_id", {"transaction_ids": [tx["id"]]}) == {}
    assert sim.rpc("chain.get_account_nonce", {"account": ADDRESS_82}) == {"nonce": "KAA="}
    assert sim.rpc("chain.get_head_info")["head_topology"]["id"] == forked["id"]
    sim.submit(tx)  # the dropped transaction is valid again on the new branch
    sim.produce()
    assert sim.balance(KOIN_82, FROM_82) == 5009
