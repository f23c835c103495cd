// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import ChainCrypto

/// The validator key signing admin digests for one bridge contract: Koinos compact signatures
/// (31+recid ‖ r ‖ s, low-S) for the Koinos contract, `r ‖ s ‖ v` (v = 27/28, as KoinosLockSigner
/// signs for `completeTransfer`) for the Ethereum contract.
public struct AdminKeySigner: AdminSigning {
    private let key: Secp256k1.PrivateKey
    public let chain: AdminChain
    public let adminAddress: [UInt8]

    public init(key: Secp256k1.PrivateKey, chain: AdminChain) {
        self.key = key
        self.chain = chain
        switch chain {
        case .koinos: adminAddress = KoinosAddress(publicKey: key.publicKey).bytes
        case .ethereum: adminAddress = EthereumAddress(publicKey: key.publicKey).bytes
        }
    }

    public func signAdmin(digest: [UInt8]) throws -> [UInt8] {
        switch chain {
        case .koinos: try KoinosSignature.sign(digest: digest, key: key)
        case .ethereum: try EthereumSignature.sign(digest: digest, key: key)
        }
    }
}
