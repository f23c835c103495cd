// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeTesting
import ChainCrypto
import Ethereum

/// The real `EthereumWatcher` and `EndpointPool` over scripted endpoints, an in-memory store and a
/// stepped clock: no process, no socket, no real time. The watcher runs in a task; the test
/// awaits its pause (`parked`), looks at the store, changes the chain, and wakes it.
struct ScriptedWatcherFixture {
    static let chainID: UInt64 = 1337
    static let contract = [UInt8](repeating: 0xb1, count: 20)
    static let token = [UInt8](repeating: 0x22, count: 20)
    static let recipient = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"

    let ledger: ScriptedEthereumLedger
    let endpoints: [ScriptedEthereumChain]
    let store = InMemoryObservationStore()
    let wall = VirtualClock()
    let clock: SteppedSleepClock
    let logs = CapturedLogs()
    var configuration: EthereumWatcherConfiguration
    var trust = EndpointTrust.failover

    init(endpoints count: Int = 1, ledger: ScriptedEthereumLedger = ScriptedEthereumLedger(chainID: chainID)) {
        self.ledger = ledger
        ledger.deploy(Self.contract)
        endpoints = (0..<count).map { _ in ScriptedEthereumChain(ledger) }
        clock = SteppedSleepClock(wall: wall)
        configuration = EthereumWatcherConfiguration(chainID: Self.chainID, contract: Self.contract, profile: .v2, finality: .finalized, startBlock: 1)
    }

    /// A new pool and watcher over the fixture's endpoints and store, running in a task.
    func start() -> RunningWatcher {
        let pool = EndpointPool(clients: endpoints, expectedChainID: Self.chainID, trust: trust, clock: wall, logger: logs.logger())
        let watcher = EthereumWatcher(configuration: configuration, pool: pool, store: store, clock: clock, wallClock: wall, logger: logs.logger())
        return RunningWatcher(watcher: watcher, task: Task { try await watcher.run() }, clock: clock)
    }

    /// A v2 lock transaction of the bridge contract (`n` names it: its hash is derived from it).
    static func lock(_ n: Int, amount: UInt64 = 100_000_000) -> ScriptedEthereumLedger.Transaction {
        let data = ABIEncoder.encode([
            .address([UInt8](repeating: 0x11, count: 20)), .address(token), .uint(ABIWord(amount)), .uint(ABIWord(0)), .string(""),
            .string(recipient), .string("lock \(n)"), .uint(ABIWord(1_700_000_000_000)), .uint(ABIWord(1)),
        ])
        return .init(hash: hash(n), logs: [.init(address: contract, topics: [LockEventDecoder.v2Event.topic0], data: data)])
    }

    static func hash(_ n: Int) -> [UInt8] { Keccak256.hash(Array("scripted lock \(n)".utf8)) }

    /// The observation id of lock `n` (one log per lock transaction, at `logIndex`).
    static func id(_ n: Int, logIndex: UInt32 = 0) -> ObservationID {
        ObservationID(chainID: chainID, transactionHash: hash(n), logIndex: logIndex)
    }

    /// Mines empty blocks until the head is `number` - 1, then a block with `transactions`.
    func mine(at number: UInt64, _ transactions: [ScriptedEthereumLedger.Transaction]) {
        while ledger.head + 1 < number { ledger.mine() }
        ledger.mine(transactions)
    }

    /// Mines empty blocks up to head `number`.
    func mine(to number: UInt64) {
        while ledger.head < number { ledger.mine() }
    }

    func cursor() async throws -> UInt64? { try await store.cursorBlock(configuration.cursorName) }
}

/// A watcher running in a task, driven through its stepped clock.
struct RunningWatcher {
    let watcher: EthereumWatcher<SteppedSleepClock>
    let task: Task<Void, any Error>
    let clock: SteppedSleepClock

    /// Waits for the watcher's next pause; what it asked for (nil: it did not pause in time).
    func parked() async -> Duration? { await clock.parked() }

    /// Wakes the watcher and waits for its next pause.
    @discardableResult
    func step() async -> Duration? {
        clock.wake()
        return await clock.parked()
    }

    /// Wakes and waits, pause after pause, until `condition` holds (at most `maxSteps` pauses).
    func step(until condition: () async throws -> Bool, maxSteps: Int = 40) async rethrows -> Bool {
        for _ in 0..<maxSteps {
            if try await condition() { return true }
            guard await step() != nil else { return false }
        }
        return try await condition()
    }

    /// Cancels the watcher; what it yielded on `observations` over its whole run.
    func stop() async -> [ObservationRecord] {
        task.cancel()
        _ = await task.result
        var emitted: [ObservationRecord] = []
        for await record in watcher.observations { emitted.append(record) }
        return emitted
    }
}
