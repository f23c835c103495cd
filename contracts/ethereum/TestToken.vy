# pragma version ~=0.4.3
# SPDX-License-Identifier: Apache-2.0
"""
@title TestToken
@notice ERC-20 with configurable decimals for tests and devnets. The deployer
        (owner) mints and may grant minting to other addresses, e.g. to the
        bridge when the token plays a bridged (wrapped) token. Holders can
        burn their own balance. Never deploy it anywhere real.
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

event MinterSet:
    minter: indexed(address)
    allowed: bool

name: public(String[32])
symbol: public(String[16])
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
owner: public(address)
isMinter: public(HashMap[address, bool])


@deploy
def __init__(tokenName: String[32], tokenSymbol: String[16], tokenDecimals: uint8):
    self.name = tokenName
    self.symbol = tokenSymbol
    self.decimals = tokenDecimals
    self.owner = msg.sender
    self.isMinter[msg.sender] = True


@external
def setMinter(minter: address, allowed: bool):
    assert msg.sender == self.owner, "only owner"
    self.isMinter[minter] = allowed
    log MinterSet(minter=minter, allowed=allowed)


@external
def mint(receiver: address, amount: uint256):
    assert self.isMinter[msg.sender], "not a minter"
    assert receiver != empty(address), "zero receiver"
    self.totalSupply += amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=empty(address), receiver=receiver, value=amount)


@external
def burn(amount: uint256):
    self.balanceOf[msg.sender] -= amount
    self.totalSupply -= amount
    log Transfer(sender=msg.sender, receiver=empty(address), value=amount)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=msg.sender, receiver=receiver, value=amount)
    return True


@external
def transferFrom(holder: address, receiver: address, amount: uint256) -> bool:
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
