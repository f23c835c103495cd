// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Ethereum

extension ReobserverMachine {
    /// The receipt's own checks; then the final block is read.
    mutating func received(_ id: ObservationID, _ answer: Result<EthereumReceipt?, ReadFailure>, now: UInt64) -> Action {
        let receipt: EthereumReceipt
        switch answer {
        case .failure(let failure): return retry(id, failure, now: now)
        case .success(nil): return refuse(id, .unknownTransaction, "no receipt")
        case .success(let answered?): receipt = answered
        }
        guard receipt.transactionHash == id.transactionHash else { return refuse(id, .malformedAnswer, "the receipt is of another transaction") }
        guard receipt.succeeded else { return refuse(id, .transactionFailed, "receipt status \(receipt.status.map(String.init) ?? "missing")") }
        check?.receipt = receipt
        return .readFinalBlock(id)
    }

    /// The log at the id's index must be our contract's lock event in the receipt's block; then
    /// the judge decides (as `RangeScanner.scan` does with a log that passed the receipt re-check).
    mutating func judged(_ id: ObservationID, _ receipt: EthereumReceipt) -> Action {
        guard let log = receipt.logs.first(where: { $0.logIndex == UInt64(id.logIndex) }) else {
            return refuse(id, .logNotFound, "the transaction has \(receipt.logs.count) logs, none at index \(id.logIndex)")
        }
        guard !log.removed, log.address == settings.contract, log.topics.first == settings.decoder.event.topic0,
              log.transactionHash == id.transactionHash, log.blockHash == receipt.blockHash, log.blockNumber == receipt.blockNumber
        else {
            return refuse(id, .unexpectedLog, "log \(id.logIndex) is not a lock event of the bridge contract")
        }
        let record: ObservationRecord
        do {
            record = settings.judge.judge(
                try settings.decoder.decode(log), firstLockIndex: settings.decoder.firstLockIndex(in: receipt, contract: settings.contract))
        } catch {
            record = settings.judge.rejectMalformed(log, error: error)
        }
        check?.record = record
        return .store(record)
    }

    /// Refused for good: the id leaves the queue (its cool-down stays).
    mutating func refuse(_ id: ObservationID, _ reason: ReobservationResult, _ detail: String) -> Action {
        queue.finish(id)
        check = nil
        return .finished(id, reason, detail: detail, record: nil)
    }

    /// Worth another try later: `deferred` while attempts are left, else `reason` and the id is dropped.
    mutating func retry(_ id: ObservationID, _ reason: ReobservationResult, _ detail: String, now: UInt64) -> Action {
        check = nil
        let again = queue.retryLater(id, nowMs: now)
        return .finished(id, again ? .deferred : reason, detail: again ? "\(reason.rawValue): \(detail)" : detail, record: nil)
    }

    /// Endpoints that disagree are retried like failing ones (an honest lagging node catches up)
    /// and, if they still disagree after every attempt, end as `endpoints_disagree`.
    mutating func retry(_ id: ObservationID, _ failure: ReadFailure, now: UInt64) -> Action {
        switch failure {
        case .endpointsDisagree(let detail): retry(id, .endpointsDisagree, detail, now: now)
        case .failed(let detail): retry(id, .rpcError, detail, now: now)
        }
    }
}
