# pragma version ~=0.4.3
# SPDX-License-Identifier: Apache-2.0
"""
@title Koinos bridge, Ethereum side (v2 interface)
@notice Locks ERC-20 tokens or ETH (wrapped to WETH) and emits the v2
        TokensLockedEvent that bridge validators watch; completes transfers
        coming from Koinos when a quorum of validators signed them.
        Admin actions (validators, tokens, pause) are quorum-signed too,
        with one shared nonce; there is no owner.
        Written for tests and devnets: not audited, do not hold value with it.
"""

from ethereum.ercs import IERC20
from ethereum.ercs import IERC20Detailed


interface WETH9:
    def deposit(): payable
    def withdraw(wad: uint256): nonpayable


interface BridgedToken:
    def mint(receiver: address, amount: uint256): nonpayable
    def burn(amount: uint256): nonpayable


MAX_VALIDATORS: constant(uint256) = 64
MAX_SIGNATURES: constant(uint256) = 64
MAX_TXID: constant(uint256) = 64
MAX_NAME: constant(uint256) = 128
MAX_INITIAL_TOKENS: constant(uint256) = 16
MAX_METADATA: constant(uint256) = 512
NORMALIZED_DECIMALS: constant(uint256) = 8

ACTION_ADD_VALIDATOR: constant(uint256) = 1
ACTION_REMOVE_VALIDATOR: constant(uint256) = 2
ACTION_ADD_SUPPORTED_TOKEN: constant(uint256) = 3
ACTION_REMOVE_SUPPORTED_TOKEN: constant(uint256) = 4
ACTION_ADD_SUPPORTED_WRAPPED_TOKEN: constant(uint256) = 5
ACTION_REMOVE_SUPPORTED_WRAPPED_TOKEN: constant(uint256) = 6
ACTION_SET_PAUSE: constant(uint256) = 7
ACTION_COMPLETE_TRANSFER: constant(uint256) = 8

# Vyper cannot name a field `from` (nor a parameter `value`); names do not
# enter topic0 or selectors, only types do.
event TokensLockedEvent:
    sender: address
    token: address
    amount: uint256
    payment: uint256
    relayer: String[MAX_NAME]
    recipient: String[MAX_NAME]
    metadata: String[MAX_METADATA]
    blocktime: uint256
    chain: uint32

event TransferCompletedEvent:
    txId: Bytes[MAX_TXID]
    operationId: uint256

event RequestNewSignaturesEvent:
    txId: Bytes[MAX_TXID]
    blocktime: uint256

event ValidatorAdded:
    validator: indexed(address)

event ValidatorRemoved:
    validator: indexed(address)

event SupportedTokenAdded:
    token: indexed(address)

event SupportedTokenRemoved:
    token: indexed(address)

event SupportedWrappedTokenAdded:
    token: indexed(address)

event SupportedWrappedTokenRemoved:
    token: indexed(address)

event Pause:
    nonce: uint256

event Unpause:
    nonce: uint256


validators: public(DynArray[address, MAX_VALIDATORS])
isValidator: public(HashMap[address, bool])
isSupportedToken: public(HashMap[address, bool])
isSupportedWrappedToken: public(HashMap[address, bool])
isTransferCompleted: public(HashMap[bytes32, bool])
nonce: public(uint256)
paused: public(bool)
WETHAddress: public(address)
chainId: public(uint32)


@deploy
def __init__(initialValidators: DynArray[address, MAX_VALIDATORS], weth: address, bridgeChainId: uint32, initialTokens: DynArray[address, MAX_INITIAL_TOKENS], initialWrappedTokens: DynArray[address, MAX_INITIAL_TOKENS]):
    # initialTokens / initialWrappedTokens: tokens supported from the start, so a
    # devnet can list its test tokens without holding the validators' keys.
    assert len(initialValidators) > 0, "no validators"
    for v: address in initialValidators:
        assert v != empty(address), "zero validator"
        assert not self.isValidator[v], "duplicate validator"
        self.isValidator[v] = True
        self.validators.append(v)
    self.WETHAddress = weth
    self.isSupportedToken[weth] = True
    for t: address in initialTokens:
        self.isSupportedToken[t] = True
    for t: address in initialWrappedTokens:
        assert not self.isSupportedToken[t], "token listed twice"
        self.isSupportedWrappedToken[t] = True
    self.chainId = bridgeChainId
    self.nonce = 1


