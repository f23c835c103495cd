// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// A py-libp2p 0.8.1 peer (`Tests/Interop/p2p/peer.py`) driven over stdin/stdout JSON lines.
///
/// The process is bounded by `--run-for` and killed in `stop()`; stdout is read on a thread so a
/// quiet pipe never blocks the test (libp2p.md B.4).
final class PyGossipPeer: Sendable {
    static let interopDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/p2p")

    /// `BRIDGE_P2P_PYTHON`, else the venv made by `Tests/Interop/p2p/setup_venv.sh`; nil when absent.
    static var python: String? {
        let path = ProcessInfo.processInfo.environment["BRIDGE_P2P_PYTHON"]
            ?? interopDirectory.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    private let process: Process
    private let stdin: FileHandle
    private let events = EventLog()
    let peerID: String
    let address: String

    init(arguments: [String]) throws {
        guard let python = Self.python else { throw PyPeerError.venvMissing }
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.interopDirectory.appendingPathComponent("peer.py").path, "--run-for", "60"] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        self.process = process
        self.stdin = input.fileHandleForWriting
        let reading = output.fileHandleForReading
        let events = self.events
        let thread = Thread {
            var pending = Data()
            while true {
                let chunk = reading.availableData
                if chunk.isEmpty { return }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[pending.index(after: newline)...])
                    let copy = Data(line)
                    events.lines.withLock { $0.append(copy) }
                }
            }
        }
        try process.run()
        thread.start()
        var listening: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let event = Self.firstEvent(in: events.lines.withLock { $0 }, where: { $0["event"] as? String == "listening" }) {
                listening = event
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        peerID = listening["peer_id"] as? String ?? ""
        address = (listening["addrs"] as? [String])?.first ?? ""
        guard !peerID.isEmpty else {
            process.terminate()
            throw PyPeerError.noListeningEvent
        }
    }

    /// Writes one JSON command line.
    func send(_ command: [String: String]) throws {
        let data = try JSONSerialization.data(withJSONObject: command) + Data([0x0A])
        try stdin.write(contentsOf: data)
    }

    /// Waits (polling, bounded) for an event matching `predicate`.
    func waitForEvent(
        timeout: Duration = .seconds(15),
        _ predicate: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = Self.firstEvent(in: events.lines.withLock { $0 }, where: predicate) { return match }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PyPeerError.timedOut
    }

    private static func firstEvent(in lines: [Data], where predicate: ([String: Any]) -> Bool) -> [String: Any]? {
        for line in lines {
            if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], predicate(object) {
                return object
            }
        }
        return nil
    }

    func stop() {
        try? send(["cmd": "quit"])
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

enum PyPeerError: Error {
    case venvMissing, noListeningEvent, timedOut
}

/// Raw JSON lines read from the peer's stdout.
final class EventLog: Sendable {
    let lines = Mutex<[Data]>([])
}
