// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import BridgeTesting
import CurlTransport
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// Several Koinos endpoints for the lock watcher, over real sockets: a loopback proxy in front of
/// the simulator (Tests/Interop/eth/fault_server.py) lies or answers garbage, the simulator itself
/// is the honest endpoint. A lying endpoint is set aside and the honest one's window committed;
/// in `two_agree` a liar stalls the watcher but never gets a window stored.
@Suite(.serialized)
struct KoinosEndpointFailoverTests {
    struct Liar {
        let server: FaultServer
        let rpc: KoinosRPCClient

        static func start(_ sim: KoinosSimulatorProcess) async throws -> Liar {
            let server = try await FaultServer.start(upstream: sim.rpcURL)
            return Liar(server: server, rpc: KoinosRPCClient(transport: CurlHTTPTransport(url: server.url)))
        }

        func mode(_ mode: String, _ options: [String: JSONValue] = [:]) async throws {
            _ = try await rpc.client.call("fault_setMode", .array([.string(mode), .object(options)]))
        }
    }

    static func watcher(_ s: KoinosLockWatcherTests.Setup, _ clients: [KoinosRPCClient], agreement: KoinosEndpointAgreement = .failover)
        -> KoinosLockWatcher {
        var configuration = s.configuration
        configuration.agreement = agreement
        let clock = VirtualClock()
        let pool = KoinosEndpointPool(clients: clients, chainID: configuration.chainID, clock: clock)
        return KoinosLockWatcher(configuration: configuration, endpoints: pool, store: SQLiteKoinosLockStore(s.db), clock: clock)
    }

    @Test(.timeLimit(.minutes(2)))
    func aGarbageOrUnlinkedEndpointIsSetAsideForTheHonestOne() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 0) else { return }
        let liar = try await Liar.start(s.sim)
        let watcher = Self.watcher(s, [liar.rpc, s.sim.rpc])
        let (first, firstSeq) = try await s.lock(amount: 11)
        try await s.sim.produceBlock()
        try await liar.mode("garbage")
        try await s.drain(watcher)
        #expect(try await s.db.koinosLocks().map(\.id) == [KoinosLockID(transactionID: first, operationID: firstSeq)])
        let health = await watcher.endpoints.healthSnapshot
        #expect(health[0].totalErrors >= 1 && health[1].totalErrors == 0)

        // a block that does not link, served by the endpoint ranked first (a fresh pool)
        let (second, secondSeq) = try await s.lock(amount: 12)
        try await s.sim.produceBlock()
        let height = try await s.sim.rpc.headInfo().height
        try await liar.mode("lie", ["koinos_previous_at": .int(Int64(height))])
        let onlyLiar = KoinosLockWatcher(configuration: s.configuration, rpc: liar.rpc, store: SQLiteKoinosLockStore(s.db), clock: VirtualClock())
        await #expect(throws: KoinosWatcherError.self) { _ = try await onlyLiar.scanOnce() }  // alone, it is refused
        #expect(try await s.db.koinosLocks().count == 1)
        let fresh = Self.watcher(s, [liar.rpc, s.sim.rpc])
        try await s.drain(fresh)
        #expect(await fresh.endpoints.healthSnapshot.map(\.totalErrors) == [1, 0])
        #expect(Set(try await s.db.koinosLocks().map(\.id)) == [
            KoinosLockID(transactionID: first, operationID: firstSeq), KoinosLockID(transactionID: second, operationID: secondSeq)])
        let head = try await s.sim.rpc.headInfo()
        #expect(try await fresh.cursor() == KoinosScanCursor(nextHeight: head.height + 1, previousBlockID: head.headID))
        await liar.server.stop()
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aLIBGoingBackwardsIsALie() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 0) else { return }
        let liar = try await Liar.start(s.sim)
        let watcher = Self.watcher(s, [liar.rpc, s.sim.rpc])
        try await s.sim.produceBlock(count: 3)
        try await s.drain(watcher)  // the liar (endpoint 0) is honest so far: it served LIB 3
        #expect(await watcher.endpoints.healthSnapshot[0].totalErrors == 0)
        let (tx, seq) = try await s.lock(amount: 13)
        try await s.sim.produceBlock()
        try await liar.mode("lie", ["koinos_lib": .int(1)])
        try await s.drain(watcher)
        #expect(try await s.db.koinosLocks().map(\.id) == [KoinosLockID(transactionID: tx, operationID: seq)])
        #expect(await watcher.endpoints.healthSnapshot[0].totalErrors >= 1)
        await liar.server.stop()
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func twoAgreeStoresAWindowOnlyWhenTwoEndpointsServeIt() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 0) else { return }
        let liar = try await Liar.start(s.sim)
        let watcher = Self.watcher(s, [liar.rpc, s.sim.rpc], agreement: .twoAgree)
        let (tx, seq) = try await s.lock(amount: 14)
        try await s.sim.produceBlock()
        let height = try await s.sim.rpc.headInfo().height
        try await liar.mode("lie", ["koinos_previous_at": .int(Int64(height))])
        for _ in 0..<3 {
            await #expect(throws: KoinosWatcherError.self) { _ = try await watcher.scanOnce() }
        }
        #expect(try await s.db.koinosLocks().isEmpty)
        #expect(try await SQLiteKoinosLockStore(s.db).koinosCursor(s.configuration.cursorName) == nil)

        try await liar.mode("pass")
        try await s.drain(watcher)  // both serve the same window now
        #expect(try await s.db.koinosLocks().map(\.id) == [KoinosLockID(transactionID: tx, operationID: seq)])
        // one endpoint alone is not enough
        let alone = Self.watcher(s, [s.sim.rpc], agreement: .twoAgree)
        try await s.sim.produceBlock()
        await #expect(throws: KoinosWatcherError.self) { _ = try await alone.scanOnce() }
        await liar.server.stop()
        await s.sim.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aMadeUpLockThatStillLinksIsStoredInFailoverButNeverInTwoAgree() async throws {
        guard let s = try await KoinosLockWatcherTests.setUp(depth: 0) else { return }
        let liar = try await Liar.start(s.sim)
        let (tx, seq) = try await s.lock(amount: 15)
        try await s.sim.produceBlock()
        let height = try await s.sim.rpc.headInfo().height
        try await liar.mode("lie", ["koinos_extra_event_at": .int(Int64(height))])
        let real = KoinosLockID(transactionID: tx, operationID: seq), madeUp = KoinosLockID(transactionID: tx, operationID: seq + 100)

        let agreeing = Self.watcher(s, [liar.rpc, s.sim.rpc], agreement: .twoAgree)
        for _ in 0..<2 {
            var refusal: KoinosWatcherError?
            do { _ = try await agreeing.scanOnce() } catch let error as KoinosWatcherError { refusal = error }
            guard case .endpointsDisagree(let start, let endpoints) = refusal else { Issue.record("not refused: \(String(describing: refusal))"); break }
            #expect(start == 1 && Set(endpoints) == [0, 1])
        }
        #expect(try await s.db.koinosLocks().isEmpty)
        #expect(await agreeing.endpoints.healthSnapshot.map(\.totalErrors) == [0, 0])  // nobody can tell which one lies

        // what failover trusts (docs/security.md): the endpoint in use, here the liar
        let trusting = Self.watcher(s, [liar.rpc, s.sim.rpc])
        try await s.drain(trusting)
        #expect(Set(try await s.db.koinosLocks().map(\.id)) == [real, madeUp])
        await liar.server.stop()
        await s.sim.stop()
    }
}
