// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import CurlTransport
import Foundation
import GRDB
import JSONRPC
import Koinos

/// Koinos benchmarks: `complete_transfer` transactions built and signed per second against the
/// pure signing floor measured in the same run (goal ≥ 0.8×), and end-to-end submissions per
/// second through `KoinosSubmitter` to the Koinos simulator (skipped with a message when
/// `deploy/devnet/koinos/start` is not found or `BRIDGE_SKIP_DEVNET=1`). Returns whether the
/// build-and-sign ratio met its 0.8× goal.
@discardableResult
func runKoinosBenchmarks() async -> Bool {
    let key = Secp256k1.PrivateKey.generate()
    let validators = (0..<3).map { _ in Secp256k1.PrivateKey.generate() }
    let count = 3_000
    let digests = (0..<count).map { i in SHA256Digest.hash(Array("bench \(i)".utf8)) }

    var start = Date()
    for d in digests { _ = try? KoinosSignature.sign(digest: d, key: key) }
    let floor = Double(count) / Date().timeIntervalSince(start)

    let bridge = KoinosAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).bytes
    let token = KoinosAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).bytes
    let payer = KoinosAddress(publicKey: key.publicKey).bytes
    let chain = KoinosMultihash.sha256(Array("bench chain".utf8))
    let message = KoinosTransferMessage(
        profile: .v1, transactionID: digests[0], token: token, recipient: payer, amount: 1, contractID: bridge, expiration: 1)
    let signatures = validators.map { (try? KoinosSignature.sign(digest: message.digest, key: $0)) ?? [] }
    func buildAndSign(_ i: Int) -> KoinosTransaction {
        var m = message
        m.transactionID = digests[i]
        let args = m.completeTransferArguments(signatures: signatures).encoded(.v1)
        var tx = KoinosTransaction.make(
            chainID: chain, rcLimit: 100_000_000, nonce: UInt64(i + 1), payer: payer,
            operations: [.callContract(.init(contractID: bridge, entryPoint: KoinosEntryPoint.completeTransfer, args: args))])
        try? tx.sign(with: key)
        return tx
    }
    start = Date()
    var bytes = 0
    for i in 0..<count { bytes += buildAndSign(i).encoded().count }
    let built = Double(count) / Date().timeIntervalSince(start)
    start = Date()
    for i in 0..<count { bytes += (try? JSONEncoder().encode(buildAndSign(i).json))?.count ?? 0 }
    let builtJSON = Double(count) / Date().timeIntervalSince(start)
    print(String(format: "koinos: signing floor %.0f sig/s (same run); complete_transfer built+signed %.0f tx/s = %.2fx of the floor (goal >= 0.8x); built+signed+JSON body %.0f tx/s = %.2fx", floor, built, built / floor, builtJSON, builtJSON / floor))
    _ = bytes

    await runKoinosEndToEnd(submissions: 300)
    return built / floor >= 0.8
}

/// Submits `submissions` quorum attestations through one `KoinosSubmitter` to a simulator producing
/// blocks every 100 ms, and reports completed transfers per second.
private func runKoinosEndToEnd(submissions: Int) async {
    let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("deploy/devnet/koinos/start")
    guard ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1", FileManager.default.isExecutableFile(atPath: script.path) else {
        print("koinos: end-to-end skipped (run from the repository root; BRIDGE_SKIP_DEVNET unset)")
        return
    }
    let validator = Secp256k1.PrivateKey.generate()
    let address = KoinosAddress(publicKey: validator.publicKey)
    let process = Process()
    process.executableURL = script
    process.arguments = [
        "--port", "0", "--max-lifetime", "300", "--profile", "v1", "--validators", address.base58,
        "--account", "\(address.base58):100000000000", "--block-interval-ms", "100", "--pending-limit", "100000",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch {
        print("koinos: end-to-end skipped (cannot start the simulator: \(error))")
        return
    }
    defer { ChildProcessStop.stop(process) }
    var line = [UInt8]()
    while let b = try? pipe.fileHandleForReading.read(upToCount: 1)?.first, b != 10 { line.append(b) }
    guard let info = try? JSONDecoder().decode(JSONValue.self, from: Data(line)), let url = info["rpc"]?.stringValue,
          let bridge = KoinosAddress(info["bridge"]?.stringValue ?? ""), let koin = KoinosAddress(info["tokens"]?["KOIN"]?["id"]?.stringValue ?? "")
    else {
        print("koinos: end-to-end skipped (no ready line)")
        return
    }
    do {
        let db = try BridgeDatabase()
        var configuration = KoinosSubmitterConfiguration(bridgeContract: bridge.bytes, profile: .v1, payerKey: validator)
        configuration.takeoverTimeoutMs = 0
        configuration.rcLimitCap = 50_000_000
        let submitter = KoinosSubmitter(
            configuration: configuration, chain: KoinosRPCClient(transport: CurlHTTPTransport(url: url)), queue: SQLiteSubmissionQueue(db), clock: SystemBridgeClock())
        let now = SystemBridgeClock().nowMilliseconds
        try await db.writer.write { db in
            for i in 0..<submissions {
                let m = KoinosTransferMessage(
                    profile: .v1, transactionID: SHA256Digest.hash(Array("e2e \(i) \(now)".utf8)), token: koin.bytes, recipient: address.bytes,
                    amount: 1, contractID: bridge.bytes, expiration: now + 3_600_000)
                let id = ObservationID(chainID: 1, transactionHash: m.transactionID, logIndex: 0).description
                try db.execute(
                    sql: """
                        INSERT INTO observation (id, chain_id, tx_hash, log_index, profile, block_number, block_hash, sender, token, amount,
                          payment, recipient, relayer, metadata, block_time_ms, destination_chain, status, message, digest, quorum_at_ms,
                          created_at_ms, updated_at_ms)
                        VALUES (?, 1, ?, 0, 'v1', 1, x'00', x'00', x'00', '1', '0', '', '', '', 0, 0, 'quorum', ?, ?, ?, ?, ?)
                        """, arguments: [id, Data(m.transactionID), Data(m.encoded()), Data(m.digest), Int64(now), Int64(now), Int64(now)])
                let sig = try KoinosSignature.sign(digest: m.digest, key: validator)
                try db.execute(
                    sql: "INSERT INTO signature (digest, validator, signature, observation_id, source, received_at_ms) VALUES (?, ?, ?, ?, 'self', ?)",
                    arguments: [Data(m.digest), Data(address.bytes), Data(sig), id, Int64(now)])
            }
        }
        let start = Date()
        var completed = 0
        for _ in 0..<600 {
            await submitter.tick()
            completed = try await db.allSubmissions().filter { $0.status == .completed }.count
            if completed == submissions { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "koinos: end-to-end %d/%d transfers completed on the simulator in %.2f s = %.1f completed/s (one submitter, 100 ms blocks)", completed, submissions, seconds, Double(completed) / seconds))
    } catch {
        print("koinos: end-to-end failed: \(error)")
    }
}
