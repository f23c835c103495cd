// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// A multihash: `code uvarint ‖ digest length uvarint ‖ digest`. Only identity (0x00) and
/// sha2-256 (0x12) matter for libp2p peer ids.
public struct Multihash: Hashable, Sendable {
    public static let identityCode: UInt64 = 0x00
    public static let sha256Code: UInt64 = 0x12

    public let code: UInt64
    public let digest: [UInt8]

    public init(code: UInt64, digest: [UInt8]) {
        self.code = code
        self.digest = digest
    }

    /// Parses exactly one multihash occupying all of `bytes`.
    public init(bytes: [UInt8]) throws {
        var cursor = ByteCursor(bytes)
        let code = try cursor.readVarint()
        let length = try cursor.readVarint()
        guard length <= UInt64(bytes.count), let digest = try? cursor.readBytes(Int(length)), cursor.isAtEnd else {
            throw MultiformatsError.malformedMultihash
        }
        if code == Multihash.sha256Code, digest.count != 32 { throw MultiformatsError.malformedMultihash }
        self.init(code: code, digest: digest)
    }

    /// The sha2-256 multihash of `data`.
    public static func sha256(_ data: [UInt8]) -> Multihash {
        Multihash(code: sha256Code, digest: SHA256Digest.hash(data))
    }

    /// The serialized multihash.
    public var bytes: [UInt8] {
        UVarint.encode(code) + UVarint.encode(UInt64(digest.count)) + digest
    }
}
