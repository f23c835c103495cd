// SPDX-License-Identifier: Apache-2.0
import BridgeStore

/// One validator in `/v1/validators`: configured identity plus what its last heartbeat said.
struct ValidatorJSON: Encodable {
    var koinos_address: String
    var ethereum_address: Nullable<String>
    var peer_id: Nullable<String>
    var configured: Bool
    var `self`: Bool
    var version: Nullable<String>
    var last_heartbeat_ms: Nullable<UInt64>
    var ethereum_cursor: Nullable<UInt64>
    /// Our Ethereum cursor minus theirs, in blocks (negative: they are ahead).
    var lag_blocks: Nullable<Int64>

    init(
        koinos_address: String, ethereum_address: Nullable<String>, peer_id: Nullable<String>, heartbeat: HeartbeatRecord?,
        ownCursor: UInt64?, configured: Bool, isSelf: Bool
    ) {
        self.koinos_address = koinos_address
        self.ethereum_address = ethereum_address
        self.peer_id = heartbeat.map { Nullable($0.peerID) } ?? peer_id
        self.configured = configured
        self.`self` = isSelf
        version = Nullable(heartbeat?.version)
        last_heartbeat_ms = Nullable(heartbeat?.receivedAtMs)
        ethereum_cursor = Nullable(heartbeat?.ethereumCursor)
        if let h = heartbeat, let ours = ownCursor {
            lag_blocks = Nullable(Int64(clamping: ours) &- Int64(clamping: h.ethereumCursor))
        } else {
            lag_blocks = Nullable(nil)
        }
    }
}

struct PeerJSON: Encodable {
    var peer_id: String
    var addresses: [String]
    var connected: Bool
    var validator: Nullable<String>
    var role: String
    var koinos_handshake: Nullable<String>
}

struct StatusJSON: Encodable {
    struct Cursor: Encodable {
        var name: String
        var block_number: UInt64
        var updated_at_ms: UInt64
        var age_ms: UInt64
    }
    struct Ethereum: Encodable {
        var chain_id: UInt64
        var contract: String
        var cursors: [Cursor]
    }
    struct Koinos: Encodable {
        var chain_id: String
        var bridge_contract: String
    }
    struct Peers: Encodable {
        var known: Int
        var connected: Int
    }

    var version: String
    var profile: String
    var validator: Nullable<String>
    var now_ms: UInt64
    var uptime_ms: UInt64
    var ethereum: Ethereum
    var koinos: Koinos
    var peers: Peers
    /// Observation count per status: the queue sizes.
    var attestations: [String: Int]
}

struct EvidenceJSON: Encodable {
    var id: Int64
    var validator: String
    var observation_id: String
    var digest_a: String
    var signature_a: String
    var digest_b: String
    var signature_b: String
    var detected_at_ms: UInt64
}

struct EvidenceListJSON: Encodable {
    var items: [EvidenceJSON]
    var next_before: Nullable<Int64>
}

struct ReadyJSON: Encodable {
    var ready: Bool
    var checks: [String: Bool]
}
