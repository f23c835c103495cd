// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning
import BridgeStore
import ChainCrypto
import Koinos
import Logging
import Metrics

extension KoinosSubmitter {
    /// One observation: follow a submitted transaction, or decide whether and what to send.
    func handle(_ o: SubmittableObservation, included: Set<[UInt8]>?) async {
        let now = clock.nowMilliseconds
        var record = o.submission ?? SubmissionRecord(observationID: o.id, status: .pending, updatedAtMs: now)
        if record.status == .completed {
            if o.status != .completed { await save(record, observation: .completed) }
            return
        }
        if let next = record.nextAttemptAtMs, next > now { return }
        guard let message = try? KoinosTransferMessage(decoding: o.message, profile: o.profile), message.encoded() == o.message,
              message.digest == o.digest
        else {
            await wait(&record, now: now, reason: "stored message does not decode to its digest", retryAtMs: now &+ configuration.validatorRefreshIntervalMs)
            return
        }
        guard o.profile == configuration.profile, message.contractID == configuration.bridgeContract else {
            await wait(&record, now: now, reason: "message is for another bridge contract or profile", retryAtMs: now &+ configuration.validatorRefreshIntervalMs)
            return
        }
        switch record.status {
        case .submitted, .included:
            if await track(o, message, &record, now: now, included: included) { return }
            await attempt(o, message, &record, now: now)
        case .pending, .failed, .completed:
            await attempt(o, message, &record, now: now)
        }
    }

    /// Follows our transaction; returns true when nothing more is to be done in this pass.
    private func track(
        _ o: SubmittableObservation, _ message: KoinosTransferMessage, _ record: inout SubmissionRecord, now: UInt64, included known: Set<[UInt8]>?
    ) async -> Bool {
        guard let txID = record.koinosTransactionID else { return false }
        do {
            let included: Bool
            if let known {
                included = known.contains(txID)
            } else {
                included = try await rpc.transactionsByID([txID]).contains { $0.transactionID == txID && !$0.containingBlocks.isEmpty }
            }
            let timedOut = now >= (record.submittedAtMs ?? record.updatedAtMs) &+ configuration.inclusionTimeoutMs
            guard included || timedOut else { return true }
            if try await rpc.transferCompleted(bridge: configuration.bridgeContract, transactionID: message.transactionID) {
                await markCompleted(&record, now: now, note: included ? nil : "completed by another submitter")
                return true
            }
            if included {
                if record.status != .included {
                    record.status = .included
                    record.updatedAtMs = now
                    await save(record, observation: .submitted)
                    return true
                }
                guard timedOut else { return true }
                record.lastError = "transaction included but the transfer is not completed; sending again"
            } else {
                record.lastError = "transaction not included within \(configuration.inclusionTimeoutMs) ms; sending again"
            }
            Counter(label: "bridge_koinos_failures_total", dimensions: [("reason", "not_included")]).increment()
            logger.warning("Submitted transaction did not complete the transfer; resubmitting", metadata: [
                "transfer.id": "\(o.id)", "koinos.tx.id": "\(ChainHex.encode(txID))",
            ])
            resyncNonce()
            record.status = .pending
            return false
        } catch {
            await fail(&record, now: now, error: error)
            return true
        }
    }

