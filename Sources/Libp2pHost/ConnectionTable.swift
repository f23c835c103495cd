// SPDX-License-Identifier: Apache-2.0
import Multiformats

/// Which connections a host admits, as a pure value driven by the host (issue 19 H4).
///
/// An inbound TCP connection first takes a handshake slot (`beginHandshake`: capped in total and
/// per IP address), then, once Noise has told us the peer id, asks for a table slot (`admit`).
/// Reserved peers (validators, bootstrap peers) may use every slot; other peers share
/// `limits.sharedSlots`. A reserved peer arriving at a full table evicts the non-reserved peer
/// that has been silent longest; a stranger arriving at a full shared pool replaces a stranger
/// that has been idle past `limits.idleTimeout`, or is refused. Our own dials to reserved peers
/// are never refused for lack of room.
struct ConnectionTable<Key: Hashable & Sendable>: Sendable {
    struct Entry: Sendable, Equatable {
        let peer: PeerID
        let ip: String?
        let outbound: Bool
        var lastActive: ContinuousClock.Instant
    }

    enum Admission: Equatable, Sendable {
        /// Admitted; the host closes `evicting` (already removed from the table).
        case accept(evicting: [Key])
        case refuse(ConnectionRefusal)
    }

    var limits: ConnectionLimits
    private(set) var reserved: Set<PeerID> = []
    private(set) var entries: [Key: Entry] = [:]
    /// Inbound connections between accept and Noise completion, with their IP ("" when unknown).
    private(set) var handshakes: [Key: String] = [:]

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    var count: Int { entries.count }
    var pendingHandshakes: Int { handshakes.count }

    mutating func setReserved(_ peers: Set<PeerID>) {
        reserved = peers
    }

    /// An inbound TCP connection was accepted: nil lets its handshake start, a refusal closes it.
    mutating func beginHandshake(_ key: Key, ip: String?) -> ConnectionRefusal? {
        guard handshakes.count < limits.maxPendingHandshakes else { return .tooManyHandshakes }
        if let ip, inboundCount(from: ip) >= limits.maxPerIP { return .tooManyFromIP(ip) }
        handshakes[key] = ip ?? ""
        return nil
    }

    /// The handshake of `key` failed or timed out.
    mutating func endHandshake(_ key: Key) {
        handshakes[key] = nil
    }

    /// Whether our own dial may start (`peer` nil when the address names none).
    func mayDial(_ peer: PeerID?) -> Bool {
        if let peer, reserved.contains(peer) { return true }
        return sharedInUse < limits.sharedSlots && entries.count < limits.maxConnections
    }

    /// The upgrade of `key` completed with `peer`: admit it (maybe evicting others) or refuse it.
    mutating func admit(
        _ key: Key, peer: PeerID, ip: String?, outbound: Bool, now: ContinuousClock.Instant
    ) -> Admission {
        handshakes[key] = nil
        guard connections(to: peer) < limits.maxPerPeer else { return .refuse(.tooManyForPeer) }
        var evicting: [Key] = []
        if reserved.contains(peer) {
            if entries.count >= limits.maxConnections {
                if let victim = leastRecentlyActiveStranger() {
                    evicting.append(victim)
                } else if !outbound {
                    return .refuse(.tableFull)
                }
            }
        } else if sharedInUse >= limits.sharedSlots || entries.count >= limits.maxConnections {
            guard let victim = leastRecentlyActiveStranger(), isIdle(victim, now: now) else { return .refuse(.tableFull) }
            evicting.append(victim)
        }
        for victim in evicting { entries[victim] = nil }
        entries[key] = Entry(peer: peer, ip: ip, outbound: outbound, lastActive: now)
        return .accept(evicting: evicting)
    }

    /// Bytes arrived on `key`.
    mutating func touch(_ key: Key, now: ContinuousClock.Instant) {
        guard let entry = entries[key], entry.lastActive < now else { return }
        entries[key]?.lastActive = now
    }

    /// The connection closed (whatever its state).
    mutating func remove(_ key: Key) {
        entries[key] = nil
        handshakes[key] = nil
    }

    /// Non-reserved connections silent for `limits.idleTimeout` or longer: the host closes them.
    func idle(now: ContinuousClock.Instant) -> [Key] {
        entries.compactMap { key, entry in
            !reserved.contains(entry.peer) && now - entry.lastActive >= limits.idleTimeout ? key : nil
        }
    }

    // MARK: counting

    private var sharedInUse: Int {
        entries.values.count { !reserved.contains($0.peer) }
    }

    private func connections(to peer: PeerID) -> Int {
        entries.values.count { $0.peer == peer }
    }

    /// Handshakes from `ip` plus upgraded inbound connections from it that are not reserved peers.
    private func inboundCount(from ip: String) -> Int {
        handshakes.values.count { $0 == ip }
            + entries.values.count { !$0.outbound && $0.ip == ip && !reserved.contains($0.peer) }
    }

    private func isIdle(_ key: Key, now: ContinuousClock.Instant) -> Bool {
        guard let entry = entries[key] else { return false }
        return now - entry.lastActive >= limits.idleTimeout
    }

    private func leastRecentlyActiveStranger() -> Key? {
        entries.filter { !reserved.contains($0.value.peer) }.min { $0.value.lastActive < $1.value.lastActive }?.key
    }
}
