// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import ChainCrypto
import Foundation
import JSONRPC
import Koinos
import KoinosP2P

/// A synthetic signed Koinos chain served as `block_store.get_blocks_by_height` JSON by an
/// in-process transport, so `bridge-bench koinos-peer` measures GetBlocks through the relay's own
/// `KoinosRPCChainSource` (JSON decoding, re-encoding checked against every id, protobuf bytes)
/// without an HTTP hop.
enum KoinosBlocksBench {
    /// `count` blocks of `transactionsPerBlock` signed KOIN-style transfers each, as block items.
    static func chain(count: Int, transactionsPerBlock: Int, chainID: [UInt8]) throws -> (items: [JSONValue], headID: [UInt8]) {
        let key = try Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("koinos-peer bench producer".utf8)))
        let producer = KoinosAddress(publicKey: key.publicKey).bytes
        var items: [JSONValue] = []
        var previous = [0x12, 0x20] + [UInt8](repeating: 0, count: 32)
        var nonce: UInt64 = 0
        for height in 1...count {
            var transactions: [KoinosTransaction] = []
            for _ in 0..<transactionsPerBlock {
                nonce += 1
                let transfer = KoinosOperation.callContract(.init(
                    contractID: producer, entryPoint: KoinosEntryPoint.tokenTransfer,
                    args: KoinosTokenContract.transferArguments(from: producer, to: producer, value: nonce)))
                var transaction = KoinosTransaction.make(chainID: chainID, rcLimit: 100_000_000, nonce: nonce, payer: producer, operations: [transfer])
                try transaction.sign(with: key)
                transactions.append(transaction)
            }
            let header = KoinosBlockHeader(
                previous: previous, height: UInt64(height), timestampMs: 1_700_000_000_000 + UInt64(height) * 3_000,
                previousStateMerkleRoot: KoinosMultihash.sha256(previous), transactionMerkleRoot: KoinosBlock.transactionMerkleRoot(transactions),
                signer: producer)
            let id = header.blockID
            let block = KoinosBlock(id: id, header: header, transactions: transactions, signature: try KoinosSignature.sign(digest: Array(id.dropFirst(2)), key: key))
            items.append(.object(["block_id": KoinosJSON.id(id), "block_height": KoinosJSON.uint64(UInt64(height)), "block": block.json]))
            previous = id
        }
        return (items, previous)
    }

    /// Answers `block_store.get_blocks_by_height` from `items` (index = height − 1), as the gateway would.
    struct BlockStoreTransport: JSONRPCTransport {
        let items: [JSONValue]
        var endpointDescription: String { "in-process block_store" }

        func post(_ body: [UInt8]) async throws -> [UInt8] {
            let request = try JSONDecoder().decode(JSONValue.self, from: Data(body))
            let params = request["params"]
            let start = Int(params?["ancestor_start_height"]?.stringValue ?? "") ?? 1
            var count = 0
            if case .int(let n)? = params?["num_blocks"] { count = Int(n) }
            let from = min(max(start, 1), items.count + 1) - 1
            let slice = Array(items[from..<min(items.count, from + max(0, count))])
            let response: JSONValue = .object([
                "jsonrpc": .string("2.0"), "id": request["id"] ?? .null, "result": .object(["block_items": .array(slice)]),
            ])
            return Array(try JSONEncoder().encode(response))
        }
    }

    static func source(items: [JSONValue], chainID: [UInt8]) -> KoinosRPCChainSource {
        KoinosRPCChainSource(rpc: KoinosRPCClient(transport: BlockStoreTransport(items: items)), configuredChainID: chainID, advertise: .lib)
    }
}
