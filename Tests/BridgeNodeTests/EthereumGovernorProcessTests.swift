// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Foundation
import ProcessTestSupport
import Testing

/// The outflow governor on Ethereum → Koinos, end to end: one `bridge-relay run` on the Ethereum
/// devnet and the Koinos simulator (`deploy/localnet/localnet.py`), restarted with a governor for
/// the devnet's ERC-20 (single-transfer threshold 1, big-transfer delay 30 s) and a Koinos
/// signature lifetime of 20 s, SHORTER than the delay. A lock of it is `delayed` in
/// `/v1/attestations` with its release time (Ethereum block time + 30 s) and a Koinos message
/// expiration counted from that release time (release + 20 s; without it the message would
/// expire 10 s before the release and the simulator's bridge would refuse "Expired signatures"),
/// has no signature while it waits, and is signed and completed on the Koinos simulator only after it.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct EthereumGovernorProcessTests {
    @Test(.timeLimit(.minutes(5)))
    func aBigEthereumLockWaitsItsDelayThenCompletesOnKoinos() async throws {
        try await LocalnetProcess.with(validators: 1) { net in
            let validator = net.validators[0]
            let api = validator["api"] as! String
            let token = try #require((net.summary["ethereum"] as? [String: Any])?["token"] as? String)
            // Restart the validator with a governor section for the ERC-20.
            kill(pid_t(validator["pid"] as! Int), SIGTERM)
            #expect(try await eventually(.seconds(30)) { (try? await getJSON("\(api)/v1/status")) == nil }, "the validator did not stop")
            let config = validator["config"] as! String
            let governed = config + ".governor.yaml"
            let base = try String(contentsOfFile: config, encoding: .utf8)
            #expect(base.contains("\nkoinos:\n"))
            let shortLifetime = base.replacingOccurrences(of: "\nkoinos:\n", with: "\nkoinos:\n  signature_lifetime_ms: \(Self.lifetimeMs)\n")
            try (shortLifetime + """
            governor:
              tokens:
                "\(token)":
                  daily_limit: 1000000000000
                  single_transfer_threshold: 1
                  big_transfer_delay_s: \(Self.delayMs / 1_000)

            """).write(toFile: governed, atomically: true, encoding: .utf8)
            let node = try net.restart(config: governed, name: "validator-1-governor")
            #expect(try await eventually(.seconds(60)) { (try? await getJSON("\(api)/v1/governor"))?["enabled"] as? Bool == true },
                    "the restarted validator did not serve /v1/governor")

            let tx = try await net.lock(kind: "erc20", relayer: validator["koinos_address"] as! String)
            var held: [String: Any] = [:]
            #expect(try await eventually(.seconds(60), every: .milliseconds(200)) {
                let page = try? await getJSON("\(api)/v1/attestations?status=delayed")
                held = (page?["items"] as? [[String: Any]] ?? []).first { Self.txHash($0) == tx } ?? [:]
                return !held.isEmpty
            }, "the lock was not held")
            let governor = held["governor"] as? [String: Any] ?? [:]
            let release = (governor["release_at_ms"] as? NSNumber)?.uint64Value ?? 0
            let observation = held["observation"] as? [String: Any] ?? [:]
            let blockTime = (observation["block_time_ms"] as? NSNumber)?.uint64Value ?? 0
            let expiration = (observation["expiration"] as? NSNumber)?.uint64Value ?? 0
            #expect(governor["decision"] as? String == "delayed")
            #expect(governor["reason"] as? String == "big_transfer")
            #expect(release == blockTime + Self.delayMs, "release = Ethereum block time + big_transfer_delay_s")
            #expect(expiration == release + Self.lifetimeMs, "the held message expires a lifetime after its release, not after its block time")
            #expect((held["signatures"] as? [Any])?.isEmpty == true, "a held lock is not signed")
            #expect(Self.nowMs() < release, "seen held before its release time")
            let queued = ((try await getJSON("\(api)/v1/governor"))["tokens"] as? [[String: Any]] ?? []).flatMap { $0["queued"] as? [[String: Any]] ?? [] }
            #expect(queued.contains { $0["id"] as? String == held["id"] as? String })

            var status = ""
            #expect(try await eventually(.seconds(120), every: .milliseconds(250)) {
                let page = try? await getJSON("\(api)/v1/attestations?limit=100")
                status = (page?["items"] as? [[String: Any]] ?? []).first { Self.txHash($0) == tx }?["status"] as? String ?? ""
                return status == "completed"
            }, "status \(status)")
            #expect(Self.nowMs() >= release, "completed only after the release time")
            _ = await node.stop(signal: SIGTERM, grace: .seconds(20))
        }
    }

    static let delayMs: UInt64 = 30_000
    static let lifetimeMs: UInt64 = 20_000

    static func txHash(_ item: [String: Any]) -> String? {
        ((item["observation"] as? [String: Any])?["tx_hash"] as? String)?.lowercased()
    }

    static func nowMs() -> UInt64 { SystemBridgeClock().nowMilliseconds }
}
