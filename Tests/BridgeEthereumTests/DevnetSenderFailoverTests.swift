// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeTesting
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import ProcessTestSupport
import Testing

/// The sender over two endpoints of the real devnet: a loopback fault server in front of it as the
/// first endpoint, the devnet itself as the second.
@Suite(.serialized, .disabled(if: Devnet.skipped, "BRIDGE_SKIP_DEVNET=1"))
struct DevnetSenderFailoverTests {
    /// eth-tester's funded account 6 (used by no other sender test), relayer of its own v2 transfers.
    static let relayer = SenderDevnet.key(7)

    @Test func aFaultyFirstEndpointIsReportedAndTheTransferStillCompletesOnce() async throws {
        let devnet = try await SenderDevnet()  // its own: DevnetSenderTests pauses the shared one's mining and uses the same keys
        let proxy = try await FaultServer.start(upstream: devnet.url)
        let control = JSONRPCClient(transport: CurlTransportFactory.make(proxy.url))
        let clock = VirtualClock.startingNow()
        let logs = CapturedLogs()
        let me = SenderDevnet.address(Self.relayer)
        let recipient = SenderDevnet.address(SenderDevnet.key(0xe7))
        let t = try devnet.transfer(id: "koinos:failover", relayer: me, recipient: recipient, value: 4_321)
        let store = InMemoryDeliveryStore([t])
        let pool = EndpointPool(
            clients: [proxy.url, devnet.url].map { EthereumRPCClient(transport: CurlTransportFactory.make($0, timeout: 15)) },
            expectedChainID: devnet.chainID, clock: clock, logger: logs.logger())
        var c = EthereumSenderConfiguration(bridge: devnet.bridge, profile: .v2, chainID: devnet.chainID, key: Self.relayer,
                                            maxFeePerGas: 50_000_000_000, maxPriorityFeePerGas: 2_000_000_000)
        c.finality = .confirmations(2)
        let sender = EthereumSender(configuration: c, pool: pool, store: store, clock: clock, logger: logs.logger())
        let countBefore = try await devnet.rpc.transactionCount(address: me, pending: false)

        // Both endpoints healthy: the signed transaction goes to each; the devnet behind both takes
        // it once and the second copy's "already known" / "nonce too low" is no error.
        let sendsBefore = try await Self.sendRawCount(control)
        await sender.tick()
        let sent = try #require(await store.record(for: t.id))
        #expect(sent.status == .sent, "\(sent.lastError ?? "")")
        #expect(try await Self.sendRawCount(control) == sendsBefore + 1, "the proxy (endpoint 0) got the transaction too")
        #expect(await pool.healthSnapshot.allSatisfy { $0.totalErrors == 0 }, "a duplicate's refusal counts against no endpoint")

        // The first endpoint now answers garbage: the receipts, head and nonce are read from the second.
        _ = try await control.call("fault_setMode", .array([.string("garbage")]))
        try await devnet.mine(1)
        for _ in 0..<4 where await store.record(for: t.id)?.status != .completed {
            clock.advance(milliseconds: 3_000)
            await sender.tick()
        }
        let done = try #require(await store.record(for: t.id))
        #expect(done.status == .completed, "\(done.lastError ?? "")")
        #expect(done.completingTransaction == sent.transactionHashes.first)
        #expect(try await devnet.balance(of: recipient) == 4_321)
        #expect(try await devnet.rpc.transactionCount(address: me, pending: false) == countBefore + 1, "one transaction in all")

        // The bad endpoint is reported: its errors in the pool's health, a warning naming it.
        let health = await pool.healthSnapshot
        #expect(health[0].totalErrors > 0)
        #expect(health[1].totalErrors == 0)
        #expect(logs.contains("Ethereum endpoint call failed") && logs.contains("eth.endpoint=0"))
        #expect(!logs.all.contains { $0.contains("Ethereum endpoint call failed") && $0.contains("eth.endpoint=1") })
        await proxy.stop()
        await devnet.process.stop()
    }

