// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
import GRDB
import Testing

/// The sender's store on a real SQLite file: Koinos → Ethereum locks at quorum in, delivery rows
/// written and read back across a reopen (a restart follows what is in flight, never sends a
/// completed transfer again), the lock's status following the delivery.
struct DatabaseDeliveryStoreTests {
    static let keys = [UInt8(0x31), 0x32, 0x33].map { try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [$0]) }
    static let id = KoinosLockID(transactionID: [0x12, 0x20] + [UInt8](repeating: 0x77, count: 32), operationID: 3)

    static func message(value: UInt64 = 250_000) -> EthereumTransferMessage {
        EthereumTransferMessage(
            profile: .v2, koinosTransactionID: id.transactionID, operationID: 3, token: .init(repeating: 0xe7, count: 20),
            relayer: .init(repeating: 0x3d, count: 20), recipient: .init(repeating: 0x4c, count: 20), value: value, payment: 10, metadata: "claim",
            bridge: .init(repeating: 0xb2, count: 20), expiration: 1_700_003_600_000, chainID: 1)
    }

    /// A temporary database file with the lock stored as the Koinos lock watcher stores it.
    static func database(path: String) async throws -> BridgeDatabase {
        let db = try BridgeDatabase(path: path)
        let m = message()
        let observation = KoinosLockObservation(
            id: id, profile: .v2, blockHeight: 4242, blockID: [0x12, 0x20] + [UInt8](repeating: 0x0b, count: 32), blockTimeMs: 1_700_000_000_000,
            sender: .init(repeating: 0x01, count: 25), token: .init(repeating: 0x02, count: 25), amount: "250000", payment: "10",
            recipient: "0x" + String(repeating: "4c", count: 20), relayer: "0x" + String(repeating: "3d", count: 20), metadata: "claim", destinationChain: 1)
        _ = try await SQLiteKoinosLockStore(db).commitKoinosScan(
            cursor: "koinos-locks", to: KoinosScanCursor(nextHeight: 4243, previousBlockID: []),
            records: [KoinosLockRecord(observation: observation, status: .observed, reason: nil, message: m, digest: m.digest)], nowMs: 9_000)
        return db
    }

    static func signatures(_ digest: [UInt8]) throws -> [ValidatorSignature] {
        try keys.map { ValidatorSignature(validator: EthereumAddress(publicKey: $0.publicKey).bytes, signature: try EthereumSignature.sign(digest: digest, key: $0)) }
    }

    static func bringToQuorum(_ db: BridgeDatabase) async throws -> [ValidatorSignature] {
        let digest = message().digest
        let signed = try signatures(digest)
        try await SQLiteKoinosSignatureStore(db).storeKoinosSignatures(signed.map { KoinosLockSignature(id: id, digest: digest, validator: $0.validator, signature: $0.signature) },
                                           own: false, nowMs: 9_100)
        let sorted = signed.sorted { $0.validator.lexicographicallyPrecedes($1.validator) }
        #expect(try await SQLiteKoinosSignatureStore(db).markKoinosQuorum(id, digest: digest, submission: Array(sorted.prefix(2)), nowMs: 9_200))
        return sorted
    }

    static func temporaryPath() -> String { NSTemporaryDirectory() + "delivery-store-\(UUID().uuidString).sqlite" }

    @Test func aLockAtQuorumIsDeliveredFromItsStoredRowsAndItsDeliveryRowSurvivesAReopen() async throws {
        let path = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let hashes = [[UInt8](repeating: 0xa1, count: 32), [UInt8](repeating: 0xa2, count: 32)]
        do {
            let db = try await Self.database(path: path)
            let store = DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(db))
            #expect(try await store.deliverableTransfers(limit: 10).isEmpty, "signing, not at quorum: nothing to deliver")
            let sorted = try await Self.bringToQuorum(db)
            let work = try await store.deliverableTransfers(limit: 10)
            #expect(work.count == 1)
            #expect(work.first?.id == Self.id.description)
            #expect(work.first?.message == Self.message(), "the message unpacked from the stored bytes is the one signed")
            #expect(work.first?.signatures == sorted, "every stored signature of the current digest, by validator")
            #expect(work.first?.quorumAtMs == 9_200)

            var sent = DeliveryRecord(transferID: Self.id.description, status: .sent, updatedAtMs: 10_000)
            sent.nonce = 41
            sent.transactionHashes = hashes
            sent.maxFeePerGas = UInt64.max  // above Int64.max: stored by bit pattern
            sent.maxPriorityFeePerGas = 2_000_000_000
            sent.sentAtMs = 9_999
            sent.attempts = 1
            sent.lastError = "earlier refusal"
            sent.nextAttemptAtMs = 12_000
            try await store.save(sent)
            #expect(try await db.koinosLock(Self.id)?.status == "submitted")
            #expect(try await store.record(for: Self.id.description) == sent)
        }
        // A restart: a new database object over the same file.
        let db = try BridgeDatabase(path: path)
        let store = DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(db))
        var record = try #require(try await store.record(for: Self.id.description))
        #expect(record.nonce == 41 && record.transactionHashes == hashes && record.maxFeePerGas == UInt64.max && record.lastError == "earlier refusal")
        #expect(try await store.deliverableTransfers(limit: 10).map(\.id) == [Self.id.description], "in flight: still followed after the restart")
        #expect(try await db.koinosLockEthereumTransaction(Self.id) == nil)

        record.status = .completed
        record.includedBlock = 88
        record.completingTransaction = hashes[1]
        record.updatedAtMs = 11_000
        try await store.save(record)
        #expect(try await store.deliverableTransfers(limit: 10).isEmpty, "completed: never handed to the sender again")
        #expect(try await db.koinosLock(Self.id)?.status == "completed")
        #expect(try await db.koinosLockEthereumTransaction(Self.id) == hashes[1])
        #expect(try await DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(try BridgeDatabase(path: path))).record(for: Self.id.description) == record)
    }

    @Test func aFailedAttemptPutsTheLockBackAtQuorumAndItStaysDeliverable() async throws {
        let path = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let db = try await Self.database(path: path)
        _ = try await Self.bringToQuorum(db)
        let store = DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(db))
        try await store.save(DeliveryRecord(transferID: Self.id.description, status: .sent, updatedAtMs: 1))
        #expect(try await db.koinosLock(Self.id)?.status == "submitted")
        var failed = DeliveryRecord(transferID: Self.id.description, status: .failed, updatedAtMs: 2)
        failed.lastError = "execution reverted: bridge is paused"
        try await store.save(failed)
        #expect(try await db.koinosLock(Self.id)?.status == "quorum")
        #expect(try await store.deliverableTransfers(limit: 10).count == 1)
        #expect(try await store.record(for: Self.id.description)?.lastError == "execution reverted: bridge is paused")
    }

    @Test func aReSignedLockStartsAFreshDeliveryAndOneInFlightIsKept() async throws {
        let path = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let db = try await Self.database(path: path)
        _ = try await Self.bringToQuorum(db)
        let store = DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(db))
        var gaveUp = DeliveryRecord(transferID: Self.id.description, status: .failed, updatedAtMs: 3)
        gaveUp.attempts = 3
        gaveUp.lastError = "signatures expired"
        try await store.save(gaveUp)
        #expect(try await store.record(for: Self.id.description) == gaveUp)
        // request_new_signatures honoured (§2.7): new expiration, new digest, signed again to quorum.
        var renewed = Self.message()
        renewed.expiration += 7_200_000
        func resign() async throws {
            _ = try await SQLiteKoinosLockStore(db).commitKoinosScan(
                cursor: "koinos-locks", to: KoinosScanCursor(nextHeight: 5000, previousBlockID: []), records: [],
                resigns: [KoinosResign(id: Self.id, expiration: renewed.expiration, message: renewed.packed(), digest: renewed.digest)], nowMs: 20_000)
        }
        try await resign()
        #expect(try await store.record(for: Self.id.description) == nil, "the old set's failures do not count against the new one")
        let signed = try Self.signatures(renewed.digest)
        try await SQLiteKoinosSignatureStore(db).storeKoinosSignatures(signed.map { KoinosLockSignature(id: Self.id, digest: renewed.digest, validator: $0.validator, signature: $0.signature) },
                                           own: false, nowMs: 20_100)
        #expect(try await SQLiteKoinosSignatureStore(db).markKoinosQuorum(Self.id, digest: renewed.digest, submission: Array(signed.prefix(2)), nowMs: 20_200))
        #expect(try await store.deliverableTransfers(limit: 10).map(\.message) == [renewed])

        // In flight for the current digest: a later re-sign leaves the lock and its row alone.
        var inFlight = DeliveryRecord(transferID: Self.id.description, status: .sent, updatedAtMs: 21_000)
        inFlight.nonce = 5
        try await store.save(inFlight)
        renewed.expiration += 1
        try await resign()
        #expect(try await store.record(for: Self.id.description) == inFlight)
        #expect(try await db.koinosLock(Self.id)?.status == "submitted")
    }

    @Test func transfersParkedForLaterNeverCrowdOutOnesThatAreDue() async throws {
        let path = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let db = try await Self.database(path: path)
        _ = try await Self.bringToQuorum(db)  // operation 3, quorum at 9_200
        // A second lock of the same transaction (operation 4), at quorum later.
        let laterID = KoinosLockID(transactionID: Self.id.transactionID, operationID: 4)
        var later = Self.message()
        later.operationID = 4
        let observation = KoinosLockObservation(
            id: laterID, profile: .v2, blockHeight: 4242, blockID: [0x12, 0x20] + [UInt8](repeating: 0x0b, count: 32), blockTimeMs: 1_700_000_000_000,
            sender: .init(repeating: 0x01, count: 25), token: .init(repeating: 0x02, count: 25), amount: "250000", payment: "10",
            recipient: "0x" + String(repeating: "4c", count: 20), relayer: "0x" + String(repeating: "3d", count: 20), metadata: "claim", destinationChain: 1)
        _ = try await SQLiteKoinosLockStore(db).commitKoinosScan(
            cursor: "koinos-locks", to: KoinosScanCursor(nextHeight: 4300, previousBlockID: []),
            records: [KoinosLockRecord(observation: observation, status: .observed, reason: nil, message: later, digest: later.digest)], nowMs: 9_250)
        let signed = try Self.signatures(later.digest)
        try await SQLiteKoinosSignatureStore(db).storeKoinosSignatures(signed.map { KoinosLockSignature(id: laterID, digest: later.digest, validator: $0.validator, signature: $0.signature) },
                                           own: false, nowMs: 9_260)
        #expect(try await SQLiteKoinosSignatureStore(db).markKoinosQuorum(laterID, digest: later.digest, submission: Array(signed.prefix(2)), nowMs: 9_300))
        let store = DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(db))
        #expect(try await store.deliverableTransfers(limit: 10).map(\.id) == [Self.id.description, laterID.description], "oldest quorum first")
        // The older one is parked (expired, waiting for a re-sign): with room for one, the due one comes.
        var parked = DeliveryRecord(transferID: Self.id.description, status: .pending, updatedAtMs: 10_000)
        parked.nextAttemptAtMs = 10_000 + 10_000
        try await store.save(parked)
        #expect(try await store.deliverableTransfers(limit: 1).map(\.id) == [laterID.description])
    }

    @Test func aStoredMessageThatIsNotTheSignedOneIsNeverHandedToTheSender() async throws {
        let path = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let db = try await Self.database(path: path)
        _ = try await Self.bringToQuorum(db)
        // The row's message altered behind the digest's back (a larger amount): its digest no longer matches.
        try await db.writer.write { db in
            try db.execute(sql: "UPDATE koinos_observation SET message = ?", arguments: [Data(Self.message(value: 999_999_999).packed())])
        }
        #expect(try await DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(db)).deliverableTransfers(limit: 10).isEmpty)
        // Bytes that are not a packed message at all.
        try await db.writer.write { db in try db.execute(sql: "UPDATE koinos_observation SET message = ?", arguments: [Data([1, 2, 3])]) }
        #expect(try await DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(db)).deliverableTransfers(limit: 10).isEmpty)
    }
}
