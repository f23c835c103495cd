// SPDX-License-Identifier: Apache-2.0

/// A chain source with fixed answers and no blocks: what a short-lived command-line host answers a
/// Koinos node's handshake with (our chain id, a head at height 0, so the node sees us as synced
/// and asks for nothing), and the source of wire tests and benchmarks.
public struct StaticKoinosChain: KoinosChainSource {
    /// The id Koinos uses before the first block: a sha2-256 multihash of zeros.
    public static let zeroBlockID: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 0, count: 32)

    public let id: [UInt8]
    public let headHeight: UInt64

    public init(chainID: [UInt8], headHeight: UInt64 = 0) {
        self.id = chainID
        self.headHeight = headHeight
    }

    public func chainID() async throws -> [UInt8] { id }
    public func advertisedHead() async throws -> (id: [UInt8], height: UInt64) { (Self.zeroBlockID, headHeight) }
    public func ancestorBlockID(of parentID: [UInt8], atHeight height: UInt64) async throws -> [UInt8] {
        throw PeerRPCRequest.Refusal("this peer keeps no blocks")
    }
    public func blocks(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws -> [[UInt8]] { [] }
}
