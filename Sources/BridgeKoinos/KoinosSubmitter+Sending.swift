// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto
import Koinos
import Logging
import Metrics

/// A transfer checked open, its `complete_transfer` operation built, waiting to be sent.
struct ReadyCompletion: Sendable {
    var record: SubmissionRecord
    let operation: KoinosOperation
    let argumentBytes: Int
    /// v2 claims for a recipient: its key signs too.
    let extraSigners: [Secp256k1.PrivateKey]
}

extension KoinosSubmitter {
    /// Our turn: the `complete_transfer` operation, unless the contract already reports the
    /// transfer completed or too few current validators signed (then the row says so and nil).
    func prepare(
        _ o: SubmittableObservation, _ message: KoinosTransferMessage, _ record: inout SubmissionRecord, now: UInt64,
        extraSigners: [Secp256k1.PrivateKey]
    ) async -> ReadyCompletion? {
        let set = validators.current
        do {
            let completed = try await chain.transferCompleted(bridge: configuration.bridgeContract, transactionID: message.transactionID)
            switch SubmissionPlanner(configuration: configuration).completionCheck(record: record, completedOnChain: completed) {
            case .completed:
                try await completionSeen(&record, now: now, note: "already completed on Koinos")
                return nil
            case .completionDropped: forgetDroppedCompletion(&record, observationID: o.id)
            case .notCompleted: break
            }
            guard let signatures = submissionSignatures(o, set: set) else {
                let reason = "fewer than Q(N) = \(set.quorum(o.profile)) current validators signed"
                await wait(&record, now: now, reason: reason, retryAtMs: now &+ configuration.recheckIntervalMs)
                return nil
            }
            let args = message.completeTransferArguments(signatures: signatures).encoded(o.profile.koinosVersion)
            let operation = KoinosOperation.callContract(.init(contractID: configuration.bridgeContract, entryPoint: KoinosEntryPoint.completeTransfer, args: args))
            return ReadyCompletion(record: record, operation: operation, argumentBytes: args.count, extraSigners: extraSigners)
        } catch {
            await fail(&record, now: now, error: error)
            return nil
        }
    }

    /// Sends the ready transfers in the batches `SubmissionPlanner.batches` makes, one mempool
    /// place each while `room` lasts. Returns how many transfers wait for the next pass (unwritten).
    func sendReady(_ ready: [ReadyCompletion], room: inout Int, now: UInt64) async -> Int {
        let planner = SubmissionPlanner(configuration: configuration)
        let batches = planner.batches(ready.map { BatchCandidate(argumentBytes: $0.argumentBytes, needsOwnTransaction: !$0.extraSigners.isEmpty) })
        var deferred = 0
        for batch in batches where !Task.isCancelled {
            guard room > 0 else {
                deferred += batch.count
                continue
            }
            deferred += await send(batch.map { ready[$0] }, room: &room, now: now)
        }
        return deferred
    }

    /// One transaction for `batch`; when the chain refuses it for one member's sake
    /// (`SubmissionFailure.sendsMembersAlone`), each member goes alone. Returns the members deferred.
    private func send(_ batch: [ReadyCompletion], room: inout Int, now: UInt64) async -> Int {
        do {
            let rcLimit = try SubmissionPlanner(configuration: configuration).rcLimit(mana: try await chain.accountRC(configuration.payerAddress))
            let chainID = try await currentChainID()
            let txID = try await signAndSubmit(batch.map(\.operation), chainID: chainID, rcLimit: rcLimit, extraSigners: batch[0].extraSigners)
            room -= 1
            if batch.count > 1 {
                metrics.batched(batch.count)
            }
            for member in batch {
                var record = member.record
                await markSubmitted(&record, txID: txID, now: now, observationID: record.observationID)
            }
            return 0
        } catch {
            guard SubmissionFailure.sendsMembersAlone(error, count: batch.count) else {
                for member in batch {
                    var record = member.record
                    await fail(&record, now: now, error: error)
                }
                return 0
            }
            logger.info("Batch of complete_transfer refused; sending its transfers one by one", metadata: [
                "count": "\(batch.count)", "error": "\(error)",
            ])
            var deferred = 0
            for member in batch {
                if room > 0 { deferred += await send([member], room: &room, now: now) } else { deferred += 1 }
            }
            return deferred
        }
    }

    /// Signs and submits the operations with our nonce; on a nonce conflict resyncs from the
    /// mempool and tries once more. Returns the transaction id.
    private func signAndSubmit(
        _ operations: [KoinosOperation], chainID: [UInt8], rcLimit: UInt64, extraSigners: [Secp256k1.PrivateKey]
    ) async throws -> [UInt8] {
        var retried = false
        while true {
            let nonce = try await takeNonce()
            var tx = KoinosTransaction.make(chainID: chainID, rcLimit: rcLimit, nonce: nonce, payer: configuration.payerAddress, operations: operations)
            try tx.sign(with: configuration.payerKey)
            for key in extraSigners { try tx.sign(with: key) }
            let outcome: KoinosError?
            do {
                try await chain.submit(tx)
                outcome = nil
            } catch {
                outcome = error
            }
            guard let outcome else {
                advanceNonce(after: nonce)
                return tx.id
            }
            guard SubmissionFailure.retriesWithResyncedNonce(outcome, alreadyRetried: retried) else { throw outcome }
            logger.info("Nonce conflict; resyncing from the mempool", metadata: ["koinos.nonce": "\(nonce)"])
            metrics.nonceResynced()
            resyncNonce()
            retried = true
        }
    }
}