    /// An error code the sender does not classify ("header not found": a lagging node) fails over
    /// like a fault; when every endpoint gives it, it is a refusal (bounded attempts, `failed`), not
    /// an outage retried without end.
    @Test func anUnclassifiedNodeErrorFailsOverAndFromEveryEndpointIsARefusal() async throws {
        let devnet = try await SenderDevnet()  // its own: DevnetSenderTests pauses the shared one's mining and uses the same keys
        let proxy = try await FaultServer.start(upstream: devnet.url)
        let control = JSONRPCClient(transport: CurlTransportFactory.make(proxy.url))
        _ = try await control.call("fault_setMode", .array([.string("rpc_error"), .object([
            "methods": .array([.string("eth_estimateGas")]), "code": .int(-32000), "message": .string("header not found"),
        ])]))
        let me = SenderDevnet.address(Self.relayer)
        let clock = VirtualClock.startingNow()
        func sender(_ urls: [String], _ store: InMemoryDeliveryStore, _ logs: CapturedLogs) -> (EthereumSender, EndpointPool) {
            let pool = EndpointPool(clients: urls.map { EthereumRPCClient(transport: CurlTransportFactory.make($0, timeout: 15)) },
                                    expectedChainID: devnet.chainID, clock: clock, logger: logs.logger())
            var c = EthereumSenderConfiguration(bridge: devnet.bridge, profile: .v2, chainID: devnet.chainID, key: Self.relayer,
                                                maxFeePerGas: 50_000_000_000, maxPriorityFeePerGas: 2_000_000_000)
            c.finality = .confirmations(1)
            return (EthereumSender(configuration: c, pool: pool, store: store, clock: clock, logger: logs.logger()), pool)
        }
        // Only the erring endpoint: the refusal is recorded as such, nothing is sent.
        let alone = try devnet.transfer(id: "koinos:refused-everywhere", relayer: me, recipient: SenderDevnet.address(SenderDevnet.key(0xe8)), value: 1)
        let aloneStore = InMemoryDeliveryStore([alone])
        let pending = try await devnet.rpc.transactionCount(address: me, pending: true)
        await sender([proxy.url], aloneStore, CapturedLogs()).0.tick()
        let refused = try #require(await aloneStore.record(for: alone.id))
        #expect(refused.status == .failed && refused.attempts == 1, "\(refused.status) \(refused.attempts)")
        #expect(refused.lastError == "node refused (-32000): header not found")
        #expect(try await devnet.rpc.transactionCount(address: me, pending: true) == pending)

        // With the devnet as the second endpoint, the same calls move there and the transfer is sent.
        let t = try devnet.transfer(id: "koinos:failover-rpc-error", relayer: me, recipient: SenderDevnet.address(SenderDevnet.key(0xe9)), value: 2)
        let store = InMemoryDeliveryStore([t])
        let logs = CapturedLogs()
        let (both, pool) = sender([proxy.url, devnet.url], store, logs)
        await both.tick()
        let sent = try #require(await store.record(for: t.id))
        #expect(sent.status == .sent, "\(sent.lastError ?? "")")
        #expect(await pool.healthSnapshot[0].totalErrors > 0)
        #expect(logs.contains("header not found") && logs.contains("eth.endpoint=0"))
        await proxy.stop()
        await devnet.process.stop()
    }

    /// The other endpoint's "nonce too low" or "already known" for the transaction one endpoint took
    /// is no error: the transfer is sent once, and neither endpoint is marked unhealthy.
    @Test(arguments: ["nonce too low", "already known"])
    func aDuplicateRefusalFromOneEndpointIsNoError(message: String) async throws {
        let devnet = try await SenderDevnet()  // its own: DevnetSenderTests pauses the shared one's mining and uses the same keys
        let proxy = try await FaultServer.start(upstream: devnet.url)
        let control = JSONRPCClient(transport: CurlTransportFactory.make(proxy.url))
        _ = try await control.call("fault_setMode", .array([.string("rpc_error"), .object([
            "methods": .array([.string("eth_sendRawTransaction")]), "code": .int(-32000), "message": .string(message),
        ])]))
        let me = SenderDevnet.address(Self.relayer)
        let clock = VirtualClock.startingNow()
        let t = try devnet.transfer(id: "koinos:dup-\(message)", relayer: me, recipient: SenderDevnet.address(SenderDevnet.key(0xea)), value: 3)
        let store = InMemoryDeliveryStore([t])
        let pool = EndpointPool(clients: [proxy.url, devnet.url].map { EthereumRPCClient(transport: CurlTransportFactory.make($0, timeout: 15)) },
                                expectedChainID: devnet.chainID, clock: clock, logger: CapturedLogs().logger())
        var c = EthereumSenderConfiguration(bridge: devnet.bridge, profile: .v2, chainID: devnet.chainID, key: Self.relayer,
                                            maxFeePerGas: 50_000_000_000, maxPriorityFeePerGas: 2_000_000_000)
        c.finality = .confirmations(1)
        let mined = try await devnet.rpc.transactionCount(address: me, pending: false)
        await EthereumSender(configuration: c, pool: pool, store: store, clock: clock).tick()
        let sent = try #require(await store.record(for: t.id))
        #expect(sent.status == .sent, "\(sent.lastError ?? "")")
        #expect(try await Self.sendRawCount(control) >= 1, "the proxy was asked too")
        #expect(await pool.healthSnapshot.allSatisfy { $0.totalErrors == 0 })
        #expect(try await devnet.rpc.transactionCount(address: me, pending: false) == mined + 1)
        await proxy.stop()
        await devnet.process.stop()
    }

    /// `fault_stats` of the proxy: how many `eth_sendRawTransaction` calls it forwarded.
    static func sendRawCount(_ control: JSONRPCClient) async throws -> Int64 {
        let stats = try await control.call("fault_stats", .array([]))
        guard case .int(let n)? = stats["methods"]?["eth_sendRawTransaction"] else { return 0 }
        return n
    }
}
