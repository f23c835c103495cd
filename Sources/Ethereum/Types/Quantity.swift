// SPDX-License-Identifier: Apache-2.0
import JSONRPC
public import Primitives

/// Ethereum JSON-RPC "quantity" encoding: `0x`-prefixed hex without leading zeros (`0x0` for zero).
///
/// Decoding is strict about shape (prefix, hex digits, at most 64 bits) but accepts leading zeros,
/// which some providers emit.
public enum Quantity {
    /// `0x`-hex text of `value`.
    public static func encode(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Parses a quantity; nil when not `0x` + 1…16 significant hex digits.
    public static func decode(_ text: String) -> UInt64? {
        let utf8 = text.utf8
        guard utf8.count >= 3, utf8.count <= 66, text.hasPrefix("0x") else { return nil }
        var value: UInt64 = 0
        for c in utf8.dropFirst(2) {
            let digit: UInt64
            switch c {
            case 48...57: digit = UInt64(c - 48)
            case 97...102: digit = UInt64(c - 87)
            case 65...70: digit = UInt64(c - 55)
            default: return nil
            }
            guard value >> 60 == 0 else { return nil }  // one more digit would overflow 64 bits
            value = value << 4 | digit
        }
        return value
    }
}

/// Strict field readers over a JSON object, throwing `EthereumDecodingError`.
extension JSONValue {
    func field(_ key: String) throws -> JSONValue {
        guard case .object(let o) = self else { throw EthereumDecodingError.invalidField(key, "parent is not an object") }
        guard let v = o[key], v != .null else { throw EthereumDecodingError.missingField(key) }
        return v
    }

    func quantity(_ key: String) throws -> UInt64 {
        guard let s = try field(key).stringValue, let q = Quantity.decode(s) else {
            throw EthereumDecodingError.invalidField(key, "not a quantity")
        }
        return q
    }

    func optionalQuantity(_ key: String) throws -> UInt64? {
        guard case .object(let o) = self, let v = o[key], v != .null else { return nil }
        return try quantity(key)
    }

    func data(_ key: String, count: Int? = nil) throws -> [UInt8] {
        guard let s = try field(key).stringValue else { throw EthereumDecodingError.invalidField(key, "not a string") }
        return try HexData.decode(s, field: key, count: count)
    }
}

/// Strict `0x` hex data (DATA in the JSON-RPC spec): a thin forward to `Primitives.HexCodec` that
/// names the field in its error.
public enum HexData {
    /// Decodes `0x`-prefixed even-length hex, optionally of exactly `count` bytes.
    public static func decode(_ text: String, field: String, count: Int? = nil) throws -> [UInt8] {
        do {
            return try HexCodec.decode(text, prefix: .required, count: count)
        } catch {
            throw EthereumDecodingError.invalidField(field, error.description)
        }
    }

    /// `0x` + lowercase hex.
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>) -> String { HexCodec.encode(bytes) }
}
