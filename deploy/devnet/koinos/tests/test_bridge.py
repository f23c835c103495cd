# SPDX-License-Identifier: Apache-2.0
"""The bridge contract behind chain.submit_transaction / chain.read_contract, v1 and v2."""

import pytest

import bridge_kit as B
from kit import RpcError, Sim, address, build_tx, call_op, encode_fields, key
from koinossim import crypto
from koinossim.contracts import bridge_proto as P
from koinossim.schema import decode, encode
from koinossim.textenc import b58decode, b58encode, b64decode, b64encode

VALIDATOR_KEYS = [key(f"validator {i}") for i in range(4)]
VALIDATORS = [address(k) for k in VALIDATOR_KEYS]
RELAYER, RECIPIENT, STRANGER = key("relayer"), key("recipient"), key("stranger")
FAR = 4_000_000_000_000  # an expiration far in the future (ms)


def make_sim(profile: str, extra=()) -> Sim:
    accounts = []
    for k in (RELAYER, RECIPIENT, STRANGER):
        accounts += ["--account", f"{address(k)}:500000000"]
    return Sim(["--profile", profile, "--validators", ",".join(VALIDATORS),
                "--bridge-chain-id", "7", *accounts, *extra])


@pytest.fixture(params=["v1", "v2"])
def sim(request):
    s = make_sim(request.param)
    s.profile = request.param
    yield s
    s.close()


@pytest.fixture
def v2():
    s = make_sim("v2")
    s.profile = "v2"
    yield s
    s.close()


def submit_call(sim: Sim, signer: bytes, entry_point: int, args: bytes, contract=None):
    nonce = sim.nonce(address(signer)) + 1
    tx = build_tx(sim.chain_id, [signer], nonce,
                  [call_op(contract or sim.info["bridge"], entry_point, args)], rc_limit=100_000_000)
    return sim.submit(tx)


def transfer(sim: Sim, token="KOIN", **over) -> dict:
    t = {"tx": crypto.sha256(repr(sorted(over.items())).encode()), "value": 100_000_000,
         "token": sim.info["tokens"][token]["id"], "recipient": address(RECIPIENT),
         "expiration": FAR, "chain": 7}
    if sim.profile == "v2":
        t.update(relayer=address(RELAYER), payment=1000, metadata="hello")
    t.update(over)
    return t


def complete(sim: Sim, t: dict, signer_keys=None, submitter=None, signatures=None):
    digest = B.transfer_digest(sim.profile, sim.info["bridge"], t)
    sigs = signatures if signatures is not None else B.sign_all(
        signer_keys if signer_keys is not None else VALIDATOR_KEYS[:3], digest)
    args = B.complete_transfer_args(sim.profile, t, sigs)
    return submit_call(sim, submitter or RELAYER, B.COMPLETE_TRANSFER, args)


def expect_revert(fn, message: str, code: int = 1):
    with pytest.raises(RpcError) as info:
        fn()
    assert info.value.code == -32603 and info.value.message == message, info.value.message
    assert info.value.data["code"] == code
    return info.value


def read(sim: Sim, entry: int, args: bytes = b"") -> bytes:
    result = sim.rpc("chain.read_contract", {"contract_id": sim.info["bridge"],
                                             "entry_point": entry, "args": b64encode(args)})
    return b64decode(result.get("result", ""))


def status(sim: Sim, tx: bytes) -> bool:
    raw = read(sim, B.GET_TRANSFER_STATUS, encode_fields([(1, tx)]))
    return decode(P.BOOLE, raw)["value"]


# -- published bridge vectors (bridge-contracts.md §2.8) --
VECTOR_B = {"tx": bytes.fromhex("eaf75ff289091a5df0215c47e383106c16439c9b5520de396c1b7c7e93f13ad1"),
            "token": "1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3G",
            "recipient": "1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN", "value": 1,
            "expiration": 1668465588000}
