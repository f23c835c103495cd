// SPDX-License-Identifier: Apache-2.0
import NIOCore

/// `/v1/attestations/{id}` of the first direction written straight into a buffer: the bytes
/// `JSONResponse.encode(AttestationJSON)` produces (sorted keys), without `JSONEncoder`'s
/// intermediate containers. `AttestationDetailRendererTests` holds the two byte for byte equal.
enum AttestationDetailRenderer {
    static func render(_ a: AttestationJSON) -> ByteBuffer {
        var w = JSONBufferWriter(capacity: 1024 + 384 * a.signatures.count)
        w.beginObject()
        w.key("created_at_ms"); w.number(a.created_at_ms)
        w.key("digest"); w.string(a.digest.value)
        w.key("direction"); w.string(a.direction)
        w.key("governor")
        if let g = a.governor.value {
            w.beginObject()
            w.key("decision"); w.string(g.decision)
            w.key("reason"); w.string(g.reason.value)
            w.key("release_at_ms"); w.number(g.release_at_ms.value)
            w.key("released_early_at_ms"); w.number(g.released_early_at_ms.value)
            w.endObject()
        } else {
            w.null()
        }
        w.key("id"); w.string(a.id)
        w.key("links"); w.beginObject()
        if let link = a.links["self"] { w.key("self"); w.string(link) }  // the only link
        w.endObject()
        w.key("observation"); observation(a.observation, into: &w)
        w.key("profile"); w.string(a.profile)
        w.key("quorum"); w.beginObject()
        w.key("have"); w.number(a.quorum.have)
        w.key("reached"); w.bool(a.quorum.required.map { $0 > 0 && a.quorum.have >= $0 } ?? false)
        w.key("reached_at_ms"); w.number(a.quorum.reached_at_ms)
        w.key("required"); w.number(a.quorum.required)
        w.endObject()
        w.key("reason"); w.string(a.reason.value)
        w.key("signatures"); w.beginArray()
        for s in a.signatures { signature(s, into: &w) }
        w.endArray()
        w.key("status"); w.string(a.status)
        w.key("submission")
        if let s = a.submission.value {
            w.beginObject()
            w.key("attempts"); w.number(s.attempts)
            w.key("koinos_tx_id"); w.string(s.koinos_tx_id.value)
            w.key("last_error"); w.string(s.last_error.value)
            w.key("status"); w.string(s.status)
            w.key("submitted_at_ms"); w.number(s.submitted_at_ms.value)
            w.key("updated_at_ms"); w.number(s.updated_at_ms)
            w.endObject()
        } else {
            w.null()
        }
        w.key("updated_at_ms"); w.number(a.updated_at_ms)
        w.endObject()
        return w.buffer
    }

    private static func observation(_ o: ObservationJSON, into w: inout JSONBufferWriter) {
        w.beginObject()
        w.key("amount"); w.string(o.amount)
        w.key("block_hash"); w.string(o.block_hash)
        w.key("block_number"); w.number(o.block_number)
        w.key("block_time_ms"); w.number(o.block_time_ms)
        w.key("chain_id"); w.number(o.chain_id)
        w.key("destination_chain"); w.number(o.destination_chain)
        w.key("expiration"); w.number(o.expiration.value)
        w.key("koinos_contract"); w.string(o.koinos_contract.value)
        w.key("koinos_token"); w.string(o.koinos_token.value)
        w.key("log_index"); w.number(o.log_index)
        w.key("metadata"); w.string(o.metadata)
        w.key("payment"); w.string(o.payment)
        w.key("recipient"); w.string(o.recipient)
        w.key("relayer"); w.string(o.relayer)
        w.key("sender"); w.string(o.sender)
        w.key("token"); w.string(o.token)
        w.key("tx_hash"); w.string(o.tx_hash)
        w.endObject()
    }

    private static func signature(_ s: SignatureJSON, into w: inout JSONBufferWriter) {
        w.beginObject()
        w.key("current"); w.bool(s.current)
        w.key("received_at_ms"); w.number(s.received_at_ms)
        if let recovered = s.recovered { w.key("recovered"); w.string(recovered) }
        w.key("signature"); w.string(s.signature)
        w.key("source"); w.string(s.source)
        if let valid = s.valid { w.key("valid"); w.bool(valid) }
        w.key("validator"); w.string(s.validator)
        w.endObject()
    }
}
