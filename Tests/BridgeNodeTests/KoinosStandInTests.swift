// SPDX-License-Identifier: Apache-2.0
@testable import BridgeNode
import ChainCrypto
import CurlTransport
import Foundation
import Koinos
import KoinosP2P
import KoinosTestSupport
import Libp2pHost
import Logging
import Multiformats
import ProcessTestSupport
import Testing

/// The relay as a Koinos node meets it, against an independent implementation: the py-libp2p
/// Koinos-node stand-in (`Tests/Interop/p2p/koinos_standin.py`, koinos.md §1.4) dials two Swift
/// relays serving peer RPC from the Koinos simulator through `KoinosRPCChainSource`. The relay
/// with the simulator's chain id must stay connected through 60 s of GetHeadBlock every 500 ms,
/// every answer equal to what the simulator reports; the one configured with another chain id
/// must be disconnected for it. The relays listen on 127.0.0.1 and 127.0.0.2 because Koinos keeps
/// error scores per IP (the second one's 200,000 must not touch the first one).
@Suite(.serialized, .enabled(if: PyLibp2pPeer.python != nil, Comment(rawValue: PyLibp2pPeer.skipReason)))
struct KoinosStandInTests {
    struct Relay {
        let host: Libp2pHost
        let address: Multiaddr
    }

