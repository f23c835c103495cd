// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A running `Tests/Interop/p2p/koinos_standin.py`: a py-libp2p peer that treats every peer as a
/// Koinos node does (identify version check, GetChainID, GetHeadBlock every heartbeat, the error
/// score of koinos.md §1.4/§1.7). It only dials loopback addresses, prints JSON events one per
/// line, and exits by itself after `runFor` seconds with a `summary` event.
public final class KoinosStandInProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let child: ChildProcess
    public let peerID: String
    /// Its listen address (a loopback multiaddr with `/p2p/`).
    public let address: String

    private init(child: ChildProcess, peerID: String, address: String) {
        self.child = child
        self.peerID = peerID
        self.address = address
    }

    /// Starts the stand-in with our chain id (`chainIDHex`, the 34-byte multihash in hex) dialing
    /// `connect`, and waits (up to 30 s) for its `listening` event.
    public static func start(
        chainIDHex: String, connect: [String], heartbeat: Double = 0.5, runFor seconds: Double, extra: [String] = []
    ) async throws -> KoinosStandInProcess {
        guard let python = PyLibp2pPeer.python else { throw Failure(description: PyLibp2pPeer.skipReason) }
        let script = repositoryRoot + "/Tests/Interop/p2p/koinos_standin.py"
        var arguments = [script, "--chain-id", chainIDHex, "--heartbeat", String(heartbeat), "--run-for", String(seconds)]
        for address in connect { arguments += ["--connect", address] }
        let child = try ChildProcess(python, arguments + extra)
        guard let (peerID, address) = await child.listeningEvent() else {
            await child.stop()
            throw Failure(description: "the Koinos stand-in printed no listening event")
        }
        return KoinosStandInProcess(child: child, peerID: peerID, address: address)
    }

    /// Every event printed so far, decoded.
    public var events: [[String: Any]] { child.jsonEvents }

    /// The first event matching `predicate`; throws after `timeout`.
    public func event(timeout: Duration, where predicate: ([String: Any]) -> Bool) async throws -> [String: Any] {
        guard let event = await child.jsonEvent(timeout: timeout, where: predicate) else {
            throw Failure(description: "timed out waiting for a Koinos stand-in event")
        }
        return event
    }

    /// Waits for the process to exit by itself, then SIGTERM/SIGKILL.
    public func stop(waiting: Duration = .seconds(5)) async {
        child.closeInput()
        if await child.waitForExit(timeout: waiting) == nil { await child.stop() }
    }
}
