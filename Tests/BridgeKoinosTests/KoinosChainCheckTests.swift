// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import ChainCrypto
import CurlTransport
import InMemoryLogging
import Koinos
import KoinosTestSupport
import Logging
import ProcessTestSupport
import Testing

/// `koinos.chain_id` against `chain.get_chain_id` at start (issue 12, item 7), on the simulator.
@Suite(.serialized)
struct KoinosChainCheckTests {
    static func check(_ urls: [String], expected: [UInt8], logs: InMemoryLogHandler) -> KoinosChainCheck {
        let endpoints = urls.enumerated().map { i, url in
            var configuration = CurlTransportConfiguration(url: url)
            configuration.totalTimeout = 2
            return (key: i == 0 ? "koinos.rpc" : "koinos.extra_rpc[\(i - 1)]", client: KoinosRPCClient(transport: CurlHTTPTransport(configuration: configuration)))
        }
        return KoinosChainCheck(endpoints: endpoints, expected: expected, logger: Logger(label: "test") { _ in logs })
    }

    @Test func aWrongChainIDIsRefusedWithOneLineAndTheRightOnePasses() async throws {
        let validators = TestValidator.make(1)
        guard let sim = try await KoinosSimulatorProcess.start(validators: validators, profile: .v2) else { return }
        let served = try await sim.rpc.chainID()
        let configured = SHA256Digest.hash(Array("another koinos network".utf8))
        let wrong = [0x12, 0x20] + configured
        do {
            try await Self.check([sim.rpcURL], expected: wrong, logs: InMemoryLogHandler()).waitUntilVerified()
            Issue.record("a wrong chain id was accepted")
        } catch let mismatch as KoinosChainCheck.Mismatch {
            #expect(mismatch.key == "koinos.rpc" && mismatch.served == served)
            #expect("\(mismatch)" == "koinos.chain_id is \(Base64URL.encode(wrong)) but the Koinos node at koinos.rpc serves \(Base64URL.encode(served)): refusing to start")
            #expect(!"\(mismatch)".contains("\n"))
        }
        // A second endpoint on the wrong network is refused too, naming its key.
        let other = try #require(try await KoinosSimulatorProcess.start(validators: validators, profile: .v2, extra: ["--chain-id", Base64URL.encode(wrong)]))
        do {
            try await Self.check([sim.rpcURL, other.rpcURL], expected: served, logs: InMemoryLogHandler()).waitUntilVerified()
            Issue.record("an extra endpoint on another chain was accepted")
        } catch let mismatch as KoinosChainCheck.Mismatch {
            #expect(mismatch.key == "koinos.extra_rpc[0]")
        }
        await other.stop()
        try await Self.check([sim.rpcURL], expected: served, logs: InMemoryLogHandler()).waitUntilVerified()
        await sim.stop()
    }

    @Test func anUnreachableKoinosNodeAtStartIsRetriedNotFatal() async throws {
        let logs = InMemoryLogHandler()
        let check = Self.check(["http://127.0.0.1:1"], expected: [0x12, 0x20] + [UInt8](repeating: 1, count: 32), logs: logs)
        let waiting = Task { try await check.waitUntilVerified(initialDelayMs: 100, maxDelayMs: 200) }
        // Polled (bounded): on a loaded machine three 100–200 ms backoffs can take longer than 1 s.
        var retries = logs.entries.filter { _ in false }
        _ = await eventually(.seconds(30)) {
            retries = logs.entries.filter { "\($0.message)" == "Koinos endpoint unreachable at start; retrying" }
            return retries.count >= 3
        }
        #expect(retries.count >= 3)
        #expect(retries.last?.metadata["retry.in_ms"] == "200")
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
