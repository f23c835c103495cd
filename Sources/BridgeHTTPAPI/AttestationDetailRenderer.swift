// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import NIOCore

/// `/v1/attestations/{id}` of the first direction written straight from the stored record into a
/// buffer: the bytes `JSONResponse.encode(AttestationJSON(record, recovery:))` produces (sorted
/// keys), without `JSONEncoder`'s containers and without the view's intermediate strings (hex is
/// written as it is formatted; addresses come from `TextForms`' remembered forms).
/// `AttestationDetailRendererTests` holds the two byte for byte equal.
enum AttestationDetailRenderer {
    static func render(_ r: AttestationRecord, recovery: SignatureRecoveryCache?) -> ByteBuffer {
        var w = JSONBufferWriter(capacity: 1024 + 384 * r.signatures.count)
        w.beginObject()
        w.key("created_at_ms"); w.number(r.createdAtMs)
        w.key("digest"); w.hex(r.digest)
        w.key("direction"); w.string(BridgeCore.TransferDirection.ethereumToKoinos.rawValue)
        w.key("governor")
        if let g = r.governor.map(GovernorDecisionJSON.init) {
            w.beginObject()
            w.key("decision"); w.string(g.decision)
            w.key("reason"); w.string(g.reason.value)
            w.key("release_at_ms"); w.number(g.release_at_ms.value)
            w.key("released_early_at_ms"); w.number(g.released_early_at_ms.value)
            w.endObject()
        } else {
            w.null()
        }
        w.key("id"); w.string(r.id)
        // Ids hold only digits, `0x` hex and `:`, all valid in an absolute path as they are.
        w.key("links"); w.beginObject()
        w.key("self"); w.string("/v1/attestations/" + r.id)
        w.endObject()
        w.key("observation"); observation(r, into: &w)
        w.key("profile"); w.string(r.profile)
        // As `AttestationJSON`: without a stored count, the distinct validators of current signatures.
        let have = r.quorumHave ?? Set(r.signatures.filter { $0.digest == r.digest }.map(\.validator)).count
        w.key("quorum"); w.beginObject()
        w.key("have"); w.number(have)
        w.key("reached"); w.bool(r.quorumRequired.map { $0 > 0 && have >= $0 } ?? false)
        w.key("reached_at_ms"); w.number(r.quorumAtMs)
        w.key("required"); w.number(r.quorumRequired)
        w.endObject()
        w.key("reason"); w.string(r.reason)
        w.key("signatures"); w.beginArray()
        for s in r.signatures { signature(s, current: r.digest, recovery: recovery, into: &w) }
        w.endArray()
        w.key("status"); w.string(r.status)
        w.key("submission")
        if let s = r.submission {
            w.beginObject()
            w.key("attempts"); w.number(s.attempts)
            w.key("koinos_tx_id"); w.hex(s.koinosTransactionID)
            w.key("last_error"); w.string(s.lastError)
            w.key("status"); w.string(s.status)
            w.key("submitted_at_ms"); w.number(s.submittedAtMs)
            w.key("updated_at_ms"); w.number(s.updatedAtMs)
            w.endObject()
        } else {
            w.null()
        }
        w.key("updated_at_ms"); w.number(r.updatedAtMs)
        w.endObject()
        return w.buffer
    }

    private static func observation(_ r: AttestationRecord, into w: inout JSONBufferWriter) {
        w.beginObject()
        w.key("amount"); w.string(r.amount)
        w.key("block_hash"); w.hex(r.blockHash)
        w.key("block_number"); w.number(r.blockNumber)
        w.key("block_time_ms"); w.number(r.blockTimeMs)
        w.key("chain_id"); w.number(r.chainID)
        w.key("destination_chain"); w.number(r.destinationChain)
        w.key("expiration"); w.number(r.expiration)
        w.key("koinos_contract"); w.string(r.koinosContract.map(TextForms.koinosAddress))
        w.key("koinos_token"); w.string(r.koinosToken.map(TextForms.koinosAddress))
        w.key("log_index"); w.number(r.logIndex)
        w.key("metadata"); w.string(r.metadata)
        w.key("payment"); w.string(r.payment)
        w.key("recipient"); w.string(r.recipient)
        w.key("relayer"); w.string(r.relayer)
        w.key("sender"); w.string(TextForms.ethereumAddress(r.sender))
        w.key("token"); w.string(TextForms.ethereumAddress(r.token))
        w.key("tx_hash"); w.hex(r.transactionHash)
        w.endObject()
    }

    private static func signature(_ s: SignatureRecord, current digest: [UInt8]?, recovery: SignatureRecoveryCache?, into w: inout JSONBufferWriter) {
        let validator = TextForms.koinosAddress(s.validator)
        w.beginObject()
        w.key("current"); w.bool(digest == s.digest)
        w.key("received_at_ms"); w.number(s.receivedAtMs)
        let recovered = recovery.map { $0.recover(digest: s.digest, signature: s.signature) }
        if let recovered { w.key("recovered"); w.string(recovered) }
        w.key("signature"); w.base64URL(s.signature)
        w.key("source"); w.string(s.source)
        if let recovered { w.key("valid"); w.bool(recovered == validator) }
        w.key("validator"); w.string(validator)
        w.endObject()
    }
}
