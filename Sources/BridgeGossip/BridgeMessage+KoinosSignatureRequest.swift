// SPDX-License-Identifier: Apache-2.0
import Primitives

/// A Koinos → Ethereum signature catch-up request (kind 7), sent over the catch-up stream.
///
/// Wire layout (hand-written protobuf):
/// `KoinosSignatureRequest { repeated 1: digest bytes (32), 2: nonce bytes, 3: responder_peer_id string }`.
/// The answer is kind-6 envelopes (`KoinosSignatureWire`) with the responder's own signatures.
enum KoinosSignatureRequestWire {
    static func encode(digests: [[UInt8]], nonce: [UInt8], responder: String) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        for digest in digests { w.bytes(1, digest) }
        w.bytes(2, nonce)
        w.string(3, responder)
        return w.bytes
    }

    /// Throws on malformed bytes or a digest that is not 32 bytes.
    static func decode(_ body: [UInt8]) throws -> BridgeMessage {
        var digests: [[UInt8]] = [], nonce: [UInt8] = [], responder = ""
        try BridgeWireReader.forEachField(in: body) { field, type, r in
            switch (field, type) {
            case (1, 2):
                let digest = try r.lengthDelimited()
                guard digest.count == 32 else { throw BridgeGossipError.invalidField("koinos signature request digest") }
                digests.append(digest)
            case (2, 2): nonce = try r.lengthDelimited()
            case (3, 2): responder = try BridgeMessage.utf8(r.lengthDelimited())
            default: return false
            }
            return true
        }
        return .koinosSignatureRequest(digests: digests, nonce: nonce, responder: responder)
    }
}
