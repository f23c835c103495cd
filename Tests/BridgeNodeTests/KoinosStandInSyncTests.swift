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
    @Test(.timeLimit(.minutes(2)))
    func koinosNodeSyncsBlocksFromTheRelay() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        try await sim.produceBlock(count: 20)
        let chainID = try await sim.rpc.chainID()
        let relay = try await KoinosStandInTests.relay(rpcURL: sim.rpcURL, chainID: chainID, ip: "127.0.0.1")
        let runFor = 20.0
        let standIn = try await KoinosStandInProcess.start(
            chainIDHex: KoinosStandInTests.hex(chainID), connect: [relay.address.description], runFor: runFor, extra: ["--sync-blocks"])
        let standInPeer = try #require(PeerID(standIn.peerID))
        _ = try await standIn.event(timeout: .seconds(20)) { $0["event"] as? String == "blocks" }
        for _ in 0..<3 {  // the LIB moves: the stand-in asks for the new blocks
            try await sim.produceBlock(count: 2)
            try await Task.sleep(for: .seconds(2))
        }
        let info = try await sim.rpc.headInfo()
        let atLIB = try await sim.rpc.blocksByHeight(headBlockID: info.headID, startHeight: info.lastIrreversibleBlock, count: 1)
        let stillConnected = await relay.host.connectedPeers().contains(standInPeer)
        let summary = try await standIn.event(timeout: .seconds(runFor + 30)) { $0["event"] as? String == "summary" }
        let events = standIn.events
        await standIn.stop()
        await relay.host.shutdown()
        await sim.stop()

        #expect(stillConnected)
        let blocks = events.filter { $0["event"] as? String == "blocks" }
        #expect(blocks.count >= 2, "\(blocks)")  // the first sync and at least one as the LIB moved
        #expect(blocks.allSatisfy { $0["ok"] as? Bool == true }, "\(blocks)")
        #expect(blocks.first?["start"] as? Int == 1)
        #expect(events.filter { $0["event"] as? String == "score" }.isEmpty)
        let peer = try #require((summary["peers"] as? [[String: Any]])?.first)
        #expect(peer["synced_height"] as? Int == Int(info.lastIrreversibleBlock))
        #expect(blocks.last?["last_id_hex"] as? String == KoinosStandInTests.hex(atLIB.first?.blockID ?? []))
        #expect(peer["blocks_received"] as? Int == Int(info.lastIrreversibleBlock))
    }
}
