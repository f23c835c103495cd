// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeTesting
import Koinos
import Synchronization
import Testing

/// A scripted Koinos chain with the bridge's lock events, an in-memory lock store and a virtual
/// clock, for the process-free lock watcher tests (KoinosLockWatcherPortTests).
struct ScriptedLockWatcherNetwork {
    static let bridge = [UInt8](repeating: 0xb0, count: 25)
    static let koin = [UInt8](repeating: 0x4b, count: 25)
    static let user = [UInt8](repeating: 0x55, count: 25)
    static let ethToken = [UInt8](repeating: 0xe1, count: 20)
    static let ethBridge = [UInt8](repeating: 0xb2, count: 20)
    static let recipient = "0x" + String(repeating: "4c", count: 20)

    let chain: ScriptedKoinosChain
    /// The test's own view of the chain, so its reads are not counted as the watcher's.
    private let reader: ScriptedKoinosChain
    let store = InMemoryKoinosLockStore()
    let clock = VirtualClock()
    let configuration: KoinosLockWatcherConfiguration
    private let transactions = Counter()

    init(irreversibleDepth: UInt64) {
        var chainConfiguration = ScriptedKoinosChain.Configuration(bridge: Self.bridge, version: .v2, validators: [])
        chainConfiguration.irreversibleDepth = irreversibleDepth
        chain = ScriptedKoinosChain(chainConfiguration, accounts: [:])
        reader = chain.replica()
        let judge = KoinosLockJudge.Configuration(
            profile: .v2, tokens: [Self.koin: Self.ethToken], ethereumBridge: Self.ethBridge, ethereumChainID: 1, signatureLifetimeMs: 3_600_000)
        configuration = KoinosLockWatcherConfiguration(bridgeContract: Self.bridge, chainID: chain.id, judge: judge)
    }

    func watcher(endpoints: [any KoinosChain]? = nil, maxBlocks: UInt32 = 500, clock: VirtualClock? = nil) -> KoinosLockWatcher {
        var configuration = configuration
        configuration.maxBlocksPerWindow = maxBlocks
        let clock = clock ?? self.clock
        let pool = KoinosEndpointPool(clients: endpoints ?? [chain], chainID: configuration.chainID, clock: clock)
        return KoinosLockWatcher(configuration: configuration, endpoints: pool, store: store, clock: clock)
    }

    func produce(_ count: Int) {
        for _ in 0..<count { chain.produceBlock() }
    }

    /// A `tokens_locked_event` of the bridge in the next block; returns its lock id.
    @discardableResult
    func lock(amount: String, token: [UInt8] = Self.koin) -> KoinosLockID {
        let lock = KoinosBridgeEvent.TokensLocked(from: Self.user, token: token, amount: amount, recipient: Self.recipient, chainID: 1)
        return event(data: lock.encoded(.v2))
    }

    /// An event named `tokens_locked_event` with `data` from `source` in the next block; returns its lock id.
    @discardableResult
    func event(data: [UInt8], source: [UInt8] = Self.bridge) -> KoinosLockID {
        let tx = KoinosMultihash.sha256(Array("lock transaction \(transactions.next())".utf8))
        let event = KoinosEvent(sequence: 1, source: source, name: KoinosBridgeEvent.tokensLocked, data: data)
        chain.include(KoinosTransactionReceipt(id: tx, payer: Self.user, events: [event]))
        return KoinosLockID(transactionID: tx, operationID: 1)
    }

    /// A `transfer_completed_event` of the bridge for Ethereum transaction `hash` in the next block.
    func completion(ofEthereumTransaction hash: [UInt8]) {
        var payload = KoinosProtoWriter()
        payload.bytes(1, hash)
        let tx = KoinosMultihash.sha256(Array("completion transaction \(transactions.next())".utf8))
        let event = KoinosEvent(sequence: 1, source: Self.bridge, name: KoinosBridgeEvent.transferCompleted, data: payload.bytes)
        chain.include(KoinosTransactionReceipt(id: tx, payer: Self.user, events: [event]))
    }

    /// Block `height` of the chain's current branch, as an endpoint serves it.
    func block(_ height: UInt64) async throws -> KoinosBlockItem? {
        let head = try await reader.headInfo()
        return try await reader.blocksByHeight(headBlockID: head.headID, startHeight: height, count: 1).first
    }

    /// The cursor after a window ending at block `height`.
    func cursor(after height: UInt64) async throws -> KoinosScanCursor {
        let id = try #require(try await block(height)).blockID
        return KoinosScanCursor(nextHeight: height + 1, previousBlockID: id)
    }

    func drain(_ watcher: KoinosLockWatcher) async throws {
        for _ in 0..<100 { if case .waiting = try await watcher.scanOnce() { return } }
        Issue.record("the watcher did not catch up in 100 windows")
    }
}

/// Distinct transaction ids for the scripted receipts.
private final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
