// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// A block parameter: a number or one of the finality tags a post-merge node serves.
public enum BlockTag: Sendable, Hashable, CustomStringConvertible {
    case number(UInt64)
    case latest
    case safe
    case finalized
    case earliest

    /// The JSON-RPC parameter value.
    public var json: JSONValue {
        switch self {
        case .number(let n): .string(Quantity.encode(n))
        case .latest: .string("latest")
        case .safe: .string("safe")
        case .finalized: .string("finalized")
        case .earliest: .string("earliest")
        }
    }

    public var description: String {
        if case .number(let n) = self { return String(n) }
        return json.stringValue ?? "?"
    }
}
