// SPDX-License-Identifier: Apache-2.0
import BridgeKoinos
@testable import BridgeNode
import ChainCrypto
import Foundation
import CurlTransport
import Koinos
import KoinosTestSupport
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The node's Koinos start-up gate (issue 12, item 7): with a `koinos.chain_id` other than what
/// `chain.get_chain_id` answers, the submitter never starts and the service group ends with the
/// check's one line; with the right id the submitter runs.
@Suite(.serialized)
struct KoinosStartupCheckTests {
    /// Stands in for the submitter: records that it ran, then stops.
    final class RecordingService: Service, Sendable {
        let ran = Mutex(false)
        func run() async throws { ran.withLock { $0 = true } }
    }

    static func gate(_ sim: KoinosSimulatorProcess, configuredChainID: [UInt8]) throws -> (AfterKoinosChainCheck, RecordingService) {
        let c = try ValidConfiguration.make(
            dataDir: NSTemporaryDirectory(), ["koinos.rpc=\(sim.rpcURL)", "koinos.chain_id=\(Base64URL.encode(configuredChainID))"])
        let rpc = KoinosRPCClient(transport: CurlHTTPTransport(configuration: BridgeNode.curl(sim.rpcURL, timeoutMs: 5_000)))
        let base = RecordingService()
        return (AfterKoinosChainCheck(base: base, check: BridgeNode.koinosChainCheck(c, rpc: rpc, extra: [], logger: Logger(label: "test"))), base)
    }

    @Test(.timeLimit(.minutes(2)))
    func aWrongKoinosChainIDEndsTheGroupWithOneLineAndTheSubmitterNeverStarts() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        let served = try await sim.rpc.chainID()
        let wrong = [0x12, 0x20] + SHA256Digest.hash(Array("mainnet, not the simulator".utf8))

        let (refused, submitter) = try Self.gate(sim, configuredChainID: wrong)
        let group = ServiceGroup(configuration: .init(services: [refused], logger: Logger(label: "test")))
        do {
            try await group.run()
            Issue.record("the node started with a wrong koinos.chain_id")
        } catch {
            #expect("\(error)" == "koinos.chain_id is \(Base64URL.encode(wrong)) but the Koinos node at koinos.rpc serves \(Base64URL.encode(served)): refusing to start")
        }
        #expect(submitter.ran.withLock { $0 } == false)

        let (accepted, started) = try Self.gate(sim, configuredChainID: served)
        try await accepted.run()
        #expect(started.ran.withLock { $0 })
        await sim.stop()
    }
}
