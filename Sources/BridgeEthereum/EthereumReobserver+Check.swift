// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
import Ethereum
import Logging
import Synchronization

extension EthereumReobserver {
    /// What checking one id found.
    enum Verdict {
        /// The lock is real and final: store this record.
        case store(ObservationRecord)
        /// Refused for good.
        case refuse(ReobservationResult, String)
        /// Worth another try later (not final yet, endpoints failing).
        case retry(ReobservationResult, String)
    }

    /// Checks the next due id, if the rate allows one now; nil when nothing was checked.
    /// (The service loop calls it; tests drive it directly.)
    @discardableResult
    public func processNext() async -> (id: ObservationID, result: ReobservationResult)? {
        guard let id = queue.withLock({ $0.next(nowMs: wallClock.nowMilliseconds) }) else { return nil }
        var verdict = await check(id)
        if case .store(let record) = verdict { verdict = await store(record) }
        let result: ReobservationResult
        switch verdict {
        case .store(let record): result = record.status == .rejected ? .rejected : .observed
        case .refuse(let reason, let detail):
            result = reason
            logger.info("Re-observation refused", metadata: ["transfer.id": "\(id)", "reason": "\(reason.rawValue)", "detail": "\(detail)"])
        case .retry(let reason, let detail):
            let again = queue.withLock { $0.retryLater(id, nowMs: wallClock.nowMilliseconds) }
            result = again ? .deferred : reason
            logger.info(again ? "Re-observation deferred" : "Re-observation given up", metadata: [
                "transfer.id": "\(id)", "reason": "\(reason.rawValue)", "detail": "\(detail)",
            ])
        }
        if case .retry = verdict {} else { queue.withLock { $0.finish(id) } }
        metrics.count(result)
        metrics.recordQueueLength(queue.withLock { $0.count })
        return (id, result)
    }

    /// The watcher's rules for one transaction log, read from the receipt instead of `eth_getLogs`.
    /// Receipt, finality and header are read as the pool's trust requires: in `two_agree` two
    /// endpoints must give the same receipt and header, and the lower final block counts, so a
    /// peer's request answered by one lying provider stores nothing.
    func check(_ id: ObservationID) async -> Verdict {
        let hash = id.transactionHash
        let receipt: EthereumReceipt?
        do {
            receipt = try await pool.read("eth_getTransactionReceipt") { try await $0.receipt(transactionHash: hash) }
        } catch { return Self.readFailure(error) }
        guard let receipt else { return .refuse(.unknownTransaction, "no receipt") }
        guard receipt.transactionHash == hash else { return .refuse(.malformedAnswer, "the receipt is of another transaction") }
        guard receipt.succeeded else { return .refuse(.transactionFailed, "receipt status \(receipt.status.map(String.init) ?? "missing")") }
        let final: UInt64?
        do {
            final = try await pool.finalBlock(configuration.finality)
        } catch { return Self.readFailure(error) }
        guard let final, receipt.blockNumber <= final else {
            return .retry(.notFinal, "block \(receipt.blockNumber), final \(final.map(String.init) ?? "none")")
        }
        let number = receipt.blockNumber
        let header: EthereumBlockHeader?
        do {
            header = try await pool.read("eth_getBlockByNumber") { try await $0.blockHeader(.number(number)) }
        } catch { return Self.readFailure(error) }
        guard let header, header.hash == receipt.blockHash else {
            return .refuse(.blockHashMismatch, "the canonical block \(number) is not the receipt's block")
        }
        guard let log = receipt.logs.first(where: { $0.logIndex == UInt64(id.logIndex) }) else {
            return .refuse(.logNotFound, "the transaction has \(receipt.logs.count) logs, none at index \(id.logIndex)")
        }
        guard !log.removed, log.address == configuration.contract, log.topics.first == decoder.event.topic0,
              log.transactionHash == hash, log.blockHash == receipt.blockHash, log.blockNumber == number
        else {
            return .refuse(.unexpectedLog, "log \(id.logIndex) is not a lock event of the bridge contract")
        }
        // As `RangeScanner.scan` does with a log that passed the receipt re-check.
        do {
            return .store(judge.judge(try decoder.decode(log), firstLockIndex: decoder.firstLockIndex(in: receipt, contract: configuration.contract)))
        } catch {
            return .store(judge.rejectMalformed(log, error: error))
        }
    }

    /// Endpoints that disagree are retried like failing ones (an honest lagging node catches up)
    /// and, if they still disagree after every attempt, end as `endpoints_disagree`.
    static func readFailure(_ error: any Error) -> Verdict {
        if let watcherError = error as? WatcherError, case .endpointsDisagree = watcherError { return .retry(.endpointsDisagree, "\(error)") }
        return .retry(.rpcError, "\(error)")
    }

    /// Stores a checked record without touching the cursor and yields it when it is new.
    private func store(_ record: ObservationRecord) async -> Verdict {
        let id = record.observation.id
        let inserted: Bool
        do {
            inserted = try await store.storeReobservedObservation(record, nowMs: wallClock.nowMilliseconds)
        } catch { return .retry(.storeError, "\(error)") }
        guard inserted else { return .refuse(.alreadyStored, "stored meanwhile") }
        logger.info(record.status == .rejected ? "Re-observed lock rejected" : "Lock re-observed", metadata: [
            "transfer.id": "\(id)", "eth.block.number": "\(record.observation.blockNumber)", "reason": "\(record.reason ?? "")",
        ])
        continuation.yield(record)
        return .store(record)
    }
}
