// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// A JSON-RPC 2.0 client over any `JSONRPCTransport`: single calls and batches, typed errors.
///
/// Every malformed answer (not JSON, wrong envelope, id mismatch, missing batch entries) becomes a
/// `JSONRPCClientError`, never a crash.
public final class JSONRPCClient: Sendable {
    public let transport: any JSONRPCTransport
    private let nextID = Atomic<Int64>(1)

    public init(transport: any JSONRPCTransport) {
        self.transport = transport
    }

    /// Calls `method` and returns its raw `result`.
    public func call(_ method: String, _ params: JSONValue = .array([])) async throws -> JSONValue {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let body = try JSONEncoder().encode(JSONRPCRequest(id: id, method: method, params: params))
        let raw = try await post(Array(body))
        let response: JSONRPCResponse
        do {
            response = try JSONRPCResponse(JSONParser.parse(raw))
        } catch {
            throw JSONRPCClientError.malformedResponse(Self.describe(raw))
        }
        if let error = response.error { throw JSONRPCClientError.rpc(error) }
        guard response.id == .int(id) else { throw JSONRPCClientError.malformedResponse("response id does not match request id \(id)") }
        return response.result ?? .null
    }

    /// Calls `method` and decodes `result` as `T`.
    public func call<T: Decodable>(_ method: String, _ params: JSONValue = .array([]), as type: T.Type) async throws -> T {
        let value = try await call(method, params)
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
        } catch {
            throw JSONRPCClientError.malformedResponse("result of \(method) is not a \(T.self)")
        }
    }

    /// Sends several calls in one HTTP request; results come back in call order, matched by id.
    public func batch(_ calls: [(method: String, params: JSONValue)]) async throws -> [Result<JSONValue, JSONRPCErrorObject>] {
        guard !calls.isEmpty else { return [] }
        let first = nextID.wrappingAdd(Int64(calls.count), ordering: .relaxed).oldValue
        let requests = calls.enumerated().map { JSONRPCRequest(id: first + Int64($0.offset), method: $0.element.method, params: $0.element.params) }
        let raw = try await post(Array(JSONEncoder().encode(requests)))
        let responses: [JSONRPCResponse]
        do {
            let parsed = try JSONParser.parse(raw)
            guard case .array(let entries) = parsed else {
                // Some servers answer a whole batch with one error object.
                if let error = (try? JSONRPCResponse(parsed))?.error { throw JSONRPCClientError.rpc(error) }
                throw JSONRPCClientError.malformedResponse(Self.describe(raw))
            }
            responses = try entries.map { value throws(JSONParseError) in try JSONRPCResponse(value) }
        } catch let error as JSONRPCClientError {
            throw error
        } catch {
            throw JSONRPCClientError.malformedResponse(Self.describe(raw))
        }
        var byID = [Int64: JSONRPCResponse]()
        for r in responses { if case .int(let id)? = r.id { byID[id] = r } }
        return try requests.map { request in
            guard let r = byID[request.id] else { throw JSONRPCClientError.malformedResponse("batch answer lacks id \(request.id)") }
            if let error = r.error { return .failure(error) }
            return .success(r.result ?? .null)
        }
    }

    private func post(_ body: [UInt8]) async throws -> [UInt8] {
        do {
            return try await transport.post(body)
        } catch let error as JSONRPCTransportError {
            throw JSONRPCClientError.transport(error)
        }
    }

    private static func describe(_ raw: [UInt8]) -> String {
        let text = String(decoding: raw.prefix(120), as: UTF8.self)
        return raw.isEmpty ? "empty body" : "not a JSON-RPC response: \(text.debugDescription)"
    }
}

/// Errors a `JSONRPCClient` call can end with.
public enum JSONRPCClientError: Error, Sendable, CustomStringConvertible {
    case transport(JSONRPCTransportError)
    case malformedResponse(String)
    case rpc(JSONRPCErrorObject)

    public var description: String {
        switch self {
        case .transport(let e): e.description
        case .malformedResponse(let m): "malformed JSON-RPC response: \(m)"
        case .rpc(let e): e.description
        }
    }
}
