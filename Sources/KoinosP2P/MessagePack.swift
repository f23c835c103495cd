// SPDX-License-Identifier: Apache-2.0

/// The subset of MessagePack that go-libp2p-gorpc (ugorji codec, default handle) exchanges:
/// maps keyed by Go field names, legacy raw strings for both strings and byte slices, unsigned ints.
public enum MessagePackValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case bytes([UInt8])  // str or bin
    case array([MessagePackValue])
    case map([(MessagePackValue, MessagePackValue)])
    case float(Double)

    public static func == (lhs: MessagePackValue, rhs: MessagePackValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.uint(let a), .uint(let b)): a == b
        case (.bytes(let a), .bytes(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.float(let a), .float(let b)): a == b
        default: false
        }
    }

    /// The value for a string key in a map.
    public subscript(key: String) -> MessagePackValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.0 == .bytes(Array(key.utf8)) }?.1
    }

    public var text: String? {
        guard case .bytes(let raw) = self else { return nil }
        return String(validating: raw, as: UTF8.self)
    }
}

/// Errors decoding MessagePack.
public enum MessagePackError: Error, Equatable, Sendable {
    case truncated
    case unsupported(UInt8)
    case tooDeep
    case tooLarge
}

/// Incremental decoder over a byte array: `decode()` returns nil when more bytes are needed.
public struct MessagePackReader {
    public static let maxLength = 1 << 20
    public let bytes: [UInt8]
    public private(set) var index = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next complete value, or nil (index unchanged) when incomplete.
    public mutating func decode() throws -> MessagePackValue? {
        let start = index
        do {
            return try value(depth: 0)
        } catch MessagePackError.truncated {
            index = start
            return nil
        }
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= MessagePackReader.maxLength else { throw MessagePackError.tooLarge }
        guard bytes.count - index >= count else { throw MessagePackError.truncated }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    private mutating func unsigned(_ width: Int) throws -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func value(depth: Int) throws -> MessagePackValue {
        guard depth < 16 else { throw MessagePackError.tooDeep }
        let marker = try take(1).first!
        switch marker {
        case 0x00...0x7f: return .uint(UInt64(marker))
        case 0x80...0x8f: return try map(Int(marker & 0x0f), depth)
        case 0x90...0x9f: return try array(Int(marker & 0x0f), depth)
        case 0xa0...0xbf: return .bytes(Array(try take(Int(marker & 0x1f))))
        case 0xc0: return .null
        case 0xc2: return .bool(false)
        case 0xc3: return .bool(true)
        case 0xc4, 0xd9: return .bytes(Array(try take(Int(try unsigned(1)))))
        case 0xc5, 0xda: return .bytes(Array(try take(Int(try unsigned(2)))))
        case 0xc6, 0xdb: return .bytes(Array(try take(Int(try unsigned(4)))))
        case 0xca: return .float(Double(Float(bitPattern: UInt32(try unsigned(4)))))
        case 0xcb: return .float(Double(bitPattern: try unsigned(8)))
        case 0xcc: return .uint(try unsigned(1))
        case 0xcd: return .uint(try unsigned(2))
        case 0xce: return .uint(try unsigned(4))
        case 0xcf: return .uint(try unsigned(8))
        case 0xd0: return .int(Int64(Int8(truncatingIfNeeded: try unsigned(1))))
        case 0xd1: return .int(Int64(Int16(truncatingIfNeeded: try unsigned(2))))
        case 0xd2: return .int(Int64(Int32(truncatingIfNeeded: try unsigned(4))))
        case 0xd3: return .int(Int64(bitPattern: try unsigned(8)))
        case 0xdc: return try array(Int(try unsigned(2)), depth)
        case 0xdd: return try array(Int(try unsigned(4)), depth)
        case 0xde: return try map(Int(try unsigned(2)), depth)
        case 0xdf: return try map(Int(try unsigned(4)), depth)
        case 0xe0...0xff: return .int(Int64(Int8(bitPattern: marker)))
        default: throw MessagePackError.unsupported(marker)
        }
    }

    private mutating func array(_ count: Int, _ depth: Int) throws -> MessagePackValue {
        guard count <= 4096 else { throw MessagePackError.tooLarge }
        var items: [MessagePackValue] = []
        for _ in 0..<count { items.append(try value(depth: depth + 1)) }
        return .array(items)
    }

    private mutating func map(_ count: Int, _ depth: Int) throws -> MessagePackValue {
        guard count <= 4096 else { throw MessagePackError.tooLarge }
        var entries: [(MessagePackValue, MessagePackValue)] = []
        for _ in 0..<count { entries.append((try value(depth: depth + 1), try value(depth: depth + 1))) }
        return .map(entries)
    }
}

/// Encoder producing ugorji's default-handle bytes (legacy raw headers a0/da/db, no d9/bin).
public enum MessagePackWriter {
    public static func encode(_ value: MessagePackValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out)
        return out
    }

    public static func write(_ value: MessagePackValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(0xc0)
        case .bool(let flag): out.append(flag ? 0xc3 : 0xc2)
        case .uint(let number):
            if number <= 0x7f { out.append(UInt8(number)) }
            else if number <= 0xff { out += [0xcc, UInt8(number)] }
            else if number <= 0xffff { out.append(0xcd); out += bigEndian(number, 2) }
            else if number <= 0xffff_ffff { out.append(0xce); out += bigEndian(number, 4) }
            else { out.append(0xcf); out += bigEndian(number, 8) }
        case .int(let number):
            if number >= 0 { write(.uint(UInt64(number)), into: &out) }
            else if number >= -32 { out.append(UInt8(bitPattern: Int8(number))) }
            else { out.append(0xd3); out += bigEndian(UInt64(bitPattern: number), 8) }
        case .bytes(let raw):
            if raw.count < 32 { out.append(0xa0 | UInt8(raw.count)) }
            else if raw.count < 65536 { out.append(0xda); out += bigEndian(UInt64(raw.count), 2) }
            else { out.append(0xdb); out += bigEndian(UInt64(raw.count), 4) }
            out += raw
        case .array(let items):
            if items.count < 16 { out.append(0x90 | UInt8(items.count)) } else { out.append(0xdc); out += bigEndian(UInt64(items.count), 2) }
            for item in items { write(item, into: &out) }
        case .map(let entries):
            if entries.count < 16 { out.append(0x80 | UInt8(entries.count)) } else { out.append(0xde); out += bigEndian(UInt64(entries.count), 2) }
            for (key, item) in entries {
                write(key, into: &out)
                write(item, into: &out)
            }
        case .float(let number):
            out.append(0xcb)
            out += bigEndian(number.bitPattern, 8)
        }
    }

    private static func bigEndian(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
    }
}

extension MessagePackValue {
    public static func string(_ text: String) -> MessagePackValue { .bytes(Array(text.utf8)) }
}
