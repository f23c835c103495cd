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

/// Catch-up benchmark: the watcher over N devnet blocks holding M locks, against two plain web3.py
/// loops over the same windows in the same run: `eth_getLogs` only, and the same work as the
/// watcher (`eth_getLogs` + the window's receipts, batched 100 a request). The watcher runs with
/// and without its read-ahead (window k+1 read while k is committed). Runs are interleaved
/// (web3 logs, web3 same work, read-ahead, sequential, sequential, read-ahead, web3 same work,
/// web3 logs) and the best of two counts. Prints one JSON object.
///
/// Environment: ETH_BENCH_BLOCKS (20000), ETH_BENCH_LOCKS (2000), ETH_BENCH_LOCKS_PER_TX (25),
/// ETH_BENCH_WINDOW (2000). Needs deploy/devnet/ethereum (it creates its own venv).
/// Returns true when the read-ahead watcher's wall time is at most the same-work web3 loop's (goal ≤ 1.0).
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

/// One catch-up benchmark; returns the wall-time ratio read-ahead watcher / web3 same work.
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
    // The watcher's filter: the lock topic or a completion / re-sign topic (the baselines ask the same).
    let topics = ([LockEventDecoder.v1Event.topic0] + BridgeEventDecoder.topics).map { HexData.encode($0) }.joined(separator: ",")
    // Warm the devnet's per-block log cache so no run pays for the first pass.
    _ = try await devnet.call("eth_getLogs", .array([.object(["fromBlock": .string(Quantity.encode(start)), "toBlock": .string(Quantity.encode(end))])]))
    let setupSeconds = Date().timeIntervalSince(setupStart)

    let python = root + "/deploy/devnet/ethereum/.venv/bin/python"
    func web3(receipts: Bool) throws -> [String: Any] {
        let devnetBefore = devnet.devnetCPUSeconds()
        var out = try EthBenchDevnet.runJSON(python, [root + "/Tests/Interop/eth/web3_scan.py", devnet.rpc, devnet.v1Events, topics,
                                                      String(start), String(end), String(window)] + (receipts ? ["--receipts"] : []))
        out["devnet_cpu_seconds"] = devnet.devnetCPUSeconds() - devnetBefore
        return out
    }
    var web3Logs: [[String: Any]] = [], web3Same: [[String: Any]] = [], runs: [EthCatchUpRun] = []
    web3Logs.append(try web3(receipts: false))
    web3Same.append(try web3(receipts: true))
    for readAhead in [true, false, false, true] {
        runs.append(try await EthCatchUpRun.run(devnet: devnet, start: start, end: end, window: window, readAhead: readAhead))
    }
    web3Same.append(try web3(receipts: true))
    web3Logs.append(try web3(receipts: false))

    // The same eth_getLogs loop as the web3 baseline, through our JSON-RPC + libcurl stack.
    let plain = EthereumRPCClient(transport: CurlHTTPTransport(url: devnet.rpc))
    let contract = try HexData.decode(devnet.v1Events, field: "contract", count: 20)
    let loopStart = Date()
    var loopLogs = 0
    var block = start
    while block <= end {
        let last = min(end, block + window - 1)
        loopLogs += try await plain.logs(LogFilter(fromBlock: block, toBlock: last, addresses: [contract],
                                                    topic0: [LockEventDecoder.v1Event.topic0] + BridgeEventDecoder.topics)).count
        block = last + 1
    }
    let loopSeconds = Date().timeIntervalSince(loopStart)

    func best(_ runs: [[String: Any]]) -> Double { runs.compactMap { $0["seconds"] as? Double }.min() ?? .nan }
    let logsOnly = best(web3Logs), sameWork = best(web3Same)
    let ahead = runs.filter(\.readAhead).min { $0.seconds < $1.seconds }!, sequential = runs.filter { !$0.readAhead }.min { $0.seconds < $1.seconds }!
    let range = end - start + 1
    let result: [String: Any] = [
        "benchmark": "eth_catch_up", "blocks": range, "lock_transactions": txs, "window": window, "fixture_setup_seconds": setupSeconds,
        "locks_stored": ahead.stored, "locks_stored_sequential": sequential.stored, "web3_logs": web3Logs[0]["logs"] ?? 0,
        "web3_receipts": web3Same[0]["receipts"] ?? 0, "http_requests": ahead.httpRequests, "rpc_calls": ahead.rpcCalls,
        "minimum_requests": Int((range + window - 1) / window) * 2,
        "web3_getlogs_seconds": web3Logs.map { $0["seconds"] ?? 0 }, "web3_same_work_seconds": web3Same.map { $0["seconds"] ?? 0 },
        "relay_read_ahead_seconds": runs.filter(\.readAhead).map(\.seconds), "relay_sequential_seconds": runs.filter { !$0.readAhead }.map(\.seconds),
        "relay_cpu_seconds": ahead.cpuSeconds,
        // The devnet's CPU per run (load-robust beside the wall times): what the receipts cost it.
        "devnet_cpu_seconds": ["web3_getlogs": web3Logs.map { $0["devnet_cpu_seconds"] ?? 0 }, "web3_same_work": web3Same.map { $0["devnet_cpu_seconds"] ?? 0 },
                               "relay_read_ahead": runs.filter(\.readAhead).map(\.devnetCPUSeconds), "relay_sequential": runs.filter { !$0.readAhead }.map(\.devnetCPUSeconds)],
        "relay_cpu_seconds_per_1000_events": ahead.cpuSeconds / Double(max(ahead.stored, 1)) * 1_000,
        "ratio_read_ahead_over_web3_same_work": ahead.seconds / sameWork, "ratio_read_ahead_over_web3_getlogs": ahead.seconds / logsOnly,
        "ratio_sequential_over_web3_same_work": sequential.seconds / sameWork, "ratio_sequential_over_web3_getlogs": sequential.seconds / logsOnly,
        "ratio_read_ahead_over_sequential": ahead.seconds / sequential.seconds, "ratio_web3_same_work_over_getlogs": sameWork / logsOnly,
        "profile_sequential": sequential.profile, "profile_read_ahead": ahead.profile,
        "swift_getlogs_loop_seconds": loopSeconds, "swift_getlogs_loop_logs": loopLogs, "ratio_swift_getlogs_loop_over_web3": loopSeconds / logsOnly,
    ]
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
    return ahead.seconds / sameWork
}

struct EthBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
