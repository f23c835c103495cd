// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import ChainCrypto

/// The validator's signer: Koinos compact signatures (31+recid ‖ r ‖ s, low-S) over digests.
public struct Secp256k1AttestationSigner: AttestationSigner {
    private let key: Secp256k1.PrivateKey
    public let validatorAddress: [UInt8]

    public init(key: Secp256k1.PrivateKey) {
        self.key = key
        self.validatorAddress = KoinosAddress(publicKey: key.publicKey).bytes
    }

    public func signKoinos(digest: [UInt8]) throws -> [UInt8] {
        try KoinosSignature.sign(digest: digest, key: key)
    }

    /// Ethereum-format signature (r ‖ s ‖ v) for Koinos → Ethereum digests.
    public func signEthereum(digest: [UInt8]) throws -> [UInt8] {
        try EthereumSignature.sign(digest: digest, key: key)
    }
}

/// Recovers Koinos signers with the chain's strict rules (header 31/32, low-S).
public struct Secp256k1SignatureVerifier: SignatureVerifier {
    public init() {}

    public func recoverKoinosAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]? {
        KoinosSignature.recoverAddress(digest: digest, signature: signature)?.bytes
    }

    public func recoverEthereumAddress(digest: [UInt8], signature: [UInt8]) -> [UInt8]? {
        guard signature.count == 65 else { return nil }
        return EthereumSignature.recoverAddress(digest: digest, signature: signature)?.bytes
    }
}
