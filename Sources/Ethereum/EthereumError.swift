// SPDX-License-Identifier: Apache-2.0

/// A JSON-RPC answer or log payload that does not have the shape Ethereum promises.
///
/// Every malformed remote value becomes one of these, never a trap: callers count it, log it and
/// treat the endpoint or the log as faulty.
public enum EthereumDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A required field is absent or null.
    case missingField(String)
    /// A field has the wrong JSON type or is not valid hex / a valid quantity.
    case invalidField(String, String)
    /// ABI data is too short, an offset or length points outside it, or a value is out of range.
    case malformedABI(String)

    public var description: String {
        switch self {
        case .missingField(let f): "missing field \(f)"
        case .invalidField(let f, let why): "invalid field \(f): \(why)"
        case .malformedABI(let why): "malformed ABI data: \(why)"
        }
    }
}
