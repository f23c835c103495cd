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
/// Koinos-node stand-in (`Tests/Interop/p2p/koinos_standin.py`, koinos.md §1.4) meets four Swift
/// relays serving peer RPC through `KoinosRPCChainSource`:
/// - two with the simulator's chain id, one dialed by the stand-in and one dialing it: both stay
///   connected through 60 s of GetHeadBlock every 500 ms, every answer equal to what the
///   simulator reports;
/// - another chain id: disconnected at once with the chain-id reason;
/// - the right chain id but its Koinos endpoint down: GetChainID still passes, each GetHeadBlock
///   is an error (+5,000), and the stand-in drops it when the score reaches 100,000.
/// The relays listen on 127.0.0.1, .2 and .3 because Koinos keeps error scores per IP.
@Suite(.serialized, .enabled(if: PyLibp2pPeer.python != nil, Comment(rawValue: PyLibp2pPeer.skipReason)))
struct KoinosStandInTests {
    struct Relay {
        let host: Libp2pHost
        let address: Multiaddr
    }

    /// What the stand-in printed, by relay.
    struct Output {
        let events: [[String: Any]]

        func of(_ relay: Relay, _ name: String, method: String? = nil) -> [[String: Any]] {
            events.filter {
                $0["event"] as? String == name && $0["peer_id"] as? String == relay.host.peerID.description
                    && (method == nil || $0["method"] as? String == method)
            }
        }
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
    func koinosNodeKeepsTheRelayAndDropsWrongChainAndFailingOnes() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        try await sim.produceBlock(count: 12)
        let chainID = try await sim.rpc.chainID()
        let otherChainID = [0x12, 0x20] + SHA256Digest.hash(Array("another Koinos chain".utf8))
        let good = try await Self.relay(rpcURL: sim.rpcURL, chainID: chainID, ip: "127.0.0.1")
        let wrong = try await Self.relay(rpcURL: sim.rpcURL, chainID: otherChainID, ip: "127.0.0.2")
        let endpointDown = try await Self.relay(rpcURL: "http://127.0.0.1:1/", chainID: chainID, ip: "127.0.0.3")
        let relays = [good, wrong, endpointDown]
        let runFor = 63.0
        let standIn = try await KoinosStandInProcess.start(chainIDHex: Self.hex(chainID), connect: relays.map(\.address.description), runFor: runFor)
        let standInPeer = try #require(PeerID(standIn.peerID))
        let dialing = try await Self.relay(rpcURL: sim.rpcURL, chainID: chainID, ip: "127.0.0.1")
        #expect(try await dialing.host.connect(try Multiaddr(standIn.address)) == standInPeer)
        // The relay's own Koinos handshake, run on the stand-in: accepted on our chain, refused on another.
        let handshake = await KoinosHandshake.run(with: standInPeer, on: dialing.host, expectedChainID: chainID)
        #expect(handshake.accepted && handshake.chainID == chainID && handshake.headHeight == 0, "\(handshake)")
        let refusal = await KoinosHandshake.run(with: standInPeer, on: dialing.host, expectedChainID: otherChainID)
        #expect(refusal.refusal?.hasPrefix("chain id mismatch") == true, "\(refusal)")

        // While the stand-in runs: a block every 5 s (the advertised LIB moves), the simulator's
        // LIB block ids recorded, and the good relays checked for the stand-in's connection.
        var libIDs: [UInt64: [UInt8]] = [:]
        var finalLIB = try await Self.recordLIB(sim, into: &libIDs)
        var goodConnectedRounds = 0, rounds = 0
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(runFor - 12) {
            try await Task.sleep(for: .seconds(5))  // the block pace is the test
            try await sim.produceBlock()
            finalLIB = try await Self.recordLIB(sim, into: &libIDs)
            rounds += 1
            if await good.host.connectedPeers().contains(standInPeer), await dialing.host.connectedPeers().contains(standInPeer) {
                goodConnectedRounds += 1
            }
        }
        // Checked while the stand-in still runs (it closes everything when its time is up).
        var stillConnected: [Bool] = []
        for relay in relays + [dialing] { stillConnected.append(await relay.host.connectedPeers().contains(standInPeer)) }
        let summary = try await standIn.event(timeout: .seconds(runFor + 30)) { $0["event"] as? String == "summary" }
        let output = Output(events: standIn.events)
        await standIn.stop()
        for relay in relays + [dialing] { await relay.host.shutdown() }
        await sim.stop()

