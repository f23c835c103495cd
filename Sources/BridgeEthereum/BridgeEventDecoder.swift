// SPDX-License-Identifier: Apache-2.0
public import Ethereum

/// A bridge event other than a lock, read from the configured bridge contract at the lock
/// events' finality (bridge-contracts.md §1.2, §3.1; same signatures in v1 and v2).
public enum EthereumBridgeEvent: Sendable, Hashable {
    /// `TransferCompletedEvent(bytes txId, uint256 operationId)`: a Koinos → Ethereum transfer was
    /// completed on Ethereum, by whoever sent `completeTransfer`.
    case transferCompleted(log: EthereumLog, transactionID: [UInt8], operationID: ABIWord)
    /// `RequestNewSignaturesEvent(bytes txId, uint256 blocktime)`: a permissionless re-sign request
    /// for the Ethereum → Koinos transfer whose lock was Ethereum transaction `txId`.
    case newSignaturesRequested(log: EthereumLog, transactionID: [UInt8], blockTimeMs: ABIWord)
    /// A log with one of these topics whose data does not decode.
    case malformed(log: EthereumLog, error: String)

    /// A `RequestNewSignaturesEvent`: judged against stored locks, possibly of the same window.
    public var isResignRequest: Bool {
        if case .newSignaturesRequested = self { return true }
        return false
    }

    public var log: EthereumLog {
        switch self {
        case .transferCompleted(let log, _, _), .newSignaturesRequested(let log, _, _), .malformed(let log, _): log
        }
    }
}

/// Decodes the bridge's completion and re-sign events.
public enum BridgeEventDecoder {
    public static let transferCompleted = ABIEvent(name: "TransferCompletedEvent", parameters: [
        .init("txId", .bytes), .init("operationId", .uint(256)),
    ])
    public static let newSignaturesRequested = ABIEvent(name: "RequestNewSignaturesEvent", parameters: [
        .init("txId", .bytes), .init("blocktime", .uint(256)),
    ])
    /// The topic0 values this decoder reads.
    public static var topics: [[UInt8]] { [transferCompleted.topic0, newSignaturesRequested.topic0] }

    /// Decodes `log` (whose topic0 is one of `topics`); never throws: bad data is `.malformed`.
    public static func decode(_ log: EthereumLog) -> EthereumBridgeEvent {
        let completed = log.topics.first == transferCompleted.topic0
        do {
            let values = try (completed ? transferCompleted : newSignaturesRequested).decode(topics: log.topics, data: log.data)
            guard values.count == 2, case .bytes(let txID) = values[0], case .uint(let word) = values[1] else {
                return .malformed(log: log, error: "unexpected value types")
            }
            return completed
                ? .transferCompleted(log: log, transactionID: txID, operationID: word)
                : .newSignaturesRequested(log: log, transactionID: txID, blockTimeMs: word)
        } catch {
            return .malformed(log: log, error: "\(error)")
        }
    }
}
