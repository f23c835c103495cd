// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import Testing

/// Without an injected clock the API reads the one production wall clock, `SystemBridgeClock`.
struct InspectionAPIClockTests {
    @Test func theDefaultClockIsTheSystemBridgeClock() throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        let wall = SystemBridgeClock()
        let before = wall.nowMilliseconds
        let api = InspectionAPI(
            store: fixture.database,
            node: NodeDescription(version: "test", profile: "v2", ethereumChainID: 1337, ethereumContract: "", koinosChainID: "",
                                  koinosBridgeContract: "", validatorAddress: nil),
            validators: [], peers: StaticPeerDirectory([]))
        let read = api.clock()
        let after = wall.nowMilliseconds
        #expect(before > 1_600_000_000_000, "Unix milliseconds")
        #expect(before <= read && read <= after)
    }
}
