// SPDX-License-Identifier: Apache-2.0
import BridgeHTTPAPI
import BridgeNode
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ProcessTestSupport
import ServiceLifecycle
import Testing

/// Real sockets: one HummingbirdTesting `.live` run, the whole service group on an ephemeral
/// port (the operator's page in Chromium: OperatorPageBrowserTests).
struct LiveServerTests {
    @Test func liveServerAnswersOverASocket() async throws {
        let fixture = try FilledDatabase(count: 3)
        defer { fixture.remove() }
        let app = Application(router: fixture.api().buildRouter(logger: Logger(label: "test")))
        try await app.test(.live) { client in
            try await client.execute(uri: "/v1/attestations/\(fixture.ids[2])", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"status\":\"quorum\""))
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    /// `buildServiceGroup` starts the store and the API; graceful shutdown stops them and
    /// checkpoints the WAL.
    @Test func serviceGroupServesAndShutsDownGracefully() async throws {
        let dir = NSTemporaryDirectory() + "bridge-node-group-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let configuration = try ValidConfiguration.make(dataDir: dir + "/data", ["http.listen=127.0.0.1:0"])
        let (addresses, continuation) = AsyncStream.makeStream(of: String.self)
        let assembly = try BridgeNode.buildServiceGroup(
            configuration: configuration, logger: Logger(label: "test"), version: "test", metricsExposition: nil, signals: []
        ) { address in continuation.yield(address) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await assembly.group.run() }
            var iterator = addresses.makeAsyncIterator()
            let address = try #require(await iterator.next())
            let response = try await TestHTTP.request("http://\(address)/v1/status", timeout: .seconds(10))
            #expect(response.status == 200)
            #expect(response.text.contains("\"version\":\"test\""))
            await assembly.group.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/data/" + BridgeNode.databaseFileName))
        let wal = (try? FileManager.default.attributesOfItem(atPath: dir + "/data/bridge.sqlite-wal"))?[.size] as? Int ?? 0
        #expect(wal == 0)  // checkpointed (TRUNCATE) at shutdown
    }
}

/// Runs Chromium headless with a time limit.
enum HeadlessChromium {
    static func find() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let profile = NSTemporaryDirectory() + "chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"]
        let result = try await ChildProcess.run(executable, flags + arguments, timeout: .seconds(120))
        #expect(!result.timedOut, "chromium ran over 60 s")
        return result.stdout
    }
}
