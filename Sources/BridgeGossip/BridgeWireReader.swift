// SPDX-License-Identifier: Apache-2.0
import Primitives

/// Errors decoding bridge protocol messages.
public enum BridgeGossipError: Error, Sendable, Hashable {
    case truncated
    case malformedVarint
    case unsupportedWireType(UInt64)
    case invalidField(String)
}

extension BridgeGossipError {
    /// The bridge error of a failure of the one protobuf reader (`Primitives.ProtobufReader`).
    init(_ error: ProtobufDecodingError) {
        switch error {
        case .truncated: self = .truncated
        case .varintTooLong, .varintOverflow: self = .malformedVarint
        case .unsupportedWireType(let type): self = .unsupportedWireType(UInt64(type))
        case .invalidFieldNumber, .unexpectedWireType, .invalidUTF8: self = .invalidField(error.description)
        }
    }
}

/// The bridge messages' view of the one protobuf reader (`Primitives.ProtobufReader`): their
/// errors (`BridgeGossipError`), and their rule for unknown fields: varint and length-delimited ones
/// are skipped (so newer minor versions stay readable), fixed-width ones refused.
struct BridgeWireReader {
    private var reader: ProtobufReader

    init(_ bytes: [UInt8]) {
        self.reader = ProtobufReader(bytes)
    }

    var isAtEnd: Bool { reader.isAtEnd }

    mutating func varint() throws(BridgeGossipError) -> UInt64 {
        do { return try reader.readVarint() } catch { throw BridgeGossipError(error) }
    }

    /// Next (field number, wire type); nil at the end.
    mutating func nextField() throws(BridgeGossipError) -> (field: UInt64, wireType: UInt64)? {
        guard !reader.isAtEnd else { return nil }
        do {
            let (field, wireType) = try reader.readKey()
            return (UInt64(field), UInt64(wireType))
        } catch {
            throw BridgeGossipError(error)
        }
    }

    mutating func lengthDelimited() throws(BridgeGossipError) -> [UInt8] {
        do { return try reader.readLengthDelimited() } catch { throw BridgeGossipError(error) }
    }

    mutating func skip(wireType: UInt64) throws(BridgeGossipError) {
        guard wireType == 0 || wireType == 2 else { throw .unsupportedWireType(wireType) }
        do { try reader.skip(wireType: UInt8(wireType)) } catch { throw BridgeGossipError(error) }
    }

    /// Calls `body` for each field; `body` returns false for fields it does not handle (skipped).
    static func forEachField(in bytes: [UInt8], _ body: (UInt64, UInt64, inout BridgeWireReader) throws -> Bool) throws {
        var reader = BridgeWireReader(bytes)
        while let (field, wireType) = try reader.nextField() {
            if try !body(field, wireType, &reader) { try reader.skip(wireType: wireType) }
        }
    }
}
