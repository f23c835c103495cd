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
import NIOCore
import Testing

/// The relay's peer-RPC server as a Koinos node meets it (koinos.md §1.4–1.5): two real libp2p
/// hosts over loopback, the server answering from the Koinos simulator through the node's own
/// `KoinosRPCChainSource`. Answers must equal what the simulator reports; hostile calls get the
/// gorpc error shape or a reset, at once, and the server keeps answering.
@Suite(.serialized)
struct KoinosPeerRPCTests {
    struct Pair {
        let server: Libp2pHost
        let client: Libp2pHost
        let serverPeer: PeerID

        func call(_ request: PeerRPCRequest) async throws -> KoinosPeerRPCClient.Answer {
            try await KoinosPeerRPCClient.call(request, to: serverPeer, on: client)
        }

        func stop() async {
            await client.shutdown()
            await server.shutdown()
        }
    }

    static func pair(
        rpcURL: String, chainID: [UInt8], advertise: ValidatedConfiguration.AdvertisedHead = .lib, limits: KoinosPeerRPCServer.Limits = .init()
    ) async throws -> Pair {
        var configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        configuration.negotiationTimeout = .seconds(30)
        let server = Libp2pHost(privateKey: .generate(.ecdsaP256), configuration: configuration, logger: Logger(label: "test.server"))
        let rpc = KoinosRPCClient(transport: CurlHTTPTransport(configuration: BridgeNode.curl(rpcURL, timeoutMs: 5_000)))
        KoinosPeerRPCServer(source: KoinosRPCChainSource(rpc: rpc, configuredChainID: chainID, advertise: advertise), limits: limits, logger: Logger(label: "test"))
            .install(on: server)
        let bound = try await server.start()
        let client = Libp2pHost(privateKey: .generate(.ecdsaP256), configuration: configuration, logger: Logger(label: "test.client"))
        _ = try await client.start()
        let peer = try await client.connect(bound[0].appending(.p2p(server.peerID)))
        return Pair(server: server, client: client, serverPeer: peer)
    }

    @Test(.timeLimit(.minutes(2)))
    func answersEqualWhatTheKoinosNodeReports() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        try await sim.produceBlock(count: 12)
        let chainID = try await sim.rpc.chainID()
        let pair = try await Self.pair(rpcURL: sim.rpcURL, chainID: chainID)
        let info = try await sim.rpc.headInfo()
        #expect(info.lastIrreversibleBlock > 0 && info.lastIrreversibleBlock < info.height)
        let atLIB = try await sim.rpc.blocksByHeight(headBlockID: info.headID, startHeight: info.lastIrreversibleBlock, count: 1)

        #expect(try await pair.call(.getChainID) == .reply(.map([(.string("ID"), .bytes(chainID))])))
        #expect(try await pair.call(.getHeadBlock) == .reply(.map([
            (.string("ID"), .bytes(atLIB[0].blockID)), (.string("Height"), .uint(info.lastIrreversibleBlock)),
        ])))
        let first = try await sim.rpc.blocksByHeight(headBlockID: info.headID, startHeight: 1, count: 1)
        #expect(try await pair.call(.getAncestorBlockID(parentID: info.headID, childHeight: 1)) == .reply(.map([(.string("ID"), .bytes(first[0].blockID))])))
        await pair.stop()

        let headPair = try await Self.pair(rpcURL: sim.rpcURL, chainID: chainID, advertise: .head)
        let now = try await sim.rpc.headInfo()
        #expect(try await headPair.call(.getHeadBlock) == .reply(.map([(.string("ID"), .bytes(now.headID)), (.string("Height"), .uint(now.height))])))
        await headPair.stop()
        await sim.stop()
    }

    /// With the Koinos endpoint down, GetChainID still answers (a failed one gets the relay
    /// blocked for an hour) and GetHeadBlock fails at once with the gorpc error shape.
    @Test(.timeLimit(.minutes(1)))
    func aDownKoinosEndpointIsAnErrorAnswerNotAHang() async throws {
        let chainID = [0x12, 0x20] + SHA256Digest.hash(Array("test chain".utf8))
        let pair = try await Self.pair(rpcURL: "http://127.0.0.1:1/", chainID: chainID)
        #expect(try await pair.call(.getChainID) == .reply(.map([(.string("ID"), .bytes(chainID))])))
        let start = ContinuousClock.now
        guard case .error(let message) = try await pair.call(.getHeadBlock) else {
            Issue.record("GetHeadBlock answered without a Koinos node")
            return
        }
        #expect(message == "internal error")
        #expect(ContinuousClock.now - start < .seconds(6))  // a Koinos node's peer-RPC timeout
        await pair.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func hostileCallsGetTheErrorShapeOrAReset() async throws {
        let chainID = [0x12, 0x20] + SHA256Digest.hash(Array("test chain".utf8))
        let pair = try await Self.pair(rpcURL: "http://127.0.0.1:1/", chainID: chainID)
        let unknown = try await rawCall(pair, Array(PeerRPCRequest.getChainID.encoded.dropLast(1)) + [0x80], replacing: "GetChainID", with: "GetChainIE")
        #expect(try KoinosPeerRPCClient.decode(unknown) == .error("rpc: can't find method PeerRPCService.GetChainIE"))
        #expect(try await pair.call(.getBlocks(headBlockID: chainID, startHeight: 1, count: 4_000_000_000))
            == .error("NumBlocks 4000000000 above the limit 500"))
        // A truncated request: the server waits for the rest, gets end-of-stream, and resets.
        let truncated = try await pair.client.newStream(to: pair.serverPeer, protocols: [KoinosPeerRPCServer.protocolID])
        try await truncated.write(ByteBuffer(bytes: PeerRPCRequest.getHeadBlock.encoded.prefix(9)))
        await truncated.closeWrite()
        let answer = try? await truncated.readAll(maxLength: 4096)
        #expect(answer == nil || answer?.readableBytes == 0)
        // 1,000 calls at once: every one is answered (a reply, or the budget's error) or reset; none hangs.
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    switch try? await pair.call(.getChainID) {
                    case .reply?: "reply"
                    case .error(let m)?: m.hasPrefix("rate limit") ? "limited" : "error"
                    case nil: "reset"
                    }
                }
            }
            var counts: [String: Int] = [:]
            for await outcome in group { counts[outcome, default: 0] += 1 }
            return counts
        }
        #expect(outcomes.values.reduce(0, +) == 1_000)
        #expect(outcomes["reply", default: 0] >= 15, "\(outcomes)")  // the burst (less the calls above) is answered
        #expect(outcomes["limited", default: 0] > 0, "\(outcomes)")  // the rest meets the per-peer budget
        #expect(outcomes["error", default: 0] == 0, "\(outcomes)")
        await pair.stop()
    }

    /// Writes `request` with one method name swapped (a call the encoder cannot make) and reads the answer.
    private func rawCall(_ pair: Pair, _ request: [UInt8], replacing: String, with other: String) async throws -> [UInt8] {
        let text = Array(replacing.utf8)
        var bytes = request
        if let range = bytes.firstRange(of: text) { bytes.replaceSubrange(range, with: Array(other.utf8)) }
        let stream = try await pair.client.newStream(to: pair.serverPeer, protocols: [KoinosPeerRPCServer.protocolID])
        try await stream.write(ByteBuffer(bytes: bytes))
        await stream.closeWrite()
        return Array(try await stream.readAll(maxLength: 4096).readableBytesView)
    }
}
