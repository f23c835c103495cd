// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning
import BridgeNode
import BridgeStore
import Foundation
import ProcessTestSupport
import Testing

/// `bridge-relay governor release ID --config …` on a data folder whose database another
/// connection (the running node) holds open: the transfer goes `delayed` → `observed`.
struct GovernorReleaseCommandTests {
    static func relay(_ arguments: [String], dataDir: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        let flags = ["--config", ValidConfiguration.localnetFile, "--set", "keystore.path=\(ValidConfiguration.localnetFile)",
                     "--set", "keystore.passphrase_file=", "--set", "data_dir=\(dataDir)"]
        let done = try await ChildProcess.run(relayBinary, arguments + flags, input: "", environment: ProcessInfo.processInfo.environment, timeout: .seconds(60))
        #expect(!done.timedOut)
        return (done.status, done.stdout, done.stderr)
    }

    @Test func releasesADelayedTransferWhileTheNodeHoldsTheDatabase() async throws {
        let dataDir = NSTemporaryDirectory() + "governor-release-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let node = try BridgeDatabase(path: dataDir + "/" + BridgeNode.databaseFileName)
        var hash = [UInt8](repeating: 0x77, count: 32)
        hash[0] = 0x01
        let lock = LockObservation(
            id: ObservationID(chainID: 1337, transactionHash: hash, logIndex: 3), profile: .v2, blockNumber: 9, blockHash: [UInt8](repeating: 1, count: 32),
            sender: [UInt8](repeating: 2, count: 20), token: [UInt8](repeating: 0, count: 20), amount: 9_000, payment: 0, recipient: "1R",
            relayer: "", metadata: "", blockTimeMs: 1_700_000_000_000, destinationChain: 1)
        let message = KoinosTransferMessage(
            profile: .v2, transactionID: hash, token: [0] + Array(repeating: 7, count: 24), recipient: [0] + Array(repeating: 9, count: 24),
            amount: 9_000, contractID: [0] + Array(repeating: 3, count: 24), expiration: 1_700_003_600_000, chain: 1)
        _ = try await node.commitScan(
            cursor: "eth", nextBlock: 10, records: [ObservationRecord(observation: lock, status: .observed, reason: nil, message: message, digest: message.digest)],
            nowMs: 1)
        let transfer = try #require(try await SQLiteGovernorRepository(node).governorCandidates([lock.id])[lock.id]?.transfer)
        try await SQLiteGovernorRepository(node).recordGovernorDecisions(
            [GovernorEntry(transfer: transfer, decision: .delayed(releaseAtMilliseconds: .max / 2, reason: .bigTransfer))], atMilliseconds: 2)
        #expect(try await node.attestationStatus(of: lock.id) == .delayed)

        let listed = try await Self.relay(["governor", "list"], dataDir: dataDir)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(lock.id.description))

        let released = try await Self.relay(["governor", "release", lock.id.description], dataDir: dataDir)
        #expect(released.status == 0, "\(released.stderr)")
        #expect(released.stdout.contains("released \(lock.id)"))
        #expect(try await node.attestationStatus(of: lock.id) == .observed)
        #expect(try await SQLiteGovernorRepository(node).governorQueue().isEmpty)
        #expect(try await node.attestation(id: lock.id.description)?.governor?.releasedEarlyAtMilliseconds != nil)

        let again = try await Self.relay(["governor", "release", lock.id.description], dataDir: dataDir)
        #expect(again.status == 1)
        #expect(again.stderr.contains("is not delayed"))
        let garbage = try await Self.relay(["governor", "release", "not-an-id"], dataDir: dataDir)
        #expect(garbage.status == 2)
    }

    /// `config check` prints the governor entry for a token `koinos.tokens` does not map, and fails.
    @Test func configCheckRefusesAGovernorEntryForAnUnmappedToken() async throws {
        let dataDir = NSTemporaryDirectory() + "governor-check-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let token = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        let check = try await Self.relay(
            ["config", "check", "--set", "governor.tokens.\(token).daily_limit=10", "--set", "governor.tokens.\(token).single_transfer_threshold=5"],
            dataDir: dataDir)
        #expect(check.status == 1)
        #expect(check.stdout.contains("governor.tokens.\(token): koinos.tokens does not map this token"), "\(check.stdout)")
        let mapped = try await Self.relay(
            ["config", "check", "--set", "governor.tokens.native.daily_limit=10", "--set", "governor.tokens.native.single_transfer_threshold=5"],
            dataDir: dataDir)
        #expect(!mapped.stdout.contains("governor."), "\(mapped.stdout)")
    }
}
