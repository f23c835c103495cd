// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto

/// `DigestHashing` backed by ChainCrypto (swift-crypto SHA-256, our Keccak-256).
public struct ChainHashing: DigestHashing {
    public init() {}
    public func sha256(_ bytes: [UInt8]) -> [UInt8] { SHA256Digest.hash(bytes) }
    public func keccak256(_ bytes: [UInt8]) -> [UInt8] { Keccak256.hash(bytes) }
}

extension KoinosTransferMessage {
    /// sha256 of the contract message: what validators sign with their Koinos key.
    public var digest: [UInt8] { SHA256Digest.hash(encoded()) }
}

extension EthereumTransferMessage {
    /// keccak256(packed) before EIP-191 prefixing.
    public var packedHash: [UInt8] { Keccak256.hash(packed()) }
    /// The EIP-191 digest the Ethereum contract's `ecrecover` checks.
    public var digest: [UInt8] { EthereumSignature.eip191Digest(of: packedHash) }
}

extension AdminActionMessage {
    public var koinosDigest: [UInt8] { SHA256Digest.hash(koinosEncoded()) }
    public var ethereumPackedHash: [UInt8] { Keccak256.hash(ethereumPacked()) }
    public var ethereumDigest: [UInt8] { EthereumSignature.eip191Digest(of: ethereumPackedHash) }
}
