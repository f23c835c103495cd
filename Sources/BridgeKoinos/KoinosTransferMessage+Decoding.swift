// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Koinos

extension KoinosTransferMessage {
    /// Parses the stored `complete_transfer_hash` bytes back into a message (layouts in
    /// bridge-contracts.md §2.2). Throws on malformed bytes or a wrong `action`; the caller also
    /// checks that re-encoding gives the same bytes, so the digest the validators signed is kept.
    public init(decoding bytes: [UInt8], profile: ContractProfile) throws(KoinosProtoError) {
        let f = try KoinosProtoReader.fields(bytes)
        guard try f.varint(1) == BridgeAction.completeTransfer.rawValue else {
            throw .invalidValue("action is not complete_transfer")
        }
        switch profile {
        case .v1:
            self.init(
                profile: .v1, transactionID: try f.bytes(2), token: try f.bytes(3), recipient: try f.bytes(4),
                amount: try f.varint(5), contractID: try f.bytes(6), expiration: try f.varint(7))
        case .v2:
            let chain = try f.varint(11)
            guard chain <= UInt64(UInt32.max) else { throw .invalidValue("chain out of range") }
            self.init(
                profile: .v2, transactionID: try f.bytes(2), token: try f.bytes(3), recipient: try f.bytes(4),
                relayer: try f.bytes(5), amount: try f.varint(6), payment: try f.varint(7), metadata: try f.string(8),
                contractID: try f.bytes(9), expiration: try f.varint(10), chain: UInt32(chain))
        }
    }

    /// The `complete_transfer` arguments carrying `signatures` (already ordered, exactly Q(N)).
    public func completeTransferArguments(signatures: [[UInt8]]) -> KoinosBridgeContract.CompleteTransferArguments {
        KoinosBridgeContract.CompleteTransferArguments(
            transactionID: transactionID, token: token, relayer: profile == .v2 ? relayer : [], recipient: recipient,
            value: amount, payment: profile == .v2 ? payment : 0, metadata: profile == .v2 ? metadata : "",
            signatures: signatures, expiration: expiration)
    }
}

extension ContractProfile {
    /// The Koinos library's name for the same contract generation.
    public var koinosVersion: KoinosBridgeContract.Version {
        switch self {
        case .v1: .v1
        case .v2: .v2
        }
    }
}
