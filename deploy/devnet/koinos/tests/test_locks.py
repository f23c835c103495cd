# SPDX-License-Identifier: Apache-2.0
"""Koinos-side locks: transfer_tokens → bridge.tokens_locked_event (v1 and v2 layouts), the
event's real sequence number, request_new_signatures, and the blocks that carry them."""

import pytest

from kit import RpcError, Sim, address, build_tx, call_op, encode_fields, key
from koinossim.contracts import bridge_proto as P
from koinossim.schema import decode
from koinossim.storage import Overlay
from koinossim.textenc import b58decode, b64decode

VALIDATOR = address(key("validator 0"))
USER = key("locking user")
ETH_RECIPIENT = "0x" + "ab" * 20
TRANSFER_TOKENS = 0x1d2e4ff3


def make(profile: str) -> Sim:
    sim = Sim(["--profile", profile, "--validators", VALIDATOR, "--bridge-chain-id", "7",
               "--account", f"{address(USER)}:900000000",
               "--balance", f"KOIN:{address(USER)}:1000000000",
               "--balance", f"WETH:{address(USER)}:500"])
    sim.profile = profile
    return sim


@pytest.fixture(params=["v1", "v2"])
def sim(request):
    s = make(request.param)
    yield s
    s.close()


def lock(sim: Sim, token="KOIN", amount=250, **extra) -> dict:
    return sim.rpc("simulator.lock_tokens", {"private_key": "0x" + USER.hex(), "token": token,
                                             "amount": amount, "recipient": ETH_RECIPIENT, **extra})


def locked_events(sim: Sim, height: int) -> list[tuple[dict, dict]]:
    """(receipt, event) pairs of the bridge's lock events in the block at `height`."""
    head = sim.rpc("chain.get_head_info")["head_topology"]["id"]
    items = sim.rpc("block_store.get_blocks_by_height", {
        "head_block_id": head, "ancestor_start_height": height, "num_blocks": 1,
        "return_block": True, "return_receipt": True})["block_items"]
    return [(r, e) for r in items[0]["receipt"].get("transaction_receipts", [])
            for e in r.get("events", []) if e["name"] == "bridge.tokens_locked_event"]


def test_lock_moves_the_tokens_and_emits_the_profiles_event(sim):
    reply = lock(sim, amount=250, payment=3, relayer=ETH_RECIPIENT, metadata="m", to_chain=1)
    block = sim.produce()
    assert sim.balance(sim.info["tokens"]["KOIN"]["id"], address(USER)) == 1_000_000_000 - 250
    [(receipt, event)] = locked_events(sim, int(block["height"]))
    assert receipt["id"] == reply["transaction_id"]
    assert event["source"] == sim.info["bridge"] and event["impacted"] == [address(USER)]
    # the token's transfer_event comes first, so the lock is sequence 1, not 0
    assert event["sequence"] == 1 and reply["events"][1]["sequence"] == 1
    schema = P.TOKENS_LOCKED_EVENT_V1 if sim.profile == "v1" else P.TOKENS_LOCKED_EVENT_V2
    data = decode(schema, b64decode(event["data"]))
    assert data["from"] == b58decode(address(USER))
    assert data["token"] == b58decode(sim.info["tokens"]["KOIN"]["id"])
    assert data["amount"] == "250" and data["recipient"] == ETH_RECIPIENT
    if sim.profile == "v2":
        assert (data["payment"], data["relayer"], data["metadata"], data["chain_id"]) == \
            ("3", ETH_RECIPIENT, "m", 1)
    else:
        assert "payment" not in data


def test_a_reverted_lock_is_included_with_its_event_and_moves_nothing(sim):
    koin = sim.info["tokens"]["KOIN"]["id"]
    nonce = sim.nonce(address(USER))
    reply = lock(sim, amount=250, reverted=True)
    assert reply["reverted"] is True
    block = sim.produce()
    [(receipt, event)] = locked_events(sim, int(block["height"]))
    assert receipt["id"] == reply["transaction_id"] and receipt["reverted"] is True
    assert event["source"] == sim.info["bridge"] and event["sequence"] == 1
    assert sim.balance(koin, address(USER)) == 1_000_000_000  # no tokens moved
    assert sim.nonce(address(USER)) == nonce + 1  # but the nonce is used, as on the chain
    # a normal lock next to it is not reverted (the receipt field is left out when false)
    lock(sim, amount=5)
    [(receipt, _)] = locked_events(sim, int(sim.produce()["height"]))
    assert not receipt.get("reverted", False)
    assert sim.balance(koin, address(USER)) == 1_000_000_000 - 5


