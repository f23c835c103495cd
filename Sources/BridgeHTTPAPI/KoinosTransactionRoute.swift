// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import ChainCrypto
import Foundation
import Hummingbird

/// `GET /GetKoinosTransaction?TransactionId=0x1220…&OpId=n` in the old Go validator's shape
/// (bridge-contracts.md §1.8), for the bridge UI's Koinos → Ethereum claims.
///
/// `TransactionId` is the 34-byte Koinos transaction id; `OpId` the lock event's sequence. Without
/// `OpId` the old validator tried 1, then 3; so does this route. A rejected lock is not found, as
/// on the Ethereum route. protojson names, uint64 as strings, every field present; `hash` is the
/// EIP-191 digest, `validators` the Ethereum addresses and `signatures` the 0x hex of 65 bytes.
struct KoinosTransactionRoute {
    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/GetKoinosTransaction") { request, _ in try await koinosTransaction(request.uri.queryParameters) }
    }

    func koinosTransaction(_ parameters: Parameters) async throws -> Response {
        guard let text = parameters.get("TransactionId"), !text.isEmpty else { throw APIError.badRequest("Missing TransactionId param") }
        guard text.hasPrefix("0x"), let tx = Hex.decode(text, count: 34) else {
            throw APIError.badRequest("TransactionId must be 0x followed by 68 hex digits (a Koinos transaction id)")
        }
        var operations: [UInt32] = [1, 3]
        if let op = parameters.get("OpId") {
            guard let value = UInt32(op) else { throw APIError.badRequest("OpId must be an unsigned 32-bit integer") }
            operations = [value]
        }
        for op in operations {
            guard let lock = try await api.store.koinosLockDetail(KoinosLockID(transactionID: tx, operationID: op)),
                  lock.status != AttestationStatus.rejected.rawValue
            else { continue }
            return try LegacyTransactionRoutes.protojsonResponse(KoinosLegacyTransactionJSON(lock: lock))
        }
        throw APIError.notFound("transaction does not exist")
    }
}

/// `bridge.transaction` of type `koinos` as protojson (v1 fields, plus v2's when the profile is v2).
struct KoinosLegacyTransactionJSON: Encodable {
    let lock: KoinosLockView

    enum Key: String, CodingKey {
        case type, id, opId, blockNumber, blockTime, expiration, from, ethToken, koinosToken, amount
        case payment, relayer, recipient, hash, metadata, validators, signatures, status, completionTransactionId, toChain
    }

    /// The old status enum: gathering_signatures, signed, completed.
    var legacyStatus: String {
        switch AttestationStatus(rawValue: lock.status) {
        case .completed: "completed"
        case .quorum, .submitted: "signed"
        default: "gathering_signatures"
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode("koinos", forKey: .type)
        try c.encode(Hex.encode(lock.id.transactionID), forKey: .id)
        try c.encode(String(lock.id.operationID), forKey: .opId)
        try c.encode(String(lock.blockHeight), forKey: .blockNumber)
        try c.encode(String(lock.blockTimeMs), forKey: .blockTime)
        try c.encode(String(lock.expiration ?? 0), forKey: .expiration)
        try c.encode(TextForms.koinosAddress(lock.sender), forKey: .from)
        try c.encode(lock.ethToken.map(TextForms.ethereumAddress) ?? "", forKey: .ethToken)
        try c.encode(TextForms.koinosAddress(lock.token), forKey: .koinosToken)
        try c.encode(lock.amount, forKey: .amount)
        let v2 = lock.profile == ContractProfile.v2.rawValue
        if v2 {
            try c.encode(lock.payment, forKey: .payment)
            try c.encode(lock.relayer, forKey: .relayer)
        }
        try c.encode(lock.recipient, forKey: .recipient)
        try c.encode(lock.digest.map { Hex.encode($0) } ?? "", forKey: .hash)
        if v2 { try c.encode(lock.metadata, forKey: .metadata) }
        try c.encode(lock.signatures.map { TextForms.ethereumAddress($0.validator) }, forKey: .validators)
        try c.encode(lock.signatures.map { Hex.encode($0.signature) }, forKey: .signatures)
        try c.encode(legacyStatus, forKey: .status)
        try c.encode(lock.ethereumCompletion.map { Hex.encode($0) } ?? "", forKey: .completionTransactionId)
        if v2 { try c.encode(String(lock.destinationChain), forKey: .toChain) }
    }
}
