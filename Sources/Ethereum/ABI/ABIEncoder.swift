// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// Encodes ABI tuples (head/tail layout of the Solidity ABI spec) for contract calls.
///
/// Values carry their own types: `.uint`/`.int`/`.address`/`.bool`/`.fixedBytes` are static words;
/// `.bytes`, `.string` and `.array` are dynamic (an offset in the head, the data in the tail).
/// Arrays of static values are treated as `T[]` of that static type, arrays of dynamic values as
/// `T[]` of a dynamic type; fixed-size arrays are not supported (the bridge uses none).
public enum ABIEncoder {
    /// The encoding of the tuple `(values…)`.
    public static func encode(_ values: [ABIValue]) -> [UInt8] {
        var head: [UInt8] = []
        var tail: [UInt8] = []
        let headSize = 32 * values.count
        for value in values {
            if value.isDynamic {
                head += word(UInt64(headSize + tail.count))
                tail += encodeDynamic(value)
            } else {
                head += encodeStatic(value)
            }
        }
        return head + tail
    }

    /// `selector ‖ encode(arguments)`: the calldata of a function call.
    public static func call(_ function: ABIFunction, _ arguments: [ABIValue]) -> [UInt8] {
        function.selector + encode(arguments)
    }

    private static func encodeDynamic(_ value: ABIValue) -> [UInt8] {
        switch value {
        case .bytes(let b): return word(UInt64(b.count)) + padded(b)
        case .string(let s):
            let b = Array(s.utf8)
            return word(UInt64(b.count)) + padded(b)
        case .array(let items): return word(UInt64(items.count)) + encode(items)
        default: return encodeStatic(value)
        }
    }

    private static func encodeStatic(_ value: ABIValue) -> [UInt8] {
        switch value {
        case .address(let a): return [UInt8](repeating: 0, count: 32 - min(a.count, 32)) + a.prefix(32)
        case .bool(let b): return word(b ? 1 : 0)
        case .uint(let w), .int(let w): return w.bytes
        case .fixedBytes(let b), .topicHash(let b): return padded(Array(b.prefix(32)))
        case .bytes, .string, .array: return encodeDynamic(value)
        }
    }

    /// A uint256 word holding `value`.
    static func word(_ value: UInt64) -> [UInt8] { ABIWord(value).bytes }

    /// `bytes` right-padded with zeros to a multiple of 32.
    private static func padded(_ bytes: [UInt8]) -> [UInt8] {
        let rest = bytes.count % 32
        return rest == 0 ? bytes : bytes + [UInt8](repeating: 0, count: 32 - rest)
    }
}

extension ABIValue {
    /// True for values encoded out of line.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: true
        default: false
        }
    }
}

/// A function's canonical signature and its 4-byte selector.
public struct ABIFunction: Sendable, Hashable {
    public let name: String
    public let parameters: [ABIType]
    /// First 4 bytes of keccak256(`name(type1,type2,…)`).
    public let selector: [UInt8]

    public init(name: String, parameters: [ABIType]) {
        self.name = name
        self.parameters = parameters
        self.selector = Array(Keccak256.hash(Array("\(name)(\(parameters.map(\.description).joined(separator: ",")))".utf8)).prefix(4))
    }

    /// `name(type1,type2,…)`.
    public var signature: String { "\(name)(\(parameters.map(\.description).joined(separator: ",")))" }
}
