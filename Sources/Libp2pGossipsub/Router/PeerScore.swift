// SPDX-License-Identifier: Apache-2.0

/// Basic gossipsub v1.1 peer scoring: P4 (invalid message deliveries), P5 (the application-specific
/// score, set from outside; in the relay, the Koinos error score) and P7 (behaviour penalty).
///
/// Kept as a value owned by the router state machine; `decay()` runs every heartbeat. Scores of
/// disconnected peers are retained for `retainScore`, so reconnecting does not wash them clean.
struct PeerScore {
    private struct Stats {
        var invalidDeliveries: [String: Double] = [:]
        var behaviourPenalty = 0.0
        var applicationScore = 0.0
        var disconnectedAt: Duration?
    }

    let parameters: GossipsubScoreParameters
    private var stats: [GossipPeerID: Stats] = [:]

    init(parameters: GossipsubScoreParameters) { self.parameters = parameters }

    func score(_ peer: GossipPeerID) -> Double {
        guard let peerStats = stats[peer] else { return 0 }
        let invalid = peerStats.invalidDeliveries.values.reduce(0) { $0 + $1 * $1 }
        let behaviour = peerStats.behaviourPenalty * peerStats.behaviourPenalty
        return parameters.invalidMessageWeight * invalid + parameters.behaviourPenaltyWeight * behaviour
            + parameters.applicationWeight * peerStats.applicationScore
    }

    /// P5: the application's own opinion of `peer` (kept as given until set again).
    mutating func setApplicationScore(_ peer: GossipPeerID, _ value: Double) {
        guard value.isFinite, value != 0 || stats[peer] != nil else { return }
        stats[peer, default: Stats()].applicationScore = value
    }

    mutating func addPeer(_ peer: GossipPeerID) {
        stats[peer, default: Stats()].disconnectedAt = nil
    }

    mutating func removePeer(_ peer: GossipPeerID, now: Duration) {
        guard stats[peer] != nil else { return }
        if score(peer) >= 0 {
            stats[peer] = nil
        } else {
            stats[peer]?.disconnectedAt = now
        }
    }

    /// P4: the peer forwarded a message our validator rejected (or that failed signature checks).
    mutating func rejectedMessage(from peer: GossipPeerID, topic: String) {
        stats[peer, default: Stats()].invalidDeliveries[topic, default: 0] += 1
    }

    /// P7: protocol misbehaviour (GRAFT during backoff, broken promises).
    mutating func addPenalty(_ peer: GossipPeerID, _ amount: Double = 1) {
        stats[peer, default: Stats()].behaviourPenalty += amount
    }

    mutating func decay(now: Duration) {
        for (peer, var peerStats) in stats {
            if let gone = peerStats.disconnectedAt, now - gone >= parameters.retainScore {
                stats[peer] = nil
                continue
            }
            for (topic, value) in peerStats.invalidDeliveries {
                let next = value * parameters.invalidMessageDecay
                peerStats.invalidDeliveries[topic] = next < parameters.decayToZero ? nil : next
            }
            let penalty = peerStats.behaviourPenalty * parameters.behaviourPenaltyDecay
            peerStats.behaviourPenalty = penalty < parameters.decayToZero ? 0 : penalty
            stats[peer] = peerStats
        }
    }
}
