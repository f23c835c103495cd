// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import ChainCrypto
import Foundation
import Hummingbird

/// One Koinos → Ethereum attestation as `/v1/attestations?direction=koinos_to_ethereum` lists it and
/// `/v1/attestations/koinos:0x<tx id>:<operation id>` shows it.
///
/// `observation` carries the Koinos lock (`tx_id`, `operation_id` = the event's sequence,
/// `block_height`, Koinos `token`, `eth_token`, `recipient` 0x address, `amount`, `expiration`,
/// and for v2 `relayer`, `payment`, `metadata`); `signatures[]` are the Ethereum validator address
/// and the 0x hex of its 65-byte `r‖s‖v` signature of the current digest.
struct KoinosAttestationJSON: Encodable {
    struct Observation: Encodable {
        var tx_id: String
        var operation_id: UInt32
        var block_height: UInt64
        var block_time_ms: UInt64
        var sender: String
        var token: String
        var eth_token: Nullable<String>
        var recipient: String
        var amount: String
        var expiration: Nullable<UInt64>
        var relayer: Nullable<String>
        var payment: Nullable<String>
        var metadata: Nullable<String>
    }

    struct Signature: Encodable {
        var validator: String
        var signature: String
    }

    struct Submission: Encodable {
        /// This node's latest `completeTransfer` transaction (the completing one once final); null before it sends.
        var ethereum_tx_hash: Nullable<String>
    }

    var id: String
    var direction = BridgeCore.TransferDirection.koinosToEthereum.rawValue
    var profile: String
    var status: String
    var reason: Nullable<String>
    var digest: Nullable<String>
    var observation: Observation
    var signatures: [Signature]
    var submission: Submission
    var created_at_ms: UInt64
    var updated_at_ms: UInt64
    var links: [String: String]

    init(_ lock: KoinosLockView) {
        id = lock.id.description
        profile = lock.profile
        status = lock.status
        reason = Nullable(lock.reason)
        digest = Nullable(lock.digest.map { Hex.encode($0) })
        let v2 = lock.profile == ContractProfile.v2.rawValue
        observation = Observation(
            tx_id: Hex.encode(lock.id.transactionID), operation_id: lock.id.operationID, block_height: lock.blockHeight,
            block_time_ms: lock.blockTimeMs, sender: TextForms.koinosAddress(lock.sender), token: TextForms.koinosAddress(lock.token),
            eth_token: Nullable(lock.ethToken.map(TextForms.ethereumAddress)), recipient: lock.recipient, amount: lock.amount,
            expiration: Nullable(lock.expiration), relayer: Nullable(v2 ? lock.relayer : nil), payment: Nullable(v2 ? lock.payment : nil),
            metadata: Nullable(v2 ? lock.metadata : nil))
        signatures = lock.signatures.map { Signature(validator: TextForms.ethereumAddress($0.validator), signature: Hex.encode($0.signature)) }
        submission = Submission(ethereum_tx_hash: Nullable(lock.ethereumTransaction.map { Hex.encode($0) }))
        created_at_ms = lock.createdAtMs
        updated_at_ms = lock.updatedAtMs
        // `koinos:0x<hex>:<n>` holds only characters valid in an absolute path as they are.
        links = ["self": "/v1/attestations/\(id)"]
    }
}

struct KoinosAttestationListJSON: Encodable {
    var items: [KoinosAttestationJSON]
    /// The cursor of the next page (`?direction=koinos_to_ethereum&cursor=`), null on the last page.
    var next_cursor: Nullable<String>
    var limit: Int
}

extension AttestationRoutes {
    /// Query parameters that combine with `direction=koinos_to_ethereum`.
    static let koinosListParameters: Set<String> = ["direction", "status", "limit", "cursor"]

    /// `?direction=koinos_to_ethereum`: the Koinos locks, newest first, with `status`, `limit` and `cursor`.
    func koinosList(_ parameters: Parameters) async throws -> ByteBuffer? {
        for (key, _) in parameters where !Self.koinosListParameters.contains(String(key)) {
            throw APIError.badRequest("'\(String(key).prefix(60))' does not combine with direction=koinos_to_ethereum (status, limit and cursor do)")
        }
        let query = try Self.parseQuery(parameters)
        if let after = query.after, !after.isKoinosLock {
            throw APIError.badRequest("cursor belongs to the ethereum_to_koinos list, not direction=koinos_to_ethereum")
        }
        let page = try await api.store.koinosLocks(status: query.status, after: query.after, limit: query.limit)
        return JSONResponse.encode(KoinosAttestationListJSON(
            items: page.items.map(KoinosAttestationJSON.init), next_cursor: Nullable(page.nextCursor?.text), limit: query.limit))
    }
}
