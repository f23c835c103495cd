# pragma version ~=0.4.3
# SPDX-License-Identifier: Apache-2.0
"""
@title LockBatcher
@notice Makes several bridge locks in ONE transaction (same tx hash, distinct
        log indexes), the way a contract wallet or aggregator would: it pulls
        the tokens (or takes the ETH) from the caller and calls the bridge's
        transferTokens / wrapAndTransferETH `count` times. The lock events
        therefore name this contract as `from`. Test helper.
"""

from ethereum.ercs import IERC20

MAX_NAME: constant(uint256) = 128
MAX_METADATA: constant(uint256) = 512
MAX_COUNT: constant(uint256) = 64


interface Bridge:
    def transferTokens(token: address, amount: uint256, payment: uint256, relayer: String[MAX_NAME], recipient: String[MAX_NAME], metadata: String[MAX_METADATA], toChain: uint32): nonpayable
    def wrapAndTransferETH(payment: uint256, relayer: String[MAX_NAME], recipient: String[MAX_NAME], metadata: String[MAX_METADATA], toChain: uint32): payable


@external
@payable
def __default__():
    # dust refunds from the bridge land here and are forwarded by lockETHMany
    pass


@external
def lockTokensMany(bridge: address, token: address, amount: uint256, payment: uint256, relayer: String[MAX_NAME], recipients: DynArray[String[MAX_NAME], MAX_COUNT], metadata: String[MAX_METADATA], toChain: uint32):
    # one lock of `amount` per recipient, all in this transaction
    count: uint256 = len(recipients)
    assert count > 0, "no recipients"
    total: uint256 = amount * count
    assert extcall IERC20(token).transferFrom(msg.sender, self, total, default_return_value=True), "transferFrom failed"
    assert extcall IERC20(token).approve(bridge, total, default_return_value=True), "approve failed"
    for recipient: String[MAX_NAME] in recipients:
        extcall Bridge(bridge).transferTokens(token, amount, payment, relayer, recipient, metadata, toChain)
    left: uint256 = staticcall IERC20(token).balanceOf(self)
    if left > 0:
        assert extcall IERC20(token).transfer(msg.sender, left, default_return_value=True), "refund failed"


@external
@payable
def lockETHMany(bridge: address, payment: uint256, relayer: String[MAX_NAME], recipients: DynArray[String[MAX_NAME], MAX_COUNT], metadata: String[MAX_METADATA], toChain: uint32):
    # msg.value is split evenly over one lock per recipient; what is left comes back
    count: uint256 = len(recipients)
    assert count > 0, "no recipients"
    each: uint256 = msg.value // count
    for recipient: String[MAX_NAME] in recipients:
        extcall Bridge(bridge).wrapAndTransferETH(payment, relayer, recipient, metadata, toChain, value=each)
    if self.balance > 0:
        raw_call(msg.sender, b"", value=self.balance)