@external
@payable
def __default__():
    # ETH comes in only when WETH is unwrapped for a payout.
    assert msg.sender == self.WETHAddress, "only WETH sends ETH"


# ---------------------------------------------------------------- views

@external
@view
def getValidatorsLength() -> uint256:
    return len(self.validators)


@external
@view
def quorum() -> uint256:
    return self._quorum(len(self.validators))


# ---------------------------------------------------------------- locks

@external
@nonreentrant
def transferTokens(token: address, amount: uint256, payment: uint256, relayer: String[MAX_NAME], recipient: String[MAX_NAME], metadata: String[MAX_METADATA], toChain: uint32):
    assert not self.paused, "bridge is paused"
    wrapped: bool = self.isSupportedWrappedToken[token]
    assert wrapped or self.isSupportedToken[token], "token is not supported"
    decimals: uint256 = self._decimals(token)
    # Take only the part representable with 8 decimals: dust stays with the sender.
    wanted: uint256 = self._denormalize(self._normalize(amount, decimals), decimals)
    before: uint256 = staticcall IERC20(token).balanceOf(self)
    ok: bool = extcall IERC20(token).transferFrom(msg.sender, self, wanted, default_return_value=True)
    assert ok, "transferFrom failed"
    received: uint256 = staticcall IERC20(token).balanceOf(self) - before
    normalized: uint256 = self._normalize(received, decimals)
    assert normalized > 0, "amount too small"
    normalizedPayment: uint256 = self._normalize(payment, decimals)
    assert normalizedPayment <= normalized, "payment exceeds amount"
    if wrapped:
        extcall BridgedToken(token).burn(received)
    log TokensLockedEvent(sender=msg.sender, token=token, amount=normalized, payment=normalizedPayment, relayer=relayer, recipient=recipient, metadata=metadata, blocktime=block.timestamp * 1000, chain=toChain)


@external
@payable
@nonreentrant
def wrapAndTransferETH(payment: uint256, relayer: String[MAX_NAME], recipient: String[MAX_NAME], metadata: String[MAX_METADATA], toChain: uint32):
    assert not self.paused, "bridge is paused"
    weth: address = self.WETHAddress
    decimals: uint256 = self._decimals(weth)
    normalized: uint256 = self._normalize(msg.value, decimals)
    assert normalized > 0, "amount too small"
    normalizedPayment: uint256 = self._normalize(payment, decimals)
    assert normalizedPayment <= normalized, "payment exceeds amount"
    wrapped: uint256 = self._denormalize(normalized, decimals)
    extcall WETH9(weth).deposit(value=wrapped)
    dust: uint256 = msg.value - wrapped
    if dust > 0:
        raw_call(msg.sender, b"", value=dust)
    log TokensLockedEvent(sender=msg.sender, token=weth, amount=normalized, payment=normalizedPayment, relayer=relayer, recipient=recipient, metadata=metadata, blocktime=block.timestamp * 1000, chain=toChain)


@external
def RequestNewSignatures(txId: Bytes[MAX_TXID]):
    assert not self.paused, "bridge is paused"
    log RequestNewSignaturesEvent(txId=txId, blocktime=block.timestamp * 1000)


# ---------------------------------------------------------------- completion

