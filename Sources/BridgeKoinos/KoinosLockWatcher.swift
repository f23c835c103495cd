// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import ChainCrypto
public import Koinos
public import Logging

/// Settings of the Koinos lock watcher (`koinos.watcher` in the configuration).
public struct KoinosLockWatcherConfiguration: Sendable {
    /// The Koinos bridge contract: only its events count.
    public var bridgeContract: [UInt8]
    /// The Koinos chain id (34-byte multihash) every endpoint must serve.
    public var chainID: [UInt8]
    public var judge: KoinosLockJudge.Configuration
    /// First height to scan when no cursor is stored.
    public var startHeight: UInt64
    /// Blocks per `get_blocks_by_height` call (the node caps it too).
    public var maxBlocksPerWindow: UInt32
    public var pollIntervalMs: UInt64
    public var cursorName: String
    /// How far one endpoint is believed (two_agree needs two endpoints).
    public var agreement: KoinosEndpointAgreement

    public init(bridgeContract: [UInt8], chainID: [UInt8], judge: KoinosLockJudge.Configuration, startHeight: UInt64 = 1,
                maxBlocksPerWindow: UInt32 = 500, pollIntervalMs: UInt64 = 1_000, cursorName: String = "koinos-locks",
                agreement: KoinosEndpointAgreement = .failover) {
        self.agreement = agreement
        self.bridgeContract = bridgeContract
        self.chainID = chainID
        self.judge = judge
        self.startHeight = max(1, startHeight)
        self.maxBlocksPerWindow = max(1, maxBlocksPerWindow)
        self.pollIntervalMs = pollIntervalMs
        self.cursorName = cursorName
    }
}

/// What one `scanOnce` did.
public enum KoinosScanStep: Sendable, Hashable {
    /// The cursor is past the LIB: nothing to read yet.
    case waiting(nextHeight: UInt64, lib: UInt64)
    /// A window was read, checked, judged and committed with the cursor; `completions` says what
    /// each of its `transfer_completed_event`s did.
    case committed(start: UInt64, cursor: KoinosScanCursor, inserted: [KoinosLockID], completions: [KoinosCompletionOutcome] = [])
}

/// The Koinos → Ethereum lock watcher: `chain.get_head_info` for the LIB, windows of
/// `block_store.get_blocks_by_height` (with receipts) from the stored cursor up to the LIB only,
/// the window checked to link to the cursor's block (or, on a fresh start, to the block below it:
/// `KoinosBlockWindow.fetch`), locks judged (`KoinosLockJudge`), the bridge's
/// `transfer_completed_event`s matched to Ethereum → Koinos observations, and everything + the
/// cursor committed in ONE SQLite transaction. A refused window stores nothing.
///
/// Several endpoints (`KoinosEndpointPool`): one that errors or lies is set aside and the next
/// one asked (KoinosLockWatcher+Scan.swift); in `two_agree` two endpoints must serve the same window.
/// The decisions are the pure `KoinosBlockWindow` / `KoinosLockJudge`; this type only performs the calls.
public struct KoinosLockWatcher: Sendable {
    public struct ChainMismatch: Error, Sendable, CustomStringConvertible {
        public let expected: [UInt8]
        public let served: [UInt8]
        public var description: String {
            "the Koinos endpoint serves chain \(Base64URL.encode(served)), koinos.chain_id is \(Base64URL.encode(expected)): refusing its blocks"
        }
    }

    public let configuration: KoinosLockWatcherConfiguration
    public let endpoints: KoinosEndpointPool
    /// Where each window is committed with its cursor, and the stored locks re-sign requests are judged against.
    public let store: any KoinosLockStore
    public let clock: any BridgeClock
    public let logger: Logger
    let judge: KoinosLockJudge
    let metrics = KoinosWatcherMetrics()

    public init(configuration: KoinosLockWatcherConfiguration, endpoints: KoinosEndpointPool, store: any KoinosLockStore,
                clock: any BridgeClock, logger: Logger = Logger(label: "bridge.koinos-watcher")) {
        self.configuration = configuration
        self.endpoints = endpoints
        self.store = store
        self.clock = clock
        self.logger = logger
        judge = KoinosLockJudge(configuration: configuration.judge)
    }

    /// One endpoint (a `KoinosRPCClient`, or a scripted chain in tests).
    public init(configuration: KoinosLockWatcherConfiguration, rpc: any KoinosChain, store: any KoinosLockStore,
                clock: any BridgeClock, logger: Logger = Logger(label: "bridge.koinos-watcher")) {
        self.init(
            configuration: configuration, endpoints: KoinosEndpointPool(clients: [rpc], chainID: configuration.chainID, clock: clock, logger: logger),
            store: store, clock: clock, logger: logger)
    }

    /// `chain.get_chain_id` on every endpoint: those of another chain are excluded for good; when
    /// none is left that serves the configured chain, nothing is read at all.
    public func verifyChain() async throws {
        let (good, wrong) = await endpoints.verifyChains()
        if good.isEmpty, let served = wrong.first { throw ChainMismatch(expected: configuration.chainID, served: served) }
    }

    /// The stored cursor, or the configured start.
    public func cursor() async throws -> KoinosScanCursor {
        try await store.koinosCursor(configuration.cursorName) ?? KoinosScanCursor(nextHeight: configuration.startHeight, previousBlockID: [])
    }

    /// Scans until cancelled: windows back to back while behind the LIB, a pause when caught up or
    /// after an error (logged with its reason; the window is asked for again).
    public func run() async throws {
        try await verifyChain()
        while !Task.isCancelled {
            let caughtUp: Bool
            do {
                if case .waiting = try await scanOnce() { caughtUp = true } else { caughtUp = false }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("Koinos window refused", metadata: ["error": "\(error)"])
                caughtUp = true
            }
            if caughtUp { try await Task.sleep(for: .milliseconds(Int64(clamping: configuration.pollIntervalMs))) }
        }
    }

    /// Re-sign requests of the window judged against the stored locks (KoinosResignJudge).
    func judgeResignRequests(in items: [KoinosBlockItem]) async throws -> [KoinosResign] {
        var honoured = [KoinosResign]()
        for (decoded, blockTimeMs) in KoinosBlockWindow.resignRequests(in: items, bridge: configuration.bridgeContract) {
            guard case .success(let request) = decoded, let candidates = KoinosResignJudge.candidates(request) else {
                logger.warning("Koinos re-sign request refused: malformed", metadata: ["request": "\(decoded)"])
                continue
            }
            var verdicts = [KoinosResignJudge.Verdict]()
            for id in candidates {
                let lock = try await store.koinosLock(id)
                let verdict = KoinosResignJudge.judge(
                    lock: lock, packed: lock?.message, requestTimeMs: blockTimeMs, lifetimeMs: configuration.judge.signatureLifetimeMs)
                verdicts.append(verdict)
                if case .honour(let resign) = verdict {
                    honoured.append(resign)
                    break
                }
            }
            if !verdicts.contains(where: { if case .honour = $0 { true } else { false } }) {
                logger.notice("Koinos re-sign request not honoured", metadata: [
                    "koinos.tx.id": "\(request.transactionID)", "koinos.operation.id": "\(request.operationID)", "verdicts": "\(verdicts)"])
            }
        }
        return honoured
    }
}
