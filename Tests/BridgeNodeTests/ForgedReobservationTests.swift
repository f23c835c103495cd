// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
@testable import BridgeNode
import BridgeStore
import ChainCrypto
import Foundation
import ProcessTestSupport
import Testing

/// Issue 19, H3 end to end: a dishonest validator asks for re-observation of a lock id that never
/// happened while the honest validator's first Ethereum provider lies (a fault proxy relabels a
/// real lock receipt as the made-up transaction). With `failover` the honest validator signs the
/// forgery; with `two_agree` (the liar plus an honest endpoint) it stores and signs nothing.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct ForgedReobservationTests {
    @Test(.timeLimit(.minutes(2)))
    func aForgedLockRequestedByADishonestValidatorIsSignedOnlyByAFailoverNode() async throws {
        let devnet = try await EthereumDevnetProcess.start(arguments: ["--finality-depth", "2", "--safe-depth", "1"])
        defer { devnet.terminate() }
        let liar = try await FaultServer.start(upstream: devnet.rpc, lifetime: 120)
        let lock = try #require(try await devnet.call("devnet_lock", [["metadata": "relabelled by the liar"]]) as? [String: Any])
        let realTx = try #require(lock["tx_hash"] as? String)
        let block = UInt64(try #require(lock["block_number"] as? Int))
        let logIndex = try #require((lock["log_indexes"] as? [Int])?.first)
        _ = try await devnet.call("evm_mine", [4])
        let forgedHash = (0..<32).map { _ in UInt8.random(in: 0...255) }
        try await Self.control(liar.url, ["lie", ["receipt_as": ChainHex.encode(forgedHash), "receipt_from": realTx]])
        let forged = ObservationID(chainID: UInt64(devnet.ready["chain_id"] as? Int ?? 0), transactionHash: forgedHash, logIndex: UInt32(logIndex))

        let keys = try (0..<4).map { try Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("forged reobservation \($0)".utf8))) }
        let addresses = keys.map { KoinosAddress(publicKey: $0.publicKey).bytes }
        let set = ValidatorSet(addresses)
        // Two independent pairs: dishonest 0 → failover 1, dishonest 2 → two_agree 3. Both honest
        // nodes start scanning after the real lock, so only the request can bring the forgery in.
        let (dishonestA, wireFailover) = InMemoryGossipEnd.pair(addresses[0], addresses[1])
        let (dishonestB, wireTwoAgree) = InMemoryGossipEnd.pair(addresses[2], addresses[3])
        let urls = [liar.url, devnet.rpc]
        let failover = try ReobservationEndToEndTests.validator(
            devnet, key: keys[1], set: set, gossip: wireFailover, startBlock: block + 1, rpcURLs: urls, trust: .failover)
        let twoAgree = try ReobservationEndToEndTests.validator(
            devnet, key: keys[3], set: set, gossip: wireTwoAgree, startBlock: block + 1, rpcURLs: urls, trust: .twoAgree)
        let running = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await failover.run() }
                group.addTask { try await twoAgree.run() }
                try await group.waitForAll()
            }
        }
        defer { running.cancel() }
        try await Task.sleep(for: .seconds(1))  // both validators subscribed before the forged requests (no event announces it)
        await dishonestA.publish(observationRequests: [forged])
        await dishonestB.publish(observationRequests: [forged])

        _ = await eventually(.seconds(40)) { wireFailover.publishedSignatures.contains(where: { $0.observationID == forged }) }
        #expect(wireFailover.publishedSignatures.contains { $0.observationID == forged }, "failover trusts the liar: the forgery is signed")
        try await Task.sleep(for: .seconds(3))  // the two_agree node had the same request as long
        #expect(!wireTwoAgree.publishedSignatures.contains { $0.observationID == forged }, "two_agree signs nothing forged")
        #expect(try await twoAgree.database.attestationStatus(of: forged) == nil, "two_agree stores nothing forged")
        running.cancel()
        _ = await running.result
        await liar.stop()
    }

    /// `fault_setMode` on the proxy at `url`.
    static func control(_ url: String, _ params: [Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 1, "method": "fault_setMode", "params": params])
        #expect(try await TestHTTP.post(url, json: body).status == 200)
    }
}
