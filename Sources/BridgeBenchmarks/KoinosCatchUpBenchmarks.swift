// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeKoinos
import BridgeStore
import ChainCrypto
import CurlTransport
import Foundation
import JSONRPC
import Koinos

/// Koinos catch-up (issue 14): the lock watcher reads `blocks` irreversible blocks holding `locks`
/// Koinos-side locks (windows of 500, linked, judged, committed to a file SQLite store), against a
/// plain loop of `block_store.get_blocks_by_height` over the same blocks on the same simulator
/// (same window, blocks and receipts decoded, nothing else), measured in the same run. Goal:
/// watcher time ≤ 1.0× the plain loop's. Returns whether it was met.
func runKoinosCatchUpBenchmark(blocks: Int = 10_000, locks: Int = 1_000) async throws -> Bool {
    let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("deploy/devnet/koinos/start")
    guard ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1", FileManager.default.isExecutableFile(atPath: script.path) else {
        print("koinos-catchup: skipped (run from the repository root; BRIDGE_SKIP_DEVNET unset)")
        return true
    }
    let user = Secp256k1.PrivateKey.generate()
    let userAddress = KoinosAddress(publicKey: user.publicKey).base58
    let validator = KoinosAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).base58
    let process = Process()
    process.executableURL = script
    process.arguments = [
        "--port", "0", "--max-lifetime", "1800", "--profile", "v2", "--validators", validator, "--block-interval-ms", "0",
        "--irreversible-depth", "0", "--account", "\(userAddress):100000000000000", "--balance", "KOIN:\(userAddress):1000000000000",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { ChildProcessStop.stop(process) }
    var line = [UInt8]()
    while let b = try pipe.fileHandleForReading.read(upToCount: 1)?.first, b != 10 { line.append(b) }
    let info = try JSONDecoder().decode(JSONValue.self, from: Data(line))
    guard let url = info["rpc"]?.stringValue, let bridge = KoinosAddress(info["bridge"]?.stringValue ?? ""),
          let koin = KoinosAddress(info["tokens"]?["KOIN"]?["id"]?.stringValue ?? "")
    else { throw BenchError("koinos-catchup: no ready line") }
    let rpc = KoinosRPCClient(transport: CurlHTTPTransport(url: url))

    let setupStart = Date()
    let perLock = max(1, blocks / locks)
    for i in 0..<locks {
        _ = try await rpc.call("simulator.lock_tokens", [
            "private_key": .string(ChainHex.encode(user.rawRepresentation)), "token": .string("KOIN"), "amount": .int(Int64(1_000 + i)),
            "recipient": .string("0x" + String(repeating: "4c", count: 20)), "to_chain": .int(1),
        ])
        _ = try await rpc.call("simulator.produce_block", ["count": .int(Int64(perLock))])
    }
    let lib = try await rpc.headInfo().lastIrreversibleBlock
    print(String(format: "koinos-catchup: %d blocks with %d locks made in %.1f s", lib, locks, Date().timeIntervalSince(setupStart)))

    func plainLoop() async throws -> (seconds: Double, events: Int) {
        let start = Date()
        let head = try await rpc.headInfo()
        var height: UInt64 = 1
        var events = 0
        while height <= head.lastIrreversibleBlock {
            let items = try await rpc.blocksByHeight(headBlockID: head.headID, startHeight: height, count: 500)
            guard let last = items.last else { break }
            events += items.reduce(0) { $0 + $1.transactionReceipts.reduce(0) { $0 + $1.events.count } }
            height = last.height + 1
        }
        return (Date().timeIntervalSince(start), events)
    }
    func watcherCatchUp() async throws -> (seconds: Double, stored: Int) {
        let path = NSTemporaryDirectory() + "koinos-catchup-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try BridgeDatabase(path: path)
        let judge = KoinosLockJudge.Configuration(
            profile: .v2, tokens: [koin.bytes: [UInt8](repeating: 0xe1, count: 20)], ethereumBridge: [UInt8](repeating: 0xb2, count: 20),
            ethereumChainID: 1)
        let watcher = KoinosLockWatcher(
            configuration: .init(bridgeContract: bridge.bytes, chainID: try await rpc.chainID(), judge: judge, maxBlocksPerWindow: 500),
            rpc: rpc, store: SQLiteKoinosLockStore(db), clock: SystemBridgeClock())
        let start = Date()
        while case .committed = try await watcher.scanOnce() {}
        let seconds = Date().timeIntervalSince(start)
        return (seconds, try await db.koinosLocks().filter { $0.status == .observed }.count)
    }
    let plainA = try await plainLoop()
    let watched = try await watcherCatchUp()
    let plainB = try await plainLoop()
    let baseline = min(plainA.seconds, plainB.seconds)
    let ratio = watched.seconds / baseline
    print(String(format: "koinos-catchup: plain get_blocks_by_height loop %.2f s (best of 2, %d events read); watcher %.2f s, %d/%d locks stored = %.2fx the loop (goal <= 1.0x)",
                 baseline, plainA.events, watched.seconds, watched.stored, locks, ratio))
    return watched.stored == locks && ratio <= 1.0
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
