// SPDX-License-Identifier: Apache-2.0
public import NIOCore
import Primitives

/// Errors from the multiformats decoders.
public enum MultiformatsError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedVarint
    case malformedMultihash
    case malformedMultiaddr(String)
    case malformedProtobuf(String)
    case malformedKey(String)
    case unsupportedKeyType(Int)
    case signingFailed

    public var description: String {
        switch self {
        case .malformedVarint: "malformed unsigned varint"
        case .malformedMultihash: "malformed multihash"
        case .malformedMultiaddr(let why): "malformed multiaddr: \(why)"
        case .malformedProtobuf(let why): "malformed protobuf: \(why)"
        case .malformedKey(let why): "malformed key: \(why)"
        case .unsupportedKeyType(let type): "unsupported key type \(type)"
        case .signingFailed: "signing failed"
        }
    }
}

/// The multiformats unsigned varint (7 bits per byte, little-endian groups, minimal, ≤ 9 bytes),
/// as a NIO length-prefix strategy: `buffer.readLengthPrefixedSlice(strategy: UVarint())`.
///
/// The strategy's `readInteger` returns nil both for "not enough bytes" and for a malformed varint;
/// decoders that must tell the two apart use `ByteBuffer.readUVarint()`, which throws on the latter.
public struct UVarint: NIOBinaryIntegerEncodingStrategy, Sendable {
    /// Longest accepted encoding (the multiformats spec caps varints at 9 bytes / 63 bits).
    public static let maxBytes = 9

    public init() {}

    public var requiredBytesHint: Int { 1 }

    public func readInteger<IntegerType: FixedWidthInteger>(as: IntegerType.Type, from buffer: inout ByteBuffer) -> IntegerType? {
        let start = buffer.readerIndex
        guard let value = try? buffer.readUVarint(), let result = IntegerType(exactly: value) else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        return result
    }

    public func writeInteger<IntegerType: FixedWidthInteger>(_ integer: IntegerType, to buffer: inout ByteBuffer) -> Int {
        buffer.writeBytes(UVarint.encode(UInt64(integer)))
    }

    /// The varint bytes of `value`.
    public static func encode(_ value: UInt64) -> [UInt8] { Varint.encode(value) }

    /// Decodes a varint at the front of `bytes`: (value, bytes used); nil when incomplete; throws when malformed.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> (value: UInt64, length: Int)? {
        try decode(bytes, rule: .multiformats)
    }

    /// The same under another rule (`Varint.Rule.protobuf` for protobuf fields).
    static func decode(_ bytes: some Collection<UInt8>, rule: Varint.Rule) throws(MultiformatsError) -> (value: UInt64, length: Int)? {
        do {
            return try Varint.decode(bytes, rule: rule)
        } catch {
            throw .malformedVarint
        }
    }
}

extension ByteBuffer {
    /// Reads one uvarint; nil (reader index unchanged) when more bytes are needed; throws when malformed.
    public mutating func readUVarint() throws -> UInt64? {
        guard let (value, length) = try UVarint.decode(self.readableBytesView) else { return nil }
        self.moveReaderIndex(forwardBy: length)
        return value
    }

    /// Writes `value` as a uvarint; returns the number of bytes written.
    @discardableResult
    public mutating func writeUVarint(_ value: UInt64) -> Int {
        self.writeBytes(UVarint.encode(value))
    }
}

/// Reading helpers over plain byte arrays (protobuf fields, multiaddr values).
struct ByteCursor {
    let bytes: [UInt8]
    var index: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// Reads one varint: multiformats rule (minimal, ≤ 9 bytes) unless told otherwise.
    mutating func readVarint(rule: Varint.Rule = .multiformats) throws -> UInt64 {
        guard let (value, length) = try UVarint.decode(bytes[index...], rule: rule) else { throw MultiformatsError.malformedVarint }
        index += length
        return value
    }

    mutating func readBytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - index else { throw MultiformatsError.malformedProtobuf("truncated") }
        defer { index += count }
        return Array(bytes[index..<(index + count)])
    }
}
