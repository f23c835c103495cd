// SPDX-License-Identifier: Apache-2.0
import BridgeCore

extension BridgeMessage {
    /// Decodes a body of `kind`; `validator` is the envelope's signer (owner of batch items).
    /// Throws on malformed bytes or fields of the wrong size.
    public static func decode(kind: BridgeMessageKind, body: [UInt8], validator: [UInt8]) throws -> BridgeMessage {
        switch kind {
        case .heartbeat:
            var peer = "", version = "", cursor: UInt64 = 0
            try BridgeWireReader.forEachField(in: body) { field, type, r in
                switch (field, type) {
                case (1, 2): peer = try utf8(r.lengthDelimited())
                case (2, 2): version = try utf8(r.lengthDelimited())
                case (3, 0): cursor = try r.varint()
                default: return false
                }
                return true
            }
            return .heartbeat(peerID: peer, softwareVersion: version, ethereumCursor: cursor)
        case .signedObservationBatch:
            var items: [SignedObservation] = []
            try BridgeWireReader.forEachField(in: body) { field, type, r in
                guard field == 1, type == 2 else { return false }
                items.append(try decodeItem(r.lengthDelimited(), validator: validator))
                return true
            }
            return .signedObservationBatch(items)
        case .observationRequest:
            var ids: [ObservationID] = []
            try BridgeWireReader.forEachField(in: body) { field, type, r in
                guard field == 1, type == 2 else { return false }
                ids.append(try decodeID(r.lengthDelimited()))
                return true
            }
            return .observationRequest(ids)
        case .attestations:
            var sets: [SignatureSet] = []
            try BridgeWireReader.forEachField(in: body) { field, type, r in
                guard field == 1, type == 2 else { return false }
                sets.append(try decodeSet(r.lengthDelimited()))
                return true
            }
            return .attestations(sets)
        case .catchUpRequest:
            var since: UInt64 = 0, limit: UInt64 = 0, nonce: [UInt8] = [], responder = ""
            try BridgeWireReader.forEachField(in: body) { field, type, r in
                switch (field, type) {
                case (1, 0): since = try r.varint()
                case (2, 0): limit = try r.varint()
                case (3, 2): nonce = try r.lengthDelimited()
                case (4, 2): responder = try utf8(r.lengthDelimited())
                default: return false
                }
                return true
            }
            return .catchUpRequest(sinceMilliseconds: since, limit: limit, nonce: nonce, responder: responder)
        case .adminProposal:
            return .adminProposal(try SignedAdminProposal(wireDecoding: body))
        case .koinosSignatures:
            return .koinosSignatures(try KoinosSignatureWire.decode(body, sender: validator))
        case .koinosSignatureRequest:
            return try KoinosSignatureRequestWire.decode(body)
        }
    }

    static func utf8(_ bytes: [UInt8]) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw BridgeGossipError.invalidField("utf8") }
        return text
    }

    static func decodeID(_ bytes: [UInt8]) throws -> ObservationID {
        var chain: UInt64 = 0, hash: [UInt8] = [], index: UInt64 = 0
        try BridgeWireReader.forEachField(in: bytes) { field, type, r in
            switch (field, type) {
            case (1, 0): chain = try r.varint()
            case (2, 2): hash = try r.lengthDelimited()
            case (3, 0): index = try r.varint()
            default: return false
            }
            return true
        }
        guard hash.count == 32, let logIndex = UInt32(exactly: index) else { throw BridgeGossipError.invalidField("observation_id") }
        return ObservationID(chainID: chain, transactionHash: hash, logIndex: logIndex)
    }

    static func decodeItem(_ bytes: [UInt8], validator: [UInt8]) throws -> SignedObservation {
        var id: ObservationID?, digest: [UInt8] = [], profile: ContractProfile?, signature: [UInt8] = []
        try BridgeWireReader.forEachField(in: bytes) { field, type, r in
            switch (field, type) {
            case (1, 2): id = try decodeID(r.lengthDelimited())
            case (2, 2): digest = try r.lengthDelimited()
            case (3, 0): profile = try Self.profile(r.varint())
            case (4, 2): signature = try r.lengthDelimited()
            default: return false
            }
            return true
        }
        guard let id, let profile, digest.count == 32, signature.count == 65 else { throw BridgeGossipError.invalidField("item") }
        return SignedObservation(
            observationID: id, profile: profile, digest: digest, signature: ValidatorSignature(validator: validator, signature: signature))
    }

    static func decodeSet(_ bytes: [UInt8]) throws -> SignatureSet {
        var id: ObservationID?, digest: [UInt8] = [], profile: ContractProfile?, signatures: [ValidatorSignature] = []
        try BridgeWireReader.forEachField(in: bytes) { field, type, r in
            switch (field, type) {
            case (1, 2): id = try decodeID(r.lengthDelimited())
            case (2, 0): profile = try Self.profile(r.varint())
            case (3, 2): digest = try r.lengthDelimited()
            case (4, 2):
                var validator: [UInt8] = [], signature: [UInt8] = []
                try BridgeWireReader.forEachField(in: r.lengthDelimited()) { f, t, inner in
                    switch (f, t) {
                    case (1, 2): validator = try inner.lengthDelimited()
                    case (2, 2): signature = try inner.lengthDelimited()
                    default: return false
                    }
                    return true
                }
                guard validator.count == 25, signature.count == 65 else { throw BridgeGossipError.invalidField("set member") }
                signatures.append(ValidatorSignature(validator: validator, signature: signature))
            default: return false
            }
            return true
        }
        guard let id, let profile, digest.count == 32 else { throw BridgeGossipError.invalidField("signature set") }
        return SignatureSet(observationID: id, profile: profile, digest: digest, signatures: signatures)
    }
}
