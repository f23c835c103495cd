// SPDX-License-Identifier: Apache-2.0
import Primitives

/// One decoded protobuf field: its number and its value by wire type.
public struct KoinosProtoField: Sendable, Hashable {
    /// The value of a field, by wire type. Fixed-width values are kept as raw little-endian bits.
    public enum Value: Sendable, Hashable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited([UInt8])
        case fixed32(UInt32)
    }

    public let number: UInt32
    public let value: Value

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

/// Errors decoding protobuf bytes (always from remote input: never a crash).
public enum KoinosProtoError: Error, Sendable, Hashable, CustomStringConvertible {
    case truncated
    case varintTooLong
    case invalidWireType(UInt8)
    case invalidFieldNumber
    case wrongWireType(field: UInt32)
    case invalidValue(String)

    public var description: String {
        switch self {
        case .truncated: "protobuf input is truncated"
        case .varintTooLong: "protobuf varint longer than 10 bytes or above 64 bits"
        case .invalidWireType(let t): "protobuf wire type \(t) is not supported"
        case .invalidFieldNumber: "protobuf field number 0"
        case .wrongWireType(let f): "protobuf field \(f) has an unexpected wire type"
        case .invalidValue(let m): "protobuf value is invalid: \(m)"
        }
    }
}

/// A strict protobuf reader: splits bytes into fields (unknown ones are kept, callers skip them).
///
/// Groups (wire types 3 and 4) are refused: no Koinos message uses them.
public enum KoinosProtoReader {
    /// Every field of `bytes`, in wire order.
    public static func fields(_ bytes: [UInt8]) throws(KoinosProtoError) -> [KoinosProtoField] {
        var fields = [KoinosProtoField]()
        var i = 0
        while i < bytes.count {
            let key = try varint(bytes, &i)
            let number = key >> 3
            guard number > 0, number <= UInt64(UInt32.max >> 3) else { throw .invalidFieldNumber }
            let wireType = UInt8(key & 7)
            let value: KoinosProtoField.Value
            switch wireType {
            case 0:
                value = .varint(try varint(bytes, &i))
            case 1:
                guard bytes.count - i >= 8 else { throw .truncated }
                var v: UInt64 = 0
                for k in 0..<8 { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
                i += 8
                value = .fixed64(v)
            case 2:
                let length = try varint(bytes, &i)
                guard length <= UInt64(bytes.count - i) else { throw .truncated }
                value = .lengthDelimited(Array(bytes[i..<(i + Int(length))]))
                i += Int(length)
            case 5:
                guard bytes.count - i >= 4 else { throw .truncated }
                var v: UInt32 = 0
                for k in 0..<4 { v |= UInt32(bytes[i + k]) << (8 * UInt32(k)) }
                i += 4
                value = .fixed32(v)
            default:
                throw .invalidWireType(wireType)
            }
            fields.append(KoinosProtoField(number: UInt32(number), value: value))
        }
        return fields
    }

    static func varint(_ bytes: [UInt8], _ i: inout Int) throws(KoinosProtoError) -> UInt64 {
        let decoded: (value: UInt64, length: Int)?
        do {
            decoded = try Varint.decode(bytes[i...], rule: .protobuf)
        } catch {
            throw .varintTooLong
        }
        guard let (value, length) = decoded else { throw .truncated }
        i += length
        return value
    }
}

extension Array where Element == KoinosProtoField {
    /// The last varint value of field `number` (proto3: last one wins), 0 when absent.
    public func varint(_ number: UInt32) throws(KoinosProtoError) -> UInt64 {
        var result: UInt64 = 0
        for f in self where f.number == number {
            guard let v = f.varint else { throw .wrongWireType(field: number) }
            result = v
        }
        return result
    }

    /// The last length-delimited value of field `number`, empty when absent.
    public func bytes(_ number: UInt32) throws(KoinosProtoError) -> [UInt8] {
        var result = [UInt8]()
        for f in self where f.number == number {
            guard let v = f.payload else { throw .wrongWireType(field: number) }
            result = v
        }
        return result
    }

    /// The last length-delimited value of field `number`, nil when absent (a set message field).
    public func optionalBytes(_ number: UInt32) throws(KoinosProtoError) -> [UInt8]? {
        guard contains(where: { $0.number == number }) else { return nil }
        return try bytes(number)
    }

    /// Every length-delimited value of the repeated field `number`.
    public func repeatedBytes(_ number: UInt32) throws(KoinosProtoError) -> [[UInt8]] {
        try filter { $0.number == number }.map { f throws(KoinosProtoError) in
            guard let v = f.payload else { throw .wrongWireType(field: number) }
            return v
        }
    }

    /// A UTF-8 string field; invalid UTF-8 is an error.
    public func string(_ number: UInt32) throws(KoinosProtoError) -> String {
        let raw = try bytes(number)
        guard let s = String(validating: raw, as: UTF8.self) else { throw .invalidValue("field \(number) is not UTF-8") }
        return s
    }
}
