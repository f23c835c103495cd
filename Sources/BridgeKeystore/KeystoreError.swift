// SPDX-License-Identifier: Apache-2.0

/// Everything that can go wrong creating or opening a keystore. Descriptions are one line, name the
/// file where useful, and never contain key material or passphrases.
public enum KeystoreError: Error, Equatable, CustomStringConvertible {
    case alreadyExists(path: String)
    case notFound(path: String)
    case io(path: String, operation: String, errno: Int32)
    case malformed(path: String, reason: String)
    case unsupportedVersion(path: String, version: Int)
    case kdfLimitsOutOfRange(path: String)
    /// Authentication failed: the passphrase is wrong, or the file was changed after it was written.
    case wrongPassphraseOrTampered(path: String)
    case invalidKey(String)
    case emptyPassphrase

    public var description: String {
        switch self {
        case .alreadyExists(let path): "keystore \(path) already exists; refusing to overwrite it"
        case .notFound(let path): "keystore \(path) does not exist"
        case .io(let path, let operation, let errno): "cannot \(operation) \(path) (errno \(errno))"
        case .malformed(let path, let reason): "keystore \(path) is malformed: \(reason)"
        case .unsupportedVersion(let path, let version): "keystore \(path) has unsupported version \(version)"
        case .kdfLimitsOutOfRange(let path): "keystore \(path) asks for out-of-range argon2id limits"
        case .wrongPassphraseOrTampered(let path): "cannot unlock keystore \(path): wrong passphrase or tampered file"
        case .invalidKey(let reason): reason
        case .emptyPassphrase: "the passphrase is empty"
        }
    }
}
