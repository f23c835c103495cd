// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Foundation
import GRDB

/// One Koinos → Ethereum lock in ONE query, as `/v1/attestations/koinos:0x…:n` shows it: the lock,
/// its Ethereum delivery, joined to each signature of its current digest (one row per signature,
/// by validator; the lock's and the delivery's columns are read from the first row). The same
/// `KoinosLockView` the stages' `koinosLock(_:)` builds from three queries
/// (`KoinosAttestationRendererTests` holds the two equal). Columns are read by position.
extension BridgeDatabase {
    static let koinosLockDetailSQL = """
        SELECT k.profile, k.status, k.reason, k.block_height, k.block_time_ms, k.sender, k.token, k.eth_token, k.amount, k.payment,
        k.recipient, k.relayer, k.metadata, k.destination_chain, k.expiration, k.digest, k.message, k.created_at_ms, k.updated_at_ms,
        d.transfer_id IS NOT NULL, d.status, d.transaction_hashes, d.completing_transaction,
        s.validator, s.signature
        FROM koinos_observation k
        LEFT JOIN ethereum_delivery d ON d.transfer_id = k.id
        LEFT JOIN koinos_signature s ON s.digest = k.digest
        WHERE k.id = ? ORDER BY s.validator
        """

    /// Column positions of `koinosLockDetailSQL`.
    private enum KoinosColumn {
        static let delivery = 19, signature = 23
    }

    static func koinosLockDetail(_ id: KoinosLockID, db: Database) throws -> KoinosLockView? {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: koinosLockDetailSQL), arguments: [id.description])
        guard let r = try rows.next() else { return nil }
        let digest = (r[15] as Data?).map { [UInt8]($0) }
        var view = KoinosLockView(
            id: id, profile: r[0], status: r[1], reason: r[2], blockHeight: u64(r[3]), blockTimeMs: u64(r[4]), sender: bytes(r[5]),
            token: bytes(r[6]), ethToken: (r[7] as Data?).map { [UInt8]($0) }, amount: r[8], payment: r[9], recipient: r[10], relayer: r[11],
            metadata: r[12], destinationChain: UInt32(clamping: r[13] as Int64), expiration: (r[14] as Int64?).map { UInt64(clamping: $0) },
            digest: digest, message: (r[16] as Data?).map { [UInt8]($0) }, signatures: [])
        view.createdAtMs = u64(r[17])
        view.updatedAtMs = u64(r[18])
        let d = KoinosColumn.delivery
        if r[d] as Bool {
            view.applyDelivery(status: r[d + 1], transactionHashes: bytes(r[d + 2]), completing: (r[d + 3] as Data?).map { [UInt8]($0) })
        }
        var row: Row? = r
        while let current = row {
            let s = KoinosColumn.signature
            if let digest, let validator = current[s] as Data? {
                view.signatures.append(KoinosLockSignature(id: id, digest: digest, validator: [UInt8](validator), signature: bytes(current[s + 1])))
            }
            row = try rows.next()
        }
        return view
    }
}