    /// Decides whether it is our turn and sends `complete_transfer` when it is.
    private func attempt(_ o: SubmittableObservation, _ message: KoinosTransferMessage, _ record: inout SubmissionRecord, now: UInt64) async {
        guard configuration.sendsTransactions else {
            await recheckOnly(&record, message, now: now, reason: "relayer_policy none: this node attests and never submits")
            return
        }
        let set = validators.current
        let payer = configuration.payerAddress
        var extraSigners = [Secp256k1.PrivateKey]()
        var relayerIsUs = false
        if o.profile == .v2 {
            if !message.relayer.isEmpty, message.relayer == payer {
                relayerIsUs = true
            } else if let key = configuration.recipientKeys.first(where: { KoinosAddress(publicKey: $0.publicKey).bytes == message.recipient }) {
                extraSigners.append(key)
            } else {
                let reason = message.relayer.isEmpty
                    ? "v2: relayer empty, only the recipient may claim and no key is configured for it"
                    : "v2: the relayer is another account; it claims the transfer"
                await recheckOnly(&record, message, now: now, reason: reason)
                return
            }
        }
        if !relayerIsUs {
            guard let earliest = SubmitterRotation.earliestAttempt(
                of: configuration.validatorAddress, in: set, observationID: o.id, originMs: o.quorumAtMs,
                takeoverMs: configuration.takeoverTimeoutMs)
            else {
                await recheckOnly(&record, message, now: now, reason: "this node is not a current validator")
                return
            }
            if now < earliest {
                // Not our turn yet: notice within seconds when the submitter of the turn completes it,
                // so this node does not show `quorum` for a finished transfer until its own turn.
                let recheckAt = min(earliest, now &+ configuration.turnRecheckIntervalMs)
                await recheckOnly(&record, message, now: now, reason: "waiting for this node's turn in the submitter rotation", retryAtMs: recheckAt)
                return
            }
        }
        do {
            if try await rpc.transferCompleted(bridge: configuration.bridgeContract, transactionID: message.transactionID) {
                await markCompleted(&record, now: now, note: "already completed on Koinos")
                return
            }
            guard let signatures = submissionSignatures(o, set: set) else {
                let reason = "fewer than Q(N) = \(set.quorum(o.profile)) current validators signed"
                await wait(&record, now: now, reason: reason, retryAtMs: now &+ configuration.recheckIntervalMs)
                return
            }
            let rc = try await rpc.accountRC(payer)
            guard rc >= configuration.minimumRC else {
                throw KoinosError.chain(KoinosChainFailure(code: 104, message: "rc \(rc) below the minimum \(configuration.minimumRC)"))
            }
            let args = message.completeTransferArguments(signatures: signatures).encoded(o.profile.koinosVersion)
            let operation = KoinosOperation.callContract(.init(contractID: configuration.bridgeContract, entryPoint: KoinosEntryPoint.completeTransfer, args: args))
            let chain = try await currentChainID()
            let txID = try await send(operation, chainID: chain, rcLimit: min(rc, configuration.rcLimitCap), extraSigners: extraSigners)
            await markSubmitted(&record, txID: txID, now: now, observationID: o.id)
        } catch {
            await fail(&record, now: now, error: error)
        }
    }

    /// Signs and submits one operation with our nonce; on a nonce conflict resyncs from the
    /// mempool and tries once more. Returns the transaction id.
    private func send(
        _ operation: KoinosOperation, chainID: [UInt8], rcLimit: UInt64, extraSigners: [Secp256k1.PrivateKey]
    ) async throws -> [UInt8] {
        var retried = false
        while true {
            let nonce = try await takeNonce()
            var tx = KoinosTransaction.make(chainID: chainID, rcLimit: rcLimit, nonce: nonce, payer: configuration.payerAddress, operations: [operation])
            try tx.sign(with: configuration.payerKey)
            for key in extraSigners { try tx.sign(with: key) }
            let outcome: KoinosError?
            do {
                _ = try await rpc.submitTransaction(tx)
                outcome = nil
            } catch {
                outcome = error
            }
            guard let outcome else {
                advanceNonce(after: nonce)
                return tx.id
            }
            guard case .chain(let failure) = outcome, failure.kind == .invalidNonce, !retried else { throw outcome }
            logger.info("Nonce conflict; resyncing from the mempool", metadata: ["koinos.nonce": "\(nonce)"])
            Counter(label: "bridge_koinos_nonce_resyncs_total").increment()
            resyncNonce()
            retried = true
        }
    }

    /// Exactly the signatures the contract needs: each re-verified against the digest (one bad
    /// signature reverts the whole call), then `Attestation.submissionSet` (distinct current
    /// validators, ordered, Q(N)).
    func submissionSignatures(_ o: SubmittableObservation, set: ValidatorSet) -> [[UInt8]]? {
        guard let id = ObservationID(o.id), let message = try? KoinosTransferMessage(decoding: o.message, profile: o.profile) else { return nil }
        let verified = o.signatures.filter { KoinosSignature.recoverAddress(digest: o.digest, signature: $0.signature)?.bytes == $0.validator }
        let attestation = Attestation(
            observationID: id, profile: o.profile, digest: o.digest, message: message, signatures: verified, status: .quorum)
        return attestation.submissionSet(for: set)?.map(\.signature)
    }

    /// Not ours to submit: only notice when someone else completed it.
    private func recheckOnly(
        _ record: inout SubmissionRecord, _ message: KoinosTransferMessage, now: UInt64, reason: String, retryAtMs: UInt64? = nil
    ) async {
        do {
            if try await rpc.transferCompleted(bridge: configuration.bridgeContract, transactionID: message.transactionID) {
                await markCompleted(&record, now: now, note: "completed by another submitter")
                return
            }
        } catch {
            logger.debug("Transfer status check failed", metadata: ["error": "\(error)"])
        }
        await wait(&record, now: now, reason: reason, retryAtMs: retryAtMs ?? now &+ configuration.recheckIntervalMs)
    }
}
