// SPDX-License-Identifier: Apache-2.0

/// Where a peer-RPC server gets its answers (a Koinos node's JSON-RPC, in the relay).
public protocol KoinosChainSource: Sendable {
    /// The chain id multihash (34 bytes).
    func chainID() async throws -> [UInt8]
    /// The block this node advertises as its head: the last irreversible block by default, so
    /// Koinos nodes see the relay as synced and never ask it for blocks.
    func advertisedHead() async throws -> (id: [UInt8], height: UInt64)
    /// The id of the block at `height` on the branch that ends at `parentID`.
    func ancestorBlockID(of parentID: [UInt8], atHeight height: UInt64) async throws -> [UInt8]
    /// `count` blocks from `startHeight` on the branch of `headBlockID`, each a protobuf
    /// `koinos.protocol.block`; fewer (or a throw) when the source cannot serve them.
    func blocks(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws -> [[UInt8]]
}