@external
@nonreentrant
def completeTransfer(txId: Bytes[MAX_TXID], operationId: uint256, token: address, relayer: address, recipient: address, transferValue: uint256, payment: uint256, signatures: DynArray[Bytes[65], MAX_SIGNATURES], metadata: String[MAX_METADATA], expiration: uint256):
    assert not self.paused, "bridge is paused"
    assert expiration >= block.timestamp * 1000, "expired signatures"
    wrapped: bool = self.isSupportedWrappedToken[token]
    assert wrapped or self.isSupportedToken[token], "token is not supported"
    assert msg.sender == relayer or msg.sender == recipient, "sender must be relayer or recipient"
    assert recipient != empty(address), "zero recipient"
    assert payment <= transferValue, "payment exceeds value"
    key: bytes32 = self._eip191(keccak256(concat(txId, convert(operationId, bytes32))))
    assert not self.isTransferCompleted[key], "transfer already completed"
    self.isTransferCompleted[key] = True
    packed: Bytes[900] = concat(
        convert(ACTION_COMPLETE_TRANSFER, bytes32), txId, convert(operationId, bytes32),
        convert(token, bytes20), convert(relayer, bytes20), convert(recipient, bytes20),
        convert(transferValue, bytes32), convert(payment, bytes32), convert(metadata, Bytes[MAX_METADATA]),
        convert(self, bytes20), convert(expiration, bytes32), convert(self.chainId, bytes4))
    self._verify(self._eip191(keccak256(packed)), signatures)
    decimals: uint256 = self._decimals(token)
    fee: uint256 = self._denormalize(payment, decimals)
    amount: uint256 = self._denormalize(transferValue, decimals) - fee
    if wrapped:
        extcall BridgedToken(token).mint(recipient, amount)
        if fee > 0:
            extcall BridgedToken(token).mint(relayer, fee)
    elif token == self.WETHAddress:
        extcall WETH9(token).withdraw(amount + fee)
        raw_call(recipient, b"", value=amount)
        if fee > 0:
            raw_call(relayer, b"", value=fee)
    else:
        assert extcall IERC20(token).transfer(recipient, amount, default_return_value=True), "transfer failed"
        if fee > 0:
            assert extcall IERC20(token).transfer(relayer, fee, default_return_value=True), "transfer failed"
    log TransferCompletedEvent(txId=txId, operationId=operationId)


# ---------------------------------------------------------------- admin (quorum-signed)

@external
def addValidator(signatures: DynArray[Bytes[65], MAX_SIGNATURES], validator: address, expiration: uint256):
    assert validator != empty(address), "zero validator"
    assert not self.isValidator[validator], "validator already exists"
    assert len(self.validators) < MAX_VALIDATORS, "too many validators"
    self._authorize(ACTION_ADD_VALIDATOR, validator, signatures, expiration)
    self.isValidator[validator] = True
    self.validators.append(validator)
    log ValidatorAdded(validator=validator)


@external
def removeValidator(signatures: DynArray[Bytes[65], MAX_SIGNATURES], validator: address, expiration: uint256):
    assert self.isValidator[validator], "validator does not exist"
    assert len(self.validators) > 1, "cannot remove the last validator"
    self._authorize(ACTION_REMOVE_VALIDATOR, validator, signatures, expiration)
    self.isValidator[validator] = False
    last: uint256 = len(self.validators) - 1
    for i: uint256 in range(MAX_VALIDATORS):
        if self.validators[i] == validator:
            self.validators[i] = self.validators[last]
            break
    self.validators.pop()
    log ValidatorRemoved(validator=validator)


@external
def addSupportedToken(signatures: DynArray[Bytes[65], MAX_SIGNATURES], token: address, expiration: uint256):
    assert not self.isSupportedToken[token] and not self.isSupportedWrappedToken[token], "token already supported"
    self._authorize(ACTION_ADD_SUPPORTED_TOKEN, token, signatures, expiration)
    self.isSupportedToken[token] = True
    log SupportedTokenAdded(token=token)


@external
def removeSupportedToken(signatures: DynArray[Bytes[65], MAX_SIGNATURES], token: address, expiration: uint256):
    assert self.isSupportedToken[token], "token not supported"
    self._authorize(ACTION_REMOVE_SUPPORTED_TOKEN, token, signatures, expiration)
    self.isSupportedToken[token] = False
    log SupportedTokenRemoved(token=token)


@external
def addSupportedWrappedToken(signatures: DynArray[Bytes[65], MAX_SIGNATURES], token: address, expiration: uint256):
    assert not self.isSupportedToken[token] and not self.isSupportedWrappedToken[token], "token already supported"
    self._authorize(ACTION_ADD_SUPPORTED_WRAPPED_TOKEN, token, signatures, expiration)
    self.isSupportedWrappedToken[token] = True
    log SupportedWrappedTokenAdded(token=token)


