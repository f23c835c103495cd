// SPDX-License-Identifier: Apache-2.0
import Primitives

/// A minimal proto2/proto3 wire reader: varint (0), 64-bit (1), length-delimited (2) and 32-bit (5)
/// fields; unknown fields are skipped by the caller simply not matching their number. Varints are
/// protobuf varints (up to 10 bytes: a negative int32 or a value ≥ 2⁶³), not multiformats ones.
public struct ProtobufReader: Sendable {
    /// One decoded field.
    public enum Value: Sendable, Equatable {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed64(UInt64)
        case fixed32(UInt32)
    }

    private var cursor: ByteCursor

    public init(_ bytes: [UInt8]) {
        self.cursor = ByteCursor(bytes)
    }

    /// The next (field number, value), or nil at the end; throws on malformed input.
    public mutating func next() throws -> (field: Int, value: Value)? {
        guard !cursor.isAtEnd else { return nil }
        let key = try cursor.readVarint(rule: .protobuf)
        let field = Int(key >> 3)
        guard field > 0, field < (1 << 29) else { throw MultiformatsError.malformedProtobuf("field number") }
        switch key & 7 {
        case 0:
            return (field, .varint(try cursor.readVarint(rule: .protobuf)))
        case 1:
            let raw = try cursor.readBytes(8)
            return (field, .fixed64(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        case 2:
            let length = try cursor.readVarint(rule: .protobuf)
            guard length <= UInt64(Int.max) else { throw MultiformatsError.malformedProtobuf("length") }
            return (field, .bytes(try cursor.readBytes(Int(length))))
        case 5:
            let raw = try cursor.readBytes(4)
            return (field, .fixed32(raw.reversed().reduce(0) { $0 << 8 | UInt32($1) }))
        default:
            throw MultiformatsError.malformedProtobuf("wire type \(key & 7)")
        }
    }
}

extension ProtobufReader.Value {
    /// The payload of a length-delimited field; throws for other wire types.
    public func requireBytes() throws -> [UInt8] {
        guard case .bytes(let bytes) = self else { throw MultiformatsError.malformedProtobuf("expected bytes") }
        return bytes
    }

    /// A UTF-8 string field; throws for other wire types or invalid UTF-8.
    public func requireString() throws -> String {
        let bytes = try requireBytes()
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MultiformatsError.malformedProtobuf("invalid UTF-8")
        }
        return text
    }

    /// A varint field; throws for other wire types.
    public func requireVarint() throws -> UInt64 {
        guard case .varint(let value) = self else { throw MultiformatsError.malformedProtobuf("expected varint") }
        return value
    }
}
