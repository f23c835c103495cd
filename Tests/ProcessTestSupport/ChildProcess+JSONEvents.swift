// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The test peers' protocol (py-libp2p `peer.py`, the Koinos stand-in): one JSON object per
/// stdout line.
extension ChildProcess {
    /// Every line printed so far that is a JSON object, decoded.
    public var jsonEvents: [[String: Any]] { lines.compactMap(Self.decodeEvent) }

    /// The first JSON line at or after line `marker` matching `predicate`; nil after `timeout`.
    public func jsonEvent(from marker: Int = 0, timeout: Duration, where predicate: ([String: Any]) -> Bool) async -> [String: Any]? {
        let line = await waitForLine(from: marker, timeout: timeout) { Self.decodeEvent($0).map(predicate) ?? false }
        return line.flatMap { Self.decodeEvent($0.text) }
    }

    /// The peer id and first listen address of a test peer's `listening` event (30 s at most).
    public func listeningEvent() async -> (peerID: String, address: String)? {
        guard let listening = await jsonEvent(timeout: .seconds(30), where: { $0["event"] as? String == "listening" }),
              let peerID = listening["peer_id"] as? String, let address = (listening["addrs"] as? [String])?.first
        else { return nil }
        return (peerID, address)
    }

    private static func decodeEvent(_ line: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }
}
