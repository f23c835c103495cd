// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Koinos

/// What the watcher asks `get_blocks_by_height` for: the window, and first the block below it
/// when the cursor holds no block id yet (a fresh start), so even the first window links to an
/// earlier block.
public struct KoinosWindowFetch: Sendable, Hashable {
    public var start: UInt64
    public var count: UInt32
    /// The first block fetched is the anchor (height `cursor.nextHeight - 1`): its id is what the
    /// window must link to; it is not judged.
    public var anchored: Bool

    public init(start: UInt64, count: UInt32, anchored: Bool) {
        self.start = start
        self.count = count
        self.anchored = anchored
    }
}

extension KoinosBlockWindow {
    /// The parent named by block 1: the zero sha2-256 multihash (koinos-chain's genesis id).
    public static let genesisParent: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 0, count: 32)

    /// `plan`, plus the anchor block below the window when the cursor has no block id and does not
    /// start at block 1 (whose parent is `genesisParent`).
    public static func fetch(cursor: KoinosScanCursor, lib: UInt64, maxBlocks: UInt32) -> KoinosWindowFetch? {
        guard let (start, count) = plan(cursor: cursor, lib: lib, maxBlocks: maxBlocks) else { return nil }
        guard cursor.previousBlockID.isEmpty, start > 1 else { return KoinosWindowFetch(start: start, count: count, anchored: false) }
        return KoinosWindowFetch(start: start - 1, count: count == .max ? count : count + 1, anchored: true)
    }

    /// Checks what `fetch` brought: the anchor (when asked) gives the id the window must link to,
    /// a cursor at block 1 links to `genesisParent`, then `check`. Returns the cursor after the
    /// window and the blocks to judge (the anchor left out; none when only the anchor came back).
    public static func check(
        _ items: [KoinosBlockItem], cursor: KoinosScanCursor, fetch: KoinosWindowFetch, lib: UInt64
    ) throws(KoinosWindowError) -> (cursor: KoinosScanCursor, blocks: [KoinosBlockItem]) {
        var from = cursor
        var blocks = items
        var asked = fetch.count
        if fetch.anchored {
            guard let anchor = items.first else { throw .empty(start: fetch.start) }
            guard anchor.height == fetch.start else { throw .notContiguous(expected: fetch.start, got: anchor.height) }
            guard anchor.height <= lib else { throw .aboveLIB(height: anchor.height, lib: lib) }
            from.previousBlockID = anchor.blockID
            blocks.removeFirst()
            asked -= 1
            if blocks.isEmpty { return (from, []) }
        } else if from.previousBlockID.isEmpty, from.nextHeight == 1 {
            from.previousBlockID = genesisParent
        }
        return (try check(blocks, cursor: from, asked: asked, lib: lib), blocks)
    }
}
