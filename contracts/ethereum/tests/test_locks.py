# SPDX-License-Identifier: Apache-2.0
"""Lock functions: v2 event contents, 8-decimal normalisation, WETH wrapping, batching."""
import pytest
from contract_env import REVERTED, lock_events


def test_erc20_lock_event_fields_and_blocktime(env):
    a = env.accounts[1]
    r = env.transact(env.bridge.functions.transferTokens(
        env.token.address, 3 * 10**18, 10**17, "1Relayer", "1Recipient", "memo", 7), sender=a)
    (ev,) = lock_events(env, r)
    block = env.w3.eth.get_block(r["blockNumber"])
    assert dict(ev["args"]) == {
        "sender": a, "token": env.token.address, "amount": 3 * 10**8, "payment": 10**7,
        "relayer": "1Relayer", "recipient": "1Recipient", "metadata": "memo",
        "blocktime": block["timestamp"] * 1000, "chain": 7}


def test_dust_is_not_taken(env):
    a = env.accounts[1]
    before = env.token.functions.balanceOf(a).call()
    amount = 12345678912345678912  # 12.345678912345678912 tokens, 18 decimals
    r = env.transact(env.bridge.functions.transferTokens(env.token.address, amount, 0, "", "1R", "", 1), sender=a)
    (ev,) = lock_events(env, r)
    assert ev["args"]["amount"] == 1234567891
    taken = before - env.token.functions.balanceOf(a).call()
    assert taken == 1234567891 * 10**10
    assert env.token.functions.balanceOf(env.bridge.address).call() == taken


def test_six_decimal_token_is_not_scaled(env):
    r = env.transact(env.bridge.functions.transferTokens(env.token6.address, 1_500_000, 0, "", "1R", "", 1))
    assert lock_events(env, r)[0]["args"]["amount"] == 1_500_000


def test_wrapped_token_lock_burns(env):
    supply = env.wrapped.functions.totalSupply().call()
    r = env.transact(env.bridge.functions.transferTokens(env.wrapped.address, 250, 0, "", "1R", "", 1))
    assert lock_events(env, r)[0]["args"]["amount"] == 250
    assert env.wrapped.functions.totalSupply().call() == supply - 250
    assert env.wrapped.functions.balanceOf(env.bridge.address).call() == 0


def test_amount_below_one_unit_reverts(env):
    with pytest.raises(REVERTED, match="amount too small"):
        env.transact(env.bridge.functions.transferTokens(env.token.address, 10**10 - 1, 0, "", "1R", "", 1))


def test_payment_above_amount_reverts(env):
    with pytest.raises(REVERTED, match="payment exceeds amount"):
        env.transact(env.bridge.functions.transferTokens(env.token.address, 10**18, 2 * 10**18, "", "1R", "", 1))


def test_unsupported_token_reverts(env):
    with pytest.raises(REVERTED, match="not supported"):
        env.transact(env.bridge.functions.transferTokens(env.batcher.address, 10**18, 0, "", "1R", "", 1))


def test_wrap_and_transfer_eth_refunds_dust(env):
    a = env.accounts[2]
    value = 10**18 + 12345  # dust below 1e-8 ETH
    r = env.transact(env.bridge.functions.wrapAndTransferETH(10**16, "", "1R", "m", 3), sender=a, value=value)
    (ev,) = lock_events(env, r)
    assert (ev["args"]["token"], ev["args"]["amount"], ev["args"]["payment"]) == (env.weth.address, 10**8, 10**6)
    assert env.weth.functions.balanceOf(env.bridge.address).call() == 10**18
    assert env.w3.eth.get_balance(env.bridge.address) == 0


def test_batcher_puts_two_locks_in_one_transaction(env):
    r = env.transact(env.batcher.functions.lockTokensMany(
        env.bridge.address, env.token.address, 10**18, 0, "", ["1R", "not base58 0OIl"], "", 1),
        sender=env.accounts[1])
    evs = lock_events(env, r)
    assert [e["args"]["recipient"] for e in evs] == ["1R", "not base58 0OIl"]
    assert evs[0]["transactionHash"] == evs[1]["transactionHash"]
    assert evs[0]["logIndex"] != evs[1]["logIndex"]
    assert all(e["args"]["sender"] == env.batcher.address for e in evs)


def test_batcher_eth_locks(env):
    r = env.transact(env.batcher.functions.lockETHMany(env.bridge.address, 0, "", ["1R"] * 3, "", 1),
                     value=3 * 10**17)
    evs = lock_events(env, r)
    assert [e["args"]["amount"] for e in evs] == [10**7] * 3
    assert len({e["logIndex"] for e in evs}) == 3
