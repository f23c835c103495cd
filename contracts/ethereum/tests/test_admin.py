# SPDX-License-Identifier: Apache-2.0
"""Quorum-signed admin actions with the shared nonce (starts at 1) and expiration."""
import bridge_digests as bd
import pytest
from contract_env import BRIDGE_CHAIN_ID, REVERTED, _address

NEW_KEY = "0x" + "99" * 32


def _pause(env, pause: bool, keys=None, expiration=None):
    expiration = expiration or env.later()
    digest = bd.pause_digest(pause, env.bridge.functions.nonce().call(), env.bridge.address, expiration,
                             BRIDGE_CHAIN_ID)
    sigs = env.sign_all(digest, keys or env.validator_keys[:5])
    fn = env.bridge.functions.pause if pause else env.bridge.functions.unpause
    return env.transact(fn(sigs, expiration))


def test_initial_state(deployed, artifacts):
    # nonce starts at 1 and the fixture's 3 token additions consumed 3 nonces
    assert deployed.bridge.functions.getValidatorsLength().call() == 7
    assert deployed.bridge.functions.chainId().call() == BRIDGE_CHAIN_ID
    assert deployed.bridge.functions.isSupportedToken(deployed.weth.address).call()


def test_add_validator_changes_quorum_and_nonce(env):
    nonce = env.bridge.functions.nonce().call()
    new = _address(NEW_KEY)
    env.admin("addValidator", bd.ADD_VALIDATOR, new)
    assert env.bridge.functions.nonce().call() == nonce + 1
    assert env.bridge.functions.isValidator(new).call()
    assert env.bridge.functions.getValidatorsLength().call() == 8
    assert env.bridge.functions.quorum().call() == bd.quorum(8) == 5


def test_signatures_for_an_old_nonce_are_rejected(env):
    new = _address(NEW_KEY)
    exp = env.later()
    old = bd.admin_digest(bd.ADD_VALIDATOR, new, env.bridge.functions.nonce().call(), env.bridge.address,
                          exp, BRIDGE_CHAIN_ID)
    env.admin("addSupportedToken", bd.ADD_SUPPORTED_TOKEN, env.v1.address)  # consumes the nonce
    with pytest.raises(REVERTED, match="invalid signatures"):
        env.transact(env.bridge.functions.addValidator(env.sign_all(old), new, exp))


def test_wrong_chain_id_in_digest_is_rejected(env):
    new = _address(NEW_KEY)
    exp = env.later()
    digest = bd.admin_digest(bd.ADD_VALIDATOR, new, env.bridge.functions.nonce().call(), env.bridge.address,
                             exp, BRIDGE_CHAIN_ID + 1)
    with pytest.raises(REVERTED, match="invalid signatures"):
        env.transact(env.bridge.functions.addValidator(env.sign_all(digest), new, exp))


def test_remove_validator_then_its_signature_is_invalid(env):
    gone = env.validators[0]
    env.admin("removeValidator", bd.REMOVE_VALIDATOR, gone)
    assert not env.bridge.functions.isValidator(gone).call()
    assert gone not in [env.bridge.functions.validators(i).call() for i in range(6)]
    with pytest.raises(REVERTED, match="invalid signatures"):
        env.admin("addValidator", bd.ADD_VALIDATOR, _address(NEW_KEY), keys=env.validator_keys[:5])


def test_admin_below_quorum_and_expired_revert(env):
    with pytest.raises(REVERTED, match="quorum not met"):
        env.admin("addValidator", bd.ADD_VALIDATOR, _address(NEW_KEY), keys=env.validator_keys[:4])
    with pytest.raises(REVERTED, match="expired signatures"):
        env.admin("addValidator", bd.ADD_VALIDATOR, _address(NEW_KEY), expiration=env.now_ms() - 1)


def test_pause_blocks_locks_until_unpause(env):
    nonce = env.bridge.functions.nonce().call()
    _pause(env, True)
    assert env.bridge.functions.paused().call()
    with pytest.raises(REVERTED, match="paused"):
        env.transact(env.bridge.functions.transferTokens(env.token.address, 10**18, 0, "", "1R", "", 1))
    _pause(env, False)
    assert not env.bridge.functions.paused().call()
    assert env.bridge.functions.nonce().call() == nonce + 2
    env.transact(env.bridge.functions.transferTokens(env.token.address, 10**18, 0, "", "1R", "", 1))


def test_remove_supported_token(env):
    env.admin("removeSupportedToken", bd.REMOVE_SUPPORTED_TOKEN, env.token.address)
    with pytest.raises(REVERTED, match="not supported"):
        env.transact(env.bridge.functions.transferTokens(env.token.address, 10**18, 0, "", "1R", "", 1))


def test_constructor_token_lists(artifacts, env):
    from contract_env import _deploy

    w3 = env.w3
    b = _deploy(w3, artifacts["Bridge"], env.validators, env.weth.address, 9,
                [env.token.address], [env.wrapped.address])
    assert b.functions.isSupportedToken(env.token.address).call()
    assert b.functions.isSupportedWrappedToken(env.wrapped.address).call()
    assert not b.functions.isSupportedToken(env.wrapped.address).call()
    assert b.functions.nonce().call() == 1 and b.functions.chainId().call() == 9
