// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeEthereum
@testable import BridgeNode
import BridgeSigning
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import ProcessTestSupport
import Logging
import Testing

/// Two validators on the real devnet, their gossip joined in memory: B's watcher starts after a
/// lock that A observed. A gets no quorum, asks for re-observation; B re-observes the lock
/// through the node's `ReobserverService`, signs it, and both reach quorum.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct ReobservationEndToEndTests {
    struct Validator {
        let database: BridgeDatabase
        let aggregator: Aggregator
        let run: @Sendable () async throws -> Void
    }

    static func validator(
        _ devnet: EthereumDevnetProcess, key: Secp256k1.PrivateKey, set: ValidatorSet, gossip: InMemoryGossipEnd, startBlock: UInt64,
        rpcURLs: [String]? = nil, trust: EndpointTrust = .failover
    ) throws -> Validator {
        let database = try BridgeDatabase()
        var watcher = EthereumWatcherConfiguration(
            chainID: UInt64(devnet.ready["chain_id"] as? Int ?? 0), contract: HexData.address(devnet.ready["bridge"]), profile: .v2,
            startBlock: startBlock)
        watcher.pollInterval = .milliseconds(100)
        watcher.tokens = [HexData.address(devnet.ready["token"]): KoinosAddress("1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju")!.bytes]
        watcher.koinosContract = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes
        var logger = Logger(label: "e2e")
        logger.logLevel = .warning
        let pool = EndpointPool(clients: (rpcURLs ?? [devnet.rpc]).map { EthereumRPCClient(transport: CurlHTTPTransport(url: $0)) },
                                expectedChainID: watcher.chainID, trust: trust, clock: SystemBridgeClock(), logger: logger)
        let reobserver = EthereumReobserver(configuration: watcher, pool: pool, store: SQLiteObservationStore(database), idlePoll: .milliseconds(50), logger: logger)
        var configuration = AggregatorConfiguration()
        configuration.tickInterval = .milliseconds(100)
        configuration.pool.firstRetryAfterMilliseconds = 500
        configuration.pool.retryJitterFraction = 0
        let aggregator = Aggregator(
            repository: SQLiteAttestationRepository(database), signer: Secp256k1AttestationSigner(key: key), gossip: gossip, clock: SystemBridgeClock(), validators: set,
            configuration: configuration, reobservation: reobserver, hashing: ChainHashing(), logger: logger)
        let scan = WatcherService(configuration: watcher, startAtFinalHead: false, pool: pool, database: database, aggregator: aggregator, logger: logger)
        let answer = ReobserverService(reobserver: reobserver, aggregator: aggregator)
        return Validator(database: database, aggregator: aggregator) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await aggregator.run() }
                group.addTask { try await scan.run() }
                group.addTask { try await answer.run() }
                try await group.waitForAll()
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aValidatorThatStartedAfterALockSignsItWhenAPeerAsks() async throws {
        let devnet = try await EthereumDevnetProcess.start(arguments: ["--finality-depth", "2", "--safe-depth", "1"])
        defer { devnet.terminate() }
        let lock = try #require(try await devnet.call("devnet_lock", [["metadata": "end to end"]]) as? [String: Any])
        let tx = try #require(lock["tx_hash"] as? String)
        let block = UInt64(try #require(lock["block_number"] as? Int))
        let logIndex = try #require((lock["log_indexes"] as? [Int])?.first)
        _ = try await devnet.call("evm_mine", [4])
        let id = ObservationID(chainID: UInt64(devnet.ready["chain_id"] as? Int ?? 0),
                               transactionHash: try HexData.decode(tx, field: "tx", count: 32), logIndex: UInt32(logIndex))

        let keys = try (0..<2).map { try Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("e2e validator \($0)".utf8))) }
        let addresses = keys.map { KoinosAddress(publicKey: $0.publicKey).bytes }
        let set = ValidatorSet(addresses)
        let (wireA, wireB) = InMemoryGossipEnd.pair(addresses[0], addresses[1])
        let a = try Self.validator(devnet, key: keys[0], set: set, gossip: wireA, startBlock: block)
        let b = try Self.validator(devnet, key: keys[1], set: set, gossip: wireB, startBlock: block + 1)
        let running = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await a.run() }
                group.addTask { try await b.run() }
                try await group.waitForAll()
            }
        }
        defer { running.cancel() }
        _ = try await eventually(.seconds(30)) {
            let atA = try await a.database.attestationStatus(of: id), atB = try await b.database.attestationStatus(of: id)
            return atA == .quorum && atB == .quorum
        }
        #expect(wireA.publishedRequests.contains(id), "A asked for re-observation")
        #expect(wireB.publishedSignatures.contains { $0.observationID == id }, "B signed after re-observing")
        #expect(try await b.database.attestationStatus(of: id) == .quorum)
        #expect(try await a.database.attestationStatus(of: id) == .quorum)
        #expect(try await b.database.observationStatuses(chainID: id.chainID).map(\.id) == [id], "B stored only the requested lock")
        running.cancel()
        _ = await running.result
    }
}

extension HexData {
    static func address(_ value: Any?) -> [UInt8] { (try? decode(value as? String ?? "", field: "address", count: 20)) ?? [] }
}
