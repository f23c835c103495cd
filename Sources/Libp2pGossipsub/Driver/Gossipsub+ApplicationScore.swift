// SPDX-License-Identifier: Apache-2.0
import Libp2pHost

extension Gossipsub {
    /// Sets each peer's application-specific score from the host's Koinos error score of its
    /// address (`parameters.errorScoreMapping`); runs before every heartbeat.
    func refreshApplicationScores() async {
        guard let mapping = parameters.errorScoreMapping else { return }
        var values: [GossipPeerID: Double] = [:]
        for peer in machine.connectedPeers {
            guard let peerID = peerIDs[peer] else { continue }
            values[peer] = mapping.applicationScore(errorScore: host.errorScore(of: peerID), scoring: parameters.scoring)
        }
        await perform(machine.setApplicationScores(values, now: now))
    }
}
