// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Dispatch

/// The aggregator's secp256k1 batches — recovering peer signatures handed over unrecovered
/// (hold-and-verify, catch-up answers) and signing a round of observations — on a serial dispatch
/// queue of the aggregator's own, never on the cooperative pool. A batch is up to thousands of
/// recoveries or signatures; the pool has one thread per core (two on a 2-core host), so doing them
/// inside the aggregator's task held one of them for the whole batch and stalled every other task of
/// the node (gossip, HTTP, the watchers' waits). A few items are done in place: for them the two
/// thread hops would cost more than the work.
struct AggregatorCryptoQueue: Sendable {
    /// Batches up to this size are done in place (about a millisecond of secp256k1 work).
    static let inPlaceLimit = 16

    private let queue = DispatchQueue(label: "bridge.aggregator.crypto")

    /// `work` over a batch of `count` items: in place when small, else on the queue.
    func run<T: Sendable>(count: Int, _ work: @escaping @Sendable () -> T) async -> T {
        guard count > Self.inPlaceLimit else { return work() }
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }

    /// The items that recover to their claimed validator, in their order.
    func recovering(_ items: [SignedObservation], with verifier: any SignatureVerifier) async -> [SignedObservation] {
        await run(count: items.count) {
            items.filter { verifier.recoverKoinosAddress(digest: $0.digest, signature: $0.signature.signature) == $0.signature.validator }
        }
    }

    /// What became of one observation of a signing round.
    enum SigningOutcome: Sendable {
        case signed(SignedObservation)
        /// `sha256(message) != digest`: not signed.
        case digestMismatch(ObservationID)
        case failed(ObservationID, String)
    }

    /// Signs each row's digest (after re-checking `sha256(message) == digest` when `hashing` is given).
    func signing(_ rows: [PendingObservation], with signer: any AttestationSigner, hashing: (any DigestHashing)?) async -> [SigningOutcome] {
        await run(count: rows.count) {
            rows.map { row in
                if let hashing, hashing.sha256(row.message) != row.digest { return .digestMismatch(row.id) }
                do {
                    let signature = try signer.signKoinos(digest: row.digest)
                    return .signed(SignedObservation(
                        observationID: row.id, profile: row.profile, digest: row.digest,
                        signature: ValidatorSignature(validator: signer.validatorAddress, signature: signature)))
                } catch {
                    return .failed(row.id, "\(error)")
                }
            }
        }
    }
}
