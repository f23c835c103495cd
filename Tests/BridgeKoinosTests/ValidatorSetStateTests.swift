// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeTesting
import Koinos
import Testing

/// The validator-set sync's decisions without a Koinos node: when to read, which read is taken,
/// when the set in force changed. Time is a `VirtualClock`.
struct ValidatorSetStateTests {
    static func address(_ byte: UInt8) -> [UInt8] { [0] + [UInt8](repeating: byte, count: 24) }
    static func set(_ bytes: UInt8...) -> ValidatorSet { ValidatorSet(bytes.map(address)) }
    static func metadata(_ count: Int) -> KoinosBridgeContract.Metadata {
        KoinosBridgeContract.Metadata(initialized: true, nonce: 1, validatorCount: UInt32(count))
    }

    @Test func aReadIsDueFirstThenEveryIntervalAndAtOnceWhenStale() {
        let clock = VirtualClock()
        var state = ValidatorSetState(fallback: [Self.address(1)], pinned: nil)
        #expect(state.isDue(nowMs: clock.nowMilliseconds, intervalMs: 60_000), "never read")
        state.answered(nowMs: clock.nowMilliseconds)
        clock.advance(milliseconds: 59_999)
        #expect(!state.isDue(nowMs: clock.nowMilliseconds, intervalMs: 60_000))
        clock.advance(milliseconds: 1)
        #expect(state.isDue(nowMs: clock.nowMilliseconds, intervalMs: 60_000))
        state.answered(nowMs: clock.nowMilliseconds)
        state.markStale()
        #expect(state.isDue(nowMs: clock.nowMilliseconds, intervalMs: 60_000), "a revert named a non-validator")
    }

    @Test func theFirstChainReadCountsAsAChangeEvenWhenItEqualsTheFallback() {
        var state = ValidatorSetState(fallback: [Self.address(1), Self.address(2)], pinned: nil)
        #expect(!state.fromChain)
        let first = state.take(Self.set(1, 2), metadata: Self.metadata(2))
        #expect(first, "now from the chain")
        #expect(state.fromChain && state.metadata == Self.metadata(2))
        let again = state.take(Self.set(1, 2), metadata: Self.metadata(2))
        #expect(!again, "same set again")
        let grown = state.take(Self.set(1, 2, 3), metadata: Self.metadata(3))
        #expect(grown)
        #expect(state.set == Self.set(1, 2, 3))
    }

    @Test func anotherEndpointReportingAnotherSetRefusesTheRead() {
        #expect(ValidatorSetState.disagreement(Self.set(1, 2, 3), Self.set(1, 2, 3), extraEndpoint: 0) == nil)
        let refusal = ValidatorSetState.disagreement(Self.set(1, 2, 3), Self.set(1, 2, 4, 5), extraEndpoint: 1)
        #expect(refusal?.reason == .endpointsDisagree)
        #expect(refusal?.detail == "koinos.rpc reports 3 validators, extra_rpc[1] reports 4 (+1 -2)")
    }

    @Test func withAPinOnlyThePinnedSetIsTakenAndItIsInForceFromTheStart() {
        var state = ValidatorSetState(fallback: [Self.address(9)], pinned: Self.set(1, 2))
        #expect(state.set == Self.set(1, 2), "the pin, not the fallback")
        let refusal = state.pinRefusal(Self.set(1, 3))
        #expect(refusal?.reason == .pinMismatch)
        #expect(refusal?.detail == "the contract reports 2 validators, koinos.validators_pin has 2 (+1 -1)")
        #expect(state.pinRefusal(Self.set(2, 1)) == nil)
        let pinnedTaken = state.take(Self.set(1, 2), metadata: Self.metadata(2))
        #expect(pinnedTaken, "from the chain now")
        #expect(ValidatorSetState(fallback: [], pinned: nil).pinRefusal(Self.set(7)) == nil, "no pin: any set")
    }
}
