// SPDX-License-Identifier: Apache-2.0
import CurlTransport
import Foundation
import ProcessTestSupport
import JSONRPC
import Testing

/// The libcurl transport and JSON-RPC client against a tiny local HTTP server
/// (Tests/Interop/eth/fault_server.py in echo mode), one per test on its own port.
struct CurlTransportTests {
    func client(_ server: FaultServer, timeout: Double = 5, maxBytes: Int = 1 << 20) -> JSONRPCClient {
        var c = CurlTransportConfiguration(url: server.url)
        c.totalTimeout = timeout
        c.maxResponseBytes = maxBytes
        return JSONRPCClient(transport: CurlHTTPTransport(configuration: c))
    }

    func setMode(_ server: FaultServer, _ mode: String, _ options: [String: JSONValue] = [:]) async throws {
        _ = try await client(server).call("fault_setMode", .array([.string(mode), .object(options)]))
    }

    @Test func keepAliveReusesOneConnection() async throws {
        let server = try await FaultServer.start()
        let c = client(server)
        var connections = Set<JSONValue>()
        for _ in 0..<10 {
            let result = try await c.call("eth_blockNumber")
            #expect(result["method"] == .string("eth_blockNumber"))
            connections.insert(result["connection"] ?? .null)
        }
        #expect(connections.count == 1, "ten sequential calls must share one kept-alive connection")
        await server.stop()
    }

    @Test func batchesMatchAnswersById() async throws {
        let server = try await FaultServer.start()
        let answers = try await client(server).batch([("a", .array([])), ("b", .array([])), ("c", .array([]))])
        let methods = answers.map { (try? $0.get())?["method"]?.stringValue }
        #expect(methods == ["a", "b", "c"])
        await server.stop()
    }

    @Test func faultsBecomeTypedErrors() async throws {
        let server = try await FaultServer.start()
        let c = client(server, timeout: 1)
        try await setMode(server, "http500")
        await #expect(throws: JSONRPCClientError.self) { try await c.call("x") }
        do { _ = try await c.call("x") } catch JSONRPCClientError.transport(.httpStatus(let code, _)) { #expect(code == 500) }

        try await setMode(server, "garbage")
        do {
            _ = try await c.call("x")
            Issue.record("garbage accepted")
        } catch JSONRPCClientError.malformedResponse {}

        try await setMode(server, "truncated")
        do {
            _ = try await c.call("x")
            Issue.record("truncated body accepted")
        } catch JSONRPCClientError.transport, JSONRPCClientError.malformedResponse {}

        try await setMode(server, "slow", ["seconds": .double(3)])
        do {
            _ = try await c.call("x")
            Issue.record("slow answer not timed out")
        } catch JSONRPCClientError.transport(.timedOut) {}

        try await setMode(server, "huge", ["bytes": .int(3_000_000)])
        do {
            _ = try await c.call("x")
            Issue.record("oversized body accepted")
        } catch JSONRPCClientError.transport(.responseTooLarge) {}

        try await setMode(server, "gzip")
        #expect(try await c.call("eth_chainId")["method"] == .string("eth_chainId"))
        try await setMode(server, "pass")
        await server.stop()
    }

    @Test func unreachableEndpointIsAConnectionError() async throws {
        var c = CurlTransportConfiguration(url: "http://127.0.0.1:1")
        c.connectTimeout = 1
        let rpc = JSONRPCClient(transport: CurlHTTPTransport(configuration: c))
        do {
            _ = try await rpc.call("eth_chainId")
            Issue.record("port 1 answered")
        } catch JSONRPCClientError.transport(.connectionFailed) {}
    }

    @Test func credentialsAreRedactedInDescriptions() {
        let t = CurlHTTPTransport(url: "https://user:secret@example.invalid/v3/key")
        #expect(!t.endpointDescription.contains("secret"))
    }
}
