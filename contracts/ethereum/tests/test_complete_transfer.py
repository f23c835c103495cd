# SPDX-License-Identifier: Apache-2.0
"""completeTransfer: quorum of real EIP-191 signatures accepted; every bad case reverts."""
import bridge_digests as bd
import pytest
from contract_env import BRIDGE_CHAIN_ID, REVERTED
from web3.logs import DISCARD

TX_ID = bytes.fromhex("1220" + "ab" * 32)  # a Koinos transaction id (34-byte multihash)


def _transfer(env, token, value=10**8, payment=0, op=1, relayer=None, recipient=None, expiration=None,
              metadata=""):
    return dict(txId=TX_ID, operationId=op, token=token.address if hasattr(token, "address") else token,
                relayer=relayer or env.accounts[3], recipient=recipient or env.accounts[4],
                value=value, payment=payment, metadata=metadata,
                expiration=expiration if expiration is not None else env.later())


def _digest(env, t):
    return bd.complete_transfer_digest(t["txId"], t["operationId"], t["token"], t["relayer"], t["recipient"],
                                       t["value"], t["payment"], t["metadata"], env.bridge.address,
                                       t["expiration"], BRIDGE_CHAIN_ID)


def _complete(env, t, sigs, sender=None):
    fn = env.bridge.functions.completeTransfer(t["txId"], t["operationId"], t["token"], t["relayer"],
                                               t["recipient"], t["value"], t["payment"], sigs,
                                               t["metadata"], t["expiration"])
    return env.transact(fn, sender=sender or t["recipient"])


def _fund_bridge(env, token, amount):
    token.functions.transfer(env.bridge.address, amount).transact({"from": env.accounts[0]})


def test_quorum_is_five_of_seven(env):
    assert env.bridge.functions.quorum().call() == bd.quorum(7) == 5


def test_quorum_of_signatures_pays_native_token_and_relayer(env):
    _fund_bridge(env, env.token, 10**19)
    t = _transfer(env, env.token, value=2 * 10**8, payment=10**7, metadata="hi")
    r = _complete(env, t, env.sign_all(_digest(env, t), env.validator_keys[2:7]), sender=t["relayer"])
    assert env.token.functions.balanceOf(t["recipient"]).call() == 19 * 10**17
    assert env.token.functions.balanceOf(t["relayer"]).call() == 10**17
    (ev,) = env.bridge.events.TransferCompletedEvent().process_receipt(r, errors=DISCARD)
    assert (ev["args"]["txId"], ev["args"]["operationId"]) == (TX_ID, 1)
    assert env.bridge.functions.isTransferCompleted(bd.completed_key(TX_ID, 1)).call()


def test_wallet_signed_messages_are_accepted(env):
    # validators signing keccak(packed) as an EIP-191 message with eth_account
    t = _transfer(env, env.wrapped, value=55)
    inner = bd.keccak(bd.complete_transfer_packed(
        t["txId"], t["operationId"], t["token"], t["relayer"], t["recipient"], t["value"], t["payment"],
        t["metadata"], env.bridge.address, t["expiration"], BRIDGE_CHAIN_ID))
    _complete(env, t, [bd.sign_inner(inner, k) for k in env.validator_keys[1:6]])
    assert env.wrapped.functions.balanceOf(t["recipient"]).call() == 55


def test_wrapped_token_is_minted(env):
    t = _transfer(env, env.wrapped, value=777)
    _complete(env, t, env.sign_all(_digest(env, t)))
    assert env.wrapped.functions.balanceOf(t["recipient"]).call() == 777


def test_weth_is_paid_out_as_eth(env):
    env.transact(env.bridge.functions.wrapAndTransferETH(0, "", "1R", "", 1), value=10**18)
    t = _transfer(env, env.weth, value=5 * 10**7)
    before = env.w3.eth.get_balance(t["recipient"])
    _complete(env, t, env.sign_all(_digest(env, t)), sender=t["relayer"])
    assert env.w3.eth.get_balance(t["recipient"]) - before == 5 * 10**17


@pytest.mark.parametrize("case", ["below_quorum", "duplicate", "non_validator", "tampered", "short_sig"])
def test_bad_signature_sets_revert(env, case):
    t = _transfer(env, env.wrapped)
    digest = _digest(env, t)
    sigs = env.sign_all(digest, env.validator_keys[:5])
    if case == "below_quorum":
        sigs = sigs[:4]
    elif case == "duplicate":
        sigs = sigs[:4] + [sigs[0]]
    elif case == "non_validator":
        sigs = sigs[:4] + [bd.sign(digest, "0x" + "42" * 32)]
    elif case == "tampered":
        t = dict(t, value=t["value"] + 1)
    elif case == "short_sig":
        sigs = sigs[:4] + [sigs[4][:64]]
    with pytest.raises(REVERTED, match="quorum not met|duplicate signature|invalid signatures"):
        _complete(env, t, sigs)
    assert env.wrapped.functions.balanceOf(t["recipient"]).call() == 0


def test_extra_valid_signatures_are_accepted(env):
    t = _transfer(env, env.wrapped)
    _complete(env, t, env.sign_all(_digest(env, t)))  # all 7 of 7
    assert env.wrapped.functions.balanceOf(t["recipient"]).call() == t["value"]


def test_expired_signatures_revert(env):
    t = _transfer(env, env.wrapped, expiration=env.now_ms() - 1)
    with pytest.raises(REVERTED, match="expired signatures"):
        _complete(env, t, env.sign_all(_digest(env, t)))


def test_replay_reverts_but_other_operation_id_passes(env):
    t = _transfer(env, env.wrapped)
    sigs = env.sign_all(_digest(env, t))
    _complete(env, t, sigs)
    with pytest.raises(REVERTED, match="already completed"):
        _complete(env, t, sigs)
    t2 = dict(t, operationId=2)
    _complete(env, t2, env.sign_all(_digest(env, t2)))
    assert env.wrapped.functions.balanceOf(t["recipient"]).call() == 2 * t["value"]


def test_sender_must_be_relayer_or_recipient(env):
    t = _transfer(env, env.wrapped)
    with pytest.raises(REVERTED, match="sender must be relayer or recipient"):
        _complete(env, t, env.sign_all(_digest(env, t)), sender=env.accounts[5])


def test_unsupported_token_reverts(env):
    t = _transfer(env, env.batcher.address)
    with pytest.raises(REVERTED, match="not supported"):
        _complete(env, t, env.sign_all(_digest(env, t)))


def test_v_of_0_or_1_and_utf8_metadata(env):
    t = _transfer(env, env.wrapped, value=9, metadata="héllo ✓ {\"k\":1}")
    sigs = [s[:64] + bytes([s[64] - 27]) for s in env.sign_all(_digest(env, t), env.validator_keys[:5])]
    _complete(env, t, sigs)
    assert env.wrapped.functions.balanceOf(t["recipient"]).call() == 9


def test_signatures_for_another_bridge_chain_id_are_rejected(env):
    t = _transfer(env, env.wrapped)
    wrong = bd.complete_transfer_digest(t["txId"], t["operationId"], t["token"], t["relayer"], t["recipient"],
                                        t["value"], t["payment"], t["metadata"], env.bridge.address,
                                        t["expiration"], BRIDGE_CHAIN_ID + 1)
    with pytest.raises(REVERTED, match="invalid signatures"):
        _complete(env, t, env.sign_all(wrong))
