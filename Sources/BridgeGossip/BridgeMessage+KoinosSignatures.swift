// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Primitives

/// Koinos → Ethereum signatures as gossiped (kind 6), each signed by the envelope's validator key
/// in its Ethereum form.
///
/// Wire layout (hand-written protobuf):
/// `KoinosSignatures { repeated 1: Item { 1: koinos tx_id bytes (34), 2: operation_id uint64,
/// 3: digest bytes (32, EIP-191), 4: signature bytes (65, r‖s‖v) } }`.
enum KoinosSignatureWire {
    static func encode(_ items: [GossipedKoinosSignature]) -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        for item in items {
            var i = ProtobufWriter(defaultValues: .omitted)
            i.bytes(1, item.lock.transactionID)
            i.uint64(2, UInt64(item.lock.operationID))
            i.bytes(3, item.digest)
            i.bytes(4, item.signature)
            w.bytes(1, i.bytes)
        }
        return w.bytes
    }

    /// `sender` is the envelope's validator. Throws on malformed bytes or fields of the wrong size.
    static func decode(_ body: [UInt8], sender: [UInt8]) throws -> [GossipedKoinosSignature] {
        var items: [GossipedKoinosSignature] = []
        try BridgeWireReader.forEachField(in: body) { field, type, r in
            guard field == 1, type == 2 else { return false }
            items.append(try decodeItem(r.lengthDelimited(), sender: sender))
            return true
        }
        return items
    }

    private static func decodeItem(_ bytes: [UInt8], sender: [UInt8]) throws -> GossipedKoinosSignature {
        var tx: [UInt8] = [], operation: UInt64 = 0, digest: [UInt8] = [], signature: [UInt8] = []
        try BridgeWireReader.forEachField(in: bytes) { field, type, r in
            switch (field, type) {
            case (1, 2): tx = try r.lengthDelimited()
            case (2, 0): operation = try r.varint()
            case (3, 2): digest = try r.lengthDelimited()
            case (4, 2): signature = try r.lengthDelimited()
            default: return false
            }
            return true
        }
        guard tx.count == 34, let operationID = UInt32(exactly: operation), digest.count == 32, signature.count == 65 else {
            throw BridgeGossipError.invalidField("koinos signature")
        }
        return GossipedKoinosSignature(
            lock: KoinosLockID(transactionID: tx, operationID: operationID), digest: digest, signature: signature, sender: sender)
    }

    /// The Koinos compact form `[31 + recid] ‖ r ‖ s` of an Ethereum `r ‖ s ‖ v` signature (v ∈ {0, 1, 27, 28}),
    /// so the Koinos address of the key that made it can be recovered; nil for another v.
    static func koinosForm(_ signature: [UInt8]) -> [UInt8]? {
        guard signature.count == 65 else { return nil }
        let v = signature[64]
        let recovery: UInt8
        switch v {
        case 0, 1: recovery = v
        case 27, 28: recovery = v - 27
        default: return nil
        }
        return [31 + recovery] + signature[0..<64]
    }
}
