// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Foundation
import Hummingbird

/// `GET /GetEthereumTransaction?TransactionId=0x…` in the old Go validator's shape, for the bridge UI.
///
/// protojson of `bridge.transaction` with EmitUnpopulated: lowerCamelCase names, every field present,
/// uint64 values as strings, enums by name (bridge-contracts.md §1.8). Differences, on purpose:
/// errors use this API's `{error, detail}` body (same status codes and messages as the Go
/// validator); when one transaction holds several locks, the lowest log index that is not rejected
/// answers, and `opId` carries that log index.
struct LegacyTransactionRoutes {
    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/GetEthereumTransaction") { request, _ in try await ethereumTransaction(request.uri.queryParameters) }
    }

    func ethereumTransaction(_ parameters: Parameters) async throws -> Response {
        guard let text = parameters.get("TransactionId"), !text.isEmpty else { throw APIError.badRequest("Missing TransactionId param") }
        guard text.hasPrefix("0x"), let hash = Hex.decode(text, count: 32) else {
            throw APIError.badRequest("TransactionId must be 0x followed by 64 hex digits")
        }
        let records = try await api.store.attestations(transactionHash: hash)
        guard let record = records.first(where: { $0.status != AttestationStatus.rejected.rawValue }) else {
            throw APIError.notFound("transaction does not exist")
        }
        return try Self.protojsonResponse(LegacyTransactionJSON(record))
    }

    /// The old validator's answer: its JSON (slashes unescaped) with `Access-Control-Allow-Origin: *`
    /// for the bridge UI. Shared by both directions' routes.
    static func protojsonResponse(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var response = JSONResponse.bytes(Array(try encoder.encode(value)), contentType: "application/json")
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}

/// `bridge.transaction` as protojson (v1 fields, plus the v2 ones when the profile is v2).
struct LegacyTransactionJSON: Encodable {
    let record: AttestationRecord

    init(_ record: AttestationRecord) { self.record = record }

    enum Key: String, CodingKey {
        case type, id, opId, blockNumber, blockTime, expiration, from, ethToken, koinosToken, amount
        case payment, relayer, recipient, hash, metadata, validators, signatures, status, completionTransactionId, toChain
    }

    /// The old status enum: gathering_signatures (0), signed (1), completed (2).
    var legacyStatus: String {
        switch AttestationStatus(rawValue: record.status) {
        case .completed: "completed"
        case .quorum, .submitted: "signed"
        case .expired: (record.quorumRequired.map { (record.quorumHave ?? 0) >= $0 && $0 > 0 } ?? false) ? "signed" : "gathering_signatures"
        default: "gathering_signatures"
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let current = record.signatures.filter { $0.digest == record.digest }
        try c.encode("ethereum", forKey: .type)
        try c.encode(Hex.encode(record.transactionHash), forKey: .id)
        try c.encode(String(record.logIndex), forKey: .opId)
        try c.encode(String(record.blockNumber), forKey: .blockNumber)
        try c.encode(String(record.blockTimeMs), forKey: .blockTime)
        try c.encode(String(record.expiration ?? 0), forKey: .expiration)
        try c.encode(TextForms.ethereumAddress(record.sender), forKey: .from)
        try c.encode(TextForms.ethereumAddress(record.token), forKey: .ethToken)
        try c.encode(record.koinosToken.map(TextForms.koinosAddress) ?? "", forKey: .koinosToken)
        try c.encode(record.amount, forKey: .amount)
        let v2 = record.profile == ContractProfile.v2.rawValue
        if v2 {
            try c.encode(record.payment, forKey: .payment)
            try c.encode(record.relayer, forKey: .relayer)
        }
        try c.encode(record.recipient, forKey: .recipient)
        try c.encode(record.digest.map(TextForms.base64URL) ?? "", forKey: .hash)
        if v2 { try c.encode(record.metadata, forKey: .metadata) }
        try c.encode(current.map { TextForms.koinosAddress($0.validator) }, forKey: .validators)
        try c.encode(current.map { TextForms.base64URL($0.signature) }, forKey: .signatures)
        try c.encode(legacyStatus, forKey: .status)
        let completion = legacyStatus == "completed" ? record.submission?.koinosTransactionID.map { Hex.encode($0) } : nil
        try c.encode(completion ?? "", forKey: .completionTransactionId)
        if v2 { try c.encode(String(record.destinationChain), forKey: .toChain) }
    }
}
