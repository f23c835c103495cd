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

/// Catch-up benchmark: the watcher over N devnet blocks holding M locks, against a plain web3.py
/// `eth_getLogs` loop over the same range in the same run. Prints one JSON object.
///
/// Environment: ETH_BENCH_BLOCKS (20000), ETH_BENCH_LOCKS (2000), ETH_BENCH_LOCKS_PER_TX (25),
/// ETH_BENCH_WINDOW (2000). Needs deploy/devnet/ethereum (it creates its own venv).
/// Returns true when the relay's wall time is at most the web3 loop's (target ratio ≤ 1.0).
func runEthBenchmarks(rounds: Int = 1) -> Bool {
    let done = DispatchSemaphore(value: 0)
    let outcome = Mutex<Bool>(false)
    Task {
        do {
            let ratio = try await runEthCatchUpBenchmark()
            outcome.withLock { $0 = ratio <= 1.0 }
        } catch {
            print("eth benchmark failed: \(error)")
        }
        done.signal()
    }
    done.wait()
    return outcome.withLock { $0 }
}

/// One catch-up run; returns the wall-time ratio relay / web3.
func runEthCatchUpBenchmark() async throws -> Double {
    let env = ProcessInfo.processInfo.environment
    let blocks = Int(env["ETH_BENCH_BLOCKS"] ?? "") ?? 20_000
    let lockCount = Int(env["ETH_BENCH_LOCKS"] ?? "") ?? 2_000
    let perTx = Int(env["ETH_BENCH_LOCKS_PER_TX"] ?? "") ?? 25
    let window = UInt64(env["ETH_BENCH_WINDOW"] ?? "") ?? 2_000
    let root = EthBenchDevnet.repositoryRoot
    let devnet = try EthBenchDevnet(root: root)
    defer { devnet.stop() }

    // Fixture: v1 lock events (the deployed v1 contract's layout), spread evenly over the range.
    let setupStart = Date()
    let start = try await devnet.head() + 1
    let txs = (lockCount + perTx - 1) / perTx
    for i in 0..<txs {
        _ = try await devnet.call("devnet_lockV1", .array([.object(["kind": .string(i % 2 == 0 ? "erc20" : "native"), "count": .int(Int64(perTx))])]))
        let gap = blocks / txs - 1
        if gap > 0 { _ = try await devnet.call("evm_mine", .array([.int(Int64(gap))])) }
    }
    _ = try await devnet.call("evm_mine", .array([.int(8)]))
    let end = try await devnet.finalized()
    let topic = HexData.encode(LockEventDecoder.v1Event.topic0)
    // Warm the devnet's per-block log cache so neither side pays for the first pass.
    _ = try await devnet.call("eth_getLogs", .array([.object(["fromBlock": .string(Quantity.encode(start)), "toBlock": .string(Quantity.encode(end))])]))
    let setupSeconds = Date().timeIntervalSince(setupStart)

    // Baseline: web3.py.
    let python = root + "/deploy/devnet/ethereum/.venv/bin/python"
    let baseline = try EthBenchDevnet.runJSON(python, [root + "/Tests/Interop/eth/web3_scan.py", devnet.rpc, devnet.v1Events, topic,
                                                        String(start), String(end), String(window)])
    let web3Seconds = baseline["seconds"] as? Double ?? .nan

    // The relay: the real watcher, real SQLite (WAL) in a temp dir, libcurl.
    let dir = NSTemporaryDirectory() + "eth-bench-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let database = try BridgeDatabase(path: dir + "/bench.sqlite")
    let counter = CountingTransport(CurlHTTPTransport(url: devnet.rpc))
    var configuration = EthereumWatcherConfiguration(
        chainID: devnet.chainID, contract: try HexData.decode(devnet.v1Events, field: "contract", count: 20), profile: .v1, startBlock: start)
    configuration.maxWindow = window
    configuration.pollInterval = .milliseconds(20)
    var logger = Logger(label: "bridge.eth-watcher")
    logger.logLevel = .error
    let pool = EndpointPool(clients: [EthereumRPCClient(transport: counter)], expectedChainID: devnet.chainID, clock: SystemBridgeClock(), logger: logger)
    let watcher = EthereumWatcher(configuration: configuration, pool: pool, database: database, clock: ContinuousClock(), logger: logger)
    let cpuBefore = EthBenchDevnet.cpuSeconds()
    let wallStart = Date()
    let task = Task { try await watcher.run() }
    while (try await database.cursorBlock(configuration.cursorName) ?? 0) <= end {
        try await Task.sleep(for: .milliseconds(5))
        guard Date().timeIntervalSince(wallStart) < 600 else { throw EthBenchError("watcher did not catch up in 600 s") }
    }
    let relaySeconds = Date().timeIntervalSince(wallStart)
    let cpu = EthBenchDevnet.cpuSeconds() - cpuBefore
    task.cancel()
    _ = await task.result
    let stored = try await database.observationStatuses(chainID: devnet.chainID).count

    // The same eth_getLogs loop as the web3 baseline, through our JSON-RPC + libcurl stack.
    let plain = EthereumRPCClient(transport: CurlHTTPTransport(url: devnet.rpc))
    let loopStart = Date()
    var loopLogs = 0
    var block = start
    while block <= end {
        let last = min(end, block + window - 1)
        loopLogs += try await plain.logs(LogFilter(fromBlock: block, toBlock: last, addresses: [configuration.contract],
                                                    topic0: [LockEventDecoder.v1Event.topic0])).count
        block = last + 1
    }
    let loopSeconds = Date().timeIntervalSince(loopStart)
    let range = end - start + 1
    let minimum = Int((range + window - 1) / window) + txs
    let result: [String: Any] = [
        "benchmark": "eth_catch_up", "blocks": range, "locks_stored": stored, "lock_transactions": txs, "window": window,
        "http_requests": counter.requests.load(ordering: .relaxed), "rpc_calls": counter.calls.load(ordering: .relaxed),
        "minimum_requests": minimum, "relay_wall_seconds": relaySeconds, "relay_cpu_seconds": cpu,
        "relay_cpu_seconds_per_1000_events": cpu / Double(max(stored, 1)) * 1_000,
        "web3_wall_seconds": web3Seconds, "web3_logs": baseline["logs"] ?? 0, "wall_ratio_relay_over_web3": relaySeconds / web3Seconds,
        "fixture_setup_seconds": setupSeconds, "swift_getlogs_loop_seconds": loopSeconds, "swift_getlogs_loop_logs": loopLogs,
        "getlogs_loop_ratio_swift_over_web3": loopSeconds / web3Seconds,
    ]
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
    return relaySeconds / web3Seconds
}

/// Counts HTTP requests and JSON-RPC calls (batch entries) that go through a transport.
final class CountingTransport: JSONRPCTransport {
    let inner: any JSONRPCTransport
    let requests = Atomic<Int>(0)
    let calls = Atomic<Int>(0)

    init(_ inner: any JSONRPCTransport) { self.inner = inner }

    var endpointDescription: String { inner.endpointDescription }

    func post(_ body: [UInt8]) async throws -> [UInt8] {
        requests.add(1, ordering: .relaxed)
        calls.add(body.first == UInt8(ascii: "[") ? max(1, String(decoding: body, as: UTF8.self).components(separatedBy: "\"method\"").count - 1) : 1, ordering: .relaxed)
        return try await inner.post(body)
    }
}

struct EthBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