def test_wrapped_lock_burns_and_its_sequence_follows_the_burn(sim):
    weth = sim.info["tokens"]["WETH"]["id"]
    reply = lock(sim, token="WETH", amount=200)
    sim.produce()
    assert sim.balance(weth, address(USER)) == 300
    assert sim.rpc("simulator.dump_state")["tokens"]["WETH"]["supply"] == "300"
    names = [e["name"] for e in reply["events"]]
    assert names == ["koinos.contracts.token.transfer_event", "koinos.contracts.token.burn_event",
                     "bridge.tokens_locked_event"]
    assert reply["events"][2]["sequence"] == 2


def test_two_locks_in_one_transaction_have_distinct_sequences(sim):
    koin = sim.info["tokens"]["KOIN"]["id"]
    args = [(1, b58decode(address(USER))), (2, b58decode(koin)), (3, 10)]
    args += [(4, ETH_RECIPIENT)] if sim.profile == "v1" else [(6, ETH_RECIPIENT)]
    op = call_op(sim.info["bridge"], TRANSFER_TOKENS, encode_fields(args))
    tx = build_tx(sim.chain_id, [USER], sim.nonce(address(USER)) + 1, [op, op],
                  rc_limit=100_000_000)
    sim.submit(tx)
    block = sim.produce()
    assert [e["sequence"] for _, e in locked_events(sim, int(block["height"]))] == [1, 3]


def test_refused_locks_keep_the_contracts_messages(sim):
    for params, message in [({"amount": 0}, "normalizedAmount amount must be greater than 0"),
                            ({"amount": 2_000_000_000}, "could not transfer tokens to the bridge"),
                            ({"token": "WETH", "amount": 501},
                             "could not transfer wrapped tokens to the bridge")]:
        with pytest.raises(RpcError) as info:
            lock(sim, **params)
        assert info.value.message == message
    with pytest.raises(RpcError) as info:
        lock(sim, token="NOPE")
    assert info.value.code == -32601


def test_lock_by_someone_else_is_not_authorized(sim):
    koin = sim.info["tokens"]["KOIN"]["id"]
    stranger = key("stranger")
    sim.rpc("simulator.set_account_rc", {"account": address(stranger), "rc": 900000000})
    args = encode_fields([(1, b58decode(address(USER))), (2, b58decode(koin)), (3, 10),
                          (4 if sim.profile == "v1" else 6, ETH_RECIPIENT)])
    tx = build_tx(sim.chain_id, [stranger], 1, [call_op(sim.info["bridge"], TRANSFER_TOKENS, args)],
                  rc_limit=100_000_000)
    with pytest.raises(RpcError) as info:
        sim.submit(tx)
    assert info.value.message == "could not transfer tokens to the bridge"


def test_request_new_signatures_emits_its_arguments(sim):
    reply = sim.rpc("simulator.request_new_signatures", {
        "private_key": "0x" + USER.hex(), "transaction_id": "0x1220" + "11" * 32,
        "operation_id": "1"})
    block = sim.produce()
    head = sim.rpc("chain.get_head_info")["head_topology"]["id"]
    item = sim.rpc("block_store.get_blocks_by_height", {
        "head_block_id": head, "ancestor_start_height": int(block["height"]), "num_blocks": 1,
        "return_receipt": True})["block_items"][0]
    [event] = item["receipt"]["transaction_receipts"][0]["events"]
    assert reply["events"] == [{"sequence": 0, "name": "bridge.request_new_signatures_event",
                                "source": sim.info["bridge"]}]
    data = decode(P.REQUEST_NEW_SIGNATURES_ARGS, b64decode(event["data"]))
    data.pop("_present", None)
    assert data == {"transaction_id": "0x1220" + "11" * 32, "operation_id": "1"}


def test_paused_bridge_refuses_locks():
    sim = make("v1")
    try:
        with sim.sim.chain.lock:
            for store in (sim.sim.chain.head_store, sim.sim.chain.pending_store):
                overlay = Overlay(store)
                overlay.put(sim.sim.bridge.id, 100002, b"", b"\x01")
                overlay.commit()
        with pytest.raises(RpcError) as info:
            lock(sim)
        assert info.value.message == "Pausable: paused"
    finally:
        sim.close()


def test_a_lock_above_the_lib_is_gone_after_a_fork():
    sim = make("v2")
    try:
        reply = lock(sim)
        sim.produce()
        forked = sim.rpc("simulator.fork", {"depth": 1})
        assert forked["dropped_transactions"] == [reply["transaction_id"]]
        assert sim.balance(sim.info["tokens"]["KOIN"]["id"], address(USER)) == 1_000_000_000
    finally:
        sim.close()
