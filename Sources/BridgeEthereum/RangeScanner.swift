// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Ethereum

/// Why a log was not turned into an observation (Wormhole's receipt re-check). Raw value = metric label.
public enum DropReason: String, Sendable, Hashable, CaseIterable {
    /// The node no longer knows the transaction (orphaned by a reorg, or a lagging node).
    case receiptMissing = "receipt_missing"
    /// The receipt says the transaction reverted.
    case transactionFailed = "transaction_failed"
    /// The receipt is in another block than the log (re-mined after a reorg).
    case blockHashMismatch = "block_hash_mismatch"
    /// The receipt does not contain the log.
    case logNotInReceipt = "log_not_in_receipt"
    /// The log is not from the contract/topic/range asked for, or is flagged removed.
    case unexpectedLog = "unexpected_log"

    /// Missing receipts and moved blocks can be a lagging or inconsistent node: worth a rescan.
    public var retryable: Bool { self == .receiptMissing || self == .blockHashMismatch || self == .logNotInReceipt }
}

/// The outcome of scanning one block range.
public struct RangeScanResult: Sendable {
    /// Judged observations (valid or rejected), in block/log order.
    public var records: [ObservationRecord]
    /// Logs dropped by the receipt re-check.
    public var drops: [(log: EthereumLog, reason: DropReason)]
    /// Number of logs `eth_getLogs` returned.
    public var logCount: Int
    /// Completion and re-sign events that passed the receipt re-check, in block/log order (judged at commit).
    public var events: [EthereumBridgeEvent]

    public init(records: [ObservationRecord], drops: [(log: EthereumLog, reason: DropReason)], logCount: Int, events: [EthereumBridgeEvent] = []) {
        self.records = records
        self.drops = drops
        self.logCount = logCount
        self.events = events
    }
}

/// Scans one block range: logs of the contract's lock topic, receipt re-check, decoding, judging;
/// the completion and re-sign events of the same range come out decoded (`events`).
///
/// Shared by the watcher (which persists the result) and `bridge-relay eth scan` (which prints it).
public struct RangeScanner: Sendable {
    public let pool: EndpointPool
    /// The bridge contract (20 bytes).
    public let contract: [UInt8]
    public let decoder: LockEventDecoder
    public let judge: ObservationJudge
    /// Receipts per batch request.
    public static let receiptBatchSize = 100

    public init(pool: EndpointPool, contract: [UInt8], decoder: LockEventDecoder, judge: ObservationJudge) {
        self.pool = pool
        self.contract = contract
        self.decoder = decoder
        self.judge = judge
    }

    /// Scans `range`. Throws `EthereumRPCError.logQueryTooLarge` when the provider refuses it.
    /// Logs and receipts are read as the pool's trust requires (two agreeing endpoints in `two_agree`).
    public func scan(_ range: ClosedRange<UInt64>) async throws -> RangeScanResult {
        let lockTopic = decoder.event.topic0
        let topics = [lockTopic] + BridgeEventDecoder.topics
        let filter = LogFilter(fromBlock: range.lowerBound, toBlock: range.upperBound, addresses: [contract], topic0: topics)
        // Only an endpoint that has the range's last block answers for it: a node behind it (a
        // failover to a lagging node, a load balancer's other backend) would answer "no logs" for
        // the blocks it lacks, and the cursor would pass their locks for good.
        let logs = try await pool.read("eth_getLogs") { client in
            let head = try await client.blockNumber()
            guard head >= range.upperBound else { throw WatcherError.endpointBehind(head: head, needed: range.upperBound) }
            return try await client.logs(filter)
        }
        var result = RangeScanResult(records: [], drops: [], logCount: logs.count)
        var candidates: [EthereumLog] = []
        for log in logs {
            if log.removed || log.address != contract || !topics.contains(where: { $0 == log.topics.first }) || !range.contains(log.blockNumber) {
                result.drops.append((log, .unexpectedLog))
            } else {
                candidates.append(log)
            }
        }
        let receipts = try await fetchReceipts(Array(Set(candidates.map(\.transactionHash))))
        for log in candidates.sorted(by: { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }) {
            if let reason = Self.recheck(log, receipt: receipts[log.transactionHash] ?? nil) {
                result.drops.append((log, reason))
                continue
            }
            guard log.topics.first == lockTopic else {
                result.events.append(BridgeEventDecoder.decode(log))
                continue
            }
            let first = (receipts[log.transactionHash] ?? nil).flatMap { decoder.firstLockIndex(in: $0, contract: contract) }
            do {
                result.records.append(judge.judge(try decoder.decode(log), firstLockIndex: first))
            } catch {
                result.records.append(judge.rejectMalformed(log, error: error))
            }
        }
        return result
    }

    /// Wormhole's rule: nil when the receipt confirms the log, else the drop reason.
    public static func recheck(_ log: EthereumLog, receipt: EthereumReceipt?) -> DropReason? {
        guard let receipt, receipt.transactionHash == log.transactionHash else { return .receiptMissing }
        guard receipt.succeeded else { return .transactionFailed }
        guard receipt.blockHash == log.blockHash else { return .blockHashMismatch }
        guard receipt.logs.contains(where: { $0.logIndex == log.logIndex && $0.data == log.data && $0.topics == log.topics }) else {
            return .logNotInReceipt
        }
        return nil
    }

    private func fetchReceipts(_ hashes: [[UInt8]]) async throws -> [[UInt8]: EthereumReceipt?] {
        var out: [[UInt8]: EthereumReceipt?] = [:]
        var start = 0
        while start < hashes.count {
            let chunk = Array(hashes[start..<min(start + Self.receiptBatchSize, hashes.count)])
            start += chunk.count
            let answers = try await pool.read("eth_getTransactionReceipt") { client in
                let results = try await client.receipts(transactionHashes: chunk)
                // A per-entry error (or a malformed receipt) is an endpoint fault: fail over as a whole.
                return try results.map { try $0.get() }
            }
            for (hash, receipt) in zip(chunk, answers) { out[hash] = .some(receipt) }
        }
        return out
    }
}
