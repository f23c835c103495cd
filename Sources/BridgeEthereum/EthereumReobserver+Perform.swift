// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
import Ethereum
import Logging

extension EthereumReobserver {
    /// Checks the next due id, if the rate allows one now; nil when nothing was checked.
    /// (The service loop calls it; tests drive it directly.)
    @discardableResult
    public func processNext() async -> (id: ObservationID, result: ReobservationResult)? {
        var action = decide(.tick)
        while true {
            switch action {
            case .sleep, .lookUpStatus, .admitted:
                return nil
            case .finished(let id, let result, let detail, let record):
                report(id, result, detail: detail, record: record)
                return (id, result)
            default:
                action = decide(await perform(action))
            }
        }
    }

    /// Performs one read or write of a check and says what came of it. Reads go through the pool
    /// with its trust: in `two_agree` two endpoints must give the same receipt and header, and the
    /// lower final block counts, so a peer's request answered by one lying provider stores nothing.
    private func perform(_ action: ReobserverMachine.Action) async -> ReobserverMachine.Input {
        switch action {
        case .readReceipt(let id):
            let hash = id.transactionHash
            return .receipt(id, await Self.answer { try await self.pool.read("eth_getTransactionReceipt") { try await $0.receipt(transactionHash: hash) } })
        case .readFinalBlock(let id):
            let finality = configuration.finality
            return .finalBlock(id, await Self.answer { try await self.pool.finalBlock(finality) })
        case .readHeader(let id, let number):
            return .header(id, await Self.answer { try await self.pool.read("eth_getBlockByNumber") { try await $0.blockHeader(.number(number)) } })
        case .store(let record):
            let now = wallClock.nowMilliseconds
            return .stored(record.observation.id, await Self.answer { try await self.store.storeReobservedObservation(record, nowMs: now) })
        case .lookUpStatus, .admitted, .finished, .sleep:
            return .tick  // not a step of a check; `processNext` never performs these
        }
    }

    private static func answer<T>(_ read: () async throws -> T) async -> Result<T, ReobserverMachine.ReadFailure> {
        do {
            return .success(try await read())
        } catch let error as WatcherError {
            if case .endpointsDisagree = error { return .failure(.endpointsDisagree("\(error)")) }
            return .failure(.failed("\(error)"))
        } catch {
            return .failure(.failed("\(error)"))
        }
    }

    /// Logs and counts the end of one check; yields a newly stored record.
    private func report(_ id: ObservationID, _ result: ReobservationResult, detail: String, record: ObservationRecord?) {
        let metadata: Logger.Metadata = ["transfer.id": "\(id)", "reason": "\(result.rawValue)", "detail": "\(detail)"]
        switch result {
        case .observed, .rejected:
            if let record {
                logger.info(result == .rejected ? "Re-observed lock rejected" : "Lock re-observed", metadata: [
                    "transfer.id": "\(id)", "eth.block.number": "\(record.observation.blockNumber)", "reason": "\(record.reason ?? "")",
                ])
                continuation.yield(record)
            }
        case .deferred: logger.info("Re-observation deferred", metadata: metadata)
        case .notFinal, .rpcError, .endpointsDisagree, .storeError: logger.info("Re-observation given up", metadata: metadata)
        default: logger.info("Re-observation refused", metadata: metadata)
        }
        metrics.count(result)
        metrics.recordQueueLength(queuedCount)
    }
}
