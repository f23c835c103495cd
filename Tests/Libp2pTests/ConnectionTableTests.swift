// SPDX-License-Identifier: Apache-2.0
@testable import Libp2pHost
import Multiformats
import Testing

/// The admission rules of issue 19 H4, without sockets: keys are integers, time is injected.
struct ConnectionTableTests {
    let start = ContinuousClock.now

    static func peer() -> PeerID { Libp2pPrivateKey.generate(.ed25519).peerID }

    static func limits(total: Int = 8, reserved: Int = 2, perIP: Int = 100, perPeer: Int = 2, handshakes: Int = 4) -> ConnectionLimits {
        var limits = ConnectionLimits()
        limits.maxConnections = total
        limits.reservedSlots = reserved
        limits.maxPerIP = perIP
        limits.maxPerPeer = perPeer
        limits.maxPendingHandshakes = handshakes
        limits.idleTimeout = .seconds(60)
        return limits
    }

    /// Fills the shared slots with strangers (inbound, one IP each), all admitted at `start`.
    func filled(_ table: inout ConnectionTable<Int>, strangers: Int, at instant: ContinuousClock.Instant) {
        for key in 0..<strangers {
            #expect(table.beginHandshake(key, ip: "10.0.0.\(key)") == nil)
            #expect(table.admit(key, peer: Self.peer(), ip: "10.0.0.\(key)", outbound: false, now: instant) == .accept(evicting: []))
        }
    }

    @Test func defaultsAreTheDocumentedValues() {
        let limits = ConnectionLimits()
        #expect(limits.maxConnections == 128 && limits.reservedSlots == 32 && limits.sharedSlots == 96)
        #expect(limits.maxPerIP == 8 && limits.maxPerPeer == 2 && limits.maxPendingHandshakes == 32)
        #expect(limits.idleTimeout == .seconds(300))
    }

    @Test func strangersCannotTakeTheReservedSlots() {
        var table = ConnectionTable<Int>(limits: Self.limits())
        filled(&table, strangers: 6, at: start)
        #expect(table.admit(100, peer: Self.peer(), ip: "10.0.1.1", outbound: false, now: start) == .refuse(.tableFull))
        #expect(!table.mayDial(Self.peer()) && !table.mayDial(nil))
        let validators = [Self.peer(), Self.peer()]
        table.setReserved(Set(validators))
        #expect(table.mayDial(validators[0]))
        #expect(table.admit(200, peer: validators[0], ip: "10.0.2.1", outbound: false, now: start) == .accept(evicting: []))
        #expect(table.admit(201, peer: validators[1], ip: "10.0.2.2", outbound: false, now: start) == .accept(evicting: []))
        #expect(table.count == 8)
    }

    @Test func reservedPeerAtAFullTableEvictsTheLongestSilentStranger() {
        var table = ConnectionTable<Int>(limits: Self.limits(total: 4, reserved: 0))
        filled(&table, strangers: 4, at: start)
        table.touch(0, now: start + .seconds(5))
        table.touch(1, now: start + .seconds(3))
        table.touch(3, now: start + .seconds(4))
        let validator = Self.peer()
        table.setReserved([validator])
        // key 2 has been silent since `start`: it goes, nobody else.
        #expect(table.admit(9, peer: validator, ip: "10.0.3.1", outbound: false, now: start + .seconds(6)) == .accept(evicting: [2]))
        #expect(table.count == 4)
    }

    @Test func ownDialToAReservedPeerIsNeverRefusedForRoom() {
        var table = ConnectionTable<Int>(limits: Self.limits(total: 2, reserved: 1))
        let validators = [Self.peer(), Self.peer(), Self.peer()]
        table.setReserved(Set(validators))
        #expect(table.admit(0, peer: validators[0], ip: nil, outbound: false, now: start) == .accept(evicting: []))
        #expect(table.admit(1, peer: validators[1], ip: nil, outbound: false, now: start) == .accept(evicting: []))
        // Full of reserved peers: an inbound one is refused, our own dial is not.
        #expect(table.admit(2, peer: validators[2], ip: nil, outbound: false, now: start) == .refuse(.tableFull))
        #expect(table.mayDial(validators[2]))
        #expect(table.admit(3, peer: validators[2], ip: nil, outbound: true, now: start) == .accept(evicting: []))
    }

