// SPDX-License-Identifier: Apache-2.0

/// A 25-byte Koinos address or contract id: `0x00 ‖ ripemd160(sha256(pubkey)) ‖ checksum4`, base58.
///
/// Koinos always derives signer addresses from the **compressed** public key (koinos.md §5).
public struct KoinosAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Accepts 25 bytes with version 0x00 and a valid checksum.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 25, bytes[0] == 0,
              Array(bytes.suffix(4)) == Array(SHA256Digest.doubleHash(Array(bytes.prefix(21))).prefix(4))
        else { return nil }
        self.bytes = bytes
    }

    /// Parses base58; nil unless it decodes to a valid 25-byte address.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 40, let raw = Base58.decode(text) else { return nil }
        self.init(bytes: raw)
    }

    public init(publicKey: Secp256k1.PublicKey) {
        self.init(compressedPublicKey: publicKey.compressed)
    }

    init(compressedPublicKey: [UInt8]) {
        let payload = [0x00] + RIPEMD160.hash(SHA256Digest.hash(compressedPublicKey))
        bytes = payload + SHA256Digest.doubleHash(payload).prefix(4)
    }

    public var base58: String { Base58.encode(bytes) }
    public var description: String { base58 }
}

/// Wallet Import Format for secp256k1 secrets: base58check(0x80 ‖ key [‖ 0x01]).
public enum WIF {
    public static func encode(_ key: Secp256k1.PrivateKey, compressed: Bool = true) -> String {
        Base58.encodeCheck([0x80] + key.rawRepresentation + (compressed ? [0x01] : []))
    }

    /// Decodes either flag form; nil when malformed.
    public static func decode(_ text: String) -> Secp256k1.PrivateKey? {
        guard var payload = Base58.decodeCheck(text), payload.first == 0x80,
              payload.count == 33 || (payload.count == 34 && payload.last == 0x01)
        else { return nil }
        defer { Sodium.zero(&payload) }
        return try? Secp256k1.PrivateKey(rawRepresentation: Array(payload[1..<33]))
    }
}
