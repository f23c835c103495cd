// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// A running `Tests/Interop/p2p/peer.py` (py-libp2p 0.8.1): JSON commands in, JSON events out.
/// Every run is bounded (`--run-for`) and the process is killed on `stop()`.
final class PyLibp2pPeer: @unchecked Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv interpreter: `BRIDGE_P2P_PYTHON`, else `Tests/Interop/p2p/.venv/bin/python`; nil when absent.
    static var python: String? {
        let candidate = ProcessInfo.processInfo.environment["BRIDGE_P2P_PYTHON"]
            ?? repositoryRoot.appendingPathComponent("Tests/Interop/p2p/.venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    static let skipReason: Comment = "py-libp2p venv missing: run Tests/Interop/p2p/setup_venv.sh (or set BRIDGE_P2P_PYTHON)"

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let events = EventLog()
    private let reader: Thread
    private(set) var peerID = ""
    private(set) var address = ""

    init(arguments: [String]) throws {
        guard let python = Self.python else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.repositoryRoot.appendingPathComponent("Tests/Interop/p2p/peer.py").path, "--run-for", "90"] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let handle = output.fileHandleForReading
        let events = self.events
        reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0a) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[(newline + 1)...])
                    if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] {
                        events.append(object)
                    }
                }
            }
        }
        try process.run()
        reader.start()
        let listening = try wait(timeout: 30) { $0["event"] as? String == "listening" }
        peerID = listening["peer_id"] as? String ?? ""
        address = (listening["addrs"] as? [String])?.first ?? ""
    }

    func send(_ command: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: command) + Data([0x0a])
        try input.fileHandleForWriting.write(contentsOf: data)
    }

    /// Sends a command and waits for its `result` event.
    func run(_ command: [String: Any], timeout: Double = 30) throws -> [String: Any] {
        let marker = events.count
        try send(command)
        return try wait(timeout: timeout, after: marker) { $0["event"] as? String == "result" && $0["cmd"] as? String == command["cmd"] as? String }
    }

    /// The first event (at or after index `after`) matching `predicate`.
    func wait(timeout: Double, after: Int = 0, _ predicate: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let match = events.snapshot(after: after).first(where: predicate) { return match }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "timed out waiting for a py-libp2p event"])
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// The peer's events, appended by the reader thread.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [[String: Any]] = []

    func append(_ item: [String: Any]) { lock.withLock { items.append(item) } }
    var count: Int { lock.withLock { items.count } }
    func snapshot(after index: Int) -> [[String: Any]] { lock.withLock { Array(items.dropFirst(index)) } }
}
