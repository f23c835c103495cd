// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import CurlTransport
import Foundation
public import JSONRPC
public import Koinos
import ProcessTestSupport

/// The Koinos simulator (`deploy/devnet/koinos/start`) as a child process on 127.0.0.1, port 0.
///
/// `start` returns nil when `BRIDGE_SKIP_DEVNET=1`; otherwise it fails with a clear error when the
/// simulator cannot start. The process gets `--max-lifetime` so it always ends by itself, and
/// `stop()` ends it (a released
/// running simulator is SIGKILLed).
public final class KoinosSimulatorProcess: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let rpcURL: String
    public let info: JSONValue
    public let rpc: KoinosRPCClient
    private let child: ChildProcess

    public static var skipped: Bool { ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] == "1" }

    public static var startScript: String { repositoryRoot + "/deploy/devnet/koinos/start" }

    private init(child: ChildProcess, info: JSONValue, rpcURL: String) {
        self.child = child
        self.info = info
        self.rpcURL = rpcURL
        self.rpc = KoinosRPCClient(transport: CurlHTTPTransport(url: rpcURL))
    }

    public static func start(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> KoinosSimulatorProcess? {
        if skipped { return nil }
        let child: ChildProcess
        do { child = try ChildProcess(startScript, ["--port", "0", "--max-lifetime", "300"] + arguments) } catch {
            throw StartError(description: "cannot run \(startScript): \(error) (set BRIDGE_SKIP_DEVNET=1 to skip)")
        }
        let line = await child.firstLine(timeout: timeout)
        guard let line, let info = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
              info["event"]?.stringValue == "ready", let url = info["rpc"]?.stringValue
        else {
            await child.stop()
            throw StartError(description: "Koinos simulator did not print its ready line (got \(line ?? "nothing")); set BRIDGE_SKIP_DEVNET=1 to skip")
        }
        return KoinosSimulatorProcess(child: child, info: info, rpcURL: url)
    }

    /// SIGTERM, then SIGKILL after 3 s (the simulator may wait for an open keep-alive connection).
    public func stop() async {
        await child.stop(grace: .seconds(3))
    }

    /// A `simulator.*` test-control call.
    @discardableResult
    public func control(_ method: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        try await rpc.call("simulator." + method, params)
    }

    public func produceBlock(count: Int = 1) async throws {
        try await control("produce_block", ["count": .int(Int64(count))])
    }

    public var bridge: [UInt8] { KoinosAddress(info["bridge"]?.stringValue ?? "")?.bytes ?? [] }
    public var koin: [UInt8] { KoinosAddress(info["tokens"]?["KOIN"]?["id"]?.stringValue ?? "")?.bytes ?? [] }
    public var chainID: UInt32 { UInt32(info["bridge_chain_id"].flatMap { if case .int(let i) = $0 { Int(i) } else { nil } } ?? 0) }
}

