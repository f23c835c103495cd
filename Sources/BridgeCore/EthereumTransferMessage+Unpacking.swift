// SPDX-License-Identifier: Apache-2.0

extension EthereumTransferMessage {
    /// The message whose `packed()` is `bytes`, or nil when `bytes` is not one (wrong action word,
    /// a uint256 above 64 bits, metadata that is not UTF-8, a length that does not add up).
    ///
    /// The packed form has one variable field besides the transaction id (v2 `metadata`, between
    /// `payment` and `bridge`); the id's length comes from the caller (34 for a Koinos multihash)
    /// and everything after the metadata has a fixed size, so the split is unambiguous. The result
    /// is checked by packing it again.
    public init?(packed bytes: [UInt8], profile: ContractProfile, transactionIDLength: Int = 34) {
        var reader = PackedReader(bytes)
        guard transactionIDLength > 0, reader.uint256() == BridgeAction.completeTransfer.rawValue,
            let transactionID = reader.raw(transactionIDLength), let operationID = reader.uint256(), let token = reader.raw(20)
        else { return nil }
        var relayer = [UInt8](repeating: 0, count: 20)
        if profile == .v2 {
            guard let r = reader.raw(20) else { return nil }
            relayer = r
        }
        guard let recipient = reader.raw(20), let value = reader.uint256() else { return nil }
        var payment: UInt64 = 0
        var metadata = ""
        var chainID: UInt32 = 0
        if profile == .v2 {
            // payment ‖ metadata ‖ bridge(20) ‖ expiration(32) ‖ chainId(4)
            guard let p = reader.uint256(), reader.remaining >= 56, let text = reader.raw(reader.remaining - 56),
                let utf8 = String(validating: text, as: UTF8.self)
            else { return nil }
            payment = p
            metadata = utf8
        }
        guard let bridge = reader.raw(20), let expiration = reader.uint256() else { return nil }
        if profile == .v2 {
            guard let c = reader.raw(4) else { return nil }
            chainID = c.reduce(0) { $0 << 8 | UInt32($1) }
        }
        guard reader.remaining == 0 else { return nil }
        self.init(
            profile: profile, koinosTransactionID: transactionID, operationID: operationID, token: token, relayer: relayer, recipient: recipient,
            value: value, payment: payment, metadata: metadata, bridge: bridge, expiration: expiration, chainID: chainID)
        guard packed() == bytes else { return nil }
    }
}

/// Reads `abi.encodePacked` fields front to back; nil past the end.
private struct PackedReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func raw(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= remaining else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A uint256 that fits 64 bits (24 zero bytes, then 8 big-endian bytes).
    mutating func uint256() -> UInt64? {
        guard let word = raw(32), word.prefix(24).allSatisfy({ $0 == 0 }) else { return nil }
        return word.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
