// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Logging
import Synchronization

/// One watcher catch-up over the bench devnet's range, with a fresh SQLite file: wall and CPU
/// time, and where the wall time went (time inside `eth_getLogs` and receipt requests, the rest).
struct EthCatchUpRun {
    var readAhead: Bool
    var seconds: Double
    var cpuSeconds: Double
    /// CPU the devnet used while this run caught up.
    var devnetCPUSeconds: Double
    var stored: Int
    var httpRequests: Int
    var rpcCalls: Int
    var getLogsCalls: Int
    var getLogsSeconds: Double
    var receiptsSeconds: Double
    var otherRPCSeconds: Double

    /// Catches up from `start` until the cursor passes `end` (at most 600 s).
    static func run(devnet: EthBenchDevnet, start: UInt64, end: UInt64, window: UInt64, readAhead: Bool) async throws -> EthCatchUpRun {
        let dir = NSTemporaryDirectory() + "eth-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = try BridgeDatabase(path: dir + "/bench.sqlite")
        let counter = CountingTransport(CurlHTTPTransport(url: devnet.rpc))
        var configuration = EthereumWatcherConfiguration(
            chainID: devnet.chainID, contract: try HexData.decode(devnet.v1Events, field: "contract", count: 20), profile: .v1, startBlock: start)
        configuration.maxWindow = window
        configuration.pollInterval = .milliseconds(20)
        configuration.readAhead = readAhead
        var logger = Logger(label: "bridge.eth-watcher")
        logger.logLevel = .error
        let pool = EndpointPool(clients: [EthereumRPCClient(transport: counter)], expectedChainID: devnet.chainID, clock: SystemBridgeClock(), logger: logger)
        let watcher = EthereumWatcher(configuration: configuration, pool: pool, store: SQLiteObservationStore(database), clock: ContinuousClock(), logger: logger)
        let cpuBefore = EthBenchDevnet.cpuSeconds(), devnetBefore = devnet.devnetCPUSeconds()
        let wallStart = Date()
        let task = Task { try await watcher.run() }
        while (try await database.cursorBlock(configuration.cursorName) ?? 0) <= end {
            try await Task.sleep(for: .milliseconds(5))
            guard Date().timeIntervalSince(wallStart) < 600 else {
                task.cancel()
                throw EthBenchError("watcher did not catch up in 600 s")
            }
        }
        let seconds = Date().timeIntervalSince(wallStart)
        let cpu = EthBenchDevnet.cpuSeconds() - cpuBefore, devnetCPU = devnet.devnetCPUSeconds() - devnetBefore
        task.cancel()
        _ = await task.result
        return EthCatchUpRun(
            readAhead: readAhead, seconds: seconds, cpuSeconds: cpu, devnetCPUSeconds: devnetCPU, stored: try await database.observationStatuses(chainID: devnet.chainID).count,
            httpRequests: counter.requests.load(ordering: .relaxed), rpcCalls: counter.calls.load(ordering: .relaxed),
            getLogsCalls: counter.getLogsCalls.load(ordering: .relaxed), getLogsSeconds: Double(counter.getLogsNanos.load(ordering: .relaxed)) / 1e9,
            receiptsSeconds: Double(counter.receiptNanos.load(ordering: .relaxed)) / 1e9,
            otherRPCSeconds: Double(counter.otherNanos.load(ordering: .relaxed)) / 1e9)
    }

    /// The per-window split (ms), for the JSON line.
    var profile: [String: Any] {
        let windows = Double(max(getLogsCalls, 1))
        let rest = seconds - getLogsSeconds - receiptsSeconds - otherRPCSeconds
        return [
            "windows": getLogsCalls, "getlogs_ms_per_window": getLogsSeconds / windows * 1_000,
            "receipts_ms_per_window": receiptsSeconds / windows * 1_000, "other_rpc_ms_total": otherRPCSeconds * 1_000,
            "not_in_rpc_ms_per_window": rest / windows * 1_000,
            "rpc_share": (getLogsSeconds + receiptsSeconds + otherRPCSeconds) / seconds,
        ]
    }
}

/// Counts HTTP requests and JSON-RPC calls (batch entries) that go through a transport, and the
/// wall time spent inside `eth_getLogs`, receipt and other requests (overlapping requests both count).
final class CountingTransport: JSONRPCTransport {
    let inner: any JSONRPCTransport
    let requests = Atomic<Int>(0)
    let calls = Atomic<Int>(0)
    let getLogsCalls = Atomic<Int>(0)
    let getLogsNanos = Atomic<Int>(0)
    let receiptNanos = Atomic<Int>(0)
    let otherNanos = Atomic<Int>(0)

    init(_ inner: any JSONRPCTransport) { self.inner = inner }

    var endpointDescription: String { inner.endpointDescription }

    func post(_ body: [UInt8]) async throws -> [UInt8] {
        let text = String(decoding: body, as: UTF8.self)
        requests.add(1, ordering: .relaxed)
        calls.add(body.first == UInt8(ascii: "[") ? max(1, text.components(separatedBy: "\"method\"").count - 1) : 1, ordering: .relaxed)
        let isLogs = text.contains("eth_getLogs"), isReceipts = !isLogs && text.contains("eth_getTransactionReceipt")
        if isLogs { getLogsCalls.add(1, ordering: .relaxed) }
        let started = ContinuousClock.now
        defer {
            let elapsed = (ContinuousClock.now - started).components
            let nanos = Int(elapsed.seconds) * 1_000_000_000 + Int(elapsed.attoseconds / 1_000_000_000)
            if isLogs {
                getLogsNanos.add(nanos, ordering: .relaxed)
            } else if isReceipts {
                receiptNanos.add(nanos, ordering: .relaxed)
            } else {
                otherNanos.add(nanos, ordering: .relaxed)
            }
        }
        return try await inner.post(body)
    }
}
