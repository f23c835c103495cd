// SPDX-License-Identifier: Apache-2.0

/// One decoded protobuf field: its number and its value by wire type.
public struct ProtobufField: Sendable, Hashable {
    /// The value of a field, by wire type. Fixed-width values are kept as raw little-endian bits.
    public enum Value: Sendable, Hashable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited([UInt8])
        case fixed32(UInt32)
    }

    public let number: UInt32
    public let value: Value

    public init(number: UInt32, value: Value) {
        self.number = number
        self.value = value
    }

    /// The varint value, or nil when the field has another wire type.
    public var varint: UInt64? {
        if case .varint(let v) = value { return v }
        return nil
    }

    /// The length-delimited payload, or nil when the field has another wire type.
    public var payload: [UInt8]? {
        if case .lengthDelimited(let b) = value { return b }
        return nil
    }
}

extension ProtobufField.Value {
    /// The payload of a length-delimited field; throws for other wire types.
    public func requireBytes() throws(ProtobufDecodingError) -> [UInt8] {
        guard case .lengthDelimited(let bytes) = self else { throw .unexpectedWireType }
        return bytes
    }

    /// A UTF-8 string field; throws for other wire types or invalid UTF-8.
    public func requireString() throws(ProtobufDecodingError) -> String {
        guard let text = String(validating: try requireBytes(), as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    /// A varint field; throws for other wire types.
    public func requireVarint() throws(ProtobufDecodingError) -> UInt64 {
        guard case .varint(let value) = self else { throw .unexpectedWireType }
        return value
    }
}

/// Why bytes are not a protobuf message (always remote input: an error, never a crash).
public enum ProtobufDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ends inside a key, a varint, a fixed field or a length-delimited payload.
    case truncated
    /// A varint longer than 10 bytes.
    case varintTooLong
    /// A 10-byte varint whose last byte carries bits above bit 63.
    case varintOverflow
    /// Field number 0 or ≥ 2²⁹.
    case invalidFieldNumber(UInt64)
    /// A group (3, 4) or an undefined wire type (6, 7).
    case unsupportedWireType(UInt8)
    /// A field read as another wire type than it has.
    case unexpectedWireType
    /// A string field that is not UTF-8.
    case invalidUTF8

    public var description: String {
        switch self {
        case .truncated: "truncated"
        case .varintTooLong: "varint too long"
        case .varintOverflow: "varint overflow"
        case .invalidFieldNumber(let number): "field number \(number)"
        case .unsupportedWireType(let type): "wire type \(type)"
        case .unexpectedWireType: "unexpected wire type"
        case .invalidUTF8: "invalid UTF-8"
        }
    }
}
