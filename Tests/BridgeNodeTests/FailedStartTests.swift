// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Logging
import ProcessTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// A start that fails (here: the HTTP port taken between the probe and the bind) must not add a
/// misleading store line: the WAL is still checkpointed and the store says it closed cleanly.
struct FailedStartTests {
    final class Lines: Sendable {
        let all = Mutex<[String]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let text = "\(message) \((metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))"
            lines.all.withLock { $0.append(text) }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailedStartClosesTheStoreWithoutACancellationWarning() async throws {
        let taken = try #require(LoopbackListener())
        let dir = NSTemporaryDirectory() + "bridge-failed-start-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let configuration = try ValidConfiguration.make(dataDir: dir + "/data", ["http.listen=127.0.0.1:\(taken.port)"])
        let lines = Lines()
        let logger = Logger(label: "test") { _ in Capture(lines: lines) }
        let assembly = try BridgeNode.buildServiceGroup(
            configuration: configuration, logger: logger, version: "test", metricsExposition: nil, signals: [])
        defer { taken.close() }
        await #expect(throws: (any Error).self) { try await assembly.group.run() }
        let logged = lines.all.withLock { $0 }
        #expect(!logged.contains { $0.contains("store checkpoint at shutdown failed") }, "\(logged)")
        #expect(logged.contains { $0.hasPrefix("store closed cleanly") }, "\(logged)")
    }
}
