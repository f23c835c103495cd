// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A running `Tests/Interop/p2p/peer.py` (py-libp2p 0.8.1): JSON commands in on stdin, JSON
/// events out on stdout, one per line (libp2p.md B.4). Bounded by `--run-for`; `stop()` closes
/// its stdin and stops it.
public final class PyLibp2pPeer: Sendable {
    /// The venv interpreter: `BRIDGE_P2P_PYTHON`, else `Tests/Interop/p2p/.venv/bin/python`; nil when absent.
    public static var python: String? {
        let candidate = ProcessInfo.processInfo.environment["BRIDGE_P2P_PYTHON"] ?? repositoryRoot + "/Tests/Interop/p2p/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    public static let skipReason = "py-libp2p venv missing: run Tests/Interop/p2p/setup_venv.sh (or set BRIDGE_P2P_PYTHON)"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let child: ChildProcess
    public let peerID: String
    /// The first listen address (a loopback multiaddr with `/p2p/`).
    public let address: String

    private init(child: ChildProcess, peerID: String, address: String) {
        self.child = child
        self.peerID = peerID
        self.address = address
    }

    /// Starts the peer and waits (up to 30 s) for its `listening` event.
    public static func start(arguments: [String], runFor seconds: Int = 90) async throws -> PyLibp2pPeer {
        guard let python else { throw Failure(description: skipReason) }
        let script = repositoryRoot + "/Tests/Interop/p2p/peer.py"
        let child = try ChildProcess(python, [script, "--run-for", String(seconds)] + arguments)
        guard let (peerID, address) = await child.listeningEvent() else {
            await child.stop()
            throw Failure(description: "py-libp2p peer printed no listening event")
        }
        return PyLibp2pPeer(child: child, peerID: peerID, address: address)
    }

    /// How many events the peer printed so far (a marker for `event(after:)`).
    public var eventCount: Int { child.lines.count }

    /// Writes one JSON command line.
    public func send(_ command: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: command)
        try child.write(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// The first event (at or after index `marker`) matching `predicate`; throws after `timeout`.
    public func event(
        after marker: Int = 0, timeout: Duration = .seconds(15), where predicate: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        guard let event = await child.jsonEvent(from: marker, timeout: timeout, where: predicate) else {
            throw Failure(description: "timed out waiting for a py-libp2p event")
        }
        return event
    }

    /// Sends a command and waits for its `result` event.
    public func run(_ command: [String: Any], timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        let marker = eventCount
        let name = command["cmd"] as? String
        try send(command)
        return try await event(after: marker, timeout: timeout) { $0["event"] as? String == "result" && $0["cmd"] as? String == name }
    }

    /// Closes stdin (the peer then exits after its linger time), SIGTERM after 3 s, SIGKILL after 5 s more.
    public func stop() async {
        child.closeInput()
        if await child.waitForExit(timeout: .seconds(3)) == nil { await child.stop() }
    }
}
