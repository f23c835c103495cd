// SPDX-License-Identifier: Apache-2.0
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real Ethereum devnet (deploy/devnet/ethereum/start, port 0) for node tests; the ready
/// line's fields, JSON-RPC calls over URLSession, stopped with SIGTERM (and by --max-lifetime).
final class EthereumDevnetProcess: @unchecked Sendable {
    let process = Process()
    let ready: [String: Any]
    var rpc: String { ready["rpc"] as? String ?? "" }

    init(arguments: [String] = [], lifetime: Int = 120) throws {
        let script = LocalnetProcess.root.appendingPathComponent("deploy/devnet/ethereum/start").path
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["--port", "0", "--max-lifetime", String(lifetime)] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // Bounded: the devnet exits by itself after --max-lifetime, closing the pipe.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) { line += byte }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], object["event"] as? String == "ready" else {
            Self.stop(process)
            throw DevnetStartError()
        }
        ready = object
    }

    /// One JSON-RPC call; the `result` member.
    func call(_ method: String, _ params: [Any] = []) async throws -> Any? {
        var request = URLRequest(url: URL(string: rpc)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 1, "method": method, "params": params])
        request.timeoutInterval = 30
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["result"]
    }

    func stop() { Self.stop(process) }

    /// SIGTERM, then SIGKILL after 1 s (the child may inherit a mask that blocks SIGTERM).
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

struct DevnetStartError: Error, CustomStringConvertible {
    var description: String { "the Ethereum devnet did not start (deploy/devnet/ethereum/start); BRIDGE_SKIP_DEVNET=1 skips" }
}
