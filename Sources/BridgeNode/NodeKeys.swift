// SPDX-License-Identifier: Apache-2.0
public import BridgeKeystore
public import ChainCrypto
public import Multiformats

/// The node's unlocked secrets: the validator key (signs observations, pays on Koinos) and the
/// libp2p identity key. Built from an unlocked keystore; never logged.
public struct NodeKeys: Sendable {
    public let validatorKey: Secp256k1.PrivateKey
    public let p2pKey: Libp2pPrivateKey

    public init(validatorKey: Secp256k1.PrivateKey, p2pKey: Libp2pPrivateKey) {
        self.validatorKey = validatorKey
        self.p2pKey = p2pKey
    }

    /// Converts the keystore's identity key (type + 32 secret bytes) into the libp2p key type.
    public init(unlocked: UnlockedKeys) throws {
        let p2pKey = try Libp2pPrivateKey(type: unlocked.p2pKey.type.libp2pKeyType, rawScalar: unlocked.p2pKey.rawRepresentation)
        self.init(validatorKey: unlocked.validatorKey, p2pKey: p2pKey)
    }

    /// This validator's Koinos address (base58).
    public var koinosAddress: String { KoinosAddress(publicKey: validatorKey.publicKey).base58 }
}
