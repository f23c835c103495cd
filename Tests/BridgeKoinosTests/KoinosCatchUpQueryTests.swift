// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import Foundation
import GRDB
import Testing

/// What the Koinos → Ethereum catch-up asks the peers about (real SQLite): the current digests of
/// locks still `signing` that this validator signed — not others' locks, not a digest it did not
/// sign (re-signed since), not a lock at quorum.
extension EthereumQuorumTests {
    @Test func theCatchUpAsksOnlyAboutOwnSignedLocksStillBelowQuorum() async throws {
        let db = try BridgeDatabase()
        let message = Self.message()
        let id = try await Self.storedLock(db, message: message)
        let signer = KoinosLockSigner(key: Self.keys[1], profile: .v2, store: SQLiteKoinosSignatureStore(db), governorStore: SQLiteGovernorRepository(db), clock: VirtualClock())
        #expect(try await SQLiteKoinosSignatureStore(db).koinosDigestsAwaitingPeers(signedBy: Self.addresses[1], limit: 64).isEmpty, "observed, not signed yet")
        _ = try await signer.signPending(validators: Self.addresses)
        #expect(try await SQLiteKoinosSignatureStore(db).koinosDigestsAwaitingPeers(signedBy: Self.addresses[1], limit: 64) == [message.digest])
        #expect(try await SQLiteKoinosSignatureStore(db).koinosDigestsAwaitingPeers(signedBy: Self.addresses[0], limit: 64).isEmpty, "another validator signed nothing")
        #expect(try await SQLiteKoinosSignatureStore(db).koinosDigestsAwaitingPeers(signedBy: Self.addresses[1], limit: 0).isEmpty)

        let renewed = Self.message(expiration: 2_000_007_200_000)
        try await db.writer.write { try $0.execute(sql: "UPDATE koinos_observation SET digest = ? WHERE id = ?",
                                                    arguments: [Data(renewed.digest), id.description]) }
        #expect(try await SQLiteKoinosSignatureStore(db).koinosDigestsAwaitingPeers(signedBy: Self.addresses[1], limit: 64).isEmpty, "own signature is of the old digest")
        try await db.writer.write { try $0.execute(sql: "UPDATE koinos_observation SET digest = ? WHERE id = ?",
                                                    arguments: [Data(message.digest), id.description]) }
        _ = try await signer.collect(id, digest: message.digest, received: try [0, 3].map { try Self.sign(message.digest, Self.keys[$0]) },
                                     validators: Self.addresses)
        #expect(try await db.koinosLocks().first?.status == .quorum)
        #expect(try await SQLiteKoinosSignatureStore(db).koinosDigestsAwaitingPeers(signedBy: Self.addresses[1], limit: 64).isEmpty, "at quorum: nothing to ask")
    }
}
