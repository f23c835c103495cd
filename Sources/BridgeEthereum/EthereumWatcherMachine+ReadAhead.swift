// SPDX-License-Identifier: Apache-2.0
import Ethereum

extension EthereumWatcherMachine {
    /// A window scanned while the window before it was committed, with what the pool saw meanwhile.
    public struct ReadAhead: Sendable {
        /// What the scan of `range` gave.
        public enum Read: Sendable {
            case scanned(RangeScanResult)
            /// The provider refused the range (`EthereumRPCError.logQueryTooLarge`).
            case refused(message: String)
            case failed(String)
        }

        public var range: ClosedRange<UInt64>
        public var read: Read
        /// The pool's current endpoint before and after the scan (a difference is a failover).
        public var endpointBefore: Int?
        public var endpointAfter: Int?
        /// The final block read again after the scan (nil: none final), or why it could not be read.
        public var final: Result<UInt64?, ReadAheadFailure>

        public init(range: ClosedRange<UInt64>, read: Read, endpointBefore: Int?, endpointAfter: Int?, final: Result<UInt64?, ReadAheadFailure>) {
            self.range = range
            self.read = read
            self.endpointBefore = endpointBefore
            self.endpointAfter = endpointAfter
            self.final = final
        }
    }

    /// Why a read failed, as text (the interpreter's error).
    public struct ReadAheadFailure: Error, Sendable, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Why a window read ahead is not used. Raw `label` = metric label.
    public enum ReadAheadDiscard: Sendable, Equatable, CustomStringConvertible {
        /// The pool switched endpoints during the read: the final block is read again from the new one.
        case endpointSwitched(from: Int?, to: Int?)
        /// The final block read with it is below the cycle's (or none is final any more): a re-org
        /// past finality or a lying endpoint; the cycle starts again from the final block.
        case finalWentBack(from: UInt64, to: UInt64?)
        /// A receipt is missing or in another block (a re-org or a lagging node): read again the
        /// ordinary way, whose re-check rescans it.
        case reorgSuspected(block: UInt64)
        /// It is not the range the cursor now continues with.
        case notNext(read: ClosedRange<UInt64>, next: ClosedRange<UInt64>?)
        case refused
        case failed(String)

        /// Whether the decision changed enough that the cycle restarts with a fresh final block.
        public var restartsCycle: Bool {
            switch self {
            case .endpointSwitched, .finalWentBack: true
            case .reorgSuspected, .notNext, .refused, .failed: false
            }
        }

        public var label: String {
            switch self {
            case .endpointSwitched: "endpoint_switched"
            case .finalWentBack: "final_went_back"
            case .reorgSuspected: "reorg_suspected"
            case .notNext: "not_next"
            case .refused: "refused"
            case .failed: "failed"
            }
        }

        public var description: String {
            switch self {
            case .endpointSwitched(let from, let to): "the endpoint switched from \(from.map(String.init) ?? "none") to \(to.map(String.init) ?? "none")"
            case .finalWentBack(let from, let to): "the final block went back from \(from) to \(to.map(String.init) ?? "none")"
            case .reorgSuspected(let block): "a receipt re-check failed at block \(block)"
            case .notNext(let read, let next): "read \(read), the cursor continues with \(next.map { "\($0)" } ?? "nothing")"
            case .refused: "the provider refused the range"
            case .failed(let why): "reading it failed: \(why)"
            }
        }
    }

    /// The range to read ahead while `range` is committed up to `commitEnd`: the next planned
    /// window, only when the whole of `range` is committed (no rescan) and the cycle has a target.
    static func readAheadRange(after range: ClosedRange<UInt64>, commitEnd: UInt64, planner: BlockRangePlanner, target: UInt64?) -> ClosedRange<UInt64>? {
        guard let target, range.upperBound < UInt64.max, commitEnd == range.upperBound + 1 else { return nil }
        var next = planner
        next.advance(to: commitEnd)
        return next.nextRange(target: target)
    }

    /// nil when `ahead` may be used as the scan of the next window (`next`, planned now under the
    /// cycle's final block `target`), else why it is discarded. In this order: an endpoint switch,
    /// the final block gone back, a failed final read, a range that does not continue the cursor,
    /// the scan's own failure or refusal, and a receipt re-check failure (a re-org sign).
    public static func readAheadDiscard(_ ahead: ReadAhead, next: ClosedRange<UInt64>?, target: UInt64) -> ReadAheadDiscard? {
        if ahead.endpointBefore != ahead.endpointAfter { return .endpointSwitched(from: ahead.endpointBefore, to: ahead.endpointAfter) }
        switch ahead.final {
        case .failure(let failure): return .failed("final block: \(failure.description)")
        case .success(let reported):
            if reported.map({ $0 < target }) ?? true { return .finalWentBack(from: target, to: reported) }
        }
        guard ahead.range == next else { return .notNext(read: ahead.range, next: next) }
        switch ahead.read {
        case .failed(let why): return .failed(why)
        case .refused: return .refused
        case .scanned(let result):
            if let block = result.drops.filter({ $0.reason.retryable }).map(\.log.blockNumber).min() { return .reorgSuspected(block: block) }
            return nil
        }
    }
}
