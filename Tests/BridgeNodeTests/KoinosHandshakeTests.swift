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

/// The relay as a Koinos client: the handshake a Koinos node runs (koinos.md §1.4), run by the
/// relay against a node that serves peer RPC from the Koinos simulator; a node on another chain or
/// speaking another protocol version is refused with the reason and disconnected.
@Suite(.serialized)
struct KoinosHandshakeTests {
    @Test func protocolVersionsAsKoinosJudgesThem() {
        #expect(KoinosHandshake.versionProblem("koinos/p2p/1.0.0") == nil)
        #expect(KoinosHandshake.versionProblem(nil) == nil)  // tolerated as 0.0.0, as koinos-p2p does
        #expect(KoinosHandshake.versionProblem("") == nil)
        #expect(KoinosHandshake.versionProblem("ipfs/0.1.0")?.hasPrefix("protocol version mismatch") == true)
        #expect(KoinosHandshake.versionProblem("koinos/p2p/1.x")?.contains("major.minor.patch") == true)
        #expect(KoinosHandshake.chainIDProblem([1, 2], expected: [1, 2]) == nil)
        #expect(KoinosHandshake.chainIDProblem([1, 2], expected: [1, 3])?.hasPrefix("chain id mismatch") == true)
    }

    /// A host that answers as a Koinos node would: peer RPC from the simulator, `protocolVersion` as given.
    static func koinosNode(_ sim: KoinosSimulatorProcess, chainID: [UInt8], protocolVersion: String = "koinos/p2p/1.0.0") async throws -> (Libp2pHost, Multiaddr) {
        var configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        configuration.protocolVersion = protocolVersion
        configuration.agentVersion = "koinos-p2p-standin"
        let host = Libp2pHost(privateKey: .generate(.ecdsaP256), configuration: configuration, logger: Logger(label: "test.koinos"))
        let rpc = KoinosRPCClient(transport: CurlHTTPTransport(configuration: BridgeNode.curl(sim.rpcURL, timeoutMs: 5_000)))
        KoinosPeerRPCServer(source: KoinosRPCChainSource(rpc: rpc, configuredChainID: chainID, advertise: .lib), logger: Logger(label: "test"))
            .install(on: host)
        let bound = try await host.start()
        return (host, bound[0].appending(.p2p(host.peerID)))
    }

    static func relay() async throws -> Libp2pHost {
        let host = Libp2pHost(
            privateKey: .generate(.ecdsaP256), configuration: Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]),
            logger: Logger(label: "test.relay"))
        _ = try await host.start()
        return host
    }

    @Test(.timeLimit(.minutes(2)))
    func theRelayAcceptsANodeOnItsChainAndRefusesOthers() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        try await sim.produceBlock(count: 8)
        let chainID = try await sim.rpc.chainID()
        let lib = try await sim.rpc.headInfo().lastIrreversibleBlock
        let (node, nodeAddress) = try await Self.koinosNode(sim, chainID: chainID)
        let relay = try await Self.relay()

        let peer = try await relay.connect(nodeAddress)
        let accepted = await KoinosHandshake.run(with: peer, on: relay, expectedChainID: chainID)
        #expect(accepted.accepted, "\(accepted.refusal ?? "")")
        #expect(accepted.protocolVersion == "koinos/p2p/1.0.0" && accepted.agentVersion == "koinos-p2p-standin")
        #expect(accepted.chainID == chainID && accepted.headHeight == lib)

        let otherChain = [0x12, 0x20] + SHA256Digest.hash(Array("another chain".utf8))
        let refused = await KoinosHandshake.run(with: peer, on: relay, expectedChainID: otherChain)
        #expect(refused.refusal?.hasPrefix("chain id mismatch") == true)

        let (stranger, strangerAddress) = try await Self.koinosNode(sim, chainID: chainID, protocolVersion: "ipfs/0.1.0")
        let strangerPeer = try await relay.connect(strangerAddress)
        let mismatch = await KoinosHandshake.run(with: strangerPeer, on: relay, expectedChainID: chainID)
        #expect(mismatch.refusal?.hasPrefix("protocol version mismatch") == true)
        for host in [relay, node, stranger] { await host.shutdown() }
        await sim.stop()
    }

    /// `p2p.koinos_peers`: the service keeps a node on our chain connected and disconnects one on
    /// another chain, and `/v1/peers`' directory shows both with their outcome.
    @Test(.timeLimit(.minutes(2)))
    func koinosPeeringDisconnectsANodeOnAnotherChain() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        let chainID = try await sim.rpc.chainID()
        let wrong = [0x12, 0x20] + SHA256Digest.hash(Array("mainnet".utf8))
        let (good, goodAddress) = try await Self.koinosNode(sim, chainID: chainID)
        let (bad, badAddress) = try await Self.koinosNode(sim, chainID: wrong)
        let relay = try await Self.relay()
        let peering = KoinosPeering(
            host: relay, addresses: [goodAddress, badAddress], chainID: chainID, interval: .milliseconds(200), logger: Logger(label: "test"))
        let task = Task { try await peering.run() }
        defer { task.cancel() }
        let settled = await eventually(.seconds(30)) {
            let connected = await relay.connectedPeers()
            return peering.report(for: good.peerID)?.accepted == true && peering.report(for: bad.peerID)?.accepted == false
                && connected.contains(good.peerID) && !connected.contains(bad.peerID)
        }
        #expect(settled)
        #expect(peering.report(for: bad.peerID)?.refusal?.hasPrefix("chain id mismatch") == true)
        task.cancel()
        for host in [relay, good, bad] { await host.shutdown() }
        await sim.stop()
    }
}
