// SPDX-License-Identifier: Apache-2.0
@testable import BridgeNode
import ChainCrypto
import Foundation
import JSONRPC
import Koinos
import KoinosP2P
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// `GetBlocks` as a Koinos node calls it on the relay, served from the Koinos simulator's
/// `block_store` through the node's own `KoinosRPCChainSource` over real libp2p hosts: every block
/// comes back as protobuf `koinos.protocol.block` whose header bytes hash to the id the simulator
/// reports, whose transaction is the one submitted, and which equals byte for byte what the
/// simulator's own Python protobuf encoder makes of the same block; a range past the branch
/// or an unknown head is the gorpc error; the answer is reused for a few seconds (it still comes
/// while the Koinos node is down), new ranges then fail at once, and a burst of calls from one
/// peer meets its GetBlocks budget.
@Suite(.serialized)
struct KoinosGetBlocksTests {
    @Test(.timeLimit(.minutes(2)))
    func blocksAreTheChainsProtobufBytes() async throws {
        let payer = try Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("get blocks test payer".utf8)))
        let address = KoinosAddress(publicKey: payer.publicKey)
        guard let sim = try await KoinosSimulatorProcess.start([
            "--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--account", "\(address.base58):1000000000",
            "--balance", "KOIN:\(address.base58):5000", "--block-interval-ms", "0",
        ]) else { return }
        let chainID = try await sim.rpc.chainID()
        try await sim.produceBlock(count: 3)
        let transfer = KoinosOperation.callContract(.init(
            contractID: sim.koin, entryPoint: KoinosEntryPoint.tokenTransfer,
            args: KoinosTokenContract.transferArguments(from: address.bytes, to: KoinosAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).bytes, value: 7)))
        var tx = KoinosTransaction.make(chainID: chainID, rcLimit: 100_000_000, nonce: 1, payer: address.bytes, operations: [transfer])
        try tx.sign(with: payer)
        _ = try await sim.rpc.submitTransaction(tx)
        try await sim.produceBlock(count: 8)
        let info = try await sim.rpc.headInfo()
        let items = try await sim.rpc.blocksByHeight(headBlockID: info.headID, startHeight: 1, count: UInt32(info.height), returnReceipt: false)
        #expect(items.count == Int(info.height))
        let withTransaction = try #require(items.firstIndex { $0.transactionIDs == [tx.id] })

        var limits = KoinosPeerRPCServer.Limits()
        limits.blocksCacheMilliseconds = 120_000  // the default 5 s can pass before the cached call on a loaded machine
        let pair = try await KoinosPeerRPCTests.pair(rpcURL: sim.rpcURL, chainID: chainID, limits: limits)
        let request = PeerRPCRequest.getBlocks(headBlockID: info.headID, startHeight: 1, count: UInt32(info.height))
        let answer = try await pair.call(request)
        let blocks = try Self.blocks(answer)
        #expect(blocks.count == items.count)
        for (bytes, item) in zip(blocks, items) {
            let fields = try KoinosProtoReader.fields(bytes)
            #expect(try fields.bytes(1) == item.blockID)
            let header = try #require(try fields.optionalBytes(2))
            #expect(KoinosMultihash.sha256(header) == item.blockID, "block \(item.height): header bytes do not hash to its id")
            #expect(try KoinosProtoReader.fields(header).varint(2) == item.height)
        }
        let transactions = try KoinosProtoReader.fields(blocks[withTransaction]).repeatedBytes(3)
        #expect(transactions == [tx.encoded()])
        let simulatorBytes = try await Self.simulatorEncoding(sim, headID: info.headID, count: UInt32(info.height))
        #expect(simulatorBytes.count == blocks.count)
        let differing = zip(simulatorBytes, blocks.map(Self.hex)).enumerated().filter { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
        #expect(differing.isEmpty, "blocks at heights \(differing) differ from the simulator's encoding")

        // More blocks than the branch holds: the gorpc error, not a short list.
        let tooMany = try await pair.call(.getBlocks(headBlockID: info.headID, startHeight: info.height - 1, count: 5))
        #expect(tooMany == .error("this relay can serve 2 of the 5 blocks asked for"))
        // A head the Koinos node does not know: the gorpc error at once.
        let unknownHead = try await pair.call(.getBlocks(headBlockID: KoinosMultihash.sha256([1, 2, 3]), startHeight: 1, count: 2))
        #expect(unknownHead == .error("internal error"))

        // The Koinos node goes away: the same request is still answered, from the cache (the fourth
        // call: the peer's GetBlocks burst; the cache is kept longer than the default 5 s here).
        await sim.stop()
        #expect(try await pair.call(request) == answer)
        // A range not in the cache: the gorpc error at once, within a Koinos node's 6 s peer-RPC timeout.
        try await Task.sleep(for: .seconds(1))  // a GetBlocks token back
        let down = ContinuousClock.now
        #expect(try await pair.call(.getBlocks(headBlockID: info.headID, startHeight: 2, count: 3)) == .error("internal error"))
        #expect(ContinuousClock.now - down < .seconds(6))
        // 200 GetBlocks at once from one peer, its budget refilled: past the budget (2/s, burst 4) the
        // budget's error, the few admitted ones the error of the Koinos node being down; nothing hangs.
        try await Task.sleep(for: .seconds(2))  // the budget refills with time: the test
        let start = ContinuousClock.now
        let outcomes = await withTaskGroup(of: String.self) { group in
            for start in 0..<200 {
                group.addTask {
                    let call = PeerRPCRequest.getBlocks(headBlockID: info.headID, startHeight: UInt64(start % 10 + 1), count: 2)
                    switch try? await pair.call(call) {
                    case .reply?: return "reply"
                    case .error(let m)?: return m.hasPrefix("rate limit") ? "limited" : m
                    case nil: return "reset"
                    }
                }
            }
            var counts: [String: Int] = [:]
            for await outcome in group { counts[outcome, default: 0] += 1 }
            return counts
        }
        // (The budget refills 2 calls a second while the burst runs, so a slow machine admits a few more.)
        #expect(outcomes["limited", default: 0] >= 150 && outcomes["internal error", default: 0] >= 1, "\(outcomes)")
        #expect(outcomes["limited", default: 0] + outcomes["internal error", default: 0] == 200, "\(outcomes)")
        #expect(ContinuousClock.now - start < .seconds(30))

        await pair.stop()
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The blocks `[1, count]` as the simulator's Python schema encodes `koinos.protocol.block`
    /// (`koinossim.schema.encode(BLOCK, …)` of the JSON it serves), one hex string each.
    static func simulatorEncoding(_ sim: KoinosSimulatorProcess, headID: [UInt8], count: UInt32) async throws -> [String] {
        let result = try await sim.rpc.call("block_store.get_blocks_by_height", [
            "head_block_id": KoinosJSON.id(headID), "ancestor_start_height": KoinosJSON.uint64(1), "num_blocks": .int(Int64(count)),
            "return_block": .bool(true), "return_receipt": .bool(false),
        ])
        let script = """
            import json, sys
            from koinossim.protocol import BLOCK
            from koinossim.schema import encode, from_json
            for item in json.load(sys.stdin)["block_items"]:
                print(encode(BLOCK, from_json(BLOCK, item["block"])).hex())
            """
        let directory = repositoryRoot + "/deploy/devnet/koinos"
        let run = try await ChildProcess.run(
            directory + "/.venv/bin/python", ["-c", script], input: String(decoding: try JSONEncoder().encode(result), as: UTF8.self),
            directory: directory, timeout: .seconds(30))
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    static func blocks(_ answer: KoinosPeerRPCClient.Answer) throws -> [[UInt8]] {
        guard case .reply(let body) = answer, case .array(let list)? = body["Blocks"] else {
            Issue.record("GetBlocks answered \(answer)")
            return []
        }
        return list.compactMap { if case .bytes(let b) = $0 { b } else { nil } }
    }
}
