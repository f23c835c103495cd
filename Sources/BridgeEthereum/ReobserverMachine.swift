// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Ethereum

/// Every decision of the re-observer, as a pure state machine: it takes `now` and what the last
/// action found, and returns what to do next. No I/O, no clock, no logger.
///
/// It owns the bounded `ReobservationQueue` (admission, cool-down, pacing, attempts) and the rules
/// one requested lock must pass — the watcher's, read from the receipt instead of `eth_getLogs`:
/// the receipt is of that transaction and succeeded, its block is final and canonical, the log at
/// the id's index is a lock event of our contract in that block; then `ObservationJudge` decides,
/// and the record is stored without moving the cursor. `EthereumReobserver` is the interpreter:
/// it performs each `Action` (store reads, RPC through the endpoint pool, the store write,
/// sleeping) and feeds the outcome back as the next `Input`. One check runs at a time.
public struct ReobserverMachine: Sendable {
    /// What the re-observer needs to know about the deployment.
    public struct Settings: Sendable {
        public var chainID: UInt64
        /// The bridge contract (20 bytes).
        public var contract: [UInt8]
        public var decoder: LockEventDecoder
        public var judge: ObservationJudge
        /// Pause of the service loop when nothing is due.
        public var idlePoll: Duration

        public init(_ configuration: EthereumWatcherConfiguration, idlePoll: Duration) {
            chainID = configuration.chainID
            contract = configuration.contract
            decoder = LockEventDecoder(profile: configuration.profile)
            judge = ObservationJudge(configuration: configuration.judgeConfiguration)
            self.idlePoll = idlePoll
        }
    }

    /// Why a read gave no answer.
    public enum ReadFailure: Error, Sendable, Hashable {
        /// In `two_agree`, two endpoints answered differently.
        case endpointsDisagree(String)
        /// Transport, malformed answer, no usable endpoint, a store error.
        case failed(String)
    }

    /// What happened: a request, a tick of the service loop, or the answer to the last action.
    public enum Input: Sendable {
        /// A peer asked for `id`.
        case offered(ObservationID)
        /// Whether the store already has `id` (a failed read counts as absent: storing is idempotent).
        case storeStatus(ObservationID, stored: Bool)
        /// The service loop is free for a check.
        case tick
        case receipt(ObservationID, Result<EthereumReceipt?, ReadFailure>)
        case finalBlock(ObservationID, Result<UInt64?, ReadFailure>)
        case header(ObservationID, Result<EthereumBlockHeader?, ReadFailure>)
        /// The store's answer to `.store`: true when the record was new.
        case stored(ObservationID, Result<Bool, ReadFailure>)
    }

    /// The one thing to do next.
    public enum Action: Sendable, Equatable {
        /// Read whether the store has `id`, then `.storeStatus`.
        case lookUpStatus(ObservationID)
        /// The request was queued (nil) or refused for this reason; nothing more to do for it.
        case admitted(ObservationID, refusal: ReobservationResult?)
        /// Check `id`: read its receipt, then `.receipt`.
        case readReceipt(ObservationID)
        /// Read the final block under the finality rule, then `.finalBlock`.
        case readFinalBlock(ObservationID)
        /// Read the canonical header at `number`, then `.header`.
        case readHeader(ObservationID, number: UInt64)
        /// Store the record without moving any cursor, then `.stored`.
        case store(ObservationRecord)
        /// The check of `id` ended with `result` (`record` when it was newly stored: hand it on).
        case finished(ObservationID, ReobservationResult, detail: String, record: ObservationRecord?)
        /// Nothing is due: sleep, then `.tick`.
        case sleep(Duration)
    }

    /// The check in progress.
    struct Check: Sendable {
        var id: ObservationID
        var receipt: EthereumReceipt?
        var record: ObservationRecord?
    }

    public let settings: Settings
    public internal(set) var queue: ReobservationQueue
    var check: Check?

    public init(settings: Settings, limits: ReobservationQueue.Limits = .init()) {
        self.settings = settings
        queue = ReobservationQueue(limits: limits)
    }

    /// Takes what happened at wall-clock `now` (Unix ms) and decides the next action.
    public mutating func handle(_ input: Input, now: UInt64) -> Action {
        switch input {
        case .offered(let id):
            guard id.chainID == settings.chainID else { return .admitted(id, refusal: .wrongChain) }
            return .lookUpStatus(id)
        case .storeStatus(let id, let stored):
            return .admitted(id, refusal: stored ? .alreadyStored : admit(id, now: now))
        case .tick:
            guard check == nil, let id = queue.next(nowMs: now) else { return .sleep(settings.idlePoll) }
            check = Check(id: id)
            return .readReceipt(id)
        case .receipt(let id, let answer):
            guard check?.id == id else { return .sleep(settings.idlePoll) }
            return received(id, answer, now: now)
        case .finalBlock(let id, let answer):
            guard check?.id == id, let receipt = check?.receipt else { return .sleep(settings.idlePoll) }
            switch answer {
            case .failure(let failure): return retry(id, failure, now: now)
            case .success(let final):
                guard let final, receipt.blockNumber <= final else {
                    return retry(id, .notFinal, "block \(receipt.blockNumber), final \(final.map(String.init) ?? "none")", now: now)
                }
                return .readHeader(id, number: receipt.blockNumber)
            }
        case .header(let id, let answer):
            guard check?.id == id, let receipt = check?.receipt else { return .sleep(settings.idlePoll) }
            switch answer {
            case .failure(let failure): return retry(id, failure, now: now)
            case .success(let header):
                guard let header, header.hash == receipt.blockHash else {
                    return refuse(id, .blockHashMismatch, "the canonical block \(receipt.blockNumber) is not the receipt's block")
                }
                return judged(id, receipt)
            }
        case .stored(let id, let answer):
            guard check?.id == id, let record = check?.record else { return .sleep(settings.idlePoll) }
            switch answer {
            case .failure(let failure): return retry(id, .storeError, "\(failure)", now: now)
            case .success(false): return refuse(id, .alreadyStored, "stored meanwhile")
            case .success(true):
                queue.finish(id)
                check = nil
                return .finished(id, record.status == .rejected ? .rejected : .observed, detail: record.reason ?? "", record: record)
            }
        }
    }

    private mutating func admit(_ id: ObservationID, now: UInt64) -> ReobservationResult? {
        switch queue.offer(id, nowMs: now) {
        case .queued: nil
        case .duplicate: .duplicate
        case .coolingDown: .coolingDown
        case .full: .queueFull
        }
    }
}
