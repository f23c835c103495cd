// SPDX-License-Identifier: Apache-2.0
import Primitives

/// A minimal proto2 reader over a byte array: varints, length-delimited fields, and skipping.
///
/// Gossipsub only needs wire types 0 (varint) and 2 (length-delimited); the reader also skips
/// fixed32/fixed64 so unknown fields of any wire type are tolerated (py-libp2p adds RPC field 4,
/// `senderRecord`, to every RPC; libp2p spec: "decoders must skip unknown fields").
struct GossipProtobufReader {
    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
        self.end = bytes.count
    }

    private init(bytes: [UInt8], start: Int, end: Int) {
        self.bytes = bytes
        self.index = start
        self.end = end
    }

    var isAtEnd: Bool { index >= end }

    /// Reads a protobuf varint (at most 10 bytes).
    mutating func readVarint() throws(GossipsubError) -> UInt64 {
        let decoded: (value: UInt64, length: Int)?
        do {
            decoded = try Varint.decode(bytes[index..<end], rule: .protobuf)
        } catch {
            throw .malformedProtobuf(error == .overflow ? "varint overflow" : "varint too long")
        }
        guard let (value, length) = decoded else { throw .malformedProtobuf("truncated varint") }
        index += length
        return value
    }

    /// Reads a field key; returns `(fieldNumber, wireType)`.
    mutating func readKey() throws(GossipsubError) -> (field: UInt64, wireType: UInt8) {
        let key = try readVarint()
        let field = key >> 3
        guard field != 0 else { throw .malformedProtobuf("field number 0") }
        return (field, UInt8(key & 7))
    }

    /// Reads a length-delimited payload as bytes.
    mutating func readLengthDelimited() throws(GossipsubError) -> [UInt8] {
        let range = try readLengthDelimitedRange()
        return Array(bytes[range])
    }

    /// Reads a length-delimited payload as a sub-reader (for embedded messages), without copying.
    mutating func readEmbedded() throws(GossipsubError) -> GossipProtobufReader {
        let range = try readLengthDelimitedRange()
        return GossipProtobufReader(bytes: bytes, start: range.lowerBound, end: range.upperBound)
    }

    /// Reads a length-delimited payload as a UTF-8 string (invalid UTF-8 is an error).
    mutating func readString() throws(GossipsubError) -> String {
        let range = try readLengthDelimitedRange()
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw .malformedProtobuf("invalid UTF-8 in string field")
        }
        return text
    }

    private mutating func readLengthDelimitedRange() throws(GossipsubError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - index) else { throw .malformedProtobuf("length past end") }
        let start = index
        index += Int(length)
        return start..<index
    }

    /// Skips a field of the given wire type (unknown fields).
    mutating func skip(wireType: UInt8) throws(GossipsubError) {
        switch wireType {
        case 0: _ = try readVarint()
        case 1: try advance(8)
        case 2: _ = try readLengthDelimitedRange()
        case 5: try advance(4)
        default: throw .malformedProtobuf("unsupported wire type \(wireType)")
        }
    }

    private mutating func advance(_ count: Int) throws(GossipsubError) {
        guard end - index >= count else { throw .malformedProtobuf("truncated fixed field") }
        index += count
    }

    /// Checks the wire type of a known field.
    static func expect(_ wireType: UInt8, _ expected: UInt8) throws(GossipsubError) {
        guard wireType == expected else { throw .malformedProtobuf("unexpected wire type \(wireType)") }
    }
}

/// The gossipsub RPC's proto2 writer (every set field written): names for the one
/// `Primitives.ProtobufWriter` that read like the RPC encoder.
struct GossipProtobufWriter {
    private var writer = ProtobufWriter(defaultValues: .written)

    init() {}

    var bytes: [UInt8] { writer.bytes }

    mutating func writeVarint(_ value: UInt64) {
        writer.writeVarint(value)
    }

    mutating func writeVarintField(_ field: UInt64, _ value: UInt64) {
        writer.uint64(UInt32(truncatingIfNeeded: field), value)
    }

    mutating func writeBytesField(_ field: UInt64, _ value: some Collection<UInt8>) {
        writer.bytes(UInt32(truncatingIfNeeded: field), value)
    }

    mutating func writeStringField(_ field: UInt64, _ value: String) {
        writer.string(UInt32(truncatingIfNeeded: field), value)
    }
}
