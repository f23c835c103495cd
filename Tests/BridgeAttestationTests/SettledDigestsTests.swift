// SPDX-License-Identifier: Apache-2.0
@testable import BridgeAttestation
import Testing

/// The settled-digest set stays bounded however long the node runs (issue 12, item 10).
struct SettledDigestsTests {
    static func digest(_ i: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(i).bigEndian) { Array($0) } + [UInt8](repeating: 0xd1, count: 24) }
    let a: [UInt8] = [0] + [UInt8](repeating: 1, count: 24)
    let b: [UInt8] = [0] + [UInt8](repeating: 2, count: 24)

    @Test func theOldestRecordedDigestGoesFirstPastTheCapacity() {
        let settled = SettledDigests(capacity: 3)
        for i in 0..<3 { settled.update(Self.digest(i), members: [a]) }
        settled.update(Self.digest(0), members: [a, b])  // recorded again: now the newest
        settled.update(Self.digest(3), members: [a])
        #expect(settled.count == 3)
        #expect(!settled.isSettled(Self.digest(1), validator: a))  // the oldest, forgotten
        #expect(settled.isSettled(Self.digest(0), validator: b))
        #expect(settled.isSettled(Self.digest(2), validator: a) && settled.isSettled(Self.digest(3), validator: a))
        settled.finalize(Self.digest(4))
        #expect(settled.isSettled(Self.digest(4), validator: b))  // final: nothing more wanted
        #expect(!settled.isSettled(Self.digest(2), validator: a))
        settled.remove(Self.digest(4))
        #expect(settled.count == 2)
    }

    /// Long traffic in a moment: 200 times the capacity in quorums, re-recorded sets and revocations.
    /// (It was a million: ≈ 7 CPU-seconds of a debug build in a synchronous test body, which held one of
    /// the cooperative pool's two threads on a 2-core host; 200 × the capacity evicts and compacts as
    /// often per entry. It yields every 1,024 updates so the socket tests sharing the pool keep running.)
    @Test func memoryStaysBoundedOverHundredsOfTimesItsCapacity() async {
        let settled = SettledDigests(capacity: 1_000)
        for i in 0..<200_000 {
            if i % 1_024 == 0 { await Task.yield() }
            settled.update(Self.digest(i), members: [a])
            if i % 3 == 0 { settled.update(Self.digest(i), members: [a, b]) }
            if i % 7 == 6 { settled.remove(Self.digest(i - 1)) }
            if i % 20_000 == 0 {
                #expect(settled.count <= 1_000)
                #expect(settled.trackedPositions <= 3 * 1_000 + 64)
            }
        }
        #expect(settled.count > 990 && settled.count <= 1_000)
        #expect(settled.isSettled(Self.digest(199_999), validator: a))
        #expect(!settled.isSettled(Self.digest(0), validator: a))
        #expect(SettledDigests().capacity == SettledDigests.defaultCapacity)
    }
}
