// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import Foundation
import GRDB
import Koinos
import Testing

/// Koinos → Ethereum signatures: the Ethereum contract's rule (every signature recovers to a
/// distinct current validator, Q(N) of them, nothing extra), signing with the key's Ethereum form
/// into a real SQLite store, the submission set, rotation, and re-signing with a new expiration.
struct EthereumQuorumTests {
    static let keys = (0..<4).map { _ in Secp256k1.PrivateKey.generate() }
    static var addresses: [[UInt8]] { keys.map { EthereumAddress(publicKey: $0.publicKey).bytes } }

    static func message(expiration: UInt64 = 2_000_000_000_000) -> EthereumTransferMessage {
        EthereumTransferMessage(
            profile: .v2, koinosTransactionID: [0x12, 0x20] + [UInt8](repeating: 7, count: 32), operationID: 1,
            token: [UInt8](repeating: 0x22, count: 20), recipient: [UInt8](repeating: 0x44, count: 20), value: 5,
            bridge: [UInt8](repeating: 0x55, count: 20), expiration: expiration, chainID: 1)
    }

    static func sign(_ digest: [UInt8], _ key: Secp256k1.PrivateKey) throws -> [UInt8] { try EthereumSignature.sign(digest: digest, key: key) }

    @Test func theSubmissionSetIsExactlyQuorumOfDistinctCurrentValidatorsSorted() throws {
        let digest = Self.message().digest
        let stranger = Secp256k1.PrivateKey.generate()
        var bad = try Self.sign(digest, Self.keys[3])
        bad[64] = 5  // v not in {0, 1, 27, 28}
        let signatures = [try Self.sign(digest, Self.keys[2]), try Self.sign(digest, stranger), try Self.sign(digest, Self.keys[0]),
                          try Self.sign(digest, Self.keys[2]), [1, 2, 3], bad, try Self.sign(digest, Self.keys[1])]
        let outcome = EthereumQuorum.evaluate(digest: digest, signatures: signatures, validators: Self.addresses, profile: .v2)
        #expect(outcome.required == 3)  // v2: ⌊(5·4 + 10)/9⌋
        #expect(outcome.refused.map(\.refusal) == [.notAValidator, .duplicateValidator, .wrongLength, .unrecoverable])
        let submission = try #require(outcome.submission)
        #expect(submission.count == 3)
        #expect(submission.map(\.validator) == submission.map(\.validator).sorted { $0.lexicographicallyPrecedes($1) })
        let signers = submission.compactMap { EthereumSignature.recoverAddress(digest: digest, signature: $0.signature)?.bytes }
        #expect(Set(signers).count == 3 && signers.allSatisfy { Self.addresses.contains($0) } && signers == submission.map(\.validator))
        // v1 needs ⌈2N/3⌉ = 3 too; with only 2 valid it is not reached
        let two = EthereumQuorum.evaluate(digest: digest, signatures: Array(signatures.prefix(3)), validators: Self.addresses, profile: .v1)
        #expect(two.submission == nil && two.counted.count == 2)
        #expect(EthereumQuorum.evaluate(digest: digest, signatures: signatures, validators: [], profile: .v2).submission == nil)
    }

