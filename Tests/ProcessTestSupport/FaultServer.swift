// SPDX-License-Identifier: Apache-2.0
import Foundation

/// `Tests/Interop/eth/fault_server.py` on 127.0.0.1 (OS-chosen port): a JSON-RPC echo server, or a
/// proxy in front of `upstream`, whose faults a test switches with `fault_setMode`. It exits when
/// its stdin closes (so also when the test process dies) or after `lifetime` seconds.
public final class FaultServer: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let url: String
    private let child: ChildProcess

    private init(child: ChildProcess, url: String) {
        self.child = child
        self.url = url
    }

    public static func start(upstream: String? = nil, lifetime: Int = 120) async throws -> FaultServer {
        let script = repositoryRoot + "/Tests/Interop/eth/fault_server.py"
        let upstreamArguments = upstream.map { ["--upstream", $0] } ?? []
        let child = try ChildProcess("/usr/bin/env", ["python3", script, "--max-lifetime", String(lifetime)] + upstreamArguments)
        guard let line = await child.firstLine(timeout: .seconds(20)),
              let port = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["port"] as? Int
        else {
            await child.stop()
            throw StartError(description: "the fault server did not start (python3 needed): \(script)")
        }
        return FaultServer(child: child, url: "http://127.0.0.1:\(port)")
    }

    /// Closes its stdin (it exits at once), SIGTERM/SIGKILL if it has not after 2 s.
    public func stop() async {
        child.closeInput()
        if await child.waitForExit(timeout: .seconds(2)) == nil { await child.stop() }
    }
}
