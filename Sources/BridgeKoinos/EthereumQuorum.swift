// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto

/// The Ethereum contract's signature rule for one Koinos → Ethereum digest, decided without
/// sockets (bridge-contracts.md §2.6; contracts/ethereum/Bridge.vy `_verify`): every submitted
/// signature must be 65 bytes `r‖s‖v`, recover (ecrecover) to a current validator, and no
/// validator may appear twice; at least Q(N) of them, N = the contract's current validator count.
///
/// Extra or stale signatures make the contract revert, so the submission set is exactly Q(N)
/// valid signatures of distinct current validators, sorted by validator address (ascending; the
/// contract accepts any order, a fixed order makes every node build the same calldata).
public enum EthereumQuorum {
    /// Why one collected signature does not count.
    public enum Refusal: String, Sendable, Hashable {
        case wrongLength = "signature_not_65_bytes"
        case unrecoverable = "signature_does_not_recover"
        case notAValidator = "signer_not_a_current_validator"
        case duplicateValidator = "validator_already_counted"
    }

    public struct Refused: Sendable, Hashable {
        public var signature: [UInt8]
        public var refusal: Refusal
    }

    public struct Outcome: Sendable, Hashable {
        /// Valid signatures of distinct current validators, sorted by validator address.
        public var counted: [ValidatorSignature]
        public var refused: [Refused]
        /// Q(N) over the current set.
        public var required: Int
        /// Exactly `required` signatures to put in `completeTransfer`, or nil below quorum (or when the set is empty).
        public var submission: [ValidatorSignature]?
    }

    /// - Parameters:
    ///   - digest: the EIP-191 digest the contract rebuilds.
    ///   - signatures: everything collected (own and gossiped), in any order, possibly repeated.
    ///   - validators: the Ethereum contract's current validators (20-byte addresses).
    public static func evaluate(digest: [UInt8], signatures: [[UInt8]], validators: [[UInt8]], profile: ContractProfile) -> Outcome {
        let current = Set(validators)
        var byValidator = [[UInt8]: [UInt8]]()
        var refused = [Refused]()
        for signature in signatures {
            guard signature.count == 65 else { refused.append(Refused(signature: signature, refusal: .wrongLength)); continue }
            guard let signer = EthereumSignature.recoverAddress(digest: digest, signature: signature)?.bytes else {
                refused.append(Refused(signature: signature, refusal: .unrecoverable)); continue
            }
            guard current.contains(signer) else { refused.append(Refused(signature: signature, refusal: .notAValidator)); continue }
            guard byValidator[signer] == nil else { refused.append(Refused(signature: signature, refusal: .duplicateValidator)); continue }
            byValidator[signer] = signature
        }
        let counted = byValidator.map { ValidatorSignature(validator: $0.key, signature: $0.value) }
            .sorted { $0.validator.lexicographicallyPrecedes($1.validator) }
        let required = Quorum.required(validatorCount: current.count, profile: profile)
        let submission = !current.isEmpty && counted.count >= required ? Array(counted.prefix(required)) : nil
        return Outcome(counted: counted, refused: refused, required: required, submission: submission)
    }
}
