// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import ChainCrypto
public import Logging

/// Signs valid Koinos locks with the validator key's Ethereum form and gathers signatures up to
/// the Ethereum contract's quorum (bridge-contracts.md §2.3, §2.6).
///
/// Signing: only while this key's Ethereum address is in the contract's current set; the digest is
/// rebuilt from the stored packed message (EIP-191 of its keccak) and must equal the stored one.
/// Collecting: signatures (own and from peers) go through `EthereumQuorum.evaluate` against the
/// set read now (rotation without restart: the caller passes the current set each time); those
/// that count are stored, and at Q(N) the contract-minimal set is stored with status `quorum`.
/// Governing: the outflow governor's Koinos tokens are decided before signing (KoinosLockSigner+Governor).
public struct KoinosLockSigner: Sendable {
    public let key: Secp256k1.PrivateKey
    public let ethereumAddress: [UInt8]
    public let profile: ContractProfile
    /// The locks to sign and every stored signature.
    public let store: any KoinosSignatureStore
    /// The outflow governor's decisions for Koinos locks.
    public let governorStore: any KoinosGovernorStore
    public let clock: any BridgeClock
    /// The outflow governor (keys: Koinos token contracts; other keys never match a Koinos lock).
    public let governor: GovernorPolicy
    let logger: Logger

    public init(
        key: Secp256k1.PrivateKey, profile: ContractProfile, store: any KoinosSignatureStore, governorStore: any KoinosGovernorStore,
        clock: any BridgeClock, governor: GovernorPolicy = GovernorPolicy(tokens: [:]), logger: Logger = Logger(label: "bridge.koinos-signer")
    ) {
        self.governor = governor
        self.logger = logger
        self.key = key
        self.ethereumAddress = EthereumAddress(publicKey: key.publicKey).bytes
        self.profile = profile
        self.store = store
        self.governorStore = governorStore
        self.clock = clock
    }

    /// What `signPending` did with one lock.
    public enum Signed: Sendable, Hashable {
        case signed(KoinosLockID, digest: [UInt8], signature: [UInt8])
        /// The stored digest is not the digest of the stored message: never signed.
        case digestMismatch(KoinosLockID)
    }

    /// Signs every `observed` lock the governor lets through (nothing when this key is not a
    /// current Ethereum validator). Delayed locks due by now are released first and signed here.
    public func signPending(validators: [[UInt8]], limit: Int = 100) async throws -> [Signed] {
        guard validators.contains(ethereumAddress) else { return [] }
        if !governor.isEmpty { try await releaseDueTransfers() }
        var locks = try await store.koinosLocksToSign(limit: limit)
        if !governor.isEmpty {
            let held = try await governed(locks.map(\.id))
            locks.removeAll { held.contains($0.id) }
        }
        var results = [Signed]()
        var own = [KoinosLockSignature]()
        for lock in locks {
            guard EthereumSignature.eip191Digest(of: Keccak256.hash(lock.message)) == lock.digest else {
                results.append(.digestMismatch(lock.id))
                continue
            }
            let signature = try EthereumSignature.sign(digest: lock.digest, key: key)
            own.append(KoinosLockSignature(id: lock.id, digest: lock.digest, validator: ethereumAddress, signature: signature))
            results.append(.signed(lock.id, digest: lock.digest, signature: signature))
        }
        try await store.storeKoinosSignatures(own, own: true, nowMs: clock.nowMilliseconds)
        return results
    }

    /// Adds `received` signatures for `digest` of lock `id` (gossip), keeps those that recover to
    /// distinct current validators, and stores the submission set once Q(N) is reached.
    @discardableResult
    public func collect(_ id: KoinosLockID, digest: [UInt8], received: [[UInt8]], validators: [[UInt8]]) async throws -> EthereumQuorum.Outcome {
        let stored = try await store.koinosSignatures(digest: digest).map(\.signature)
        let outcome = EthereumQuorum.evaluate(digest: digest, signatures: stored + received, validators: validators, profile: profile)
        let counted = outcome.counted.filter { received.contains($0.signature) }
            .map { KoinosLockSignature(id: id, digest: digest, validator: $0.validator, signature: $0.signature) }
        try await store.storeKoinosSignatures(counted, own: false, nowMs: clock.nowMilliseconds)
        if let submission = outcome.submission {
            try await store.markKoinosQuorum(id, digest: digest, submission: submission, nowMs: clock.nowMilliseconds)
        }
        return outcome
    }
}