    @Test func perIPLimitCountsHandshakesAndStrangersButNotReservedPeers() {
        var table = ConnectionTable<Int>(limits: Self.limits(perIP: 2))
        let validator = Self.peer()
        table.setReserved([validator])
        #expect(table.beginHandshake(0, ip: "10.9.9.9") == nil)
        #expect(table.beginHandshake(1, ip: "10.9.9.9") == nil)
        #expect(table.beginHandshake(2, ip: "10.9.9.9") == .tooManyFromIP("10.9.9.9"))
        #expect(table.beginHandshake(3, ip: "10.9.9.8") == nil)
        #expect(table.admit(0, peer: validator, ip: "10.9.9.9", outbound: false, now: start) == .accept(evicting: []))
        // The validator's connection no longer counts against its address.
        #expect(table.beginHandshake(4, ip: "10.9.9.9") == nil)
        #expect(table.beginHandshake(5, ip: "10.9.9.9") == .tooManyFromIP("10.9.9.9"))
        table.endHandshake(1)
        #expect(table.beginHandshake(6, ip: "10.9.9.9") == nil)
    }

    @Test func perPeerLimitAppliesInBothDirections() {
        var table = ConnectionTable<Int>(limits: Self.limits())
        let peer = Self.peer()
        #expect(table.admit(0, peer: peer, ip: "10.0.0.1", outbound: false, now: start) == .accept(evicting: []))
        #expect(table.admit(1, peer: peer, ip: nil, outbound: true, now: start) == .accept(evicting: []))
        #expect(table.admit(2, peer: peer, ip: "10.0.0.2", outbound: false, now: start) == .refuse(.tooManyForPeer))
        table.remove(0)
        #expect(table.admit(3, peer: peer, ip: "10.0.0.2", outbound: false, now: start) == .accept(evicting: []))
    }

    @Test func handshakesInProgressAreCapped() {
        var table = ConnectionTable<Int>(limits: Self.limits(handshakes: 4))
        for key in 0..<4 { #expect(table.beginHandshake(key, ip: "10.1.0.\(key)") == nil) }
        #expect(table.beginHandshake(4, ip: "10.1.1.1") == .tooManyHandshakes)
        #expect(table.pendingHandshakes == 4)
        // Completion (admitted or not) and failure both free the slot.
        _ = table.admit(0, peer: Self.peer(), ip: "10.1.0.0", outbound: false, now: start)
        table.endHandshake(1)
        table.remove(2)
        #expect(table.pendingHandshakes == 1)
        #expect(table.beginHandshake(5, ip: "10.1.1.1") == nil)
    }

    @Test func idleStrangersAreListedAndReplacedButReservedPeersNever() {
        var table = ConnectionTable<Int>(limits: Self.limits(total: 3, reserved: 1))
        let validator = Self.peer()
        table.setReserved([validator])
        filled(&table, strangers: 2, at: start)
        #expect(table.admit(7, peer: validator, ip: "10.0.9.9", outbound: false, now: start) == .accept(evicting: []))
        table.touch(1, now: start + .seconds(50))
        #expect(table.idle(now: start + .seconds(59)).isEmpty)
        #expect(table.idle(now: start + .seconds(61)) == [0])
        // A new stranger at the full shared pool: refused while nobody is idle, replaces the idle one after.
        #expect(table.admit(8, peer: Self.peer(), ip: "10.0.8.8", outbound: false, now: start + .seconds(30)) == .refuse(.tableFull))
        #expect(table.admit(9, peer: Self.peer(), ip: "10.0.8.8", outbound: false, now: start + .seconds(61)) == .accept(evicting: [0]))
        #expect(table.idle(now: start + .seconds(1000)).sorted() == [1, 9])
    }
}
