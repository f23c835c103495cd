// SPDX-License-Identifier: Apache-2.0
public import Primitives

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

    /// The Koinos error of a failure of the one reader (`Primitives.ProtobufReader`).
    init(_ error: ProtobufDecodingError) {
        switch error {
        case .truncated: self = .truncated
        case .varintTooLong, .varintOverflow: self = .varintTooLong
        case .invalidFieldNumber: self = .invalidFieldNumber
        case .unsupportedWireType(let type): self = .invalidWireType(type)
        case .unexpectedWireType: self = .invalidValue("unexpected wire type")
        case .invalidUTF8: self = .invalidValue("not UTF-8")
        }
    }
}

/// Koinos messages read through the one protobuf reader (`Primitives.ProtobufReader`), with
/// Koinos's errors: every field, unknown ones kept (callers skip them).
///
/// Groups (wire types 3 and 4) are refused: no Koinos message uses them.
public enum KoinosProtoReader {
    /// Every field of `bytes`, in wire order.
    public static func fields(_ bytes: [UInt8]) throws(KoinosProtoError) -> [ProtobufField] {
        do {
            return try ProtobufReader.fields(bytes)
        } catch {
            throw KoinosProtoError(error)
        }
    }
}

extension Array where Element == ProtobufField {
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
