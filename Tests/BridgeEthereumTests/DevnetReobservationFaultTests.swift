// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import JSONRPC
import ProcessTestSupport
import Testing

/// The re-observer behind an endpoint that answers garbage: retried, then given up with a
/// counted reason, never a crash; once the endpoint recovers, the next request is served.
extension DevnetWatcherTests {
    @Test(arguments: ["garbage", "truncated", "http500"])
    func malformedAnswersAreRetriedThenGivenUpWithoutStoringAnything(mode: String) async throws {
        let devnet = try await SharedDevnet.get()
        let proxy = try await FaultServer.start(upstream: devnet.rpcURL, lifetime: 60)
        let proxied = try Devnet.Endpoint(devnet, url: proxy.url)
        // Two locks in two transactions (a second lock of one transaction is rejected, see L2).
        let lock = try await devnet.lock()
        let other = try await devnet.lock()
        try await devnet.mine(6)
        let database = try BridgeDatabase()
        let logs = CapturedLogs()
        let (reobserver, _) = Self.reobserver(proxied.devnet, database: database, logs: logs, rpcURL: proxied.url) {
            $0.maxAttempts = 2
            $0.retryDelayMs = 0
        }
        let first = try Self.observationID(devnet, lock.txHash, lock.logIndexes[0])
        let second = try Self.observationID(devnet, other.txHash, other.logIndexes[0])

        _ = try await proxied.control.call("fault_setMode", .array([.string(mode)]))
        #expect(await reobserver.offer(first) == nil)
        #expect(await reobserver.processNext()?.result == .deferred)
        #expect(await reobserver.processNext()?.result == .rpcError)
        #expect(reobserver.queuedCount == 0)
        #expect(try await database.attestationStatus(of: first) == nil)
        #expect(logs.contains("Re-observation given up") && logs.contains("reason=rpc_error"), "\(logs.all.suffix(3))")

        _ = try await proxied.control.call("fault_setMode", .array([.string("pass")]))
        #expect(await reobserver.offer(second) == nil)
        #expect(await reobserver.processNext()?.result == .observed, "\(logs.all.suffix(3))")
        #expect(try await database.attestationStatus(of: second) == .observed)
        await proxy.stop()
    }
}

extension Devnet {
    /// Another URL in front of the devnet (a fault proxy) and its control client.
    struct Endpoint {
        let devnet: Devnet
        let url: String
        let control: JSONRPCClient

        init(_ devnet: Devnet, url: String) throws {
            self.devnet = devnet
            self.url = url
            control = JSONRPCClient(transport: CurlTransportFactory.make(url))
        }
    }
}
