// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Dispatch
public import Koinos
public import Logging

/// How far the Koinos lock watcher believes one endpoint (`koinos.watcher.agreement`), the
/// Ethereum side's rule (`ethereum.agreement`) for Koinos.
public enum KoinosEndpointAgreement: String, Sendable, Hashable, CaseIterable {
    /// The endpoint in use decides; one that errors or lies is set aside and the next one used.
    case failover
    /// Two different endpoints must serve the same window (block ids, receipts, events) and the
    /// lower of their two LIBs is used: one lying endpoint can only stall the watcher.
    case twoAgree = "two_agree"
}

/// A fault of one Koinos endpoint: it errored or lied (garbage, a LIB above its head or lower than
/// it reported before, a window that does not link). The watcher sets it aside and asks the next.
public struct KoinosEndpointFault: Error, Sendable, CustomStringConvertible {
    public let endpoint: Int
    /// What was asked (`chain.get_head_info`, the window from height h, …).
    public let what: String
    /// The error or lie: a `KoinosError`, a `KoinosWindowError`, a `KoinosHeadLie`.
    public let error: any Error

    public init(endpoint: Int, what: String, error: any Error) {
        self.endpoint = endpoint
        self.what = what
        self.error = error
    }

    public var reason: String { "\(what): \(error)" }
    public var description: String { "Koinos endpoint \(endpoint): \(reason)" }
}

/// A head answer that cannot be true.
public enum KoinosHeadLie: Error, Sendable, Hashable, CustomStringConvertible {
    case libAboveHead(lib: UInt64, head: UInt64)
    case libWentBackwards(from: UInt64, to: UInt64)

    public var description: String {
        switch self {
        case .libAboveHead(let lib, let head): "LIB \(lib) is above its head \(head)"
        case .libWentBackwards(let from, let to): "LIB went backwards from \(from) to \(to) (irreversible blocks never become reversible)"
        }
    }
}

/// Why the watcher read no window at all this time.
public enum KoinosWatcherError: Error, Sendable, CustomStringConvertible {
    /// Every endpoint was set aside; the last one's fault.
    case noUsableEndpoint(KoinosEndpointFault?)
    /// `two_agree` and fewer than two endpoints answered.
    case agreementUnavailable(KoinosEndpointFault?)
    /// Two endpoints served different windows (or LIB heights that disagree): nothing is used.
    case endpointsDisagree(start: UInt64, endpoints: [Int])

    public var description: String {
        switch self {
        case .noUsableEndpoint(let f): "no usable Koinos endpoint" + (f.map { " (last: \($0))" } ?? "")
        case .agreementUnavailable(let f): "two_agree needs two Koinos endpoints that answer" + (f.map { " (last: \($0))" } ?? "")
        case .endpointsDisagree(let start, let e): "Koinos endpoints \(e.map(String.init).joined(separator: " and ")) serve different blocks from height \(start): nothing stored"
        }
    }
}

