// SPDX-License-Identifier: Apache-2.0
import JSONRPC

extension KoinosRPCClient {
    /// Whole blocks `[startHeight, startHeight + count)` on the branch of `headBlockID`
    /// (`block_store.get_blocks_by_height` with the blocks, without receipts), each checked to
    /// re-encode to the bytes its id was hashed from. Fewer than `count` when the branch ends
    /// first; the heights must follow one another from `startHeight`.
    public func blocks(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws(KoinosError) -> [KoinosBlock] {
        let result = try await call("block_store.get_blocks_by_height", [
            "head_block_id": KoinosJSON.id(headBlockID), "ancestor_start_height": KoinosJSON.uint64(startHeight),
            "num_blocks": .int(Int64(count)), "return_block": .bool(true), "return_receipt": .bool(false),
        ])
        let items = result["block_items"]?.arrayValue ?? []
        guard items.count <= Int(count) else { throw .malformedResponse("get_blocks_by_height returned \(items.count) blocks for \(count)") }
        var blocks: [KoinosBlock] = []
        blocks.reserveCapacity(items.count)
        for (offset, item) in items.enumerated() {
            guard let json = item["block"] else { throw .malformedResponse("block_item without its block") }
            let block = try KoinosBlock(json: json)
            let expected = startHeight &+ UInt64(offset)
            guard block.header.height == expected, try KoinosJSON.decodeID(item["block_id"], "block_id") == block.id else {
                throw .malformedResponse("get_blocks_by_height returned block \(block.header.height) where \(expected) was due")
            }
            if let parent = blocks.last, block.header.previous != parent.id {
                throw .malformedResponse("get_blocks_by_height returned block \(expected) that does not follow block \(expected - 1)")
            }
            blocks.append(block)
        }
        return blocks
    }
}
