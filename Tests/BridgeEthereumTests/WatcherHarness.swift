// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import CurlTransport
import Ethereum
import Foundation
import Logging
import ProcessTestSupport
import Synchronization

/// Shared devnet for the serialized devnet suite: started once, by the first test that needs it;
/// sent SIGTERM when the test process exits, and bounded by its --max-lifetime anyway.
enum SharedDevnet {
    private static let starting = Task { try await Devnet.start(["--finality-depth", "4", "--safe-depth", "2"], lifetime: 900) }
    private static let started = Mutex<Devnet?>(nil)

    static func get() async throws -> Devnet {
        let devnet = try await starting.value
        let first = started.withLock { slot in
            defer { slot = devnet }
            return slot == nil
        }
        if first { atexit { SharedDevnet.started.withLock { $0?.terminate() } } }
        return devnet
    }
}

/// Collects log messages so tests can assert that a fault produced a clear line.
final class CapturedLogs: @unchecked Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    func logger() -> Logger {
        Logger(label: "bridge.eth-watcher") { _ in CapturingHandler(sink: self) }
    }

    struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let meta = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.append("[\(event.level)] \(event.message) \(meta)")
        }
    }
}

/// Runs an in-process watcher until its cursor passes `target` (or `timeout` seconds pass).
func runWatcher(
    endpoints: [String], devnet: Devnet, contract: String, profile: ContractProfile = .v2, from: UInt64, until target: UInt64,
    database: BridgeDatabase, logs: CapturedLogs = CapturedLogs(), timeout: Double = 60, requestTimeout: Double = 5, trust: EndpointTrust = .failover,
    configure: (inout EthereumWatcherConfiguration) -> Void = { _ in }, whileRunning: @Sendable () async throws -> Void = {}
) async throws -> EthereumWatcherConfiguration {
    let clients = endpoints.map { url in
        var c = CurlTransportConfiguration(url: url)
        c.totalTimeout = requestTimeout
        c.connectTimeout = 1
        return EthereumRPCClient(transport: CurlHTTPTransport(configuration: c))
    }
    var configuration = EthereumWatcherConfiguration(chainID: devnet.chainID, contract: HexData.decodeAddress(contract), profile: profile, startBlock: from)
    configuration.pollInterval = .milliseconds(50)
    configuration.errorBackoff = .milliseconds(50)
    configuration.maxWindow = 200
    configure(&configuration)
    let pool = EndpointPool(clients: clients, expectedChainID: devnet.chainID, trust: trust, clock: SystemBridgeClock(), logger: logs.logger(),
                            stallMs: configuration.stallMs)
    let watcher = EthereumWatcher(configuration: configuration, pool: pool, store: SQLiteObservationStore(database), clock: ContinuousClock(), logger: logs.logger())
    let task = Task { try await watcher.run() }
    defer { task.cancel() }
    try await whileRunning()
    let reached = try await eventually(.seconds(timeout), every: .milliseconds(50)) {
        try await database.cursorBlock(configuration.cursorName) ?? 0 > target
    }
    guard reached else {
        throw DevnetError("watcher did not reach block \(target) in \(timeout) s; cursor \(try await database.cursorBlock(configuration.cursorName) ?? 0); last logs: \(logs.all.suffix(5))")
    }
    task.cancel()
    _ = await task.result
    return configuration
}

extension HexData {
    static func decodeAddress(_ text: String) -> [UInt8] { (try? decode(text, field: "address", count: 20)) ?? [] }
}

/// The ids a set of devnet locks must produce.
func expectedIDs(_ locks: [Devnet.Lock], chainID: UInt64) -> Set<String> {
    Set(locks.flatMap { lock in lock.logIndexes.map { "\(chainID):\(lock.txHash):\($0)" } })
}

/// Builds a libcurl transport for a test URL.
enum CurlTransportFactory {
    static func make(_ url: String, timeout: Double = 10) -> CurlHTTPTransport {
        var c = CurlTransportConfiguration(url: url)
        c.totalTimeout = timeout
        return CurlHTTPTransport(configuration: c)
    }
}
