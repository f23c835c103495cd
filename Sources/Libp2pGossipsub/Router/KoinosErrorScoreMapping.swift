// SPDX-License-Identifier: Apache-2.0

/// The gossipsub application-specific score of a peer from its Koinos error score (koinos.md
/// §1.6–1.7), so gossip treats a misbehaving peer as koinos-p2p's connection gating does.
///
/// Koinos keeps error points per remote IP (30 min half-life), refuses new connections from 50,000
/// and disconnects at 100,000. Here the first `tolerated` points (one peer-RPC or deserialization
/// error) cost nothing; above them the score falls linearly to the graylist threshold at
/// `graylistedAt` (Koinos' refusal level): past it the peer's RPCs are ignored and, with the Koinos
/// preset's disconnect threshold equal to the graylist threshold, it is disconnected — and the
/// host refuses its address while the error score stays that high. Any score below zero takes the
/// peer out of meshes at the next heartbeat. As the error score decays, so does the penalty.
public struct KoinosErrorScoreMapping: Sendable, Equatable {
    /// Error points that cost nothing.
    public var tolerated = 5_000.0
    /// Error points at which the score reaches the graylist threshold.
    public var graylistedAt = 50_000.0

    public init() {}

    /// The application-specific score for `errorScore` (zero or negative), given the router's thresholds.
    public func applicationScore(errorScore: Double, scoring: GossipsubScoreParameters) -> Double {
        guard errorScore.isFinite, errorScore > tolerated, graylistedAt > tolerated, scoring.applicationWeight > 0 else { return 0 }
        return scoring.graylistThreshold * (errorScore - tolerated) / (graylistedAt - tolerated) / scoring.applicationWeight
    }
}
