// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// The on-disk JSON form of a keystore (version 1).
///
/// ```json
/// { "version": 1,
///   "kdf": { "algorithm": "argon2id13", "operations": 3, "memory_bytes": 268435456, "salt": "<hex 16>" },
///   "cipher": { "algorithm": "xchacha20poly1305-ietf", "nonce": "<hex 24>", "ciphertext": "<hex 80>" },
///   "ethereum_address": "0x…", "koinos_address": "1…", "public_key": "<hex 33>",
///   "peer_id": "Qm…", "p2p_key_type": "p256" }
/// ```
/// The plaintext is validator secret (32) ‖ p2p identity secret (32). Every clear field is bound to
/// the ciphertext as associated data, so editing any of them makes unlocking fail.
struct KeystoreFile: Codable, Equatable {
    static let currentVersion = 1
    static let kdfAlgorithm = "argon2id13"
    static let cipherAlgorithm = "xchacha20poly1305-ietf"

    struct KDF: Codable, Equatable {
        var algorithm: String
        var operations: UInt64
        var memoryBytes: UInt64
        var salt: String

        enum CodingKeys: String, CodingKey {
            case algorithm, operations, salt
            case memoryBytes = "memory_bytes"
        }
    }

    struct Cipher: Codable, Equatable {
        var algorithm: String
        var nonce: String
        var ciphertext: String
    }

    var version: Int
    var kdf: KDF
    var cipher: Cipher
    var ethereumAddress: String
    var koinosAddress: String
    var publicKey: String
    var peerID: String
    var p2pKeyType: String

    enum CodingKeys: String, CodingKey {
        case version, kdf, cipher
        case ethereumAddress = "ethereum_address"
        case koinosAddress = "koinos_address"
        case publicKey = "public_key"
        case peerID = "peer_id"
        case p2pKeyType = "p2p_key_type"
    }

    /// The associated data of the AEAD: every clear field in a fixed order, independent of JSON layout.
    var associatedData: [UInt8] {
        let fields = [
            "bridge-relay-keystore", String(version), kdf.algorithm, String(kdf.operations), String(kdf.memoryBytes),
            kdf.salt, cipher.algorithm, ethereumAddress, koinosAddress, publicKey, peerID, p2pKeyType,
        ]
        return Array(fields.joined(separator: "\n").utf8)
    }

    /// The public half, as shown by `keys show`.
    var publicInfo: KeystorePublicInfo {
        KeystorePublicInfo(
            ethereumAddress: ethereumAddress, koinosAddress: koinosAddress, publicKey: publicKey, peerID: peerID,
            p2pKeyType: P2PKeyType(rawValue: p2pKeyType) ?? .p256)
    }
}

/// What a keystore reveals without its passphrase.
public struct KeystorePublicInfo: Sendable, Hashable {
    /// EIP-55 checksummed address of the validator key.
    public let ethereumAddress: String
    /// Base58 Koinos address of the validator key (compressed public key).
    public let koinosAddress: String
    /// Compressed secp256k1 public key of the validator key, lowercase hex without `0x`.
    public let publicKey: String
    /// libp2p peer id of the identity key.
    public let peerID: String
    public let p2pKeyType: P2PKeyType

    /// Derives every field from the two keys.
    init(validatorKey: Secp256k1.PrivateKey, p2pKey: P2PIdentityKey) {
        let publicKey = validatorKey.publicKey
        self.init(
            ethereumAddress: EthereumAddress(publicKey: publicKey).checksummed,
            koinosAddress: KoinosAddress(publicKey: publicKey).base58,
            publicKey: ChainHex.encode(publicKey.compressed, prefix: false), peerID: p2pKey.peerID,
            p2pKeyType: p2pKey.type)
    }

    init(ethereumAddress: String, koinosAddress: String, publicKey: String, peerID: String, p2pKeyType: P2PKeyType) {
        self.ethereumAddress = ethereumAddress
        self.koinosAddress = koinosAddress
        self.publicKey = publicKey
        self.peerID = peerID
        self.p2pKeyType = p2pKeyType
    }
}