BRIDGE_B = "17XHjr7n2E4auykiHkfJMLGGovvaCadtQS"
SIGS_B = ["IL1HmPger6O1erHP12qiQoWo9mFkXiRuCKWfM-BhFXY0bUh_Ex4213UV3ftK4JwEOUMKjT8TZsWKZM_ojJYb4pE=",
          "IHQGflMBSJVuYU9Im1mWE5r1IMvpfPKxsoAYkiRRAFz1J8Orflqo09PRm1uQ9J_z8G2XjKf5sG89S8yDaw_WQqA=",
          "H5vmEJi-3n1JSNjrHycDacTWNQusCpuiiwRyEB_SCng5TsKIUn06Qfln8ATroCMAdIFclQZ83lIIaqDTqmcX-BU="]
SIGNERS_B = {"1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN", "1KzgPU28BLWqPsQXahv7GZetJfPEnYRMkG",
             "1CGM2ckyJtaTuMFqMrbekMhsu7R1yFPAUX"}


def test_vector_b_v1_hash_and_real_signatures():
    message = encode(P.COMPLETE_TRANSFER_HASH_V1, {
        "action": 8, "transaction_id": VECTOR_B["tx"], "token": b58decode(VECTOR_B["token"]),
        "recipient": b58decode(VECTOR_B["recipient"]), "amount": 1,
        "contract_id": b58decode(BRIDGE_B), "expiration": VECTOR_B["expiration"]})
    assert message.hex() == (
        "08081220eaf75ff289091a5df0215c47e383106c16439c9b5520de396c1b7c7e93f13ad11a1900cbe00944654e"
        "381914b25512b00c0e2edbd241cf6f27f0db22190074e4d255febea7d2dbc1d8c3bbe0ecdb84b6806bdc8b1343"
        "2801321900478b34d37728ebb7fd4345f032356eb0d8c172868227cdcb38a0eeb1c2c730")
    digest = crypto.sha256(message)
    assert digest.hex() == "bb50c9f36c6ce60191f005304dbfb1e7ed4f867d7f7375945ea9ff136adcad85"
    assert B.transfer_digest("v1", BRIDGE_B, VECTOR_B) == digest
    assert [b64decode(s)[0] for s in SIGS_B] == [32, 32, 31]
    assert {b58encode(crypto.recover_address(b64decode(s), digest)) for s in SIGS_B} == SIGNERS_B


def test_vector_d_v2_and_e_add_validator():
    d = {"tx": b"\x66" * 32, "token": "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju",
         "recipient": "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN", "value": 100_000_000, "payment": 0,
         "metadata": "", "expiration": 1_700_000_000_000, "chain": 1}
    bridge = "1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7"
    assert B.transfer_digest("v2", bridge, d).hex() == \
        "96902ed5297ccd4492cf11985b758cd7440a935f16efdd5b0ef9b0fd4c22342d"
    message = encode(P.COMPLETE_TRANSFER_HASH_V2, {
        "action": 8, "transaction_id": d["tx"], "token": b58decode(d["token"]),
        "recipient": b58decode(d["recipient"]), "relayer": b"", "amount": d["value"],
        "payment": 0, "metadata": "", "contract_id": b58decode(bridge),
        "expiration": d["expiration"], "chain": 1})
    assert crypto.sha256(message).hex() == \
        "96902ed5297ccd4492cf11985b758cd7440a935f16efdd5b0ef9b0fd4c22342d"
    e = B.validator_action_digest("v1", 1, d["recipient"], 1, bridge, 1_700_000_000_000)
    assert e.hex() == "bb1d6b5c141b05148784743855406ce5f38b23c434ba1b9734a97fc20867887b"


