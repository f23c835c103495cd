// SPDX-License-Identifier: Apache-2.0
import Crypto

/// Computes a message's id; every peer on a topic must use the same function.
///
/// libp2p spec digest A.11: the default id is the raw bytes `from ‖ seqno`. Koinos uses, for
/// `koinos.blocks` and `koinos.transactions`, base64 (standard alphabet, **no padding**) of
/// SHA-256(data); the id is the ASCII text of that base64 string (go ids are strings).
public struct MessageIDFunction: Sendable {
    private let compute: @Sendable (GossipsubMessage) -> [UInt8]

    /// - Parameters:
    ///   - compute: maps a message to its id bytes; must be deterministic.
    public init(_ compute: @escaping @Sendable (GossipsubMessage) -> [UInt8]) {
        self.compute = compute
    }

    public func callAsFunction(_ message: GossipsubMessage) -> [UInt8] { compute(message) }

    /// `from ‖ seqno`, the pubsub default.
    public static let fromAndSeqno = MessageIDFunction { message in
        (message.from ?? []) + (message.seqno ?? [])
    }

    /// koinos-p2p's content id: base64 (standard, unpadded) of SHA-256(data), as ASCII bytes.
    public static let koinosContentHash = MessageIDFunction { message in
        Array(Base64Unpadded.encode(Array(SHA256.hash(data: message.data))).utf8)
    }
}

/// RFC 4648 base64 with the standard alphabet and without `=` padding (Go's `base64.RawStdEncoding`).
enum Base64Unpadded {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            if remaining > 1 { out.append(alphabet[Int(group >> 6 & 63)]) }
            if remaining > 2 { out.append(alphabet[Int(group & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
