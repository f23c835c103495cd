// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import ChainCrypto
import JSONRPC
import Koinos
import Testing

/// The pure window rules of the Koinos lock watcher: only blocks ≤ LIB, contiguous heights, each
/// block linking to the one before (and the first to the cursor), reverted receipts and other
/// contracts' events ignored. A lying endpoint's window is refused with the reason.
struct KoinosBlockWindowTests {
    static func id(_ n: UInt8) -> [UInt8] { [0x12, 0x20] + [UInt8](repeating: n, count: 32) }

    static func item(_ height: UInt64, id: UInt8, previous: UInt8, receipts: [JSONValue] = []) throws -> KoinosBlockItem {
        try KoinosBlockItem(json: .object([
            "block_id": .string(Hex.encode(Self.id(id))), "block_height": .string(String(height)),
            "block": .object(["header": .object(["previous": .string(Hex.encode(Self.id(previous))), "timestamp": .string("1000")])]),
            "receipt": .object(["transaction_receipts": .array(receipts)]),
        ]))
    }

    static func chain(_ heights: ClosedRange<UInt64>) throws -> [KoinosBlockItem] {
        try heights.map { try item($0, id: UInt8($0), previous: UInt8($0 - 1)) }
    }

    @Test func planStopsAtTheLIB() {
        let cursor = KoinosScanCursor(nextHeight: 10, previousBlockID: [])
        #expect(KoinosBlockWindow.plan(cursor: cursor, lib: 9, maxBlocks: 100) == nil)
        #expect(KoinosBlockWindow.plan(cursor: cursor, lib: 10, maxBlocks: 100)! == (10, 1))
        #expect(KoinosBlockWindow.plan(cursor: cursor, lib: 1_000, maxBlocks: 100)! == (10, 100))
        #expect(KoinosBlockWindow.plan(cursor: cursor, lib: 1_000, maxBlocks: 0) == nil)
    }

    @Test func aLinkedWindowMovesTheCursor() throws {
        let cursor = KoinosScanCursor(nextHeight: 5, previousBlockID: Self.id(4))
        let next = try KoinosBlockWindow.check(try Self.chain(5...8), cursor: cursor, asked: 4, lib: 8)
        #expect(next == KoinosScanCursor(nextHeight: 9, previousBlockID: Self.id(8)))
        // a capped page (fewer than asked) is fine
        #expect(try KoinosBlockWindow.check(try Self.chain(5...6), cursor: cursor, asked: 4, lib: 8).nextHeight == 7)
    }

    @Test func lyingWindowsAreRefusedWithTheReason() throws {
        let cursor = KoinosScanCursor(nextHeight: 5, previousBlockID: Self.id(4))
        func refusal(_ items: [KoinosBlockItem], asked: UInt32 = 4, lib: UInt64 = 8) -> KoinosWindowError? {
            do { _ = try KoinosBlockWindow.check(items, cursor: cursor, asked: asked, lib: lib); return nil } catch { return error }
        }
        #expect(refusal([]) == .empty(start: 5))
        #expect(refusal(try Self.chain(5...8), lib: 7) == .aboveLIB(height: 8, lib: 7))
        #expect(refusal(try Self.chain(6...8)) == .notContiguous(expected: 5, got: 6))
        #expect(refusal(try Self.chain(5...8), asked: 3) == .tooMany(asked: 3, got: 4))
        var unlinked = try Self.chain(5...8)
        unlinked[2] = try Self.item(7, id: 77, previous: 99)  // another branch's block 7
        #expect(refusal(unlinked) == .doesNotLink(height: 7))
        // the first block must continue the cursor (a fork replaced block 4 since the last window)
        #expect(refusal(try [Self.item(5, id: 5, previous: 44)] + Self.chain(6...8)) == .cursorDoesNotLink(height: 5, cursorBlockID: Self.id(4), previous: Self.id(44)))
        #expect(KoinosWindowError.doesNotLink(height: 7).description == "block 7 does not link to the block before it (previous id differs)")
    }

    @Test func garbageBlockJSONIsAnErrorNotACrash() {
        let bad: [JSONValue] = [
            .object(["block_id": .string("not hex"), "block_height": .string("1")]),
            .object(["block_id": .string("0x1220"), "block_height": .string("-1")]),
            .object(["block_id": .string("0x12"), "block_height": .string("1"), "block": .object(["header": .object(["previous": .int(5)])])]),
            .object(["block_id": .string("0x12"), "block_height": .string("1"), "block": .object(["header": .object(["timestamp": .string("1")])]),
                     "receipt": .object(["transaction_receipts": .array([.object(["events": .array([.object(["sequence": .string("4294967296")])])])])])]),
        ]
        for json in bad {
            #expect(throws: KoinosError.self) { _ = try KoinosBlockItem(json: json) }
        }
    }

    @Test func onlyTheBridgesLockEventsOfReceiptsThatDidNotRevertAreJudged() throws {
        let bridge = KoinosAddress("17XHjr7n2E4auykiHkfJMLGGovvaCadtQS")!.bytes
        let other = KoinosAddress("1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3G")!.bytes
        let lock = KoinosBridgeEvent.TokensLocked(from: other, token: other, amount: "1", recipient: "0x" + String(repeating: "44", count: 20))
        func event(_ seq: Int64, source: [UInt8], name: String = KoinosBridgeEvent.tokensLocked) -> JSONValue {
            .object(["sequence": .int(seq), "source": .string(Base58.encode(source)), "name": .string(name),
                     "data": .string(Base64URL.encode(lock.encoded(.v1)))])
        }
        func receipt(_ tx: UInt8, reverted: Bool, _ events: [JSONValue]) -> JSONValue {
            .object(["id": .string(Hex.encode(Self.id(tx))), "reverted": .bool(reverted), "events": .array(events)])
        }
        let items = [try Self.item(5, id: 5, previous: 4, receipts: [
            receipt(1, reverted: false, [event(0, source: other, name: "koinos.contracts.token.transfer_event"), event(1, source: bridge)]),
            receipt(2, reverted: true, [event(1, source: bridge)]),
            receipt(3, reverted: false, [event(1, source: other), event(2, source: bridge, name: KoinosBridgeEvent.requestNewSignatures)]),
            receipt(4, reverted: false, [event(1, source: bridge), event(3, source: bridge)]),
        ])]
        let judge = KoinosLockJudge(configuration: .init(profile: .v1, tokens: [other: [UInt8](repeating: 2, count: 20)],
                                                         ethereumBridge: [UInt8](repeating: 5, count: 20)))
        let records = KoinosBlockWindow.locks(in: items, bridge: bridge, judge: judge)
        #expect(records.map(\.observation.id) == [
            KoinosLockID(transactionID: Self.id(1), operationID: 1), KoinosLockID(transactionID: Self.id(4), operationID: 1),
            KoinosLockID(transactionID: Self.id(4), operationID: 3),
        ])
        #expect(records.allSatisfy { $0.status == .observed })
    }
}