def test_vector_b_completes_on_a_v1_simulator_with_its_real_signatures():
    payer = key("vector b payer")
    s = Sim(["--profile", "v1", "--bridge-id", BRIDGE_B, "--validators", ",".join(sorted(SIGNERS_B)),
             "--tokens", f"KOIN:native:{VECTOR_B['token']}", "--account", f"{address(payer)}:500000000",
             "--time-offset-ms", str(VECTOR_B["expiration"] - 60_000 - crypto_now_ms())])
    s.profile = "v1"
    try:
        args = B.complete_transfer_args("v1", VECTOR_B, [b64decode(x) for x in SIGS_B])
        receipt = submit_call(s, payer, B.COMPLETE_TRANSFER, args)["receipt"]
        event = receipt["events"][-1]
        assert event["name"] == "bridge.transfer_completed_event" and event["source"] == BRIDGE_B
        assert decode(P.TRANSFER_COMPLETED_EVENT, b64decode(event["data"]))["tx_id"] == VECTOR_B["tx"]
        assert not status(s, VECTOR_B["tx"])  # read_contract sees head state: not yet in a block
        s.produce()
        assert status(s, VECTOR_B["tx"])
        assert s.balance(VECTOR_B["token"], VECTOR_B["recipient"]) == 1
        expect_revert(lambda: submit_call(s, payer, B.COMPLETE_TRANSFER, args),
                      "transfer already completed")
    finally:
        s.close()


def crypto_now_ms() -> int:
    import time
    return int(time.time() * 1000)


# -- complete_transfer, both profiles --
def test_complete_transfer_once_then_replay_rejected(sim):
    t = transfer(sim)
    koin = sim.info["tokens"]["KOIN"]["id"]
    receipt = complete(sim, t)["receipt"]
    names = [e["name"] for e in receipt["events"]]
    assert names[-1] == "bridge.transfer_completed_event"
    assert [e.get("sequence", 0) for e in receipt["events"]] == list(range(len(names)))
    sim.produce()
    assert status(sim, t["tx"])
    if sim.profile == "v2":
        assert sim.balance(koin, address(RECIPIENT)) == 100_000_000 - 1000
        assert sim.balance(koin, address(RELAYER)) == 1000
        assert receipt["events"][-1]["impacted"] == [address(RECIPIENT), address(RELAYER)]
    else:
        assert sim.balance(koin, address(RECIPIENT)) == 100_000_000
    expect_revert(lambda: complete(sim, t), "transfer already completed")


def test_wrapped_token_is_minted(sim):
    t = transfer(sim, token="WETH", relayer="", payment=0) if sim.profile == "v2" else \
        transfer(sim, token="WETH")
    weth = sim.info["tokens"]["WETH"]["id"]
    receipt = complete(sim, t, submitter=RECIPIENT)["receipt"]
    assert "koinos.contracts.token.mint_event" in [e["name"] for e in receipt["events"]]
    sim.produce()
    assert sim.balance(weth, address(RECIPIENT)) == 100_000_000
    state = sim.rpc("simulator.dump_state")
    assert state["tokens"]["WETH"]["supply"] == "100000000"


def test_quorum_validator_and_duplicate_rules(sim):
    t = transfer(sim)
    digest = B.transfer_digest(sim.profile, sim.info["bridge"], t)
    expect_revert(lambda: complete(sim, t, VALIDATOR_KEYS[:2]), "quorum not met")
    outsider = key("not a validator")
    expect_revert(lambda: complete(sim, t, VALIDATOR_KEYS[:2] + [outsider]),
                  f"{address(outsider)} is not a validator")
    dup = B.sign_all(VALIDATOR_KEYS[:2], digest) + B.sign_all(VALIDATOR_KEYS[:1], digest)
    expect_revert(lambda: complete(sim, t, signatures=dup),
                  f"validator {VALIDATORS[0]} already signed")
    wrong_digest = B.sign_all(VALIDATOR_KEYS[:3], crypto.sha256(b"another transfer"))
    with pytest.raises(RpcError) as info:
        complete(sim, t, signatures=wrong_digest)
    assert info.value.message.endswith("is not a validator")
    sig = B.sign_all(VALIDATOR_KEYS[:1], digest)[0]
    s = int.from_bytes(sig[33:], "big")
    high = bytes([63 - sig[0]]) + sig[1:33] + (crypto.SECP256K1_N - s).to_bytes(32, "big")
    expect_revert(lambda: complete(sim, t, signatures=[high] + B.sign_all(VALIDATOR_KEYS[1:3], digest)),
                  "signature must be canonical", -202)
    # nothing of the failed attempts stuck: the valid call still completes once
    assert complete(sim, t)["receipt"]["events"]
    assert sim.nonce(address(RELAYER)) == 1


