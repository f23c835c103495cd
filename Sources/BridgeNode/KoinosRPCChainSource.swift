// SPDX-License-Identifier: Apache-2.0
import Koinos
import KoinosP2P

/// Answers Koinos nodes' peer-RPC calls from the node's Koinos JSON-RPC endpoint.
///
/// `GetChainID` answers the configured `koinos.chain_id`, which the start-up check has compared
/// with `chain.get_chain_id` (the submitter does not start on a mismatch): it never fails, even
/// while the Koinos endpoint is down, because one failed GetChainID gets the relay disconnected
/// and its address blocked for about an hour (koinos.md §1.4). The advertised head is the last
/// irreversible block by default (`p2p.advertise_head: lib`), so Koinos nodes treat the relay as
/// synced and never ask it for blocks; blocks themselves are not served (the JSON-RPC gives
/// JSON, not the protobuf `koinos.protocol.block` bytes the call returns).
struct KoinosRPCChainSource: KoinosChainSource {
    let rpc: KoinosRPCClient
    let configuredChainID: [UInt8]
    let advertise: ValidatedConfiguration.AdvertisedHead

    func chainID() async throws -> [UInt8] { configuredChainID }

    func advertisedHead() async throws -> (id: [UInt8], height: UInt64) {
        let info = try await rpc.headInfo()
        switch advertise {
        case .head:
            return (info.headID, info.height)
        case .lib:
            guard info.lastIrreversibleBlock > 0 else { return (StaticKoinosChain.zeroBlockID, 0) }
            return (try await blockID(onBranchOf: info.headID, atHeight: info.lastIrreversibleBlock), info.lastIrreversibleBlock)
        }
    }

    func ancestorBlockID(of parentID: [UInt8], atHeight height: UInt64) async throws -> [UInt8] {
        try await blockID(onBranchOf: parentID, atHeight: height)
    }

    func blocks(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws -> [[UInt8]] { [] }

    private func blockID(onBranchOf head: [UInt8], atHeight height: UInt64) async throws -> [UInt8] {
        let items = try await rpc.blocksByHeight(headBlockID: head, startHeight: height, count: 1, returnBlock: true, returnReceipt: false)
        guard let item = items.first, item.height == height else {
            throw PeerRPCRequest.Refusal("no block at height \(height) on that branch")
        }
        return item.blockID
    }
}
