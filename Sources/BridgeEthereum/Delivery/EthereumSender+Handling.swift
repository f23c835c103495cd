// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning
import ChainCrypto
import Ethereum
import Logging

extension EthereumSender {
    /// One transfer: performs the step the planner decides (chain calls, then the row write).
    func handle(_ transfer: CompletableTransfer, validators: ValidatorSet) async {
        let now = clock.nowMilliseconds
        var record: DeliveryRecord
        do {
            record = try await store.record(for: transfer.id) ?? DeliveryRecord(transferID: transfer.id, updatedAtMs: now)
        } catch {
            logger.error("Cannot read the delivery row", metadata: ["transfer.id": "\(transfer.id)", "error": "\(error)"])
            return
        }
        let planner = EthereumSubmissionPlanner(configuration: configuration)
        switch planner.step(for: transfer, record: record, validators: validators, nowMs: now) {
        case .nothing:
            return
        case .park(let reason, let retryAt), .watch(let reason, let retryAt):
            await recheckOnly(transfer, &record, now: now, reason: reason, retryAtMs: retryAt)
        case .follow:
            await follow(transfer, &record, now: now)
        case .send(let signatures):
            await send(transfer, &record, signatures: signatures, now: now)
        }
    }

    /// Not ours to send (or not sendable): only notice a completion by someone else.
    private func recheckOnly(_ t: CompletableTransfer, _ record: inout DeliveryRecord, now: UInt64, reason: String, retryAtMs: UInt64) async {
        do {
            if try await reader.isTransferCompleted(t.message) {
                await complete(&record, now: now, note: "completed by another sender")
                return
            }
        } catch {
            logger.debug("Completion check failed", metadata: ["transfer.id": "\(t.id)", "error": "\(error)"])
        }
        record.lastError = reason
        record.nextAttemptAtMs = retryAtMs
        record.updatedAtMs = now
        await save(record)
    }

    /// Our turn: `completeTransfer` unless already completed, or refused by the estimate.
    private func send(_ t: CompletableTransfer, _ record: inout DeliveryRecord, signatures: [[UInt8]], now: UInt64) async {
        do {
            if try await reader.isTransferCompleted(t.message) {
                await complete(&record, now: now, note: "already completed on Ethereum")
                return
            }
            let (hash, nonce, fees) = try await sendToBridge(BridgeContractCalls.completeTransfer(t.message, signatures: signatures))
            record.status = .sent
            record.nonce = nonce
            record.transactionHashes = [hash]
            record.maxFeePerGas = fees.maxFeePerGas
            record.maxPriorityFeePerGas = fees.maxPriorityFeePerGas
            record.sentAtMs = now
            record.lastError = nil
            record.nextAttemptAtMs = nil
            record.updatedAtMs = now
            metrics.transactionSent()
            logger.info("completeTransfer sent", metadata: [
                "transfer.id": "\(t.id)", "ethereum.tx": "\(ChainHex.encode(hash))", "ethereum.nonce": "\(nonce)",
            ])
            await save(record)
        } catch {
            await fail(&record, now: now, error: error)
        }
    }

    /// Signs and sends at our next nonce; a nonce conflict resyncs from the node and tries once more.
    func signAndSend(data: [UInt8], gasLimit: UInt64, fees: TransactionFees) async throws -> (hash: [UInt8], nonce: UInt64) {
        var retried = false
        while true {
            let nonce = try await takeNonce()
            let signed = try transaction(nonce: nonce, data: data, gasLimit: gasLimit, fees: fees).signed(with: configuration.key)
            do {
                try await rpc.sendRawTransaction(signed.raw, hash: signed.hash)
            } catch EthereumSendError.alreadyKnown {
            } catch EthereumSendError.nonceConflict(let message) where !retried {
                logger.info("Nonce conflict; resyncing from the node", metadata: ["ethereum.nonce": "\(nonce)", "error": "\(message)"])
                metrics.nonceResynced()
                resyncNonce()
                retried = true
                continue
            }
            advanceNonce(after: nonce)
            return (signed.hash, nonce)
        }
    }

    func transaction(nonce: UInt64, data: [UInt8], gasLimit: UInt64, fees: TransactionFees) -> EIP1559Transaction {
        EIP1559Transaction(
            chainID: configuration.chainID, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas, maxFeePerGas: fees.maxFeePerGas,
            gasLimit: gasLimit, to: configuration.bridge, data: data)
    }

    func complete(_ record: inout DeliveryRecord, now: UInt64, note: String?) async {
        record.status = .completed
        record.lastError = note
        record.nextAttemptAtMs = nil
        record.updatedAtMs = now
        await save(record)
    }

    /// A failed attempt: the reason in the row, backoff with jitter, a metric.
    func fail(_ record: inout DeliveryRecord, now: UInt64, error: any Error) async {
        let reason: String
        if case .reverted? = error as? EthereumSendError {
            reason = "reverted"
        } else {
            reason = error is EthereumSendError ? "refused" : "rpc"
        }
        metrics.failed(reason)
        if reason != "rpc" { record.attempts += 1 }
        record.status = record.status == .sent || record.status == .included ? record.status : (reason == "rpc" ? .pending : .failed)
        record.lastError = "\(error)"
        record.nextAttemptAtMs = now &+ configuration.backoff.delayMs(attempt: max(record.attempts, 1), unit: random())
        record.updatedAtMs = now
        logger.warning("Ethereum delivery attempt failed", metadata: ["transfer.id": "\(record.transferID)", "error": "\(error)"])
        await save(record)
    }

    func save(_ record: DeliveryRecord) async {
        do {
            try await store.save(record)
        } catch {
            logger.error("Cannot write the delivery row", metadata: ["transfer.id": "\(record.transferID)", "error": "\(error)"])
        }
    }
}
