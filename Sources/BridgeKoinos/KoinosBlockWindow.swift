// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Koinos

/// Why a window of blocks from a Koinos endpoint is refused (nothing of it is stored; the cursor
/// stays, the window is asked for again).
public enum KoinosWindowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The endpoint answered no block although blocks up to the LIB exist.
    case empty(start: UInt64)
    /// Heights are not `start, start+1, …`.
    case notContiguous(expected: UInt64, got: UInt64)
    /// A block above the last irreversible block: never processed.
    case aboveLIB(height: UInt64, lib: UInt64)
    /// A block whose `previous` is not the id of the block before it.
    case doesNotLink(height: UInt64)
    /// More blocks than asked for.
    case tooMany(asked: UInt32, got: Int)
    /// The window's first block does not name the block the stored cursor ends at as its parent.
    case cursorDoesNotLink(height: UInt64, cursorBlockID: [UInt8], previous: [UInt8])

    public var description: String {
        switch self {
        case .empty(let s): "get_blocks_by_height returned no block from height \(s)"
        case .notContiguous(let e, let g): "get_blocks_by_height returned height \(g) where \(e) was expected"
        case .aboveLIB(let h, let lib): "block \(h) is above the last irreversible block \(lib)"
        case .doesNotLink(let h): "block \(h) does not link to the block before it (previous id differs)"
        case .tooMany(let a, let g): "get_blocks_by_height returned \(g) blocks, \(a) were asked for"
        case .cursorDoesNotLink(let h, let cursorID, let previous):
            "block \(h) names \(Hex.encode(previous)) as its parent but the stored cursor ends at block \(h - 1) = \(Hex.encode(cursorID)): "
                + "refused (the endpoint serves another branch or chain, or the stored cursor is not of this chain)"
        }
    }
}

/// The pure part of the Koinos lock watcher: which window to read, whether what came back is a
/// linked run of irreversible blocks continuing the cursor, and which events in it are locks.
public enum KoinosBlockWindow {
    /// The window to ask for: `[cursor.nextHeight, min(lib, cursor.nextHeight + maxBlocks - 1)]`,
    /// or nil when the cursor is already past the LIB (only blocks ≤ LIB are processed).
    public static func plan(cursor: KoinosScanCursor, lib: UInt64, maxBlocks: UInt32) -> (start: UInt64, count: UInt32)? {
        guard maxBlocks > 0, cursor.nextHeight <= lib else { return nil }
        let available = lib - cursor.nextHeight + 1
        return (cursor.nextHeight, UInt32(min(available, UInt64(maxBlocks))))
    }

    /// Checks `items` against the cursor and the LIB; returns the cursor after the window.
    ///
    /// Fewer blocks than asked are accepted (the endpoint may cap a page) as long as at least one
    /// came back. The first block must name `cursor.previousBlockID` as its parent (unless the
    /// cursor has none yet), each next one its predecessor.
    public static func check(_ items: [KoinosBlockItem], cursor: KoinosScanCursor, asked: UInt32, lib: UInt64) throws(KoinosWindowError) -> KoinosScanCursor {
        guard !items.isEmpty else { throw .empty(start: cursor.nextHeight) }
        guard items.count <= Int(asked) else { throw .tooMany(asked: asked, got: items.count) }
        var expected = cursor.nextHeight
        var parent = cursor.previousBlockID
        for item in items {
            guard item.height == expected else { throw .notContiguous(expected: expected, got: item.height) }
            guard item.height <= lib else { throw .aboveLIB(height: item.height, lib: lib) }
            guard parent.isEmpty || item.previous == parent else {
                if item.height == cursor.nextHeight { throw .cursorDoesNotLink(height: item.height, cursorBlockID: parent, previous: item.previous) }
                throw .doesNotLink(height: item.height)
            }
            parent = item.blockID
            expected += 1
        }
        return KoinosScanCursor(nextHeight: expected, previousBlockID: parent)
    }

    /// Every lock of the checked window judged: receipts that reverted are skipped, and only
    /// `bridge.tokens_locked_event` events whose source is `bridge` count.
    public static func locks(in items: [KoinosBlockItem], bridge: [UInt8], judge: KoinosLockJudge) -> [KoinosLockRecord] {
        var records = [KoinosLockRecord]()
        for item in items {
            for receipt in item.transactionReceipts where !receipt.reverted {
                for event in receipt.events where event.source == bridge && event.name == KoinosBridgeEvent.tokensLocked {
                    records.append(judge.judge(event, transactionID: receipt.id, block: item))
                }
            }
        }
        return records
    }

    /// `bridge.request_new_signatures_event`s of the checked window (receipts that did not revert,
    /// source = `bridge`), with the block time of their block; undecodable ones as errors.
    public static func resignRequests(in items: [KoinosBlockItem], bridge: [UInt8])
        -> [(request: Result<KoinosBridgeEvent.RequestNewSignatures, KoinosProtoError>, blockTimeMs: UInt64)] {
        var out = [(request: Result<KoinosBridgeEvent.RequestNewSignatures, KoinosProtoError>, blockTimeMs: UInt64)]()
        for item in items {
            for receipt in item.transactionReceipts where !receipt.reverted {
                for event in receipt.events where event.source == bridge && event.name == KoinosBridgeEvent.requestNewSignatures {
                    out.append((Result { () throws(KoinosProtoError) in try KoinosBridgeEvent.RequestNewSignatures.decode(event.data) }, item.timestampMs))
                }
            }
        }
        return out
    }
}
