// SPDX-License-Identifier: Apache-2.0
public import ChainCrypto
import Foundation

/// The validator's encrypted key file: a secp256k1 validator key and a libp2p identity key.
///
/// Argon2id (libsodium `crypto_pwhash`) stretches the passphrase into a 32-byte key that seals both
/// secrets with XChaCha20-Poly1305; the file is small versioned JSON (see `KeystoreFile`), mode
/// 0600, written atomically and never overwritten. The derived key and the decrypted plaintext are
/// locked in memory (`Sodium.lock`: kept out of swap where the system allows) and zeroed after
/// use, as are the copies made for the key types (issue 19 L3).
public enum Keystore {
    /// Bounds accepted when opening a file, so a tampered file cannot ask for absurd work or memory.
    static let acceptedOperations: ClosedRange<UInt64> = 1...16
    static let acceptedMemoryBytes: ClosedRange<UInt64> = (8 << 10)...(2 << 30)

    /// Creates a new keystore at `path`; fails with `.alreadyExists` rather than replace a file.
    ///
    /// - Parameters:
    ///   - path: destination file; its directory must exist.
    ///   - passphrase: UTF-8 bytes; the caller zeroes its copy.
    ///   - validatorKey: the secp256k1 key to store (`keygen` passes a fresh one, `keys import` the operator's).
    ///   - p2pKey: the libp2p identity key.
    ///   - limits: argon2id cost; `.moderate` unless a test asks for `.interactive`.
    @discardableResult
    public static func create(
        path: String, passphrase: [UInt8], validatorKey: Secp256k1.PrivateKey,
        p2pKey: P2PIdentityKey, limits: Sodium.PasswordHashLimits = .moderate
    ) throws -> KeystorePublicInfo {
        guard !passphrase.isEmpty else { throw KeystoreError.emptyPassphrase }
        guard !KeystoreFileIO.exists(path) else { throw KeystoreError.alreadyExists(path: path) }
        let info = KeystorePublicInfo(validatorKey: validatorKey, p2pKey: p2pKey)
        let salt = SecureRandom.bytes(Sodium.argon2SaltLength)
        let nonce = SecureRandom.bytes(Sodium.xchachaNonceLength)
        var file = KeystoreFile(
            version: KeystoreFile.currentVersion,
            kdf: .init(
                algorithm: KeystoreFile.kdfAlgorithm, operations: limits.operations, memoryBytes: limits.memoryBytes,
                salt: ChainHex.encode(salt, prefix: false)),
            cipher: .init(algorithm: KeystoreFile.cipherAlgorithm, nonce: ChainHex.encode(nonce, prefix: false), ciphertext: ""),
            ethereumAddress: info.ethereumAddress, koinosAddress: info.koinosAddress, publicKey: info.publicKey,
            peerID: info.peerID, p2pKeyType: info.p2pKeyType.rawValue)
        var key = try Sodium.argon2id(password: passphrase, salt: salt, limits: limits)
        Sodium.lock(&key)
        defer { Sodium.unlockAndZero(&key) }
        var plaintext = validatorKey.rawRepresentation + p2pKey.rawRepresentation
        Sodium.lock(&plaintext)
        defer { Sodium.unlockAndZero(&plaintext) }
        let sealed = try Sodium.xchachaSeal(plaintext, key: key, nonce: nonce, associatedData: file.associatedData)
        file.cipher.ciphertext = ChainHex.encode(sealed, prefix: false)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = Array(try encoder.encode(file)) + [0x0A]
        try KeystoreFileIO.writeNew(path: path, contents: json)
        return info
    }

