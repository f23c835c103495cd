// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Primitives

/// An admin-action proposal as gossiped (kind 16): the decoded fields, the digest the sender
/// claims for them, the proposer and the signatures the sender holds.
///
/// Wire layout (hand-written protobuf):
/// `AdminProposal { 1: profile (1 = v1, 2 = v2), 2: action uint64, 3: address bytes (address actions),
/// 4: paused bool, 5: nonce, 6: contract bytes, 7: expiration_ms, 8: chain uint32, 9: digest bytes,
/// 10: target kind (1 = address, 2 = pause), 11: proposer bytes, 12: proposed_at_ms,
/// repeated 13: { 1: validator bytes, 2: signature bytes }, 14: contract chain (absent/1 = Koinos, 2 = Ethereum) }`.
/// Addresses are 25 bytes (Koinos) or 20 (Ethereum) by field 14.
/// The receiver never trusts field 9: `AdminProposalPool` recomputes it from the other fields.
extension SignedAdminProposal {
    /// Signatures one message may carry (a validator set is far smaller).
    public static let maxWireSignatures = 128

    public func wireEncoded() -> [UInt8] {
        let message = proposal.message
        var w = ProtobufWriter(defaultValues: .omitted)
        w.uint64(1, BridgeMessage.profileNumber(message.profile))
        w.uint64(2, message.action.rawValue)
        switch message.target {
        case .address(let address):
            w.bytes(3, address)
            w.uint64(10, 1)
        case .pause(let paused):
            w.bool(4, paused)
            w.uint64(10, 2)
        }
        w.uint64(5, message.nonce)
        w.bytes(6, message.contract)
        w.uint64(7, message.expiration)
        w.uint64(8, UInt64(message.chain))
        w.bytes(9, proposal.digest)
        w.bytes(11, proposal.proposer)
        w.uint64(12, proposal.proposedAtMilliseconds)
        for signature in signatures {
            var s = ProtobufWriter(defaultValues: .omitted)
            s.bytes(1, signature.validator)
            s.bytes(2, signature.signature)
            w.bytes(13, s.bytes)
        }
        if proposal.chain == .ethereum { w.uint64(14, 2) }
        return w.bytes
    }

    /// Throws on malformed bytes, unknown action ids or fields of the wrong size.
    public init(wireDecoding body: [UInt8]) throws {
        var profile: ContractProfile?, action: UInt64 = 0, address: [UInt8] = [], paused = false, targetKind: UInt64 = 0
        var nonce: UInt64 = 0, contract: [UInt8] = [], expiration: UInt64 = 0, chain: UInt64 = 0, digest: [UInt8] = []
        var proposer: [UInt8] = [], proposedAt: UInt64 = 0, signatures: [ValidatorSignature] = [], chainKind: UInt64 = 1
        try BridgeWireReader.forEachField(in: body) { field, type, r in
            switch (field, type) {
            case (1, 0): profile = try BridgeMessage.profile(r.varint())
            case (2, 0): action = try r.varint()
            case (3, 2): address = try r.lengthDelimited()
            case (4, 0): paused = try r.varint() != 0
            case (5, 0): nonce = try r.varint()
            case (6, 2): contract = try r.lengthDelimited()
            case (7, 0): expiration = try r.varint()
            case (8, 0): chain = try r.varint()
            case (9, 2): digest = try r.lengthDelimited()
            case (10, 0): targetKind = try r.varint()
            case (11, 2): proposer = try r.lengthDelimited()
            case (12, 0): proposedAt = try r.varint()
            case (13, 2):
                guard signatures.count < Self.maxWireSignatures else { throw BridgeGossipError.invalidField("too many signatures") }
                signatures.append(try Self.decodeSignature(r.lengthDelimited()))
            case (14, 0): chainKind = try r.varint()
            default: return false
            }
            return true
        }
        guard let profile, let bridgeAction = BridgeAction(rawValue: action) else { throw BridgeGossipError.invalidField("admin action") }
        let adminChain: AdminChain
        switch chainKind {
        case 1: adminChain = .koinos
        case 2: adminChain = .ethereum
        default: throw BridgeGossipError.invalidField("admin chain")
        }
        let length = adminChain.addressLength
        let target: AdminActionMessage.Target
        switch targetKind {
        case 1 where address.count == length: target = .address(address)
        case 2: target = .pause(paused)
        default: throw BridgeGossipError.invalidField("admin target")
        }
        guard contract.count == length, digest.count == 32, proposer.count == length, let chainID = UInt32(exactly: chain),
              signatures.allSatisfy({ $0.validator.count == length })
        else {
            throw BridgeGossipError.invalidField("admin proposal")
        }
        let message = AdminActionMessage(
            profile: profile, action: bridgeAction, target: target, nonce: nonce, contract: contract, expiration: expiration, chain: chainID)
        self.init(
            proposal: AdminProposal(message: message, digest: digest, proposer: proposer, proposedAtMilliseconds: proposedAt, chain: adminChain),
            signatures: signatures)
    }

    private static func decodeSignature(_ bytes: [UInt8]) throws -> ValidatorSignature {
        var validator: [UInt8] = [], signature: [UInt8] = []
        try BridgeWireReader.forEachField(in: bytes) { field, type, r in
            switch (field, type) {
            case (1, 2): validator = try r.lengthDelimited()
            case (2, 2): signature = try r.lengthDelimited()
            default: return false
            }
            return true
        }
        guard validator.count == 25 || validator.count == 20, signature.count == 65 else { throw BridgeGossipError.invalidField("admin signature") }
        return ValidatorSignature(validator: validator, signature: signature)
    }
}
