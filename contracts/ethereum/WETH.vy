# pragma version ~=0.4.3
# SPDX-License-Identifier: Apache-2.0
"""
@title WETH
@notice Minimal WETH9: ETH in through deposit() or a plain transfer, out
        through withdraw(); an 18-decimal ERC-20 in between.
"""

from ethereum.ercs import IERC20

implements: IERC20

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event Deposit:
    holder: indexed(address)
    wad: uint256

event Withdrawal:
    holder: indexed(address)
    wad: uint256

name: public(constant(String[32])) = "Wrapped Ether"
symbol: public(constant(String[8])) = "WETH"
decimals: public(constant(uint8)) = 18
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@external
@view
def totalSupply() -> uint256:
    return self.balance


@internal
def _deposit(holder: address, wad: uint256):
    self.balanceOf[holder] += wad
    log Deposit(holder=holder, wad=wad)


@external
@payable
def __default__():
    self._deposit(msg.sender, msg.value)


@external
@payable
def deposit():
    self._deposit(msg.sender, msg.value)


@external
@nonreentrant
def withdraw(wad: uint256):
    self.balanceOf[msg.sender] -= wad
    log Withdrawal(holder=msg.sender, wad=wad)
    raw_call(msg.sender, b"", value=wad)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=msg.sender, receiver=receiver, value=amount)
    return True


@external
def transferFrom(holder: address, receiver: address, amount: uint256) -> bool:
    if holder != msg.sender and self.allowance[holder][msg.sender] != max_value(uint256):
        self.allowance[holder][msg.sender] -= amount
    self.balanceOf[holder] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=holder, receiver=receiver, value=amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True
