// SPDX-License-Identifier: Apache-2.0
public import Multiformats

/// Signs gossip messages with a libp2p identity key (Ed25519, secp256k1 low-S, or ECDSA P-256).
public struct Libp2pKeyMessageSigner: GossipMessageSigner {
    private let key: Libp2pPrivateKey

    public init(key: Libp2pPrivateKey) { self.key = key }

    public var peerIDBytes: [UInt8] { key.peerID.bytes }
    public var publicKeyProtobuf: [UInt8] { key.publicKey.protobufEncoded }
    public func sign(_ data: [UInt8]) throws -> [UInt8] { try key.sign(data) }
}

/// Verifies gossip signatures for every key type `Libp2pPublicKey` parses.
public struct Libp2pKeySignatureVerifier: GossipSignatureVerifier {
    public init() {}

    public func verify(publicKeyProtobuf: [UInt8], signature: [UInt8], data: [UInt8]) -> Bool {
        guard let key = try? Libp2pPublicKey(protobufEncoded: publicKeyProtobuf) else { return false }
        return key.verify(signature: signature, data: data)
    }
}
