// SPDX-License-Identifier: Apache-2.0
import Crypto

/// Signs our own publications (StrictSign) with the host's identity key.
///
/// Injected so the router stays independent of any key type; `Gossipsub` builds one from the
/// host's `Libp2pPrivateKey`.
public protocol GossipMessageSigner: Sendable {
    /// Our peer id as multihash bytes (goes into `from`).
    var peerIDBytes: [UInt8] { get }
    /// Our serialized libp2p `PublicKey` protobuf.
    var publicKeyProtobuf: [UInt8] { get }
    /// Signs `data` with the identity key, in the key type's libp2p signature format.
    func sign(_ data: [UInt8]) throws -> [UInt8]
}

/// Verifies a libp2p signature given the author's serialized `PublicKey` protobuf.
public protocol GossipSignatureVerifier: Sendable {
    /// True when `signature` over `data` is valid for the key; false for unknown key types.
    func verify(publicKeyProtobuf: [UInt8], signature: [UInt8], data: [UInt8]) -> Bool
}

/// StrictSign (libp2p pubsub spec, "Signature policy"): sign `"libp2p-pubsub:"` ‖ protobuf(Message
/// with only fields 1–4: from, data, seqno, topic, in field-number order); carry the public key in
/// field 6 whenever it is not inlined in the peer id (always for ECDSA and RSA).
public enum MessageSigning {
    /// The ASCII prefix of every signed payload.
    public static let prefix = Array("libp2p-pubsub:".utf8)

    /// Identity multihash limit: a serialized key of at most 42 bytes is inlined in the peer id.
    static let maxInlineKeyLength = 42

    /// The bytes a signature covers.
    public static func signingInput(_ message: GossipsubMessage) -> [UInt8] {
        prefix + message.signedFieldsEncoded
    }

    /// Fills `signature` (and `key` when the key is not inlined in `from`).
    public static func sign(_ message: inout GossipsubMessage, with signer: any GossipMessageSigner) throws {
        message.from = signer.peerIDBytes
        message.signature = nil
        message.key = nil
        message.signature = try signer.sign(signingInput(message))
        if inlinedKey(peerID: signer.peerIDBytes) == nil {
            message.key = signer.publicKeyProtobuf
        }
    }

    /// Why a message fails StrictSign, or `nil` when it passes.
    public static func verificationFailure(
        _ message: GossipsubMessage,
        verifier: any GossipSignatureVerifier
    ) -> String? {
        guard let from = message.from, !from.isEmpty else { return "missing from" }
        guard let seqno = message.seqno, !seqno.isEmpty else { return "missing seqno" }
        guard seqno.count <= 32 else { return "oversized seqno" }
        guard let signature = message.signature, !signature.isEmpty else { return "missing signature" }
        let key: [UInt8]
        if let inlined = inlinedKey(peerID: from) {
            if let carried = message.key, carried != inlined { return "key does not match from" }
            key = inlined
        } else {
            guard let carried = message.key else { return "missing key" }
            guard peerID(ofPublicKeyProtobuf: carried) == from else { return "key does not match from" }
            key = carried
        }
        var unsigned = message
        unsigned.signature = nil
        unsigned.key = nil
        guard verifier.verify(publicKeyProtobuf: key, signature: signature, data: signingInput(unsigned)) else {
            return "bad signature"
        }
        return nil
    }

    /// The serialized public key inside an identity-multihash peer id (`00 ‖ len ‖ key`), if any.
    static func inlinedKey(peerID: [UInt8]) -> [UInt8]? {
        guard peerID.count >= 2, peerID[0] == 0x00, peerID[1] < 0x80, Int(peerID[1]) == peerID.count - 2 else {
            return nil
        }
        return Array(peerID[2...])
    }

    /// The peer id of a serialized public key: identity multihash up to 42 bytes, else sha2-256.
    public static func peerID(ofPublicKeyProtobuf key: [UInt8]) -> [UInt8] {
        if key.count <= maxInlineKeyLength {
            return [0x00, UInt8(key.count)] + key
        }
        return [0x12, 0x20] + Array(SHA256.hash(data: key))
    }
}