    /// Decrypts the keystore at `path`.
    ///
    /// Throws `.wrongPassphraseOrTampered` when authentication fails or the decrypted keys do not
    /// match the clear public fields.
    public static func load(path: String, passphrase: [UInt8]) throws -> UnlockedKeys {
        let file = try readFile(path: path)
        guard file.kdf.algorithm == KeystoreFile.kdfAlgorithm, file.cipher.algorithm == KeystoreFile.cipherAlgorithm else {
            throw KeystoreError.malformed(path: path, reason: "unknown kdf or cipher algorithm")
        }
        guard acceptedOperations.contains(file.kdf.operations), acceptedMemoryBytes.contains(file.kdf.memoryBytes) else {
            throw KeystoreError.kdfLimitsOutOfRange(path: path)
        }
        guard let salt = ChainHex.decode(file.kdf.salt), salt.count == Sodium.argon2SaltLength,
            let nonce = ChainHex.decode(file.cipher.nonce), nonce.count == Sodium.xchachaNonceLength,
            let sealed = ChainHex.decode(file.cipher.ciphertext), sealed.count == 64 + 16,
            let keyType = P2PKeyType(rawValue: file.p2pKeyType)
        else { throw KeystoreError.malformed(path: path, reason: "bad salt, nonce, ciphertext or key type") }
        let limits = Sodium.PasswordHashLimits(operations: file.kdf.operations, memoryBytes: file.kdf.memoryBytes)
        var key = try Sodium.argon2id(password: passphrase, salt: salt, limits: limits)
        Sodium.lock(&key)
        defer { Sodium.unlockAndZero(&key) }
        guard var plaintext = try? Sodium.xchachaOpen(sealed, key: key, nonce: nonce, associatedData: file.associatedData)
        else { throw KeystoreError.wrongPassphraseOrTampered(path: path) }
        Sodium.lock(&plaintext)
        defer { Sodium.unlockAndZero(&plaintext) }
        guard plaintext.count == 64 else { throw KeystoreError.wrongPassphraseOrTampered(path: path) }
        // The halves for the key types: zeroed here when no key was built from them (a bad file);
        // a key built from one shares its storage and keeps it for as long as the node signs.
        var validatorSecret = Array(plaintext[0..<32])
        var p2pSecret = Array(plaintext[32..<64])
        defer {
            Sodium.zero(&validatorSecret)
            Sodium.zero(&p2pSecret)
        }
        guard let validatorKey = try? Secp256k1.PrivateKey(rawRepresentation: validatorSecret),
            let p2pKey = try? P2PIdentityKey(type: keyType, rawRepresentation: p2pSecret),
            KeystorePublicInfo(validatorKey: validatorKey, p2pKey: p2pKey) == file.publicInfo
        else { throw KeystoreError.wrongPassphraseOrTampered(path: path) }
        return UnlockedKeys(validatorKey: validatorKey, p2pKey: p2pKey, publicInfo: file.publicInfo)
    }

    /// The clear public fields, without the passphrase (not authenticated: `load` checks them).
    public static func publicInfo(path: String) throws -> KeystorePublicInfo {
        try readFile(path: path).publicInfo
    }

    static func readFile(path: String) throws -> KeystoreFile {
        let bytes = try KeystoreFileIO.read(path: path, limit: 64 << 10)
        let file: KeystoreFile
        do {
            file = try JSONDecoder().decode(KeystoreFile.self, from: Data(bytes))
        } catch {
            throw KeystoreError.malformed(path: path, reason: "not a keystore JSON object")
        }
        guard file.version == KeystoreFile.currentVersion else {
            throw KeystoreError.unsupportedVersion(path: path, version: file.version)
        }
        return file
    }
}

/// The decrypted keys of a keystore.
public struct UnlockedKeys: Sendable {
    /// The validator's secp256k1 key: signs attestations (Koinos and Ethereum formats).
    public let validatorKey: Secp256k1.PrivateKey
    /// The libp2p identity key (type and 32 secret bytes).
    public let p2pKey: P2PIdentityKey
    public let publicInfo: KeystorePublicInfo

    /// The identity key's 32 secret bytes.
    public var p2pPrivateKey: [UInt8] { p2pKey.rawRepresentation }
    public var p2pKeyType: P2PKeyType { p2pKey.type }
}
