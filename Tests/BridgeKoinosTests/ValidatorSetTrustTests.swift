// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import ChainCrypto
import InMemoryLogging
import Koinos
import KoinosTestSupport
import Logging
import MetricsTestKit
import Testing

/// The validator set against one lying Koinos endpoint (issue 19, M5): two simulators with the
/// same chain and bridge contract id, the liar's contract listing an attacker instead of the third
/// validator. Read alone, the liar's set is taken (what one endpoint is trusted with); confirmed by
/// a second endpoint or held to a pin, it is refused, logged critical and counted.
@Suite(.serialized)
struct ValidatorSetTrustTests {
    struct Network {
        let honest: KoinosSimulatorProcess
        let liar: KoinosSimulatorProcess
        let validators: [TestValidator]
        let attacker: TestValidator

        func stop() async {
            await honest.stop()
            await liar.stop()
        }
    }

    /// Runs `body` with both simulators, stopping them afterwards (also on failure).
    static func withNetwork(_ body: (Network) async throws -> Void) async throws {
        guard let net = try await network() else { return }
        do { try await body(net) } catch {
            await net.stop()
            throw error
        }
        await net.stop()
    }

    static func network() async throws -> Network? {
        let validators = TestValidator.make(3)
        let attacker = TestValidator(key: .generate())
        guard let honest = try await KoinosSimulatorProcess.start(validators: validators, profile: .v2),
              let liar = try await KoinosSimulatorProcess.start(validators: Array(validators.prefix(2)) + [attacker], profile: .v2)
        else { return nil }
        #expect(honest.bridge == liar.bridge, "one contract id on both")
        return Network(honest: honest, liar: liar, validators: validators, attacker: attacker)
    }

    static func sync(
        _ rpc: KoinosSimulatorProcess, checkers: [KoinosSimulatorProcess] = [], pinned: [TestValidator]? = nil, fallback: [TestValidator],
        logs: InMemoryLogHandler, metrics: TestMetrics
    ) -> KoinosValidatorSetSync {
        KoinosValidatorSetSync(
            rpc: rpc.rpc, checkers: checkers.map(\.rpc), pinned: pinned.map { ValidatorSet($0.map(\.address)) }, bridge: rpc.bridge, version: .v2,
            fallback: fallback.map(\.address), logger: Logger(label: "test") { _ in logs }, metricsFactory: metrics)
    }

    static func refusals(_ metrics: TestMetrics, _ reason: String) -> Int64 {
        (try? metrics.expectCounter("bridge_koinos_validator_set_refused_total", [("reason", reason)]).totalValue) ?? 0
    }

    static func criticalLines(_ logs: InMemoryLogHandler) -> [String] {
        logs.entries.filter { $0.level == .critical }.map { "\($0.message) \($0.metadata["reason"].map { "\($0)" } ?? "")" }
    }

    @Test func aSecondEndpointThatDisagreesRefusesTheLiarsSet() async throws {
        try await Self.withNetwork { net in try await Self.refusedByDisagreement(net) }
    }

    static func refusedByDisagreement(_ net: Network) async throws {
        let honestSet = ValidatorSet(net.validators.map(\.address))

        // One endpoint, the liar: the attacker becomes a validator (the trust one endpoint has).
        let alone = Self.sync(net.liar, fallback: net.validators, logs: InMemoryLogHandler(), metrics: TestMetrics())
        try await alone.refresh(nowMs: 1)
        #expect(alone.current.contains(net.attacker.address))

        // The liar first or second: refused, the set in force kept, logged critical, counted.
        for (primary, checker) in [(net.liar, net.honest), (net.honest, net.liar)] {
            let logs = InMemoryLogHandler()
            let metrics = TestMetrics()
            let sync = Self.sync(primary, checkers: [checker], fallback: net.validators, logs: logs, metrics: metrics)
            await #expect(throws: KoinosError.self) { try await sync.refresh(nowMs: 1) }
            #expect(sync.current == honestSet, "the fallback stays in force")
            #expect(!sync.current.contains(net.attacker.address))
            #expect(!sync.isFromChain)
            #expect(Self.refusals(metrics, "endpoints_disagree") == 1)
            #expect(Self.criticalLines(logs) == ["Validator set refused; keeping the set in force endpoints_disagree"])
        }

        // Two honest endpoints agree: the set is taken from the chain.
        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let agreeing = Self.sync(net.honest, checkers: [net.honest], fallback: Array(net.validators.prefix(1)), logs: logs, metrics: metrics)
        try await agreeing.refresh(nowMs: 1)
        #expect(agreeing.current == honestSet && agreeing.isFromChain)
        #expect(Self.refusals(metrics, "endpoints_disagree") == 0)
    }

    @Test func aSetOtherThanThePinIsRefusedAndThePinStaysInForce() async throws {
        try await Self.withNetwork { net in try await Self.refusedByPin(net) }
    }

    static func refusedByPin(_ net: Network) async throws {
        let pin = ValidatorSet(net.validators.map(\.address))

        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let pinned = Self.sync(net.liar, pinned: net.validators, fallback: [], logs: logs, metrics: metrics)
        #expect(pinned.current == pin, "the pin is in force from the start")
        await #expect(throws: KoinosError.self) { try await pinned.refresh(nowMs: 1) }
        #expect(pinned.current == pin)
        #expect(Self.refusals(metrics, "pin_mismatch") == 1)
        #expect(Self.criticalLines(logs) == ["Validator set refused; keeping the set in force pin_mismatch"])
        // Refused again at the next read, and counted again: the alert keeps firing while it lasts.
        await #expect(throws: KoinosError.self) { try await pinned.refresh(nowMs: 2) }
        #expect(Self.refusals(metrics, "pin_mismatch") == 2)

        // The honest chain matches the pin: accepted, nothing counted.
        let matching = Self.sync(net.honest, pinned: net.validators, fallback: [], logs: InMemoryLogHandler(), metrics: TestMetrics())
        try await matching.refresh(nowMs: 1)
        #expect(matching.current == pin && matching.isFromChain)
    }
}
