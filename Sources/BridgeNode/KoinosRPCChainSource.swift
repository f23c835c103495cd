// SPDX-License-Identifier: Apache-2.0
public import Koinos
public import KoinosP2P

/// Answers Koinos nodes' peer-RPC calls from the node's Koinos JSON-RPC endpoint.
///
/// `GetChainID` answers the configured `koinos.chain_id`, which the start-up check has compared
/// with `chain.get_chain_id` (the submitter does not start on a mismatch): it never fails, even
/// while the Koinos endpoint is down, because one failed GetChainID gets the relay disconnected
/// and its address blocked for about an hour (koinos.md §1.4). The advertised head is the last
/// irreversible block by default (`p2p.advertise_head: lib`), so Koinos nodes treat the relay as
/// synced and never ask it for blocks. `GetBlocks` is served all the same: the JSON blocks of
/// `block_store.get_blocks_by_height` are re-encoded as protobuf `koinos.protocol.block` and each
/// is checked to hash to its id (`KoinosBlock.verifyEncoding`), fetched `blocksPerRequest` at a
/// time and refused past `maxBlockBytes` in all.
public struct KoinosRPCChainSource: KoinosChainSource {
    let rpc: KoinosRPCClient
    let configuredChainID: [UInt8]
    let advertise: ValidatedConfiguration.AdvertisedHead
    /// Blocks asked of the Koinos node per JSON-RPC call.
    var blocksPerRequest: UInt32 = 100
    /// Most protobuf bytes one GetBlocks answer may hold.
    var maxBlockBytes = 32 << 20

    public init(rpc: KoinosRPCClient, configuredChainID: [UInt8], advertise: ValidatedConfiguration.AdvertisedHead) {
        self.rpc = rpc
        self.configuredChainID = configuredChainID
        self.advertise = advertise
    }

    public func chainID() async throws -> [UInt8] { configuredChainID }

    public func advertisedHead() async throws -> (id: [UInt8], height: UInt64) {
        let info = try await rpc.headInfo()
        switch advertise {
        case .head:
            return (info.headID, info.height)
        case .lib:
            guard info.lastIrreversibleBlock > 0 else { return (StaticKoinosChain.zeroBlockID, 0) }
            return (try await blockID(onBranchOf: info.headID, atHeight: info.lastIrreversibleBlock), info.lastIrreversibleBlock)
        }
    }

    public func ancestorBlockID(of parentID: [UInt8], atHeight height: UInt64) async throws -> [UInt8] {
        try await blockID(onBranchOf: parentID, atHeight: height)
    }

    public func blocks(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws -> [[UInt8]] {
        var encoded: [[UInt8]] = []
        var bytes = 0
        var lastID: [UInt8]?
        while encoded.count < Int(count) {
            let asked = min(count - UInt32(encoded.count), blocksPerRequest)
            let batch = try await rpc.blocks(headBlockID: headBlockID, startHeight: startHeight &+ UInt64(encoded.count), count: asked)
            if let lastID, let first = batch.first, first.header.previous != lastID {
                throw PeerRPCRequest.Refusal("the Koinos node's blocks do not follow one another")
            }
            for block in batch {
                let protobuf = block.encoded()
                bytes += protobuf.count
                guard bytes <= maxBlockBytes else { throw PeerRPCRequest.Refusal("the blocks asked for exceed \(maxBlockBytes) bytes") }
                encoded.append(protobuf)
            }
            lastID = batch.last?.id
            if batch.count < Int(asked) { break }  // the branch ends below the last height asked for
        }
        return encoded
    }

    private func blockID(onBranchOf head: [UInt8], atHeight height: UInt64) async throws -> [UInt8] {
        let items = try await rpc.blocksByHeight(headBlockID: head, startHeight: height, count: 1, returnBlock: true, returnReceipt: false)
        guard let item = items.first, item.height == height else {
            throw PeerRPCRequest.Refusal("no block at height \(height) on that branch")
        }
        return item.blockID
    }
}
