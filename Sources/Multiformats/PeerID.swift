// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// A libp2p peer id: the multihash of the protobuf-encoded public key (identity multihash when
/// that encoding is ≤ 42 bytes, sha2-256 otherwise). Text form: base58btc of the multihash.
public struct PeerID: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Keys whose protobuf encoding is at most this long are inlined (identity multihash).
    public static let maxInlineKeyLength = 42

    /// The multihash bytes.
    public let bytes: [UInt8]

    public init(publicKey: Libp2pPublicKey) {
        let encoded = publicKey.protobufEncoded
        if encoded.count <= PeerID.maxInlineKeyLength {
            bytes = Multihash(code: Multihash.identityCode, digest: encoded).bytes
        } else {
            bytes = Multihash.sha256(encoded).bytes
        }
    }

    /// Parses multihash bytes (identity or sha2-256).
    public init(multihashBytes: [UInt8]) throws {
        let hash = try Multihash(bytes: multihashBytes)
        switch hash.code {
        case Multihash.sha256Code: break
        case Multihash.identityCode:
            guard hash.digest.count <= PeerID.maxInlineKeyLength else { throw MultiformatsError.malformedMultihash }
        default: throw MultiformatsError.malformedMultihash
        }
        bytes = multihashBytes
    }

    /// Parses the base58btc text form (`Qm…`, `12D3KooW…`, `16Uiu2…`); nil when invalid.
    public init?(_ text: String) {
        guard !text.isEmpty, let raw = Base58.decode(text), let id = try? PeerID(multihashBytes: raw) else { return nil }
        self = id
    }

    /// The public key inlined in an identity-multihash id; nil for sha256 ids.
    public func extractPublicKey() -> Libp2pPublicKey? {
        guard let hash = try? Multihash(bytes: bytes), hash.code == Multihash.identityCode else { return nil }
        return try? Libp2pPublicKey(protobufEncoded: hash.digest)
    }

    /// True when `key` derives this peer id.
    public func matches(_ key: Libp2pPublicKey) -> Bool {
        PeerID(publicKey: key) == self
    }

    public var description: String { Base58.encode(bytes) }

    public static func < (lhs: PeerID, rhs: PeerID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
