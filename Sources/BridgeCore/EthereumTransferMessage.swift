// SPDX-License-Identifier: Apache-2.0

/// The Koinos → Ethereum `completeTransfer` packed message the Ethereum contract rebuilds.
///
/// Validators sign `keccak256("\x19Ethereum Signed Message:\n32" ‖ keccak256(packed()))` with their
/// Ethereum key (bridge-contracts.md §2.3):
/// - v1: uint256(8) ‖ txId ‖ uint256(opId) ‖ token ‖ recipient ‖ uint256(value) ‖ bridge ‖ uint256(expiration)
/// - v2: uint256(8) ‖ txId ‖ uint256(opId) ‖ token ‖ relayer ‖ recipient ‖ uint256(value) ‖
///   uint256(payment) ‖ metadata ‖ bridge ‖ uint256(expiration) ‖ uint32(chainId)
public struct EthereumTransferMessage: Sendable, Hashable {
    public var profile: ContractProfile
    /// Koinos transaction id multihash (34 bytes, `0x1220…`).
    public var koinosTransactionID: [UInt8]
    public var operationID: UInt64
    /// Ethereum token, recipient, relayer and bridge addresses (20 bytes each).
    public var token: [UInt8]
    public var relayer: [UInt8]
    public var recipient: [UInt8]
    public var value: UInt64
    public var payment: UInt64
    public var metadata: String
    public var bridge: [UInt8]
    public var expiration: UInt64
    public var chainID: UInt32

    /// - Parameters: one per field of the contract's packed message; v2-only fields are ignored for v1.
    public init(
        profile: ContractProfile, koinosTransactionID: [UInt8], operationID: UInt64, token: [UInt8],
        relayer: [UInt8] = [UInt8](repeating: 0, count: 20), recipient: [UInt8], value: UInt64,
        payment: UInt64 = 0, metadata: String = "", bridge: [UInt8], expiration: UInt64, chainID: UInt32 = 0
    ) {
        self.profile = profile
        self.koinosTransactionID = koinosTransactionID
        self.operationID = operationID
        self.token = token
        self.relayer = relayer
        self.recipient = recipient
        self.value = value
        self.payment = payment
        self.metadata = metadata
        self.bridge = bridge
        self.expiration = expiration
        self.chainID = chainID
    }

    /// Solidity `abi.encodePacked` of the fields, in the contract's order.
    public func packed() -> [UInt8] {
        var out = PackedEncoder()
        out.uint256(BridgeAction.completeTransfer.rawValue)
        out.raw(koinosTransactionID)
        out.uint256(operationID)
        out.raw(token)
        if profile == .v2 { out.raw(relayer) }
        out.raw(recipient)
        out.uint256(value)
        if profile == .v2 {
            out.uint256(payment)
            out.raw(Array(metadata.utf8))
        }
        out.raw(bridge)
        out.uint256(expiration)
        if profile == .v2 { out.uint32(chainID) }
        return out.bytes
    }
}

/// Solidity `abi.encodePacked` for the few types the bridge digests use.
public struct PackedEncoder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// A uint256 holding a 64-bit value: 24 zero bytes, then 8 big-endian bytes.
    public mutating func uint256(_ value: UInt64) {
        bytes.append(contentsOf: [UInt8](repeating: 0, count: 24))
        uint(value, width: 8)
    }

    public mutating func uint32(_ value: UInt32) { uint(UInt64(value), width: 4) }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Addresses, dynamic bytes and strings: raw bytes, no length prefix.
    public mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    private mutating func uint(_ value: UInt64, width: Int) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
