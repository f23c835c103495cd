// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// The outflow governor on Koinos → Ethereum, end to end: `bridge-relay run` (one validator, the
/// whole set on both chains) on the Koinos simulator and the eth-tester devnet, with a governor
/// for the simulator's KOIN (daily limit 5,000, single-transfer threshold 3,000, big-transfer
/// delay 8 s). Three locks:
/// - 4,200 (big): `delayed` in `/v1/attestations` and queued in `/v1/governor`, unsigned, and paid on
///   Ethereum only after its release time (its Koinos block time + 8 s);
/// - 2,900: signed at once and paid;
/// - 2,900 more: over the daily limit, `delayed` for 24 h, paid after `bridge-relay governor release ID`
///   (run while the node runs).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct KoinosGovernorProcessTests {
    @Test(.timeLimit(.minutes(6)))
    func aDelayedKoinosLockIsPaidAfterItsReleaseTimeAndAHeldOneAfterGovernorRelease() async throws {
        let env = StartupProcessTests.environment
        guard let fixture = try await KoinosToEthereumNode.start(name: "k2e-governor", extraYAML: { koin in
            """
            governor:
              tokens:
                \(koin):
                  daily_limit: 5000
                  single_transfer_threshold: 3000
                  big_transfer_delay_s: 8

            """
        }) else { return }
        let (dir, config, ethText, user, sim, devnet) = (fixture.dir, fixture.config, fixture.ethText, fixture.user, fixture.sim, fixture.devnet)
        let (wrapped, ethereum, koin) = (fixture.wrapped, fixture.ethereum, fixture.koin)
        let node = try ChildProcess(relayBinary, ["run", "--config", config], environment: env, errorOutput: .file("\(dir)/node.log"))
        func log() -> String { StartupProcessTests.log("\(dir)/node.log") }
        var api = ""
        #expect(try await eventually(.seconds(60), every: .milliseconds(200)) {
            api = Self.httpAddress(in: log()).map { "http://\($0)" } ?? ""
            return !api.isEmpty
        }, "\(log().suffix(2_000))")

        func lock(_ amount: Int64) async throws -> (id: String, recipient: [UInt8]) {
            let recipient = EthereumAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).bytes
            let reply = try await sim.control("lock_tokens", [
                "private_key": .string(ChainHex.encode(user.rawRepresentation)), "token": .string("KOIN"), "amount": .int(amount),
                "recipient": .string(ChainHex.encode(recipient)), "relayer": .string(ethText.lowercased()), "to_chain": .int(2),
            ])
            return ("koinos:\(reply["transaction_id"]?.stringValue ?? ""):1", recipient)
        }
        func paid(_ recipient: [UInt8]) async throws -> UInt64 {
            try await KoinosToEthereumProcessTests.balance(ethereum, token: wrapped, of: recipient) ?? 0
        }
        func delayed() async throws -> [[String: Any]] {
            try await getJSON("\(api)/v1/attestations?direction=koinos_to_ethereum&status=delayed")["items"] as? [[String: Any]] ?? []
        }
        func queued() async throws -> [[String: Any]] {
            let tokens = try await getJSON("\(api)/v1/governor")["tokens"] as? [[String: Any]] ?? []
            return tokens.first { $0["token"] as? String == koin }?["queued"] as? [[String: Any]] ?? []
        }

        // The big lock: held, visible as delayed, not signed.
        let big = try await lock(4_200)
        var release: UInt64 = 0
        #expect(try await eventually(.seconds(60), every: .milliseconds(200)) {
            guard let item = try await queued().first(where: { $0["id"] as? String == big.id }) else { return false }
            release = (item["release_at_ms"] as? NSNumber)?.uint64Value ?? 0
            return true
        }, "\(log().suffix(3_000))")
        let listed = try #require(try await delayed().first { $0["id"] as? String == big.id }, "delayed in /v1/attestations")
        #expect((listed["signatures"] as? [Any])?.isEmpty == true, "a held lock is not signed")
        let blockTime = ((listed["observation"] as? [String: Any])?["block_time_ms"] as? NSNumber)?.uint64Value ?? 0
        #expect(release == blockTime + 8_000, "release = Koinos block time + big_transfer_delay_s")
        #expect(Self.nowMs() < release, "seen held before its release time")

        // A small lock goes through at once; the next one is over the daily limit and waits 24 h.
        let small = try await lock(2_900)
        #expect(try await eventually(.seconds(90), every: .milliseconds(250)) { try await paid(small.recipient) == 2_900 }, "\(log().suffix(3_000))")
        let held = try await lock(2_900)
        #expect(try await eventually(.seconds(60), every: .milliseconds(200)) {
            try await queued().contains { $0["id"] as? String == held.id && $0["reason"] as? String == "daily_limit" }
        }, "\(log().suffix(3_000))")

        // The big one is paid after its release time, not before.
        #expect(try await eventually(.seconds(90), every: .milliseconds(250)) { try await paid(big.recipient) == 4_200 }, "\(log().suffix(3_000))")
        #expect(Self.nowMs() >= release)
        #expect(try await paid(held.recipient) == 0, "the held lock waits (its release is a day away)")

        // The operator releases the held one while the node runs; the node signs and pays it.
        let released = try await ChildProcess.run(relayBinary, ["governor", "release", held.id, "--config", config], environment: env,
                                                  timeout: .seconds(60))
        #expect(released.status == 0, "\(released.stderr)")
        #expect(try await eventually(.seconds(90), every: .milliseconds(250)) { try await paid(held.recipient) == 2_900 }, "\(log().suffix(3_000))")
        #expect(try await queued().isEmpty)

        let status = await node.stop(signal: SIGTERM, grace: .seconds(20))
        #expect(status == 0)
        await devnet.stop()
        await sim.stop()
        if status == 0 { try? FileManager.default.removeItem(atPath: dir) }
    }

    static func nowMs() -> UInt64 { SystemBridgeClock().nowMilliseconds }

    /// `host:port` from the node's JSON log line "http api listening".
    static func httpAddress(in log: String) -> String? {
        for line in log.split(separator: "\n") where line.contains("http api listening") {
            guard let data = line.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            let metadata = object["metadata"] as? [String: Any] ?? object
            if let address = metadata["http.address"] as? String { return address }
        }
        return nil
    }
}
