// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The real Ethereum devnet (py-evm via eth-tester, `deploy/devnet/ethereum/start`) on an
/// OS-chosen port: its ready line's fields, plain JSON-RPC calls, and its lifetime. It also stops
/// by itself after `lifetime` seconds.
public final class EthereumDevnetProcess: @unchecked Sendable {  // `ready` is immutable after start
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    private let child: ChildProcess
    /// The ready line (`rpc`, `chain_id`, contract addresses, …).
    public let ready: [String: Any]
    public var rpc: String { ready["rpc"] as? String ?? "" }

    private init(child: ChildProcess, ready: [String: Any]) {
        self.child = child
        self.ready = ready
    }

    /// Starts the devnet and waits (bounded, without blocking a thread) for its ready line; the
    /// first run may take minutes (it creates its venv). `logPath` receives its stderr.
    public static func start(
        arguments: [String] = [], lifetime: Int = 120, timeout: Duration = .seconds(240), logPath: String? = nil
    ) async throws -> EthereumDevnetProcess {
        let script = repositoryRoot + "/deploy/devnet/ethereum/start"
        guard FileManager.default.isExecutableFile(atPath: script) else { throw StartError(description: "devnet start script missing: \(script)") }
        let child = try ChildProcess(
            script, ["--port", "0", "--max-lifetime", String(lifetime)] + arguments, errorOutput: logPath.map { .file($0) } ?? .discard)
        guard let line = await child.firstLine(timeout: timeout),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], object["event"] as? String == "ready"
        else {
            await child.stop()
            throw StartError(description: "the Ethereum devnet did not start (deploy/devnet/ethereum/start); set BRIDGE_SKIP_DEVNET=1 to skip devnet tests")
        }
        return EthereumDevnetProcess(child: child, ready: object)
    }

    /// One JSON-RPC call (`TestHTTP`); the `result` member.
    public func call(_ method: String, _ params: [Any] = []) async throws -> Any? {
        try await TestHTTP.json(rpc, posting: ["jsonrpc": "2.0", "id": 1, "method": method, "params": params])["result"]
    }

    /// SIGTERM, then SIGKILL if it has not exited after the grace period.
    public func stop() async { await child.stop() }

    /// SIGTERM without waiting (for `defer`; the child is SIGKILLed when released anyway).
    public func terminate() { child.send(SIGTERM) }
}
