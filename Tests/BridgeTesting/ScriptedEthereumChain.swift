// SPDX-License-Identifier: Apache-2.0
public import Ethereum
import JSONRPC
import Synchronization

/// One Ethereum endpoint over a `ScriptedEthereumLedger`, for the watcher's, re-observer's and sender's
/// tests: it answers as a node does from the ledger's blocks, and can be scripted to answer as a
/// bad node does — a head `lag` blocks behind (it then knows nothing above its head, and
/// `eth_getLogs` past it answers only what it has, as geth does), a log-range limit, a fault on
/// the next calls of a method (transport failure, malformed answer, RPC error), or answers
/// rewritten (a lying node). Every call is counted per method. The sending calls (nonce, fees,
/// estimate, `eth_call`, `eth_sendRawTransaction`) answer from the ledger's mempool and contracts.
public final class ScriptedEthereumChain: EthereumChain {
    /// The methods, for faults and counts.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case chainID, blockNumber, blockHeader, logs, receipt, receipts, code, bridgeValidatorSet
        case transactionCount, sendRawTransaction, maxPriorityFeePerGas, latestBaseFee, estimateGas, call
    }

    /// How a call fails.
    public enum Fault: Sendable, Hashable {
        /// The endpoint cannot be reached (a transport error).
        case unreachable
        /// The answer does not decode.
        case malformed
        /// The node answers with a JSON-RPC error.
        case rpcError(code: Int64, message: String)
    }

    struct State {
        var lag: UInt64 = 0
        var maxLogRange: UInt64?
        var servedChainID: UInt64?
        var faults: [Method: [Fault]] = [:]
        var persistent: [Method: Fault] = [:]
        var numbered: [Method: [Int: Fault]] = [:]
        var logFilters: [LogFilter] = []
        var calls: [Method: Int] = [:]
        var rewriteLogs: (@Sendable ([EthereumLog]) -> [EthereumLog])?
        var rewriteReceipt: (@Sendable (EthereumReceipt?) -> EthereumReceipt?)?
    }

    public let ledger: ScriptedEthereumLedger
    private let state = Mutex(State())

    public init(_ ledger: ScriptedEthereumLedger) { self.ledger = ledger }

    // MARK: Script

    /// The endpoint's head trails the ledger's by `blocks`.
    public func setLag(_ blocks: UInt64) { state.withLock { $0.lag = blocks } }
    /// `eth_getLogs` over more than `blocks` blocks is refused as providers do.
    public func setMaxLogRange(_ blocks: UInt64?) { state.withLock { $0.maxLogRange = blocks } }
    /// The endpoint serves another chain id.
    public func serveChainID(_ id: UInt64?) { state.withLock { $0.servedChainID = id } }
    /// The next `times` calls of `method` fail with `fault`.
    public func fail(_ method: Method, with fault: Fault = .unreachable, times: Int = 1) {
        state.withLock { $0.faults[method, default: []] += Array(repeating: fault, count: times) }
    }
    /// Call number `number` of `method` (counting from 1, every call so far included) fails with `fault`.
    public func failCall(_ method: Method, number: Int, with fault: Fault = .unreachable) {
        state.withLock { $0.numbered[method, default: [:]][number] = fault }
    }
    /// Every call of `method` fails with `fault` (nil: answers again).
    public func failAlways(_ method: Method, with fault: Fault? = .unreachable) { state.withLock { $0.persistent[method] = fault } }
    /// Rewrites every `eth_getLogs` answer (a lying or inconsistent node).
    public func rewriteLogs(_ rewrite: (@Sendable ([EthereumLog]) -> [EthereumLog])?) { state.withLock { $0.rewriteLogs = rewrite } }
    /// Rewrites every receipt this endpoint answers.
    public func rewriteReceipt(_ rewrite: (@Sendable (EthereumReceipt?) -> EthereumReceipt?)?) { state.withLock { $0.rewriteReceipt = rewrite } }
    /// Calls made of `method`.
    public func calls(_ method: Method) -> Int { state.withLock { $0.calls[method] ?? 0 } }
    /// Every `eth_getLogs` filter asked, in order.
    public var logFilters: [LogFilter] { state.withLock { $0.logFilters } }

    // MARK: EthereumChain

    public func chainID() async throws -> UInt64 {
        try enter(.chainID)
        return state.withLock { $0.servedChainID } ?? ledger.chainID
    }

    public func blockNumber() async throws -> UInt64 {
        try enter(.blockNumber)
        return visibleHead
    }

    public func blockHeader(_ tag: BlockTag) async throws -> EthereumBlockHeader? {
        try enter(.blockHeader)
        let head = visibleHead
        let depths = ledger.depths
        let number: UInt64?
        switch tag {
        case .number(let n): number = n <= head ? n : nil
        case .latest: number = head
        case .earliest: number = 0
        case .finalized: number = head >= depths.finalized ? head - depths.finalized : nil
        case .safe: number = head >= depths.safe ? head - depths.safe : nil
        }
        return number.flatMap { ledger.block($0)?.header }
    }

    public func logs(_ filter: LogFilter) async throws -> [EthereumLog] {
        state.withLock { $0.logFilters.append(filter) }
        try enter(.logs)
        if let limit = state.withLock({ $0.maxLogRange }), filter.toBlock >= filter.fromBlock, filter.toBlock - filter.fromBlock + 1 > limit {
            throw EthereumRPCError.logQueryTooLarge(message: "block range exceeds \(limit)", suggestedToBlock: filter.fromBlock + limit - 1)
        }
        let logs = ledger.blocks(filter.fromBlock, min(filter.toBlock, visibleHead)).flatMap(\.logs).filter { log in
            (filter.addresses.isEmpty || filter.addresses.contains(log.address))
                && (filter.topic0.isEmpty || filter.topic0.contains { $0 == log.topics.first })
        }
        return state.withLock { $0.rewriteLogs }?(logs) ?? logs
    }

    public func receipt(transactionHash: [UInt8]) async throws -> EthereumReceipt? {
        try enter(.receipt)
        return answer(transactionHash)
    }

    public func receipts(transactionHashes: [[UInt8]]) async throws -> [Result<EthereumReceipt?, any Error>] {
        try enter(.receipts)
        return transactionHashes.map { .success(answer($0)) }
    }

    public func code(address: [UInt8], at tag: BlockTag) async throws -> [UInt8] {
        try enter(.code)
        return ledger.code(at: address)
    }

    public func bridgeValidatorSet(bridge: [UInt8], at tag: BlockTag, maxValidators: UInt64) async throws -> [[UInt8]] {
        try enter(.bridgeValidatorSet)
        return ledger.validators
    }

    /// The sending calls answer from the ledger's accounts, mempool, fees and contracts
    /// (ScriptedEthereumLedger+Sending.swift); the node's verdicts are thrown as `EthereumSendError`.
    public func transactionCount(address: [UInt8], pending: Bool) async throws -> UInt64 {
        try enter(.transactionCount)
        return ledger.nonce(of: address, pending: pending)
    }

    public func sendRawTransaction(_ raw: [UInt8]) async throws -> [UInt8] {
        try enter(.sendRawTransaction)
        return try ledger.submit(raw)
    }

    public func maxPriorityFeePerGas() async throws -> UInt64 {
        try enter(.maxPriorityFeePerGas)
        return ledger.suggestedTip
    }

    public func latestBaseFee() async throws -> UInt64 {
        try enter(.latestBaseFee)
        return ledger.baseFee
    }

    public func estimateGas(from: [UInt8], to: [UInt8], data: [UInt8]) async throws -> UInt64 {
        try enter(.estimateGas)
        return try ledger.estimateGas(from: from, to: to, data: data)
    }

    public func call(to: [UInt8], data: [UInt8], from: [UInt8]?, at tag: BlockTag) async throws -> [UInt8] {
        try enter(.call)
        return try ledger.call(to: to, data: data, from: from)
    }

    // MARK: Answers

    private var visibleHead: UInt64 {
        let lag = state.withLock { $0.lag }
        let head = ledger.head
        return head >= lag ? head - lag : 0
    }

    /// The receipt of `hash` when its block is canonical and within this endpoint's head.
    private func answer(_ hash: [UInt8]) -> EthereumReceipt? {
        let receipt = ledger.blocks(0, visibleHead).lazy.compactMap { $0.receipt(hash) }.first
        return state.withLock { $0.rewriteReceipt }?(receipt) ?? receipt
    }

    /// Counts the call and throws its scripted fault, if any.
    private func enter(_ method: Method) throws {
        let fault = state.withLock { s -> Fault? in
            s.calls[method, default: 0] += 1
            if let fault = s.numbered[method]?.removeValue(forKey: s.calls[method, default: 0]) { return fault }
            if var queued = s.faults[method], !queued.isEmpty {
                let first = queued.removeFirst()
                s.faults[method] = queued
                return first
            }
            return s.persistent[method]
        }
        switch fault {
        case nil: return
        case .unreachable?: throw JSONRPCClientError.transport(.connectionFailed("scripted endpoint unreachable"))
        case .malformed?: throw EthereumDecodingError.invalidField(method.rawValue, "scripted malformed answer")
        case .rpcError(let code, let message)?:
            let error = JSONRPCErrorObject(code: code, message: message)
            // As `EthereumRPCClient` does: a node's error on a transaction, an estimate or a call is its verdict.
            if [.sendRawTransaction, .estimateGas, .call].contains(method) { throw EthereumSendError(error) }
            throw JSONRPCClientError.rpc(error)
        }
    }
}