@external
def removeSupportedWrappedToken(signatures: DynArray[Bytes[65], MAX_SIGNATURES], token: address, expiration: uint256):
    assert self.isSupportedWrappedToken[token], "token not supported"
    self._authorize(ACTION_REMOVE_SUPPORTED_WRAPPED_TOKEN, token, signatures, expiration)
    self.isSupportedWrappedToken[token] = False
    log SupportedWrappedTokenRemoved(token=token)


@external
def pause(signatures: DynArray[Bytes[65], MAX_SIGNATURES], expiration: uint256):
    assert not self.paused, "already paused"
    self._authorizePause(True, signatures, expiration)
    self.paused = True
    log Pause(nonce=self.nonce)


@external
def unpause(signatures: DynArray[Bytes[65], MAX_SIGNATURES], expiration: uint256):
    assert self.paused, "not paused"
    self._authorizePause(False, signatures, expiration)
    self.paused = False
    log Unpause(nonce=self.nonce)


# ---------------------------------------------------------------- internals

@internal
@pure
def _quorum(n: uint256) -> uint256:
    return (5 * n + 10) // 9


@internal
@pure
def _eip191(h: bytes32) -> bytes32:
    return keccak256(concat(b"\x19Ethereum Signed Message:\n32", h))


@internal
@view
def _decimals(token: address) -> uint256:
    return convert(staticcall IERC20Detailed(token).decimals(), uint256)


@internal
@pure
def _normalize(amount: uint256, decimals: uint256) -> uint256:
    if decimals > NORMALIZED_DECIMALS:
        return amount // pow_mod256(10, decimals - NORMALIZED_DECIMALS)
    return amount


@internal
@pure
def _denormalize(amount: uint256, decimals: uint256) -> uint256:
    if decimals > NORMALIZED_DECIMALS:
        return amount * pow_mod256(10, decimals - NORMALIZED_DECIMALS)
    return amount


@internal
@view
def _verify(digest: bytes32, signatures: DynArray[Bytes[65], MAX_SIGNATURES]):
    # Every signature must recover to a distinct current validator, and there
    # must be at least Q(N) = floor((5N + 10) / 9) of them.
    assert len(signatures) >= self._quorum(len(self.validators)), "quorum not met"
    seen: DynArray[address, MAX_SIGNATURES] = []
    for sig: Bytes[65] in signatures:
        assert len(sig) == 65, "invalid signatures"
        r: uint256 = extract32(sig, 0, output_type=uint256)
        s: uint256 = extract32(sig, 32, output_type=uint256)
        v: uint256 = convert(slice(sig, 64, 1), uint256)
        if v < 27:
            v += 27
        assert v == 27 or v == 28, "invalid signatures"
        signer: address = ecrecover(digest, v, r, s)
        assert signer != empty(address) and self.isValidator[signer], "invalid signatures"
        assert signer not in seen, "duplicate signature"
        seen.append(signer)


@internal
def _authorize(action: uint256, target: address, signatures: DynArray[Bytes[65], MAX_SIGNATURES], expiration: uint256):
    assert expiration >= block.timestamp * 1000, "expired signatures"
    packed: Bytes[148] = concat(
        convert(action, bytes32), convert(target, bytes20), convert(self.nonce, bytes32),
        convert(self, bytes20), convert(expiration, bytes32), convert(self.chainId, bytes4))
    self._verify(self._eip191(keccak256(packed)), signatures)
    self.nonce += 1


@internal
def _authorizePause(pause: bool, signatures: DynArray[Bytes[65], MAX_SIGNATURES], expiration: uint256):
    assert expiration >= block.timestamp * 1000, "expired signatures"
    flag: Bytes[1] = b"\x00"
    if pause:
        flag = b"\x01"
    packed: Bytes[129] = concat(
        convert(ACTION_SET_PAUSE, bytes32), flag, convert(self.nonce, bytes32),
        convert(self, bytes20), convert(expiration, bytes32), convert(self.chainId, bytes4))
    self._verify(self._eip191(keccak256(packed)), signatures)
    self.nonce += 1