/// Several Koinos endpoints of one chain (`KoinosChain` ports: `KoinosRPCClient` in production, a
/// `ScriptedKoinosChain` in tests), ranked by `EndpointHealth` and ordered by the pure
/// `EndpointFailover` rules the Ethereum side uses. The pool only keeps the health and the highest
/// LIB each endpoint reported; the watcher performs the calls through `call`.
public actor KoinosEndpointPool {
    public nonisolated let clients: [any KoinosChain]
    public nonisolated let chainID: [UInt8]
    private var health: [EndpointHealth]
    private var highestLIB: [UInt64?]
    /// The chain id each excluded endpoint serves instead.
    private var wrongChains: [Int: [UInt8]] = [:]
    private var current: Int?
    private let clock: any BridgeClock
    private let logger: Logger
    private let metrics = KoinosWatcherMetrics()
    /// A head that has not moved for this long while another endpoint's did marks a hung node.
    public nonisolated let stallMs: UInt64

    public init(
        clients: [any KoinosChain], chainID: [UInt8], clock: any BridgeClock, logger: Logger = Logger(label: "bridge.koinos-endpoints"),
        stallMs: UInt64 = 30_000
    ) {
        precondition(!clients.isEmpty, "at least one Koinos endpoint")
        self.clients = clients
        self.chainID = chainID
        health = clients.indices.map(EndpointHealth.init(index:))
        highestLIB = clients.map { _ in nil }
        self.clock = clock
        self.logger = logger
        self.stallMs = stallMs
    }

    public var healthSnapshot: [EndpointHealth] { health }

    /// Checks `chain.get_chain_id` on every endpoint not checked yet; a wrong chain is excluded
    /// for good. Returns the chain ids served by the wrong ones (empty when all are right).
    public func verifyChains() async -> (good: [Int], wrong: [[UInt8]]) {
        var good = [Int](), wrong = [[UInt8]]()
        for i in clients.indices {
            switch await verify(i) {
            case .some(nil): good.append(i)
            case .some(let served?): wrong.append(served)
            case nil: break
            }
        }
        return (good, wrong)
    }

    /// Up to `count` endpoints to use, best first, leaving out `excluded` and wrong-chain ones; an
    /// endpoint is chain-checked before its first use. A change of the first one is logged.
    public func pick(_ count: Int, excluding excluded: Set<Int>) async -> [Int] {
        var chosen = [Int]()
        let ranked = EndpointFailover.order(
            health, current: current, excluding: excluded, keepCurrent: true, nowMs: clock.nowMilliseconds, stallMs: stallMs)
        for i in ranked where chosen.count < count {
            if health[i].chainVerified {
                chosen.append(i)
            } else if case .some(nil) = await verify(i) {
                chosen.append(i)
            }
        }
        if let first = chosen.first, first != current {
            if let previous = current {
                metrics.endpointSwitched()
                logger.warning("Switching Koinos endpoint", metadata: ["koinos.endpoint.from": "\(previous)", "koinos.endpoint.to": "\(first)"])
            }
            current = first
        }
        return chosen
    }

    /// A call on endpoint `i`; any failure becomes its `KoinosEndpointFault`.
    public func call<T: Sendable>(_ i: Int, _ what: String, _ operation: @Sendable (any KoinosChain) async throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let value = try await operation(clients[i])
            health[i].recordSuccess(latencyMs: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            return value
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw KoinosEndpointFault(endpoint: i, what: what, error: error)
        }
    }

    /// Endpoint `i`'s head: its LIB must not be above its head nor below a LIB it reported before
    /// (irreversible blocks never become reversible), else it is a fault.
    public func recordHead(_ i: Int, _ head: KoinosHeadInfo) throws(KoinosEndpointFault) {
        guard head.lastIrreversibleBlock <= head.height else {
            throw KoinosEndpointFault(endpoint: i, what: "chain.get_head_info", error: KoinosHeadLie.libAboveHead(lib: head.lastIrreversibleBlock, head: head.height))
        }
        if let before = highestLIB[i], head.lastIrreversibleBlock < before {
            throw KoinosEndpointFault(endpoint: i, what: "chain.get_head_info", error: KoinosHeadLie.libWentBackwards(from: before, to: head.lastIrreversibleBlock))
        }
        highestLIB[i] = head.lastIrreversibleBlock
        health[i].recordHead(head.height, nowMs: clock.nowMilliseconds)
    }

    /// Sets endpoint `fault.endpoint` aside (quarantined for a growing time, ranked last) and logs why.
    public func setAside(_ fault: KoinosEndpointFault) {
        health[fault.endpoint].recordError(nowMs: clock.nowMilliseconds)
        health[fault.endpoint].chainVerified = false
        metrics.endpointSetAside(fault.endpoint)
        logger.warning("Koinos endpoint set aside", metadata: [
            "koinos.endpoint": "\(fault.endpoint)", "reason": "\(fault.reason)", "koinos.endpoint.errors": "\(health[fault.endpoint].consecutiveErrors)",
        ])
    }

    /// nil: unreachable (an error recorded); .some(nil): the configured chain; .some(id): another chain.
    private func verify(_ i: Int) async -> [UInt8]?? {
        if health[i].wrongChain { return .some(wrongChains[i] ?? []) }
        do {
            let served = try await clients[i].chainID()
            guard served == chainID else {
                health[i].recordWrongChain()
                wrongChains[i] = served
                logger.error("Koinos endpoint serves another chain; excluded", metadata: ["koinos.endpoint": "\(i)"])
                return .some(served)
            }
            health[i].chainVerified = true
            return .some(nil)
        } catch {
            setAside(KoinosEndpointFault(endpoint: i, what: "chain.get_chain_id", error: error))
            return nil
        }
    }
}