        #expect(stillConnected == [true, false, false, true])
        #expect(goodConnectedRounds == rounds && rounds >= 8)
        #expect(output.of(good, "connected").first?["direction"] as? String == "outbound")
        #expect(output.of(dialing, "connected").first?["direction"] as? String == "inbound")
        for relay in relays + [dialing] {  // every relay says it speaks Koinos p2p
            #expect(output.of(relay, "identify").first?["protocol_version"] as? String == "koinos/p2p/1.0.0")
        }
        let peers = try #require(summary["peers"] as? [[String: Any]])
        for relay in [good, dialing] {
            let summary = try #require(peers.first { $0["peer_id"] as? String == relay.host.peerID.description })
            try Self.checkConnectedRelay(relay, output, summary, chainID: chainID, libIDs: libIDs, finalLIB: finalLIB)
        }
        try Self.checkWrongChain(wrong, output, otherChainID: otherChainID)
        Self.checkEndpointDown(endpointDown, output, chainID: chainID)
    }

    /// Never dropped, 60 s and more connected, every GetHeadBlock answered with the simulator's LIB
    /// at some moment (the id of the LIB block at that height), heights never going back, the last
    /// answer the final LIB.
    static func checkConnectedRelay(
        _ relay: Relay, _ output: Output, _ summary: [String: Any], chainID: [UInt8], libIDs: [UInt64: [UInt8]], finalLIB: UInt64
    ) throws {
        #expect(output.of(relay, "answer", method: "GetChainID").map { $0["id_hex"] as? String } == [hex(chainID)])
        #expect(output.of(relay, "disconnected").isEmpty)
        #expect(output.of(relay, "score").isEmpty)
        #expect((summary["connected_s"] as? Double ?? 0) >= 60)
        #expect(summary["handshake"] as? String == "ok" && summary["disconnect_reason"] is NSNull)
        #expect(summary["errors"] as? Int == 0 && summary["timeouts"] as? Int == 0)
        let heads = output.of(relay, "answer", method: "GetHeadBlock")
        // Every 500 ms nominally (~120); a loaded CI machine slows the stand-in's loop, not the answers.
        #expect(heads.count >= 30, "only \(heads.count) GetHeadBlock answers")
        #expect(heads.allSatisfy { $0["ok"] as? Bool == true })
        var previous: UInt64 = 0
        for head in heads {
            let height = try #require((head["height"] as? Int).flatMap(UInt64.init(exactly:)), "no height in \(head)")
            #expect(height >= previous, "advertised head went back from \(previous) to \(height)")
            previous = height
            let expected = libIDs[height].map(hex)
            #expect(expected != nil, "height \(height) was never the simulator's LIB")
            #expect(head["id_hex"] as? String == expected, "wrong block id at height \(height)")
        }
        // The last answer is the final LIB, or the LIB before it when a loaded machine made the
        // stand-in's last call before the last block's 1 s head cache expired.
        #expect(previous == finalLIB || previous + 1 == finalLIB, "last answer \(previous), final LIB \(finalLIB)")
        let meanMs = heads.compactMap { $0["ms"] as? Double }.reduce(0, +) / Double(max(1, heads.count))
        print("koinos stand-in: \(heads.count) GetHeadBlock answers, connected \(summary["connected_s"] ?? "?") s, mean \(meanMs) ms, LIB \(finalLIB)")
    }

    /// GetChainID answers the configured (other) id: 200,000 points and a disconnect with the chain-id reason.
    static func checkWrongChain(_ relay: Relay, _ output: Output, otherChainID: [UInt8]) throws {
        #expect(output.of(relay, "answer").map { $0["id_hex"] as? String } == [hex(otherChainID)])  // no GetHeadBlock after it
        let dropped = try #require(output.of(relay, "disconnected").first)
        #expect((dropped["reason"] as? String)?.hasPrefix("chain id mismatch: peer \(hex(otherChainID))") == true)
        #expect(output.of(relay, "score").map { $0["added"] as? Int } == [200_000])
    }

    /// The relay keeps answering GetChainID with the configured id; GetHeadBlock fails at once with
    /// the gorpc error shape, 5,000 points each, until the score reaches 100,000 and it is dropped.
    static func checkEndpointDown(_ relay: Relay, _ output: Output, chainID: [UInt8]) {
        #expect(output.of(relay, "answer", method: "GetChainID").map { $0["id_hex"] as? String } == [hex(chainID)])
        let heads = output.of(relay, "answer", method: "GetHeadBlock")
        #expect(heads.allSatisfy { $0["ok"] as? Bool == false && ($0["error"] as? String)?.hasSuffix("internal error") == true })
        #expect((20...22).contains(heads.count), "\(heads.count) failed GetHeadBlock calls before the disconnect")
        let scores = output.of(relay, "score")
        #expect(scores.allSatisfy { $0["added"] as? Int == 5_000 && $0["reason"] as? String == "peer rpc errors" })
        #expect(scores.dropLast().allSatisfy { ($0["score"] as? Int ?? .max) < 100_000 })
        #expect((scores.last?["score"] as? Int ?? 0) >= 100_000)
        let dropped = output.of(relay, "disconnected").first
        #expect(dropped?["reason"] as? String == "peer rpc errors")
        print("koinos stand-in, Koinos endpoint down: \(heads.count) failed GetHeadBlock calls, dropped after \(dropped?["connected_s"] ?? "?") s")
    }
}
