// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
import GRDB
import Koinos
import KoinosTestSupport
import Synchronization

/// A validator of the test network: a real secp256k1 key and its Koinos address.
struct TestValidator {
    let key: Secp256k1.PrivateKey
    var address: [UInt8] { KoinosAddress(publicKey: key.publicKey).bytes }
    var base58: String { KoinosAddress(publicKey: key.publicKey).base58 }

    static func make(_ count: Int) -> [TestValidator] {
        (0..<count).map { _ in TestValidator(key: .generate()) }
            .sorted { $0.address.lexicographicallyPrecedes($1.address) }
    }
}

/// Writes a quorum observation and its signatures the way the aggregator stores them.
enum QuorumFixture {
    static func observationID(_ txHash: [UInt8]) -> String {
        ObservationID(chainID: 31337, transactionHash: txHash, logIndex: 0).description
    }

    /// A transfer message for the simulator's bridge and token, expiring in an hour.
    static func message(
        _ sim: KoinosSimulatorProcess, profile: ContractProfile, recipient: [UInt8], amount: UInt64, relayer: [UInt8] = [],
        payment: UInt64 = 0, nowMs: UInt64
    ) -> KoinosTransferMessage {
        KoinosTransferMessage(
            profile: profile, transactionID: SecureRandomBytes.make(32), token: sim.koin, recipient: recipient,
            relayer: relayer, amount: amount, payment: payment, metadata: profile == .v2 ? "test" : "",
            contractID: sim.bridge, expiration: nowMs + 3_600_000, chain: profile == .v2 ? sim.chainID : 0)
    }

    /// Inserts the observation (status `quorum`) and one real signature per signer.
    @discardableResult
    static func store(
        _ message: KoinosTransferMessage, signers: [TestValidator], in db: BridgeDatabase, quorumAtMs: UInt64
    ) throws -> String {
        let id = observationID(message.transactionID)
        let digest = message.digest
        try db.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO observation (id, chain_id, tx_hash, log_index, profile, block_number, block_hash, sender, token,
                      amount, payment, recipient, relayer, metadata, block_time_ms, destination_chain, status, koinos_token,
                      koinos_contract, expiration, message, digest, quorum_at_ms, created_at_ms, updated_at_ms)
                    VALUES (?, 31337, ?, 0, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'quorum', ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, Data(message.transactionID), message.profile.rawValue, Data(repeating: 1, count: 32), Data(repeating: 2, count: 20),
                    Data(repeating: 3, count: 20), String(message.amount), String(message.payment), Base58.encode(message.recipient),
                    message.relayer.isEmpty ? "" : Base58.encode(message.relayer), message.metadata, Int64(quorumAtMs),
                    Int64(message.chain), Data(message.token), Data(message.contractID), Int64(message.expiration),
                    Data(message.encoded()), Data(digest), Int64(quorumAtMs), Int64(quorumAtMs), Int64(quorumAtMs),
                ])
            for signer in signers {
                let signature = try KoinosSignature.sign(digest: digest, key: signer.key)
                try db.execute(
                    sql: "INSERT INTO signature (digest, validator, signature, observation_id, source, received_at_ms) VALUES (?, ?, ?, ?, 'gossip', ?)",
                    arguments: [Data(digest), Data(signer.address), Data(signature), id, Int64(quorumAtMs)])
            }
        }
        return id
    }

    static func observationStatus(_ id: String, in db: BridgeDatabase) throws -> String? {
        try db.writer.read { try String.fetchOne($0, sql: "SELECT status FROM observation WHERE id = ?", arguments: [id]) }
    }
}

enum SecureRandomBytes {
    static func make(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }
}
