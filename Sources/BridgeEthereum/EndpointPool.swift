// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import Dispatch
public import CoreMetrics
public import Ethereum
import JSONRPC
public import Logging

/// Several RPC endpoints of one chain with health-ranked failover.
///
/// Each endpoint is an `EthereumChain` port: `EthereumRPCClient` in production, a scripted chain
/// in the process-free tests.
///
/// Every call goes to the best-ranked endpoint; a transport error, a malformed answer or an RPC
/// error marks it unhealthy and the call moves on to the next one. `eth_chainId` is checked
/// before an endpoint is first used and again on every switch; a wrong chain excludes it for good.
/// A provider's log-range refusal is not a health problem and goes straight back to the caller.
///
/// `trust` says how far one endpoint is believed: in `failover` the answer of whichever endpoint
/// is current decides; in `two_agree` every answer that decides what is stored or signed (logs,
/// receipts, headers, the final block) must come identically from two endpoints (`read`,
/// `finalBlock`; see EndpointPool+Finality.swift).
public actor EndpointPool {
    public let clients: [any EthereumChain]
    public let expectedChainID: UInt64
    /// How far one endpoint's answer is trusted.
    public nonisolated let trust: EndpointTrust
    var health: [EndpointHealth]
    private var current: Int?
    let clock: any BridgeClock
    let logger: Logger
    private let metrics: WatcherMetrics
    /// A head that has not moved for this long while another endpoint's did marks a hung node.
    public let stallMs: UInt64

    public init(
        clients: [any EthereumChain], expectedChainID: UInt64, trust: EndpointTrust = .failover, clock: any BridgeClock, logger: Logger,
        stallMs: UInt64 = 30_000, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        precondition(!clients.isEmpty, "at least one endpoint")
        self.clients = clients
        self.expectedChainID = expectedChainID
        self.trust = trust
        self.health = clients.indices.map(EndpointHealth.init(index:))
        self.clock = clock
        self.logger = logger
        self.metrics = WatcherMetrics(factory: metricsFactory)
        self.stallMs = stallMs
    }

    /// A snapshot of every endpoint's health, for tests and the status API.
    public var healthSnapshot: [EndpointHealth] { health }

    /// The endpoint currently preferred (nil before the first call).
    public var currentEndpoint: Int? { current }

    /// Checks `eth_chainId` on every endpoint; returns the indices that serve the configured chain.
    @discardableResult
    public func verifyChainIDs() async -> [Int] {
        var good: [Int] = []
        for i in clients.indices where await verifyChain(i) { good.append(i) }
        return good
    }

    /// Asks every usable endpoint for `eth_blockNumber` so frozen heads show up; returns the best head.
    @discardableResult
    public func refreshHeads() async -> UInt64? {
        let now = clock.nowMilliseconds
        let candidates = health.filter { !$0.wrongChain && !$0.isQuarantined(nowMs: now) }.map(\.index)
        let clients = self.clients
        let answers = await withTaskGroup(of: (Int, Result<UInt64, any Error>, Double).self) { group in
            for i in candidates {
                group.addTask {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let r: Result<UInt64, any Error>
                    do { r = .success(try await clients[i].blockNumber()) } catch { r = .failure(error) }
                    return (i, r, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for (i, result, ms) in answers {
            switch result {
            case .success(let head):
                health[i].recordSuccess(latencyMs: ms)
                health[i].recordHead(head, nowMs: clock.nowMilliseconds)
            case .failure(let error): recordFailure(i, error: error, what: "eth_blockNumber")
            }
        }
        let best = health.filter { !$0.wrongChain }.compactMap(\.head).max()
        for h in health where best != nil && h.isFrozen(nowMs: clock.nowMilliseconds, bestHead: best!, stallMs: stallMs) {
            logger.warning("Ethereum endpoint head is not moving", metadata: ["eth.endpoint": "\(h.index)", "eth.head": "\(h.head ?? 0)", "eth.best_head": "\(best!)"])
        }
        return best
    }

    /// Runs `operation` on the best endpoint, failing over through the others on endpoint faults.
    public func run<T: Sendable>(_ what: String, _ operation: @Sendable (any EthereumChain) async throws -> T) async throws -> T {
        var lastError: (any Error)?
        var tried = Set<Int>()
        while let i = await pick(excluding: tried) {
            tried.insert(i)
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let value = try await operation(clients[i])
                health[i].recordSuccess(latencyMs: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                return value
            } catch let error as EthereumRPCError {
                health[i].recordSuccess(latencyMs: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                throw error
            } catch let error as EthereumSendError where error.isNodeVerdict {
                // A revert or a refusal of the transaction is the chain's answer, not the endpoint's fault.
                health[i].recordSuccess(latencyMs: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                recordFailure(i, error: error, what: what)
                lastError = error
            }
        }
        throw WatcherError.noUsableEndpoint(lastError.map { "\($0)" } ?? "every endpoint is excluded")
    }

    /// Runs `operation` on the two best endpoints and returns the answer only if both agree.
    public func runAgreeing<T: Sendable & Equatable>(_ what: String, _ operation: @Sendable (any EthereumChain) async throws -> T) async throws -> T {
        let (first, other) = try await runOnTwo(what, operation)
        guard other == first else {
            metrics.disagreements.increment()
            logger.error("Ethereum endpoints disagree; the answer is not used", metadata: ["eth.method": "\(what)"])
            throw WatcherError.endpointsDisagree(what)
        }
        return first
    }

    /// Runs `operation` on the best endpoint (with failover) and then on a second, different one;
    /// returns both answers. Throws `agreementUnavailable` when no second endpoint answers.
    func runOnTwo<T: Sendable>(_ what: String, _ operation: @Sendable (any EthereumChain) async throws -> T) async throws -> (T, T) {
        let first = try await run(what, operation)
        let primary = current
        guard let second = await pick(excluding: Set(primary.map { [$0] } ?? []), makeCurrent: false) else {
            throw WatcherError.agreementUnavailable
        }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let other = try await operation(clients[second])
            health[second].recordSuccess(latencyMs: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            return (first, other)
        } catch let error as EthereumRPCError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            recordFailure(second, error: error, what: what)
            throw WatcherError.agreementUnavailable
        }
    }

    /// The endpoint to use next; with `makeCurrent` a change of endpoint is a logged switch.
    /// The current endpoint is kept while it is as healthy as the best one (no flapping on latency).
    private func pick(excluding tried: Set<Int>, makeCurrent: Bool = true) async -> Int? {
        let ranked = EndpointFailover.order(
            health, current: current, excluding: tried, keepCurrent: makeCurrent, nowMs: clock.nowMilliseconds, stallMs: stallMs)
        for i in ranked {
            if !makeCurrent {
                if health[i].chainVerified { return i }
                if await verifyChain(i) { return i }
                continue
            }
            if i != current {
                guard await verifyChain(i) else { continue }
                if let previous = current {
                    metrics.endpointSwitches.increment()
                    logger.warning("Switching Ethereum endpoint", metadata: [
                        "eth.endpoint.from": "\(previous)", "eth.endpoint.to": "\(i)",
                        "eth.endpoint.from.errors": "\(health[previous].consecutiveErrors)",
                    ])
                }
                current = i
            }
            return i
        }
        return nil
    }

    func verifyChain(_ i: Int) async -> Bool {
        if health[i].wrongChain { return false }
        do {
            let id = try await clients[i].chainID()
            guard id == expectedChainID else {
                health[i].recordWrongChain(served: id)
                metrics.rpcErrors(endpoint: i, kind: "wrong_chain").increment()
                logger.error("Ethereum endpoint serves the wrong chain; excluded", metadata: [
                    "eth.endpoint": "\(i)", "eth.chain_id": "\(id)", "eth.chain_id.expected": "\(expectedChainID)",
                ])
                return false
            }
            health[i].chainVerified = true
            return true
        } catch {
            recordFailure(i, error: error, what: "eth_chainId")
            return false
        }
    }

    func recordFailure(_ i: Int, error: any Error, what: String) {
        health[i].recordError(nowMs: clock.nowMilliseconds)
        if i == current { health[i].chainVerified = false }
        let kind = Self.kind(of: error)
        metrics.rpcErrors(endpoint: i, kind: kind).increment()
        logger.warning("Ethereum endpoint call failed", metadata: [
            "eth.endpoint": "\(i)", "eth.method": "\(what)", "error.kind": "\(kind)", "error": "\(error)",
            "eth.endpoint.errors": "\(health[i].consecutiveErrors)",
        ])
    }

    /// Bounded label for an RPC failure.
    static func kind(of error: any Error) -> String {
        switch error {
        case JSONRPCClientError.transport(let t):
            switch t {
            case .timedOut: "timeout"
            case .httpStatus: "http_status"
            case .connectionFailed: "connection"
            case .responseTooLarge: "too_large"
            case .other: "transport"
            }
        case JSONRPCClientError.malformedResponse: "malformed"
        case JSONRPCClientError.rpc: "rpc_error"
        case is EthereumDecodingError: "malformed"
        default: "other"
        }
    }
}

/// Why the watcher could not make progress.
public enum WatcherError: Error, Sendable, Hashable, CustomStringConvertible {
    case noUsableEndpoint(String)
    case agreementUnavailable
    case endpointsDisagree(String)
    /// Every endpoint answered `eth_chainId` with another chain than `ethereum.chain_id`.
    case wrongChain(expected: UInt64, served: [UInt64])
    case finalityTagUnsupported(String)
    case noContractCode(String)
    /// The endpoint's head is below a block it was asked about (it is not used for that answer).
    case endpointBehind(head: UInt64, needed: UInt64)

    public var description: String {
        switch self {
        case .noUsableEndpoint(let m): "no usable Ethereum endpoint (last error: \(m))"
        case .agreementUnavailable: "agreement mode needs two healthy endpoints"
        case .endpointsDisagree(let what): "endpoints disagree on \(what)"
        case .wrongChain(let expected, let served):
            "no Ethereum endpoint serves chain id \(expected) (ethereum.chain_id); they serve \(served.map(String.init).joined(separator: ", "))"
        case .finalityTagUnsupported(let tag): "the endpoint does not serve the \(tag) block tag"
        case .noContractCode(let address): "no contract code at \(address)"
        case .endpointBehind(let head, let needed): "the endpoint's head \(head) is below block \(needed)"
        }
    }
}
