// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Primitives

/// Kinds of bridge protocol messages (the envelope's `kind` field).
public enum BridgeMessageKind: UInt64, Sendable, Hashable, CaseIterable {
    case heartbeat = 1
    case signedObservationBatch = 2
    case observationRequest = 3
    case attestations = 4
    case catchUpRequest = 5
    /// Koinos → Ethereum signatures (BridgeMessage+KoinosSignatures.swift).
    case koinosSignatures = 6
    /// A request, over the catch-up stream, for the responder's own Koinos → Ethereum signatures
    /// of some digests (BridgeMessage+KoinosSignatureRequest.swift).
    case koinosSignatureRequest = 7
    /// Admin-action proposals (BridgeMessage+Admin.swift); numbered apart from transfer kinds.
    case adminProposal = 16
}

/// A decoded bridge protocol message body (protocol version 1).
///
/// Wire layout (hand-written protobuf):
/// - `Heartbeat { 1: peer_id string, 2: software_version string, 3: eth_cursor uint64 }`
/// - `SignedObservationBatch { repeated 1: Item { 1: ObservationId, 2: digest, 3: profile (1 = v1, 2 = v2), 4: signature } }`
/// - `ObservationRequest { repeated 1: ObservationId }`
/// - `Attestations { repeated 1: Set { 1: ObservationId, 2: profile, 3: digest, repeated 4: { 1: validator, 2: signature } } }`
/// - `CatchUpRequest { 1: since_ms uint64, 2: limit uint64, 3: nonce bytes, 4: responder_peer_id string }`
///   (3 and 4 were added compatibly: a node that predates them skips them and answers as before;
///   a current node refuses a request without them, see `BridgeGossipEndpoint.answerCatchUp`)
/// - `ObservationId { 1: chain_id uint64, 2: tx_hash bytes, 3: log_index uint64 }`
/// The validator address and timestamp live in the envelope (`BridgeEnvelope`).
public enum BridgeMessage: Sendable, Hashable {
    case heartbeat(peerID: String, softwareVersion: String, ethereumCursor: UInt64)
    /// Items signed by the envelope's validator; `signature.validator` is that validator.
    case signedObservationBatch([SignedObservation])
    case observationRequest([ObservationID])
    case attestations([SignatureSet])
    /// Signed for one responder (its peer id) with a fresh nonce; the envelope timestamp dates it.
    case catchUpRequest(sinceMilliseconds: UInt64, limit: UInt64, nonce: [UInt8] = [], responder: String = "")
    /// An admin-action proposal with the signatures its sender holds (BridgeMessage+Admin.swift).
    case adminProposal(SignedAdminProposal)
    /// Koinos → Ethereum signatures made by the envelope's validator key (BridgeMessage+KoinosSignatures.swift).
    case koinosSignatures([GossipedKoinosSignature])
    /// Signed for one responder with a fresh nonce: its own signatures of `digests`, please.
    case koinosSignatureRequest(digests: [[UInt8]], nonce: [UInt8], responder: String)

    public var kind: BridgeMessageKind {
        switch self {
        case .heartbeat: .heartbeat
        case .signedObservationBatch: .signedObservationBatch
        case .observationRequest: .observationRequest
        case .attestations: .attestations
        case .catchUpRequest: .catchUpRequest
        case .adminProposal: .adminProposal
        case .koinosSignatures: .koinosSignatures
        case .koinosSignatureRequest: .koinosSignatureRequest
        }
    }

    /// The protobuf body.
    public func encoded() -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        switch self {
        case .heartbeat(let peerID, let version, let cursor):
            w.string(1, peerID)
            w.string(2, version)
            w.uint64(3, cursor)
        case .signedObservationBatch(let items):
            for item in items {
                var i = ProtobufWriter(defaultValues: .omitted)
                i.bytes(1, Self.encode(item.observationID))
                i.bytes(2, item.digest)
                i.uint64(3, Self.profileNumber(item.profile))
                i.bytes(4, item.signature.signature)
                w.bytes(1, i.bytes)
            }
        case .observationRequest(let ids):
            for id in ids { w.bytes(1, Self.encode(id)) }
        case .attestations(let sets):
            for set in sets {
                var s = ProtobufWriter(defaultValues: .omitted)
                s.bytes(1, Self.encode(set.observationID))
                s.uint64(2, Self.profileNumber(set.profile))
                s.bytes(3, set.digest)
                for signature in set.signatures {
                    var v = ProtobufWriter(defaultValues: .omitted)
                    v.bytes(1, signature.validator)
                    v.bytes(2, signature.signature)
                    s.bytes(4, v.bytes)
                }
                w.bytes(1, s.bytes)
            }
        case .catchUpRequest(let since, let limit, let nonce, let responder):
            w.uint64(1, since)
            w.uint64(2, limit)
            if !nonce.isEmpty { w.bytes(3, nonce) }
            if !responder.isEmpty { w.string(4, responder) }
        case .adminProposal(let gossip):
            return gossip.wireEncoded()
        case .koinosSignatures(let items):
            return KoinosSignatureWire.encode(items)
        case .koinosSignatureRequest(let digests, let nonce, let responder):
            return KoinosSignatureRequestWire.encode(digests: digests, nonce: nonce, responder: responder)
        }
        return w.bytes
    }

    static func profileNumber(_ profile: ContractProfile) -> UInt64 {
        switch profile {
        case .v1: 1
        case .v2: 2
        }
    }

    static func profile(_ number: UInt64) throws -> ContractProfile {
        switch number {
        case 1: return .v1
        case 2: return .v2
        default: throw BridgeGossipError.invalidField("profile")
        }
    }

    static func encode(_ id: ObservationID) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        w.uint64(1, id.chainID)
        w.bytes(2, id.transactionHash)
        w.uint64(3, UInt64(id.logIndex))
        return w.bytes
    }
}
