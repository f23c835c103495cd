// SPDX-License-Identifier: Apache-2.0

/// A JSON-RPC 2.0 request object.
public struct JSONRPCRequest: Sendable, Encodable {
    public let jsonrpc = "2.0"
    public let id: Int64
    public let method: String
    public let params: JSONValue

    public init(id: Int64, method: String, params: JSONValue) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// The error object of a JSON-RPC 2.0 response: `code`, `message`, optional `data`.
public struct JSONRPCErrorObject: Sendable, Hashable, Codable, Error, CustomStringConvertible {
    public let code: Int64
    public let message: String
    public let data: JSONValue?

    public init(code: Int64, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "JSON-RPC error \(code): \(message)" }
}

/// A JSON-RPC 2.0 response: exactly one of `result` or `error`.
public struct JSONRPCResponse: Sendable, Decodable {
    public let id: JSONValue?
    public let result: JSONValue?
    public let error: JSONRPCErrorObject?

    enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(JSONValue.self, forKey: .id)
        error = try c.decodeIfPresent(JSONRPCErrorObject.self, forKey: .error)
        // A present `"result": null` is a valid result (e.g. an unknown receipt), distinct from absent.
        result = c.contains(.result) ? (try c.decode(JSONValue.self, forKey: .result)) : nil
        if error == nil, !c.contains(.result) {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "response has neither result nor error"))
        }
    }
}

extension JSONRPCResponse {
    /// The response in a parsed JSON value, as `init(from:)` reads it: `id`, `error` and `data`
    /// absent or null are nil; a present `"result": null` is a `.null` result.
    public init(_ value: JSONValue) throws(JSONParseError) {
        guard case .object(let members) = value else { throw JSONParseError(offset: 0, reason: "a response must be an object") }
        id = members["id"].flatMap { $0.isNull ? nil : $0 }
        result = members["result"]
        switch members["error"] {
        case nil, .null?: error = nil
        case .object(let e)?:
            guard case .int(let code)? = e["code"], case .string(let message)? = e["message"] else {
                throw JSONParseError(offset: 0, reason: "an error object needs an integer code and a string message")
            }
            error = JSONRPCErrorObject(code: code, message: message, data: e["data"].flatMap { $0.isNull ? nil : $0 })
        default: throw JSONParseError(offset: 0, reason: "error must be an object")
        }
        if error == nil, result == nil { throw JSONParseError(offset: 0, reason: "response has neither result nor error") }
    }
}
