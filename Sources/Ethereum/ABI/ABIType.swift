// SPDX-License-Identifier: Apache-2.0

/// The Solidity ABI types event decoding supports: the elementary ones plus dynamic arrays.
public indirect enum ABIType: Sendable, Hashable, CustomStringConvertible {
    case address
    case bool
    /// `uintN`, N in 8…256 step 8.
    case uint(Int)
    /// `intN`, N in 8…256 step 8.
    case int(Int)
    /// `bytesN`, N in 1…32.
    case fixedBytes(Int)
    case bytes
    case string
    /// `T[]`.
    case array(ABIType)

    /// Parses a canonical type name (`uint256`, `address[]`, `bytes32`); nil when unsupported.
    public init?(_ text: String) {
        if text.hasSuffix("[]") {
            guard let element = ABIType(String(text.dropLast(2))) else { return nil }
            self = .array(element)
            return
        }
        switch text {
        case "address": self = .address
        case "bool": self = .bool
        case "string": self = .string
        case "bytes": self = .bytes
        default:
            for (prefix, make) in [("uint", ABIType.uint), ("int", ABIType.int)] where text.hasPrefix(prefix) {
                guard let bits = Int(text.dropFirst(prefix.count)), bits % 8 == 0, (8...256).contains(bits) else { return nil }
                self = make(bits)
                return
            }
            if text.hasPrefix("bytes"), let n = Int(text.dropFirst(5)), (1...32).contains(n) {
                self = .fixedBytes(n)
                return
            }
            return nil
        }
    }

    /// True for types encoded out of line (behind an offset).
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .address: "address"
        case .bool: "bool"
        case .uint(let n): "uint\(n)"
        case .int(let n): "int\(n)"
        case .fixedBytes(let n): "bytes\(n)"
        case .bytes: "bytes"
        case .string: "string"
        case .array(let t): "\(t)[]"
        }
    }
}

/// A decoded ABI value.
public indirect enum ABIValue: Sendable, Hashable {
    /// 20 bytes.
    case address([UInt8])
    case bool(Bool)
    case uint(ABIWord)
    /// Two's complement 256-bit word.
    case int(ABIWord)
    case fixedBytes([UInt8])
    case bytes([UInt8])
    case string(String)
    case array([ABIValue])
    /// An indexed dynamic parameter: only its keccak256 is in the topic.
    case topicHash([UInt8])
}