def test_all_four_validators_also_complete(sim):
    t = transfer(sim)
    assert complete(sim, t, VALIDATOR_KEYS)["receipt"]["events"][-1]["name"] == \
        "bridge.transfer_completed_event"


def test_expiration_is_inclusive_of_head_block_time(sim):
    sim.rpc("simulator.set_block_production", {"enabled": False})
    head_time = int(sim.rpc("chain.get_head_info")["head_block_time"])
    expect_revert(lambda: complete(sim, transfer(sim, expiration=head_time - 1)), "Expired signatures")
    assert complete(sim, transfer(sim, expiration=head_time))["receipt"]
    moved = sim.rpc("simulator.set_time_offset", {"offset_ms": 3_600_000})
    assert int(moved["head_block_time"]) >= head_time + 3_600_000
    expect_revert(lambda: complete(sim, transfer(sim, expiration=head_time + 60_000)),
                  "Expired signatures")


def test_unsupported_token(sim):
    t = transfer(sim, token="KOIN", tx=b"\x01" * 32)
    t["token"] = address(key("unknown token"))
    expect_revert(lambda: complete(sim, t), "token is not supported")


def test_v2_relayer_or_recipient_must_sign(v2):
    t = transfer(v2)
    expect_revert(lambda: complete(v2, t, submitter=STRANGER),
                  "tokens can only be claimed by the recipient or relayer")
    assert complete(v2, t, submitter=RECIPIENT)["receipt"]
    t2 = transfer(v2, relayer="", payment=0, tx=b"\x02" * 32)
    expect_revert(lambda: complete(v2, t2, submitter=RELAYER),
                  "tokens can only be claimed by the recipient or relayer")
    koin = v2.info["tokens"]["KOIN"]["id"]
    complete(v2, t2, submitter=RECIPIENT)
    v2.produce()
    assert v2.balance(koin, address(RECIPIENT)) == 2 * 100_000_000 - 1000


def test_v1_has_no_signer_rule():
    v1 = make_sim("v1")
    v1.profile = "v1"
    try:
        assert complete(v1, transfer(v1), submitter=STRANGER)["receipt"]
    finally:
        v1.close()


def admin(sim, action: int, validator: str, keys, expiration=FAR):
    meta = metadata(sim)
    digest = B.validator_action_digest(sim.profile, action, validator, meta["nonce"],
                                       sim.info["bridge"], expiration, 7)
    entry = B.ADD_VALIDATOR if action == 1 else B.REMOVE_VALIDATOR
    return submit_call(sim, STRANGER, entry,
                       B.validator_action_args(B.sign_all(keys, digest), validator, expiration))


def metadata(sim) -> dict:
    schema = P.METADATA_V1 if sim.profile == "v1" else P.METADATA_V2
    return decode(schema, read(sim, B.GET_METADATA))


def test_metadata_layouts(sim):
    raw = read(sim, B.GET_METADATA)
    if sim.profile == "v1":
        assert raw == bytes([0x08, 0x01, 0x10, 0x01, 0x18, 0x04])
    else:
        assert raw == bytes([0x08, 0x01, 0x10, 0x01, 0x18, 0x07, 0x20, 0x04])


def test_removed_validator_signature_is_rejected(sim):
    removed = VALIDATOR_KEYS[3]
    admin(sim, 2, VALIDATORS[3], VALIDATOR_KEYS[:3])
    sim.produce()
    meta = metadata(sim)
    assert meta["nb_validators"] == 3 and meta["nonce"] == 2
    expect_revert(lambda: complete(sim, transfer(sim), [removed] + VALIDATOR_KEYS[:2]),
                  f"{VALIDATORS[3]} is not a validator")
    assert complete(sim, transfer(sim), VALIDATOR_KEYS[:2] + [VALIDATOR_KEYS[2]])["receipt"]
    # an admin signature over the old nonce no longer verifies
    stale = B.validator_action_digest(sim.profile, 1, VALIDATORS[3], 1, sim.info["bridge"], FAR, 7)
    stale_args = B.validator_action_args(B.sign_all(VALIDATOR_KEYS[:3], stale), VALIDATORS[3], FAR)
    with pytest.raises(RpcError) as info:
        submit_call(sim, STRANGER, B.ADD_VALIDATOR, stale_args)
    assert info.value.message.endswith("is not a validator")
    admin(sim, 1, VALIDATORS[3], VALIDATOR_KEYS[:3])
    sim.produce()
    assert metadata(sim)["nb_validators"] == 4
    assert complete(sim, transfer(sim, tx=b"\x03" * 32), [removed] + VALIDATOR_KEYS[:2])["receipt"]
    expect_revert(lambda: admin(sim, 2, address(key("nobody")), VALIDATOR_KEYS[:3]),
                  "Validator does not exist")


