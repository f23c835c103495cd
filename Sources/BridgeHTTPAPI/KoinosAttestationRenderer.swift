// SPDX-License-Identifier: Apache-2.0
import NIOCore

/// `/v1/attestations/koinos:0x<tx id>:<operation id>` written straight into a buffer: the bytes
/// `JSONResponse.encode(KoinosAttestationJSON)` produces (sorted keys), without `JSONEncoder`'s
/// intermediate containers, as `AttestationDetailRenderer` does for the first direction.
/// `KoinosAttestationRendererTests` holds the two byte for byte equal.
enum KoinosAttestationRenderer {
    static func render(_ a: KoinosAttestationJSON) -> ByteBuffer {
        var w = JSONBufferWriter(capacity: 768 + 192 * a.signatures.count)
        w.beginObject()
        w.key("created_at_ms"); w.number(a.created_at_ms)
        w.key("digest"); w.string(a.digest.value)
        w.key("direction"); w.string(a.direction)
        w.key("id"); w.string(a.id)
        w.key("links"); w.beginObject()
        if let link = a.links["self"] { w.key("self"); w.string(link) }  // the only link
        w.endObject()
        w.key("observation"); observation(a.observation, into: &w)
        w.key("profile"); w.string(a.profile)
        w.key("reason"); w.string(a.reason.value)
        w.key("signatures"); w.beginArray()
        for s in a.signatures {
            w.beginObject()
            w.key("signature"); w.string(s.signature)
            w.key("validator"); w.string(s.validator)
            w.endObject()
        }
        w.endArray()
        w.key("status"); w.string(a.status)
        w.key("submission"); w.beginObject()
        w.key("ethereum_tx_hash"); w.string(a.submission.ethereum_tx_hash.value)
        w.endObject()
        w.key("updated_at_ms"); w.number(a.updated_at_ms)
        w.endObject()
        return w.buffer
    }

    private static func observation(_ o: KoinosAttestationJSON.Observation, into w: inout JSONBufferWriter) {
        w.beginObject()
        w.key("amount"); w.string(o.amount)
        w.key("block_height"); w.number(o.block_height)
        w.key("block_time_ms"); w.number(o.block_time_ms)
        w.key("eth_token"); w.string(o.eth_token.value)
        w.key("expiration"); w.number(o.expiration.value)
        w.key("metadata"); w.string(o.metadata.value)
        w.key("operation_id"); w.number(o.operation_id)
        w.key("payment"); w.string(o.payment.value)
        w.key("recipient"); w.string(o.recipient)
        w.key("relayer"); w.string(o.relayer.value)
        w.key("sender"); w.string(o.sender)
        w.key("token"); w.string(o.token)
        w.key("tx_id"); w.string(o.tx_id)
        w.endObject()
    }
}
