// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning
import ChainCrypto
import Ethereum
import Logging

extension EthereumSender {
    /// Our transaction(s) at `record.nonce`: receipts, finality, bump, revert, a nonce used elsewhere.
    func follow(_ t: CompletableTransfer, _ record: inout DeliveryRecord, now: UInt64) async {
        do {
            let view = try await inFlightView(record)
            let baseFee = try await rpc.latestBaseFee()
            let tip = (try? await rpc.maxPriorityFeePerGas()) ?? nil
            let planner = EthereumSubmissionPlanner(configuration: configuration)
            switch planner.follow(record: record, view: view, baseFee: baseFee, suggestedTip: tip, nowMs: now) {
            case .wait:
                if record.status == .included {  // the block holding it was reorged out
                    record.status = .sent
                    record.includedBlock = nil
                    record.updatedAtMs = now
                    await save(record)
                }
            case .included(let block):
                guard record.status != .included || record.includedBlock != block else { return }
                record.status = .included
                record.includedBlock = block
                record.updatedAtMs = now
                await save(record)
            case .final(let hash, let block):
                record.includedBlock = block
                record.completingTransaction = hash
                metrics.completed()
                logger.info("completeTransfer final", metadata: ["transfer.id": "\(t.id)", "ethereum.tx": "\(ChainHex.encode(hash))", "ethereum.block": "\(block)"])
                await complete(&record, now: now, note: nil)
            case .reverted(let hash, let block):
                await reverted(t, &record, hash: hash, block: block, now: now)
            case .bump(let fees):
                await bump(t, &record, fees: fees, now: now)
            case .stuckAtCap:
                let note = "transaction stuck and the fee caps leave no room for a +10 % replacement"
                if record.lastError != note {
                    record.lastError = note
                    record.updatedAtMs = now
                    await save(record)
                }
            case .nonceUsedElsewhere:
                resyncNonce()
                if try await reader.isTransferCompleted(t.message) {
                    await complete(&record, now: now, note: "nonce \(record.nonce ?? 0) used elsewhere; transfer completed")
                    return
                }
                record.status = .pending
                record.lastError = "nonce \(record.nonce ?? 0) used by another transaction; sending again"
                record.nonce = nil
                record.transactionHashes = []
                record.updatedAtMs = now
                await save(record)
            }
        } catch {
            await fail(&record, now: now, error: error)
        }
    }

    /// Receipts of every transaction we sent at the nonce (one batch), the head, and the nonce state.
    private func inFlightView(_ record: DeliveryRecord) async throws -> InFlightView {
        var found: InFlightView.Receipt?
        let results = try await rpc.receipts(transactionHashes: record.transactionHashes)
        for (hash, result) in zip(record.transactionHashes, results) {
            if case .success(let receipt?) = result {
                found = InFlightView.Receipt(transactionHash: hash, blockNumber: receipt.blockNumber, succeeded: receipt.succeeded)
                break
            }
        }
        let head = try await rpc.blockNumber()
        var finalized: UInt64?
        if case .finalizedTag = configuration.finality { finalized = try await rpc.blockHeader(.finalized)?.number }
        let mined = try await rpc.transactionCount(address: configuration.address, pending: false)
        return InFlightView(receipt: found, head: head, finalized: finalized, minedNonce: mined)
    }

    /// Mined and reverted: completed by someone else first, or failed with the contract's reason.
    private func reverted(_ t: CompletableTransfer, _ record: inout DeliveryRecord, hash: [UInt8], block: UInt64, now: UInt64) async {
        var reason = ""  // the contract's text, when the replay gives one
        // Replay the call on the state after that block to read the contract's reason.
        let validators = try? await currentValidators()
        let signatures = validators.flatMap { EthereumSubmissionPlanner.submissionSignatures(t, validators: $0) } ?? []
        let data = BridgeContractCalls.completeTransfer(t.message, signatures: signatures)
        do {
            _ = try await rpc.call(to: configuration.bridge, data: data, from: configuration.address, at: .number(block))
        } catch EthereumSendError.reverted(let text) where !text.isEmpty {
            reason = text
        } catch {}
        record.nonce = nil
        record.transactionHashes = []
        if (try? await reader.isTransferCompleted(t.message)) == true {
            await complete(&record, now: now, note: "our transaction \(ChainHex.encode(hash)) reverted in block \(block) (\(EthereumSendError.reverted(reason: reason))); completed by another sender")
            return
        }
        record.status = .failed
        await fail(&record, now: now, error: EthereumSendError.reverted(reason: reason))
    }

    /// Replaces the stuck transaction at the same nonce with higher fees.
    private func bump(_ t: CompletableTransfer, _ record: inout DeliveryRecord, fees: TransactionFees, now: UInt64) async {
        guard let nonce = record.nonce else { return }
        do {
            let validators = try await currentValidators()
            guard let signatures = EthereumSubmissionPlanner.submissionSignatures(t, validators: validators) else { return }
            let data = BridgeContractCalls.completeTransfer(t.message, signatures: signatures)
            let gas = try await rpc.estimateGas(from: configuration.address, to: configuration.bridge, data: data)
            let limit = max(gas, gas.multipliedReportingOverflow(by: 100 + configuration.gasMarginPercent).partialValue / 100)
            let signed = try transaction(nonce: nonce, data: data, gasLimit: limit, fees: fees).signed(with: configuration.key)
            try await rpc.sendRawTransaction(signed.raw, hash: signed.hash)
            let hash = signed.hash
            record.transactionHashes.append(hash)
            record.maxFeePerGas = fees.maxFeePerGas
            record.maxPriorityFeePerGas = fees.maxPriorityFeePerGas
            record.sentAtMs = now
            record.lastError = nil
            record.updatedAtMs = now
            metrics.bumped()
            logger.info("Stuck transaction replaced with higher fees", metadata: [
                "transfer.id": "\(t.id)", "ethereum.nonce": "\(nonce)", "ethereum.tx": "\(ChainHex.encode(hash))",
                "ethereum.max_fee": "\(fees.maxFeePerGas)", "ethereum.max_priority_fee": "\(fees.maxPriorityFeePerGas)",
            ])
            await save(record)
        } catch {
            // The original may have been mined meanwhile (nonce conflict) or the node wants more: the
            // next pass reads the receipts again.
            record.lastError = "fee bump refused: \(error)"
            record.sentAtMs = now
            record.updatedAtMs = now
            metrics.failed("bump_refused")
            await save(record)
        }
    }
}