def test_pause_blocks_completion(sim):
    meta = metadata(sim)
    digest = B.pause_digest(sim.profile, True, meta["nonce"], sim.info["bridge"], FAR, 7)
    submit_call(sim, STRANGER, B.SET_PAUSE, B.pause_args(B.sign_all(VALIDATOR_KEYS[:3], digest),
                                                         True, FAR))
    expect_revert(lambda: complete(sim, transfer(sim)), "Pausable: paused")
    digest = B.pause_digest(sim.profile, False, meta["nonce"] + 1, sim.info["bridge"], FAR, 7)
    submit_call(sim, STRANGER, B.SET_PAUSE, B.pause_args(B.sign_all(VALIDATOR_KEYS[:3], digest),
                                                         False, FAR))
    assert complete(sim, transfer(sim))["receipt"]


def test_list_entry_points(sim):
    ordered = sorted(b58decode(v) for v in VALIDATORS)
    assert decode(P.REPEATED_ADDRESSES, read(sim, B.GET_VALIDATORS))["addresses"] == []
    first = encode_fields([(1, ordered[0])])
    assert decode(P.REPEATED_ADDRESSES, read(sim, B.GET_VALIDATORS, first))["addresses"] == ordered
    limited = encode_fields([(1, ordered[1]), (2, 1)])
    assert decode(P.REPEATED_ADDRESSES, read(sim, B.GET_VALIDATORS, limited))["addresses"] == \
        ordered[1:3]
    down = encode_fields([(1, ordered[3]), (3, True)])
    assert decode(P.REPEATED_ADDRESSES, read(sim, B.GET_VALIDATORS, down))["addresses"] == \
        list(reversed(ordered))
    koin = b58decode(sim.info["tokens"]["KOIN"]["id"])
    weth = b58decode(sim.info["tokens"]["WETH"]["id"])
    assert decode(P.REPEATED_ADDRESSES, read(sim, B.GET_SUPPORTED_TOKENS,
                                             encode_fields([(1, koin)])))["addresses"] == [koin]
    assert decode(P.REPEATED_ADDRESSES, read(sim, B.GET_SUPPORTED_WRAPPED_TOKENS,
                                             encode_fields([(1, weth)])))["addresses"] == [weth]


def test_payout_failures_revert_with_the_contract_messages():
    for profile in ("v1", "v2"):
        s = make_sim(profile, ["--bridge-native-balance", "10"])
        s.profile = profile
        try:
            expect_revert(lambda: complete(s, transfer(s)), "transfer of tokens failed"
                          if profile == "v1" else "could not transfer tokens to the relayer")
            if profile == "v2":
                t = transfer(s, value=500, payment=10)
                expect_revert(lambda: complete(s, t), "transfer of tokens failed")
                t = transfer(s, token="WETH", value=500, payment=1000)
                expect_revert(lambda: complete(s, t), "could not transfer tokens to the relayer")
                koin = s.info["tokens"]["KOIN"]["id"]
                t = transfer(s, value=10, payment=4)
                complete(s, t)
                s.produce()
                assert (s.balance(koin, address(RELAYER)), s.balance(koin, address(RECIPIENT))) == (4, 6)
        finally:
            s.close()


def test_v2_payment_above_value_underflows(v2):
    t = transfer(v2, value=500, payment=1000)
    expect_revert(lambda: complete(v2, t), "could not subtract 1000 from 500")
