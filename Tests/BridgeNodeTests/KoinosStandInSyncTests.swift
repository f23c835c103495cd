// SPDX-License-Identifier: Apache-2.0
@testable import BridgeNode
import Koinos
import KoinosTestSupport
import Libp2pHost
import Multiformats
import ProcessTestSupport
import Testing

/// The Koinos-node stand-in's sync loop against the relay (`koinos_standin.py --sync-blocks`): the
/// stand-in holds no blocks, so the relay's advertised LIB is above its head and it asks the relay
/// for blocks with GetBlocks, checking in Python that each block's id is the sha256 multihash of
/// its header bytes, at the heights asked, chained by `previous`. As the simulator's LIB moves it
/// asks again from where it stopped. Every call must pass its checks, no error point is scored,
/// and the stand-in ends holding the simulator's LIB block.
@Suite(.serialized, .enabled(if: PyLibp2pPeer.python != nil, Comment(rawValue: PyLibp2pPeer.skipReason)))
struct KoinosStandInSyncTests {
    @Test(.timeLimit(.minutes(4)))
    func koinosNodeSyncsBlocksFromTheRelay() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        try await sim.produceBlock(count: 20)
        let chainID = try await sim.rpc.chainID()
        let relay = try await KoinosStandInTests.relay(rpcURL: sim.rpcURL, chainID: chainID, ip: "127.0.0.1")
        let standIn = try await KoinosStandInProcess.start(
            chainIDHex: KoinosStandInTests.hex(chainID), connect: [relay.address.description], runFor: 120, extra: ["--sync-blocks"])
        let standInPeer = try #require(PeerID(standIn.peerID))
        let isBlocks = { (event: [String: Any]) in event["event"] as? String == "blocks" }
        _ = try await standIn.event(timeout: .seconds(60), where: isBlocks)
        for _ in 0..<3 {  // the LIB moves: the stand-in asks for the new blocks
            try await sim.produceBlock(count: 2)
            try await Task.sleep(for: .seconds(1))  // the block pace is the test
        }
        let info = try await sim.rpc.headInfo()
        let atLIB = try await sim.rpc.blocksByHeight(headBlockID: info.headID, startHeight: info.lastIrreversibleBlock, count: 1)
        let libHex = KoinosStandInTests.hex(atLIB.first?.blockID ?? [])
        let reached = try? await standIn.event(timeout: .seconds(60)) { isBlocks($0) && $0["last_id_hex"] as? String == libHex }
        let stillConnected = await relay.host.connectedPeers().contains(standInPeer)
        let events = standIn.events
        await standIn.stop(waiting: .zero)
        await relay.host.shutdown()
        await sim.stop()

        #expect(reached != nil, "the stand-in never held the simulator's LIB block")
        #expect(stillConnected)
        let blocks = events.filter(isBlocks)
        #expect(blocks.count >= 2, "\(blocks)")  // the first sync and at least one as the LIB moved
        #expect(blocks.allSatisfy { $0["ok"] as? Bool == true }, "\(blocks)")
        #expect(blocks.first?["start"] as? Int == 1)
        // Each call started where the previous one ended, and together they hold blocks 1…LIB.
        let ranges = blocks.compactMap { event -> (Int, Int)? in
            guard let start = event["start"] as? Int, let count = event["count"] as? Int else { return nil }
            return (start, count)
        }
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.0 + $0.1 == $1.0 }, "\(ranges)")
        #expect(ranges.reduce(0) { $0 + $1.1 } == Int(info.lastIrreversibleBlock))
        #expect(events.filter { $0["event"] as? String == "score" }.isEmpty)
    }
}
