// SPDX-License-Identifier: Apache-2.0

extension GossipsubRouter.StateMachine {
    /// Sets the application-specific score (P5) of every connected peer; a peer missing from
    /// `values` gets 0. A peer whose score falls below the disconnect threshold is disconnected at
    /// once; one below the graylist threshold has its RPCs ignored from now on; one below zero
    /// leaves the meshes at the next heartbeat.
    public mutating func setApplicationScores(_ values: [GossipPeerID: Double], now: Duration) -> [Action] {
        for peer in peers.keys.sorted() {
            scores.setApplicationScore(peer, values[peer] ?? 0)
            disconnectIfBelowThreshold(peer)
        }
        return outbox.flush()
    }
}
