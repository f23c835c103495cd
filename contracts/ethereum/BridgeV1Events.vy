# pragma version ~=0.4.3
# SPDX-License-Identifier: Apache-2.0
"""
@title BridgeV1Events
@notice Test fixture that emits the v1 bridge lock event
        TokensLockedEvent(address from, address token, uint256 amount,
        string recipient, uint256 blocktime)
        (topic0 0x943004f24b74daf8f1b3184c2703c86aa64f95fc624bab58e578754f7bf8ab6b)
        through the v1 entry points, so a v1 event decoder can be tested on a
        real EVM. It moves no tokens: `amount` is logged as given (callers pass
        an already-normalised 8-decimal amount) and ETH sent to it stays here.
"""

MAX_RECIPIENT: constant(uint256) = 128
MAX_COUNT: constant(uint256) = 64

event TokensLockedEvent:
    sender: address
    token: address
    amount: uint256
    recipient: String[MAX_RECIPIENT]
    blocktime: uint256


@internal
def _emit(token: address, amount: uint256, recipient: String[MAX_RECIPIENT]):
    log TokensLockedEvent(sender=msg.sender, token=token, amount=amount, recipient=recipient, blocktime=block.timestamp * 1000)


@external
def transferTokens(token: address, amount: uint256, recipient: String[MAX_RECIPIENT]):
    self._emit(token, amount, recipient)


@external
@payable
def wrapAndTransferETH(recipient: String[MAX_RECIPIENT]):
    self._emit(empty(address), msg.value // 10 ** 10, recipient)


@external
def transferTokensMany(token: address, amount: uint256, recipient: String[MAX_RECIPIENT], count: uint256):
    # `count` lock events in one transaction: same tx hash, distinct log indexes.
    assert count > 0 and count <= MAX_COUNT, "count out of range"
    for i: uint256 in range(count, bound=MAX_COUNT):
        self._emit(token, amount, recipient)
