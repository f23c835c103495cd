// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
import GRDB

/// A real SQLite database (file in a fresh temporary folder) filled with rows as the watcher,
/// aggregator and submitter write them, signed with real secp256k1 keys.
struct FilledDatabase {
    static let chainID: UInt64 = 1337
    static let tokenA = [UInt8](repeating: 0xaa, count: 20)
    static let tokenB = [UInt8](repeating: 0xbb, count: 20)

    let directory: String
    let database: BridgeDatabase
    /// Validator keys 1, 2, 3 and their Koinos addresses.
    let keys: [Secp256k1.PrivateKey]
    let addresses: [KoinosAddress]
    let koinosToken: KoinosAddress
    let bridgeContract: KoinosAddress
    /// Observation ids, in insertion order (created_at_ms = 1_000 + index).
    private(set) var ids: [String] = []

    static func txHash(_ i: Int) -> [UInt8] { [UInt8](repeating: UInt8(i), count: 31) + [0x01] }

    init(count: Int = 12) throws {
        directory = NSTemporaryDirectory() + "bridge-node-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try BridgeDatabase(path: directory + "/bridge.sqlite")
        keys = try (1...4).map { try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [UInt8($0)]) }
        addresses = keys.map { KoinosAddress(publicKey: $0.publicKey) }
        koinosToken = addresses[3]
        bridgeContract = KoinosAddress(publicKey: try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32)).publicKey)
        let statuses: [AttestationStatus] = [.observed, .signing, .quorum, .submitted, .completed, .rejected, .expired]
        for i in 0..<count {
            try insert(index: i, status: statuses[i % statuses.count])
        }
        try database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO cursor (name, block_number, block_hash, updated_at_ms) VALUES ('ethereum', 500, NULL, 9000)")
            try db.execute(
                sql: """
                    INSERT INTO heartbeat (validator, peer_id, version, eth_cursor, sent_at_ms, received_at_ms)
                    VALUES (?, '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA', '0.1.0', 490, 8000, 8001)
                    """, arguments: [Data(addresses[1].bytes)])
            try db.execute(
                sql: """
                    INSERT INTO evidence (validator, observation_id, digest_a, signature_a, digest_b, signature_b, detected_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, 8500)
                    """,
                arguments: [Data(addresses[2].bytes), ids[0], Data(repeating: 1, count: 32), Data(repeating: 2, count: 65),
                            Data(repeating: 3, count: 32), Data(repeating: 4, count: 65)])
        }
    }

    /// One observation row; from `signing` on it carries signatures by validators 1…n.
    mutating func insert(index i: Int, status: AttestationStatus) throws {
        let id = ObservationID(chainID: Self.chainID, transactionHash: Self.txHash(i), logIndex: UInt32(i % 2))
        let recipient = addresses[i % 3].base58
        let message = KoinosTransferMessage(
            profile: .v2, transactionID: id.transactionHash, token: koinosToken.bytes, recipient: addresses[i % 3].bytes,
            amount: UInt64(100_000 + i), contractID: bridgeContract.bytes, expiration: 5_000_000 + UInt64(i), chain: 1)
        let digest = ChainHashing().sha256(message.encoded())
        let signers: Int =
            switch status {
            case .observed, .rejected: 0
            case .signing: 1
            default: 3
            }
        let keys = self.keys
        try database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO observation (id, chain_id, tx_hash, log_index, profile, block_number, block_hash, sender, token,
                      amount, payment, recipient, relayer, metadata, block_time_ms, destination_chain, status, reason,
                      koinos_token, koinos_contract, expiration, message, digest, quorum_required, quorum_have, quorum_at_ms,
                      created_at_ms, updated_at_ms)
                    VALUES (?, ?, ?, ?, 'v2', ?, ?, ?, ?, ?, '0', ?, '', 'hello', ?, 1, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?, ?, ?)
                    """,
                arguments: [
                    id.description, Int64(Self.chainID), Data(id.transactionHash), Int64(id.logIndex), 100 + i,
                    Data(repeating: 0xcc, count: 32), Data(repeating: 0x11, count: 20), Data(i % 2 == 0 ? Self.tokenA : Self.tokenB),
                    String(100_000 + i), recipient, 1_700_000_000_000 + i, status.rawValue,
                    status == .rejected ? "unknown token" : nil, Data(koinosToken.bytes), Data(bridgeContract.bytes),
                    5_000_000 + i, Data(message.encoded()), Data(digest), signers, signers >= 2 ? 2_000 + i : nil,
                    1_000 + i, 1_000 + i,
                ])
            for v in 0..<signers {
                let signature = try KoinosSignature.sign(digest: digest, key: keys[v])
                try db.execute(
                    sql: "INSERT INTO signature (digest, validator, signature, observation_id, source, received_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [Data(digest), Data(KoinosAddress(publicKey: keys[v].publicKey).bytes), Data(signature), id.description,
                                v == 0 ? "self" : "gossip", 1_500 + i])
            }
            if status == .submitted || status == .completed {
                try db.execute(
                    sql: "INSERT INTO submission (observation_id, koinos_tx_id, status, attempts, submitted_at_ms, updated_at_ms) VALUES (?, ?, ?, 1, ?, ?)",
                    arguments: [id.description, Data([0x12, 0x20] + [UInt8](repeating: UInt8(i), count: 32)),
                                status == .completed ? "completed" : "submitted", 3_000 + i, 3_000 + i])
            }
        }
        ids.append(id.description)
    }

    /// The inspection API over this database, with the first three keys as configured validators.
    func api(
        metrics: (@Sendable () -> [UInt8])? = nil, store: (any BridgeReadStore)? = nil, limits: InspectionLimits = .init(),
        clock: @escaping @Sendable () -> UInt64 = { 10_000 }
    ) -> InspectionAPI {
        InspectionAPI(
            store: store ?? database,
            node: NodeDescription(
                version: "test", profile: "v2", ethereumChainID: Self.chainID, ethereumContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
                koinosChainID: "EiCPVX7YCu4Q1ApVcsMKNr0VkqE9LLBqt1AJoKjaVfVICA==", koinosBridgeContract: bridgeContract.base58,
                validatorAddress: addresses[0].base58, validatorEthereumAddress: EthereumAddress(publicKey: keys[0].publicKey).checksummed,
                peerID: "12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE"),
            validators: (0..<3).map {
                ConfiguredValidator(
                    koinosAddress: addresses[$0].base58, ethereumAddress: EthereumAddress(publicKey: keys[$0].publicKey).checksummed,
                    peerID: "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")
            },
            peers: StaticPeerDirectory([PeerSnapshot(peerID: "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", addresses: ["/ip4/127.0.0.1/tcp/8892"], connected: true, validator: nil)]),
            metricsExposition: metrics, clock: clock, limits: limits)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