    static func relay(rpcURL: String, chainID: [UInt8], ip: String) async throws -> Relay {
        var configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/\(ip)/tcp/0")])
        configuration.negotiationTimeout = .seconds(30)
        let host = Libp2pHost(privateKey: .generate(.ecdsaP256), configuration: configuration, logger: Logger(label: "test.relay"))
        let rpc = KoinosRPCClient(transport: CurlHTTPTransport(configuration: BridgeNode.curl(rpcURL, timeoutMs: 5_000)))
        KoinosPeerRPCServer(source: KoinosRPCChainSource(rpc: rpc, configuredChainID: chainID, advertise: .lib), logger: Logger(label: "test"))
            .install(on: host)
        let bound = try await host.start()
        return Relay(host: host, address: bound[0].appending(.p2p(host.peerID)))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Records the simulator's LIB height and the id of the block there.
    static func recordLIB(_ sim: KoinosSimulatorProcess, into libIDs: inout [UInt64: [UInt8]]) async throws -> UInt64 {
        let info = try await sim.rpc.headInfo()
        let atLIB = try await sim.rpc.blocksByHeight(headBlockID: info.headID, startHeight: info.lastIrreversibleBlock, count: 1)
        libIDs[info.lastIrreversibleBlock] = atLIB.first?.blockID
        return info.lastIrreversibleBlock
    }

    @Test(.timeLimit(.minutes(3)))
    func relayStaysConnectedAndAWrongChainIDIsDisconnected() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        try await sim.produceBlock(count: 12)
        let chainID = try await sim.rpc.chainID()
        let otherChainID = [0x12, 0x20] + SHA256Digest.hash(Array("another Koinos chain".utf8))
        let good = try await Self.relay(rpcURL: sim.rpcURL, chainID: chainID, ip: "127.0.0.1")
        let wrong = try await Self.relay(rpcURL: sim.rpcURL, chainID: otherChainID, ip: "127.0.0.2")
        let runFor = 62.0
        let standIn = try await KoinosStandInProcess.start(
            chainIDHex: Self.hex(chainID), connect: [good.address.description, wrong.address.description], runFor: runFor)
        let standInPeer = try #require(PeerID(standIn.peerID))

        // While the stand-in runs: a block every 5 s (the advertised LIB moves), the simulator's
        // LIB block ids recorded, and the good relay checked for the stand-in's connection.
        var libIDs: [UInt64: [UInt8]] = [:]
        var finalLIB = try await Self.recordLIB(sim, into: &libIDs)
        var goodConnectedRounds = 0, rounds = 0
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(runFor - 12) {
            try await Task.sleep(for: .seconds(5))
            try await sim.produceBlock()
            finalLIB = try await Self.recordLIB(sim, into: &libIDs)
            rounds += 1
            if await good.host.connectedPeers().contains(standInPeer) { goodConnectedRounds += 1 }
        }
        let summary = try await standIn.event(timeout: .seconds(runFor + 30)) { $0["event"] as? String == "summary" }
        let stillConnected = await good.host.connectedPeers().contains(standInPeer)
        let wrongStillConnected = await wrong.host.connectedPeers().contains(standInPeer)
        let events = standIn.events
        await standIn.stop()
        await good.host.shutdown()
        await wrong.host.shutdown()
        await sim.stop()

        func of(_ relay: Relay, _ name: String) -> [[String: Any]] {
            events.filter { $0["event"] as? String == name && $0["peer_id"] as? String == relay.host.peerID.description }
        }
        // Both relays say they speak Koinos p2p and answer GetChainID with their configured id.
        for relay in [good, wrong] {
            #expect(of(relay, "identify").first?["protocol_version"] as? String == "koinos/p2p/1.0.0")
        }
        let chainAnswers = of(good, "answer").filter { $0["method"] as? String == "GetChainID" }
        #expect(chainAnswers.map { $0["id_hex"] as? String } == [Self.hex(chainID)])
        #expect(of(wrong, "answer").first?["id_hex"] as? String == Self.hex(otherChainID))

        // The wrong chain id: 200,000 points and a disconnect with the chain-id reason, seen by both sides.
        let dropped = try #require(of(wrong, "disconnected").first)
        #expect((dropped["reason"] as? String)?.hasPrefix("chain id mismatch: peer \(Self.hex(otherChainID))") == true)
        #expect(of(wrong, "score").first?["added"] as? Int == 200_000)
        #expect(of(wrong, "answer").count == 1)  // no GetHeadBlock after a failed handshake
        #expect(!wrongStillConnected)

        // The good relay: never dropped, 60 s and more connected, every GetHeadBlock answered.
        #expect(of(good, "disconnected").isEmpty)
        #expect(of(good, "score").isEmpty)
        #expect(stillConnected && goodConnectedRounds == rounds && rounds >= 8)
        let peers = try #require(summary["peers"] as? [[String: Any]])
        let goodSummary = try #require(peers.first { $0["peer_id"] as? String == good.host.peerID.description })
        #expect((goodSummary["connected_s"] as? Double ?? 0) >= 60)
        #expect(goodSummary["handshake"] as? String == "ok" && goodSummary["disconnect_reason"] is NSNull)
        #expect(goodSummary["errors"] as? Int == 0 && goodSummary["timeouts"] as? Int == 0)
        let heads = of(good, "answer").filter { $0["method"] as? String == "GetHeadBlock" }
        #expect(heads.count >= 60, "only \(heads.count) GetHeadBlock answers in \(runFor) s")
        #expect(heads.allSatisfy { $0["ok"] as? Bool == true })

        // Each answer is the simulator's LIB at some moment: the id of the LIB block at that
        // height, heights never going back, and the last answers the final LIB.
        var previous: UInt64 = 0
        for head in heads {
            let height = try #require((head["height"] as? Int).flatMap(UInt64.init(exactly:)), "no height in \(head)")
            #expect(height >= previous, "advertised head went back from \(previous) to \(height)")
            previous = height
            let expected = libIDs[height].map(Self.hex)
            #expect(expected != nil, "height \(height) was never the simulator's LIB")
            #expect(head["id_hex"] as? String == expected, "wrong block id at height \(height)")
        }
        #expect(previous == finalLIB)
        let meanMs = heads.compactMap { $0["ms"] as? Double }.reduce(0, +) / Double(max(1, heads.count))
        print("koinos stand-in: \(heads.count) GetHeadBlock answers, connected \(goodSummary["connected_s"] ?? "?") s, mean \(meanMs) ms; LIB \(finalLIB)")
    }
}
