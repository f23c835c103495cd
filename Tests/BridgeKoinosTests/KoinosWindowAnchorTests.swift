// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import ChainCrypto
import JSONRPC
import Koinos
import Testing

/// The pure rules added to the Koinos window: a fresh start fetches the block below the window
/// and links to it, block 1 links to the genesis id, and the bridge's `transfer_completed_event`s
/// are read only from receipts that did not revert and only from the bridge, malformed ones as errors.
struct KoinosWindowAnchorTests {
    typealias W = KoinosBlockWindowTests

    @Test func aFreshStartFetchesTheBlockBelowTheWindow() {
        let fresh = KoinosScanCursor(nextHeight: 10, previousBlockID: [])
        #expect(KoinosBlockWindow.fetch(cursor: fresh, lib: 9, maxBlocks: 100) == nil)
        #expect(KoinosBlockWindow.fetch(cursor: fresh, lib: 20, maxBlocks: 5) == KoinosWindowFetch(start: 9, count: 6, anchored: true))
        let linked = KoinosScanCursor(nextHeight: 10, previousBlockID: W.id(9))
        #expect(KoinosBlockWindow.fetch(cursor: linked, lib: 20, maxBlocks: 5) == KoinosWindowFetch(start: 10, count: 5, anchored: false))
        // block 1 has no block below it: its parent must be the genesis id
        let genesis = KoinosScanCursor(nextHeight: 1, previousBlockID: [])
        #expect(KoinosBlockWindow.fetch(cursor: genesis, lib: 3, maxBlocks: 5) == KoinosWindowFetch(start: 1, count: 3, anchored: false))
    }

    @Test func theAnchorGivesTheIdTheWindowMustLinkTo() throws {
        let fresh = KoinosScanCursor(nextHeight: 5, previousBlockID: [])
        let fetch = try #require(KoinosBlockWindow.fetch(cursor: fresh, lib: 8, maxBlocks: 4))
        let (cursor, blocks) = try KoinosBlockWindow.check(try W.chain(4...8), cursor: fresh, fetch: fetch, lib: 8)
        #expect(cursor == KoinosScanCursor(nextHeight: 9, previousBlockID: W.id(8)))
        #expect(blocks.map(\.height) == [5, 6, 7, 8])  // the anchor is not judged
        // block 5 naming another parent than the anchor is refused
        let forged = try [W.item(4, id: 4, previous: 3), W.item(5, id: 5, previous: 44)] + W.chain(6...8)
        #expect(throws: KoinosWindowError.cursorDoesNotLink(height: 5, cursorBlockID: W.id(4), previous: W.id(44))) {
            _ = try KoinosBlockWindow.check(forged, cursor: fresh, fetch: fetch, lib: 8)
        }
        // the anchor must be the block below the window
        #expect(throws: KoinosWindowError.notContiguous(expected: 4, got: 5)) {
            _ = try KoinosBlockWindow.check(try W.chain(5...8), cursor: fresh, fetch: fetch, lib: 8)
        }
        // only the anchor came back: the cursor learns its id, nothing is judged
        let alone = try KoinosBlockWindow.check([try W.item(4, id: 4, previous: 3)], cursor: fresh, fetch: fetch, lib: 8)
        #expect(alone.cursor == KoinosScanCursor(nextHeight: 5, previousBlockID: W.id(4)) && alone.blocks.isEmpty)
    }

    @Test func blockOneMustNameTheGenesisId() throws {
        let start = KoinosScanCursor(nextHeight: 1, previousBlockID: [])
        let fetch = KoinosWindowFetch(start: 1, count: 2, anchored: false)
        func block(_ height: UInt64, _ id: UInt8, previous: [UInt8]) throws -> KoinosBlockItem {
            try KoinosBlockItem(json: .object([
                "block_id": .string(Hex.encode(W.id(id))), "block_height": .string(String(height)),
                "block": .object(["header": .object(["previous": .string(Hex.encode(previous)), "timestamp": .string("1")])]),
            ]))
        }
        let good = try KoinosBlockWindow.check([try block(1, 1, previous: KoinosBlockWindow.genesisParent), try block(2, 2, previous: W.id(1))],
                                               cursor: start, fetch: fetch, lib: 2)
        #expect(good.cursor == KoinosScanCursor(nextHeight: 3, previousBlockID: W.id(2)))
        #expect(throws: KoinosWindowError.self) {
            _ = try KoinosBlockWindow.check([try block(1, 1, previous: W.id(77))], cursor: start, fetch: fetch, lib: 2)
        }
    }

    @Test func completionEventsComeOnlyFromTheBridgeAndReceiptsThatDidNotRevert() throws {
        let bridge = KoinosAddress("17XHjr7n2E4auykiHkfJMLGGovvaCadtQS")!.bytes
        let other = KoinosAddress("1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3G")!.bytes
        func completed(_ hash: UInt8, source: [UInt8]) -> JSONValue {
            var w = KoinosProtoWriter()
            w.bytes(1, [UInt8](repeating: hash, count: 32))
            return .object(["sequence": .int(0), "source": .string(Base58.encode(source)), "name": .string(KoinosBridgeEvent.transferCompleted),
                            "data": .string(Base64URL.encode(w.bytes))])
        }
        func receipt(_ tx: UInt8, reverted: Bool, _ events: [JSONValue]) -> JSONValue {
            .object(["id": .string(Hex.encode(W.id(tx))), "reverted": .bool(reverted), "events": .array(events)])
        }
        let garbage: JSONValue = .object(["sequence": .int(1), "source": .string(Base58.encode(bridge)),
                                          "name": .string(KoinosBridgeEvent.transferCompleted), "data": .string(Base64URL.encode([0x0a, 0x05, 0x01]))])
        let items = [try W.item(7, id: 7, previous: 6, receipts: [
            receipt(1, reverted: false, [completed(0xa1, source: bridge)]),
            receipt(2, reverted: true, [completed(0xa2, source: bridge)]),
            receipt(3, reverted: false, [completed(0xa3, source: other), garbage]),
        ])]
        let found = KoinosBlockWindow.completions(in: items, bridge: bridge)
        #expect(found.count == 2)
        #expect(try found[0].get() == KoinosTransferCompletion(
            ethereumTransactionHash: [UInt8](repeating: 0xa1, count: 32), koinosTransactionID: W.id(1), blockHeight: 7))
        #expect(throws: KoinosProtoError.self) { _ = try found[1].get() }
    }
}
