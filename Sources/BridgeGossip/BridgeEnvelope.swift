// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Primitives

/// The signed wrapper of every bridge protocol message.
///
/// `Envelope { 1: payload bytes, 2: signature bytes }` with
/// `Payload { 1: version, 2: kind, 3: validator (25-byte Koinos address), 4: timestamp_ms, 5: body }`.
/// The signature is a Koinos compact signature by the **validator key** over
/// `sha256(domainPrefix ‖ payload)`; the prefix is longer than 32 bytes so a gossip signature can
/// never be mistaken for a signature over a transfer digest (Wormhole's rule, validators.md §2.3).
public struct BridgeEnvelope: Sendable, Hashable {
    public static let protocolVersion: UInt64 = 1
    public static let domainPrefix: [UInt8] = Array("koinos-bridge-relay|gossip-envelope|v1|".utf8)

    public var version: UInt64
    public var kind: BridgeMessageKind
    public var validator: [UInt8]
    public var timestampMilliseconds: UInt64
    public var body: [UInt8]
    /// The exact payload bytes the signature covers.
    public var payload: [UInt8]
    public var signature: [UInt8]

    /// Encodes and signs `message` as `signer`.
    public static func seal(
        _ message: BridgeMessage, signer: any AttestationSigner, timestampMilliseconds: UInt64, hashing: any DigestHashing
    ) throws -> [UInt8] {
        var p = ProtobufWriter(defaultValues: .omitted)
        p.uint64(1, protocolVersion)
        p.uint64(2, message.kind.rawValue)
        p.bytes(3, signer.validatorAddress)
        p.uint64(4, timestampMilliseconds)
        p.bytes(5, message.encoded())
        let signature = try signer.signKoinos(digest: hashing.sha256(domainPrefix + p.bytes))
        var e = ProtobufWriter(defaultValues: .omitted)
        e.bytes(1, p.bytes)
        e.bytes(2, signature)
        return e.bytes
    }

    /// Parses an envelope without checking its signature.
    public init(decoding bytes: [UInt8]) throws {
        var payload: [UInt8] = [], signature: [UInt8] = []
        try BridgeWireReader.forEachField(in: bytes) { field, type, r in
            switch (field, type) {
            case (1, 2): payload = try r.lengthDelimited()
            case (2, 2): signature = try r.lengthDelimited()
            default: return false
            }
            return true
        }
        var version: UInt64 = 0, kind: UInt64 = 0, validator: [UInt8] = [], timestamp: UInt64 = 0, body: [UInt8] = []
        try BridgeWireReader.forEachField(in: payload) { field, type, r in
            switch (field, type) {
            case (1, 0): version = try r.varint()
            case (2, 0): kind = try r.varint()
            case (3, 2): validator = try r.lengthDelimited()
            case (4, 0): timestamp = try r.varint()
            case (5, 2): body = try r.lengthDelimited()
            default: return false
            }
            return true
        }
        guard let messageKind = BridgeMessageKind(rawValue: kind), validator.count == 25, signature.count == 65 else {
            throw BridgeGossipError.invalidField("envelope")
        }
        self.version = version
        self.kind = messageKind
        self.validator = validator
        self.timestampMilliseconds = timestamp
        self.body = body
        self.payload = payload
        self.signature = signature
    }

    /// The digest the validator signed.
    public func signingDigest(hashing: any DigestHashing) -> [UInt8] {
        hashing.sha256(Self.domainPrefix + payload)
    }
}
