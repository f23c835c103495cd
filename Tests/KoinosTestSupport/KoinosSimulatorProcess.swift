// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import CurlTransport
public import Foundation
public import JSONRPC
public import Koinos
import Synchronization

/// The Koinos simulator (`deploy/devnet/koinos/start`) as a child process on 127.0.0.1, port 0.
///
/// `start` returns nil when `BRIDGE_SKIP_DEVNET=1`; otherwise it fails with a clear error when the
/// simulator cannot start. The process gets `--max-lifetime` so it always ends by itself, and
/// `stop()` terminates it.
public final class KoinosSimulatorProcess: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let rpcURL: String
    public let info: JSONValue
    public let rpc: KoinosRPCClient
    private let process: Mutex<Process?>

    public static var skipped: Bool { ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] == "1" }

    public static var startScript: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/devnet/koinos/start")
    }

    private init(process: Process, info: JSONValue, rpcURL: String) {
        self.process = Mutex(process)
        self.info = info
        self.rpcURL = rpcURL
        self.rpc = KoinosRPCClient(transport: CurlHTTPTransport(url: rpcURL))
    }

    public static func start(_ arguments: [String], timeoutSeconds: Double = 120) throws -> KoinosSimulatorProcess? {
        if skipped { return nil }
        let process = Process()
        process.executableURL = startScript
        process.arguments = ["--port", "0", "--max-lifetime", "300"] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw StartError(description: "cannot run \(startScript.path): \(error) (set BRIDGE_SKIP_DEVNET=1 to skip)")
        }
        let line = readLine(stdout.fileHandleForReading, timeoutSeconds: timeoutSeconds)
        guard let line, let info = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
              info["event"]?.stringValue == "ready", let url = info["rpc"]?.stringValue
        else {
            process.terminate()
            throw StartError(description: "Koinos simulator did not print its ready line (got \(line ?? "nothing")); set BRIDGE_SKIP_DEVNET=1 to skip")
        }
        return KoinosSimulatorProcess(process: process, info: info, rpcURL: url)
    }

    /// The first line of `handle`, read on a background thread; nil after the timeout.
    private static func readLine(_ handle: FileHandle, timeoutSeconds: Double) -> String? {
        let result = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var bytes = [UInt8]()
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let b = chunk.first, b != 10 else { break }
                bytes.append(b)
                if bytes.count > 1 << 16 { break }
            }
            result.withLock { $0 = String(decoding: bytes, as: UTF8.self) }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeoutSeconds) == .success else { return nil }
        return result.withLock { $0 }
    }

    public func stop() {
        process.withLock { p in
            if let p, p.isRunning {
                // SIGTERM first; the simulator may wait for an open keep-alive connection, so
                // SIGKILL after a short grace period.
                p.terminate()
                for _ in 0..<30 where p.isRunning { usleep(100_000) }
                if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            }
            p = nil
        }
    }

    deinit { stop() }

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

