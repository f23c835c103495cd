// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import BridgeSigning
import ChainCrypto
public import Ethereum

/// Calldata of the Ethereum bridge's functions the sender uses (bridge-contracts.md §3.1, §3.2).
public enum BridgeContractCalls {
    /// v1 `completeTransfer(bytes,uint256,address,address,uint256,bytes[],uint256)`.
    public static let completeTransferV1 = ABIFunction(
        name: "completeTransfer", parameters: [.bytes, .uint(256), .address, .address, .uint(256), .array(.bytes), .uint(256)])
    /// v2 `completeTransfer(bytes,uint256,address,address,address,uint256,uint256,bytes[],string,uint256)`.
    public static let completeTransferV2 = ABIFunction(
        name: "completeTransfer",
        parameters: [.bytes, .uint(256), .address, .address, .address, .uint(256), .uint(256), .array(.bytes), .string, .uint(256)])
    /// `isTransferCompleted(bytes32)`: the public replay mapping.
    public static let isTransferCompleted = ABIFunction(name: "isTransferCompleted", parameters: [.fixedBytes(32)])

    /// `completeTransfer` for `message` with `signatures` (65-byte r ‖ s ‖ v each, in that order).
    public static func completeTransfer(_ m: EthereumTransferMessage, signatures: [[UInt8]]) -> [UInt8] {
        let sigs = ABIValue.array(signatures.map { .bytes($0) })
        switch m.profile {
        case .v1:
            return ABIEncoder.call(completeTransferV1, [
                .bytes(m.koinosTransactionID), .uint(ABIWord(m.operationID)), .address(m.token), .address(m.recipient),
                .uint(ABIWord(m.value)), sigs, .uint(ABIWord(m.expiration)),
            ])
        case .v2:
            return ABIEncoder.call(completeTransferV2, [
                .bytes(m.koinosTransactionID), .uint(ABIWord(m.operationID)), .address(m.token), .address(m.relayer), .address(m.recipient),
                .uint(ABIWord(m.value)), .uint(ABIWord(m.payment)), sigs, .string(m.metadata), .uint(ABIWord(m.expiration)),
            ])
        }
    }

    /// The replay key: EIP-191(keccak256(txId ‖ uint256(operationId))) (§2.7).
    public static func completionKey(_ m: EthereumTransferMessage) -> [UInt8] {
        EthereumSignature.eip191Digest(of: Keccak256.hash(m.koinosTransactionID + ABIWord(m.operationID).bytes))
    }

    /// `isTransferCompleted(completionKey(m))`.
    public static func isTransferCompletedCall(_ m: EthereumTransferMessage) -> [UInt8] {
        ABIEncoder.call(isTransferCompleted, [.fixedBytes(completionKey(m))])
    }
}

/// Reads the bridge contract's state the sender depends on, over `eth_call`.
public struct BridgeContractReader: Sendable {
    public let rpc: any EthereumChain
    public let bridge: [UInt8]

    public init(rpc: any EthereumChain, bridge: [UInt8]) {
        self.rpc = rpc
        self.bridge = bridge
    }

    /// Whether the contract's replay mapping has the transfer (at `latest`).
    public func isTransferCompleted(_ m: EthereumTransferMessage) async throws -> Bool {
        let answer = try await rpc.call(to: bridge, data: BridgeContractCalls.isTransferCompletedCall(m), from: nil, at: .latest)
        guard case .bool(let done)? = try ABIDecoder.decode([.bool], from: answer).first else {
            throw EthereumDecodingError.malformedABI("isTransferCompleted answer")
        }
        return done
    }

    /// The current validator set, read with the one reader of it (`EthereumRPCClient.bridgeValidatorSet`:
    /// `getValidatorsLength`, then `validators(i)`), at most 256 entries.
    public func validators() async throws -> ValidatorSet {
        ValidatorSet(try await rpc.bridgeValidatorSet(bridge: bridge, at: .latest, maxValidators: 256))
    }
}
