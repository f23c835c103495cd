// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real Ethereum devnet (deploy/devnet/ethereum/start, port 0) for node tests; the ready
/// line's fields, JSON-RPC calls over URLSession, stopped with SIGTERM (and by --max-lifetime).
final class EthereumDevnetProcess: @unchecked Sendable {  // ready is immutable after start
    let child: ChildProcess
    let ready: [String: Any]
    var rpc: String { ready["rpc"] as? String ?? "" }

    private init(child: ChildProcess, ready: [String: Any]) {
        self.child = child
        self.ready = ready
    }

    /// Starts the devnet and waits (bounded, without blocking a thread) for its ready line.
    static func start(arguments: [String] = [], lifetime: Int = 120) async throws -> EthereumDevnetProcess {
        let child = try ChildProcess(
            repositoryRoot + "/deploy/devnet/ethereum/start", ["--port", "0", "--max-lifetime", String(lifetime)] + arguments)
        guard let line = await child.firstLine(timeout: .seconds(90)),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], object["event"] as? String == "ready"
        else {
            child.send(SIGKILL)
            throw DevnetStartError()
        }
        return EthereumDevnetProcess(child: child, ready: object)
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

    /// SIGTERM (the devnet also stops by itself after its lifetime; the child is SIGKILLed when released).
    func stop() { child.send(SIGTERM) }
}

struct DevnetStartError: Error, CustomStringConvertible {
    var description: String { "the Ethereum devnet did not start (deploy/devnet/ethereum/start); BRIDGE_SKIP_DEVNET=1 skips" }
}
