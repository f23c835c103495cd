// SPDX-License-Identifier: Apache-2.0
import Primitives

/// Quorum-signed admin actions (validator and token management, pause), bridge-contracts.md §2.4.
///
/// Each successful admin call bumps the contract's shared nonce (starting at 1), so a signature set
/// is good for exactly one action.
public struct AdminActionMessage: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        /// add/remove validator or token: the address (Koinos 25 bytes or Ethereum 20 bytes).
        case address([UInt8])
        /// set_pause: the new paused flag.
        case pause(Bool)
    }

    public var profile: ContractProfile
    public var action: BridgeAction
    public var target: Target
    public var nonce: UInt64
    /// Koinos contract id (25 bytes) or Ethereum bridge address (20 bytes).
    public var contract: [UInt8]
    public var expiration: UInt64
    /// v2 only: the chain id appended to every admin digest.
    public var chain: UInt32
    /// v2 Ethereum `addSupported(Wrapped)Token` only: the per-token fee inserted after the token.
    public var fee: UInt64?

    /// - Parameters: the action's fields; `chain` and `fee` matter only for v2.
    public init(
        profile: ContractProfile, action: BridgeAction, target: Target, nonce: UInt64, contract: [UInt8],
        expiration: UInt64, chain: UInt32 = 0, fee: UInt64? = nil
    ) {
        self.profile = profile
        self.action = action
        self.target = target
        self.nonce = nonce
        self.contract = contract
        self.expiration = expiration
        self.chain = chain
        self.fee = fee
    }

    /// Koinos `add_remove_action_hash` / `set_pause_action_hash` proto3 bytes (sha256 is signed).
    public func koinosEncoded() -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.uint64(1, action.rawValue)
        switch target {
        case .address(let address): w.bytes(2, address)
        case .pause(let paused): w.bool(2, paused)
        }
        w.uint64(3, nonce)
        w.bytes(4, contract)
        w.uint64(5, expiration)
        if profile == .v2 { w.uint64(6, UInt64(chain)) }
        return w.bytes
    }

    /// Ethereum packed bytes (keccak256 then EIP-191 is signed).
    public func ethereumPacked() -> [UInt8] {
        var p = PackedEncoder()
        p.uint256(action.rawValue)
        switch target {
        case .address(let address): p.raw(address)
        case .pause(let paused): p.bool(paused)
        }
        if profile == .v2, let fee { p.uint256(fee) }
        p.uint256(nonce)
        p.raw(contract)
        p.uint256(expiration)
        if profile == .v2 { p.uint32(chain) }
        return p.bytes
    }
}
