// SPDX-License-Identifier: Apache-2.0
import Primitives

/// Errors decoding bridge protocol messages.
public enum BridgeGossipError: Error, Sendable, Hashable {
    case truncated
    case malformedVarint
    case unsupportedWireType(UInt64)
    case invalidField(String)
}

/// A strict, minimal protobuf reader for the bridge messages (varint and length-delimited fields;
/// unknown fields of those kinds are skipped so newer minor versions stay readable).
struct BridgeWireReader {
    private let bytes: [UInt8]
    private var offset: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    var isAtEnd: Bool { offset >= end }

    mutating func varint() throws -> UInt64 {
        let decoded: (value: UInt64, length: Int)?
        do {
            decoded = try Varint.decode(bytes[offset..<end], rule: .protobuf)
        } catch {
            throw BridgeGossipError.malformedVarint
        }
        guard let (value, length) = decoded else { throw BridgeGossipError.truncated }
        offset += length
        return value
    }

    /// Next (field number, wire type); nil at the end.
    mutating func nextField() throws -> (field: UInt64, wireType: UInt64)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        return (key >> 3, key & 7)
    }

    mutating func lengthDelimited() throws -> [UInt8] {
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw BridgeGossipError.truncated }
        let slice = Array(bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return slice
    }

    mutating func skip(wireType: UInt64) throws {
        switch wireType {
        case 0: _ = try varint()
        case 2: _ = try lengthDelimited()
        default: throw BridgeGossipError.unsupportedWireType(wireType)
        }
    }

    /// Calls `body` for each field; `body` returns false for fields it does not handle (skipped).
    static func forEachField(in bytes: [UInt8], _ body: (UInt64, UInt64, inout BridgeWireReader) throws -> Bool) throws {
        var reader = BridgeWireReader(bytes)
        while let (field, wireType) = try reader.nextField() {
            if try !body(field, wireType, &reader) { try reader.skip(wireType: wireType) }
        }
    }
}
