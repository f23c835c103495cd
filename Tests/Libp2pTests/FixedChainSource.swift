// SPDX-License-Identifier: Apache-2.0
import KoinosP2P

/// A chain that answers with fixed values (the spec's mainnet chain id, head at height 0), for
/// wire tests of the peer-RPC server; `KoinosPeerRPCTests` uses the Koinos simulator instead.
struct FixedChainSource: KoinosChainSource {
    var id: [UInt8]

    func chainID() async throws -> [UInt8] { id }
    func advertisedHead() async throws -> (id: [UInt8], height: UInt64) { (id, 0) }
    func ancestorBlockID(of parentID: [UInt8], atHeight height: UInt64) async throws -> [UInt8] { parentID }
    func blocks(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws -> [[UInt8]] { [] }
}
