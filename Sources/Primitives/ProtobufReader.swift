// SPDX-License-Identifier: Apache-2.0

/// The one protobuf reader, beside the one `ProtobufWriter`: keys, varints (protobuf rule: up to
/// 10 bytes, the tenth holding only bit 63), fixed 32/64-bit fields and length-delimited payloads,
/// over a byte array without copying embedded messages (`readEmbedded`).
///
/// Every read is bounded by the input: a length past the end, a truncated varint or fixed field,
/// field number 0 or ≥ 2²⁹ and the group wire types (3, 4) are `ProtobufDecodingError`s, never a
/// trap. Callers keep their own limits (counts, sizes) and map the error to their own type.
public struct ProtobufReader: Sendable {
    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
        self.end = bytes.count
    }

    private init(bytes: [UInt8], start: Int, end: Int) {
        self.bytes = bytes
        self.index = start
        self.end = end
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { index >= end }

    /// Reads a protobuf varint (at most 10 bytes).
    public mutating func readVarint() throws(ProtobufDecodingError) -> UInt64 {
        let decoded: (value: UInt64, length: Int)?
        do {
            decoded = try Varint.decode(bytes[index..<end], rule: .protobuf)
        } catch {
            throw error == .overflow ? .varintOverflow : .varintTooLong
        }
        guard let (value, length) = decoded else { throw .truncated }
        index += length
        return value
    }

    /// Reads a field key: its number (1 ..< 2²⁹) and wire type (not checked here: `skip` and the
    /// typed reads refuse the ones they do not know).
    public mutating func readKey() throws(ProtobufDecodingError) -> (field: UInt32, wireType: UInt8) {
        let key = try readVarint()
        let field = key >> 3
        guard field > 0, field < 1 << 29 else { throw .invalidFieldNumber(field) }
        return (UInt32(truncatingIfNeeded: field), UInt8(truncatingIfNeeded: key & 7))
    }

    /// Reads a length-delimited payload as bytes.
    public mutating func readLengthDelimited() throws(ProtobufDecodingError) -> [UInt8] {
        Array(bytes[try readLengthDelimitedRange()])
    }

    /// Reads a length-delimited payload as a reader of its own (an embedded message), without copying.
    public mutating func readEmbedded() throws(ProtobufDecodingError) -> ProtobufReader {
        let range = try readLengthDelimitedRange()
        return ProtobufReader(bytes: bytes, start: range.lowerBound, end: range.upperBound)
    }

    /// Reads a length-delimited payload as a UTF-8 string (invalid UTF-8 is an error).
    public mutating func readString() throws(ProtobufDecodingError) -> String {
        guard let text = String(validating: bytes[try readLengthDelimitedRange()], as: UTF8.self) else {
            throw .invalidUTF8
        }
        return text
    }

    /// Reads a fixed 64-bit field (little-endian).
    public mutating func readFixed64() throws(ProtobufDecodingError) -> UInt64 {
        try readLittleEndian(8)
    }

    /// Reads a fixed 32-bit field (little-endian).
    public mutating func readFixed32() throws(ProtobufDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readLittleEndian(4))
    }

    /// Skips the value of a field of `wireType` (an unknown field).
    public mutating func skip(wireType: UInt8) throws(ProtobufDecodingError) {
        switch wireType {
        case 0: _ = try readVarint()
        case 1: _ = try readFixed64()
        case 2: _ = try readLengthDelimitedRange()
        case 5: _ = try readFixed32()
        default: throw .unsupportedWireType(wireType)
        }
    }

    /// The next field (number and value), or nil at the end.
    public mutating func next() throws(ProtobufDecodingError) -> (field: UInt32, value: ProtobufField.Value)? {
        guard !isAtEnd else { return nil }
        let (field, wireType) = try readKey()
        switch wireType {
        case 0: return (field, .varint(try readVarint()))
        case 1: return (field, .fixed64(try readFixed64()))
        case 2: return (field, .lengthDelimited(try readLengthDelimited()))
        case 5: return (field, .fixed32(try readFixed32()))
        default: throw .unsupportedWireType(wireType)
        }
    }

    /// Every field of `bytes`, in wire order (unknown ones included: callers skip them).
    public static func fields(_ bytes: [UInt8]) throws(ProtobufDecodingError) -> [ProtobufField] {
        var reader = ProtobufReader(bytes)
        var fields: [ProtobufField] = []
        while let (number, value) = try reader.next() { fields.append(ProtobufField(number: number, value: value)) }
        return fields
    }

    private mutating func readLengthDelimitedRange() throws(ProtobufDecodingError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - index) else { throw .truncated }
        let start = index
        index += Int(length)
        return start..<index
    }

    private mutating func readLittleEndian(_ count: Int) throws(ProtobufDecodingError) -> UInt64 {
        guard end - index >= count else { throw .truncated }
        var value: UInt64 = 0
        for offset in 0..<count { value |= UInt64(bytes[index + offset]) << UInt64(8 * offset) }
        index += count
        return value
    }
}
