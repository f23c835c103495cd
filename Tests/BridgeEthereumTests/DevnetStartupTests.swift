// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import Ethereum
import Foundation
import JSONRPC
import ProcessTestSupport
import Testing

/// Start-up checks (issue 12, item 7): an Ethereum endpoint that is down at boot is reported as
/// unreachable and retried with a growing pause, as mid-run; only endpoints that all serve another
/// chain end the start, with one line naming both chain ids.
extension DevnetWatcherTests {
    @Test func anUnreachableEndpointAtStartIsRetriedWithAClearLineNotAChainIDComplaint() async throws {
        let devnet = try await SharedDevnet.get()
        let logs = CapturedLogs()
        let pool = EndpointPool(clients: [EthereumRPCClient(transport: CurlTransportFactory.make("http://127.0.0.1:1", timeout: 1))],
                                expectedChainID: devnet.chainID, clock: SystemBridgeClock(), logger: logs.logger())
        let waiting = Task { try await pool.waitForChain(initialDelayMs: 100, maxDelayMs: 200) }
        var retries: [String] = []
        _ = await eventually(.seconds(30)) {
            retries = logs.all.filter { $0.contains("Ethereum endpoint unreachable at start; retrying") }
            return retries.count >= 3
        }
        #expect(retries.count >= 3, "\(logs.all.suffix(4))")
        #expect(retries.last?.contains("retry.in_ms=200") == true, "the pause grows up to its bound: \(retries.suffix(2))")
        #expect(!logs.contains("serves chain id"))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test func theWatcherStartsOnceTheEndpointThatWasDownAtBootAnswers() async throws {
        let devnet = try await SharedDevnet.get()
        let proxy = try await FaultServer.start(upstream: devnet.rpcURL)
        let endpoint = try Devnet.Endpoint(devnet, url: proxy.url)
        _ = try await endpoint.control.call("fault_setMode", .array([.string("http500")]))
        let start = try await devnet.finalized() + 1
        let lock = try await devnet.lock([:])
        try await devnet.mine(6)
        let target = try await devnet.finalized()
        let database = try BridgeDatabase()
        let logs = CapturedLogs()
        _ = try await runWatcher(endpoints: [proxy.url], devnet: devnet, contract: devnet.bridge, from: start, until: target,
                                 database: database, logs: logs, timeout: 30, requestTimeout: 2) { _ in } whileRunning: {
            #expect(await eventually(.seconds(30)) { logs.contains("Ethereum endpoint unreachable at start; retrying") }, "\(logs.all.suffix(3))")
            _ = try await endpoint.control.call("fault_setMode", .array([.string("pass")]))
        }
        #expect(Set(try await database.observationStatuses(chainID: devnet.chainID).map(\.id.description)) == expectedIDs([lock], chainID: devnet.chainID))
        #expect(logs.contains("Ethereum endpoint reachable; starting"))
        await proxy.stop()
    }

    @Test func everyEndpointOnAnotherChainEndsTheStartWithOneLineNamingBothChainIDs() async throws {
        let devnet = try await SharedDevnet.get()
        let proxy = try await FaultServer.start(upstream: devnet.rpcURL)
        let endpoint = try Devnet.Endpoint(devnet, url: proxy.url)
        _ = try await endpoint.control.call("fault_setMode", .array([.string("wrong_chain")]))
        let pool = EndpointPool(clients: [EthereumRPCClient(transport: CurlTransportFactory.make(proxy.url))], expectedChainID: devnet.chainID,
                                clock: SystemBridgeClock(), logger: CapturedLogs().logger())
        let started = Date()
        do {
            try await pool.waitForChain()
            Issue.record("a wrong chain was accepted")
        } catch let error as WatcherError {
            #expect(error == .wrongChain(expected: devnet.chainID, served: [devnet.chainID + 1_000]))
            #expect("\(error)" == "no Ethereum endpoint serves chain id \(devnet.chainID) (ethereum.chain_id); they serve \(devnet.chainID + 1_000)")
        }
        #expect(Date().timeIntervalSince(started) < 5, "refused at once, not retried")
        await proxy.stop()
    }
}