    @Test func aRotatedSetIsFollowed() throws {
        let digest = Self.message().digest
        let signatures = try Self.keys.prefix(3).map { try Self.sign(digest, $0) }
        #expect(EthereumQuorum.evaluate(digest: digest, signatures: signatures, validators: Self.addresses, profile: .v2).submission != nil)
        // key 0 removed, a new validator added: its old signature no longer counts
        let rotated = Array(Self.addresses.dropFirst()) + [EthereumAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).bytes]
        let after = EthereumQuorum.evaluate(digest: digest, signatures: signatures, validators: rotated, profile: .v2)
        #expect(after.submission == nil && after.counted.count == 2 && after.refused.map(\.refusal) == [.notAValidator])
    }

    static func storedLock(_ db: BridgeDatabase, message: EthereumTransferMessage) async throws -> KoinosLockID {
        let id = KoinosLockID(transactionID: message.koinosTransactionID, operationID: UInt32(message.operationID))
        let observation = KoinosLockObservation(
            id: id, profile: .v2, blockHeight: 3, blockID: [0x12, 0x20] + [UInt8](repeating: 3, count: 32), blockTimeMs: 1, sender: [], token: [],
            amount: "5", payment: "0", recipient: Hex.encode(message.recipient), relayer: "", metadata: "", destinationChain: 1)
        _ = try await SQLiteKoinosLockStore(db).commitKoinosScan(cursor: "k", to: KoinosScanCursor(nextHeight: 4, previousBlockID: []), records: [
            KoinosLockRecord(observation: observation, status: .observed, reason: nil, message: message, digest: message.digest),
        ], nowMs: 1)
        return id
    }

    @Test func signedStoredAndCollectedToQuorumInSQLite() async throws {
        let db = try BridgeDatabase()
        let message = Self.message()
        let id = try await Self.storedLock(db, message: message)
        let clock = VirtualClock()
        let outsider = KoinosLockSigner(key: .generate(), profile: .v2, store: SQLiteKoinosSignatureStore(db), governorStore: SQLiteGovernorRepository(db), clock: clock)
        #expect(try await outsider.signPending(validators: Self.addresses).isEmpty)  // not a validator: signs nothing

        let signer = KoinosLockSigner(key: Self.keys[1], profile: .v2, store: SQLiteKoinosSignatureStore(db), governorStore: SQLiteGovernorRepository(db), clock: clock)
        let signed = try await signer.signPending(validators: Self.addresses)
        guard case .signed(let signedID, _, let signature)? = signed.first else { Issue.record("not signed: \(signed)"); return }
        #expect(signedID == id && signature.count == 65 && (signature[64] == 27 || signature[64] == 28))
        #expect(EthereumSignature.recoverAddress(digest: message.digest, signature: signature)?.bytes == Self.addresses[1])
        #expect(try await db.koinosLocks().first?.status == .signing)
        #expect(try await signer.signPending(validators: Self.addresses).isEmpty)  // nothing left to sign

        let one = try await signer.collect(id, digest: message.digest, received: [try Self.sign(message.digest, Self.keys[3])], validators: Self.addresses)
        #expect(one.submission == nil && one.counted.count == 2)
        let stranger = try Self.sign(message.digest, .generate())
        let done = try await signer.collect(id, digest: message.digest, received: [stranger, try Self.sign(message.digest, Self.keys[0])],
                                            validators: Self.addresses)
        #expect(done.submission?.count == 3)
        #expect(try await db.koinosLocks().first?.status == .quorum)
        let stored = try #require(try await db.koinosSubmission(id))
        #expect(stored == done.submission?.map(\.signature))
        let signers = stored.compactMap { EthereumSignature.recoverAddress(digest: message.digest, signature: $0)?.bytes }
        #expect(Set(signers).count == 3 && signers.allSatisfy { Self.addresses.contains($0) })
        #expect(try await SQLiteKoinosSignatureStore(db).koinosSignatures(digest: message.digest).count == 3)  // the stranger's was not kept
    }

    @Test func aTamperedDigestIsNeverSigned() async throws {
        let db = try BridgeDatabase()
        let id = try await Self.storedLock(db, message: Self.message())
        try await db.writer.write { try $0.execute(sql: "UPDATE koinos_observation SET digest = ? WHERE id = ?",
                                                    arguments: [Data(repeating: 9, count: 32), id.description]) }
        let signer = KoinosLockSigner(key: Self.keys[0], profile: .v2, store: SQLiteKoinosSignatureStore(db), governorStore: SQLiteGovernorRepository(db), clock: VirtualClock())
        #expect(try await signer.signPending(validators: Self.addresses) == [.digestMismatch(id)])
        #expect(try await db.koinosLocks().first?.status == .observed)
    }

    @Test func aNewExpirationIsANewDigestAndANewSetNotEquivocation() async throws {
        let db = try BridgeDatabase()
        let old = Self.message(expiration: 2_000_000_000_000)
        let renewed = Self.message(expiration: 2_000_007_200_000)
        #expect(old.digest != renewed.digest)
        let id = try await Self.storedLock(db, message: old)
        let signer = KoinosLockSigner(key: Self.keys[0], profile: .v2, store: SQLiteKoinosSignatureStore(db), governorStore: SQLiteGovernorRepository(db), clock: VirtualClock())
        _ = try await signer.signPending(validators: Self.addresses)
        // the same validator signs the re-signed digest: stored alongside, not refused
        let again = KoinosLockSignature(id: id, digest: renewed.digest, validator: Self.addresses[0], signature: try Self.sign(renewed.digest, Self.keys[0]))
        #expect(try await SQLiteKoinosSignatureStore(db).storeKoinosSignatures([again], own: false, nowMs: 2) == 1)
        #expect(try await SQLiteKoinosSignatureStore(db).koinosSignatures(digest: old.digest).count == 1)
        #expect(try await SQLiteKoinosSignatureStore(db).koinosSignatures(digest: renewed.digest).count == 1)
        // old signatures never count for the new digest
        let oldSignatures = try Self.keys.prefix(3).map { try Self.sign(old.digest, $0) }
        let mixed = EthereumQuorum.evaluate(digest: renewed.digest, signatures: oldSignatures, validators: Self.addresses, profile: .v2)
        #expect(mixed.counted.isEmpty && mixed.submission == nil)
        // and a set for a digest that is not the lock's stored one changes nothing
        let renewedSet = try Self.keys.prefix(3).map { ValidatorSignature(validator: EthereumAddress(publicKey: $0.publicKey).bytes,
                                                                          signature: try Self.sign(renewed.digest, $0)) }
        #expect(try await SQLiteKoinosSignatureStore(db).markKoinosQuorum(id, digest: renewed.digest, submission: renewedSet, nowMs: 3) == false)
    }
}
