// SPDX-License-Identifier: Apache-2.0
import Foundation
public import JSONRPC

/// What a Koinos JSON-RPC call can end with.
///
/// `chain` carries the chain's own failure (JSON-RPC −32603 with a JSON `data` holding the chain
/// error code and logs, koinos.md §6.3); `unreachable` is the node being down or too slow;
/// `rpc` any other JSON-RPC error (unknown method, unparsable params…).
public enum KoinosError: Error, Sendable, Hashable, CustomStringConvertible {
    case chain(KoinosChainFailure)
    case rpc(code: Int64, message: String)
    case unreachable(String)
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .chain(let f): f.description
        case .rpc(let code, let message): "Koinos JSON-RPC error \(code): \(message)"
        case .unreachable(let m): "Koinos node unreachable: \(m)"
        case .malformedResponse(let m): "malformed Koinos response: \(m)"
        }
    }

    /// Maps a JSON-RPC client error into a Koinos error.
    public init(_ error: JSONRPCClientError) {
        switch error {
        case .transport(let t): self = .unreachable(t.description)
        case .malformedResponse(let m): self = .malformedResponse(m)
        case .rpc(let object): self = KoinosError(object)
        }
    }

    /// −32603 with a `data` string that parses as `{"code":N,"logs":[…]}` is a chain failure.
    public init(_ object: JSONRPCErrorObject) {
        if object.code == -32603, let failure = KoinosChainFailure(message: object.message, data: object.data) {
            self = .chain(failure)
        } else {
            self = .rpc(code: object.code, message: object.message)
        }
    }
}

/// A failure reported by the chain or mempool: its error code, message and logs.
public struct KoinosChainFailure: Sendable, Hashable, CustomStringConvertible {
    /// The chain's error classes the relay reacts to (koinos.md §6.3).
    public enum Kind: Sendable, Hashable {
        /// A contract reverted (code 1); `message` is the contract's message.
        case reverted
        /// Not enough mana (code 104).
        case insufficientRC
        /// Nonce is not current + 1 (code −201).
        case invalidNonce
        /// Too many pending transactions for the account (code −206).
        case pendingLimitExceeded
        /// A signature is malformed or does not authorise (codes −200, −202).
        case authorization
        /// The transaction is malformed or misses fields (codes −204, −1002).
        case malformed
        /// Anything else.
        case other
    }

    public let code: Int64
    public let message: String
    public let logs: [String]

    public init(code: Int64, message: String, logs: [String] = []) {
        self.code = code
        self.message = message
        self.logs = logs
    }

    /// Parses the gateway's `data`: a JSON **string** holding `{"code":N,"logs":[…]}` (an object is
    /// accepted too). Nil when `data` carries no chain code.
    init?(message: String, data: JSONValue?) {
        var payload = data
        if case .string(let text)? = data {
            payload = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        }
        guard let payload, case .int(let code)? = payload["code"] else { return nil }
        let logs = payload["logs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.init(code: code, message: message, logs: logs)
    }

    public var kind: Kind {
        switch code {
        case 1: .reverted
        case 104: .insufficientRC
        case -201: .invalidNonce
        case -206: .pendingLimitExceeded
        case -200, -202: .authorization
        case -204, -1002: .malformed
        default: .other
        }
    }

    public var description: String { "Koinos chain error \(code): \(message)" }
}
