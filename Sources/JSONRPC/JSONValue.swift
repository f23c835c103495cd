// SPDX-License-Identifier: Apache-2.0

/// Any JSON value, kept exactly enough for JSON-RPC: integers stay integers (no Double rounding).
///
/// Ethereum quantities and Koinos 64-bit integers travel as strings anyway; `int` covers ids and
/// small numbers, `double` everything else numeric.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A decoder offers no "which kind is this" question, so each kind is tried in turn; every miss
    /// costs a thrown `DecodingError` with its coding path. The kinds are disjoint (a JSON string
    /// never decodes as a number or a Bool, nor the reverse), so the order only sets the cost: the
    /// most frequent kinds of JSON-RPC answers first (strings, then objects and arrays, the
    /// `removed` Bool of a log), numbers last, `Int64` still before `Double`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else { self = .double(try c.decode(Double.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool { self == .null }
}
