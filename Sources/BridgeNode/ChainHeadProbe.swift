// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeHTTPAPI
import Koinos
import Synchronization

/// The chains' heads for the operator's page, answered from memory.
///
/// Ethereum: the best head the endpoint pool last recorded (the watcher refreshes it every poll).
/// Koinos: the last `chain.get_head_info` answer; a page view older than `refreshAfter` starts one
/// background read (never more than one at a time), so the page never waits on the Koinos node.
final class ChainHeadProbe: Sendable {
    static let refreshAfter: Duration = .seconds(5)

    private struct State {
        var koinos: UInt64?
        var lastAttempt: ContinuousClock.Instant?
        var reading = false
    }

    private let state = Mutex(State())
    private let pool: EndpointPool?
    private let koinosRPC: KoinosRPCClient?

    init(pool: EndpointPool?, koinosRPC: KoinosRPCClient?) {
        self.pool = pool
        self.koinosRPC = koinosRPC
    }

    func current() async -> ChainHeads {
        let now = ContinuousClock.now
        let (koinos, start) = state.withLock { s -> (UInt64?, Bool) in
            let due = s.lastAttempt.map { now - $0 >= Self.refreshAfter } ?? true
            guard koinosRPC != nil, due, !s.reading else { return (s.koinos, false) }
            s.reading = true
            s.lastAttempt = now
            return (s.koinos, true)
        }
        if start { Task { await readKoinosHead() } }
        let ethereum = await pool?.healthSnapshot.filter { !$0.wrongChain }.compactMap(\.head).max()
        return ChainHeads(ethereum: ethereum, koinos: koinos)
    }

    /// One `chain.get_head_info` (bounded by the RPC client's timeout); a failure keeps the last height.
    func readKoinosHead() async {
        let height = try? await koinosRPC?.headInfo().height
        state.withLock { s in
            if let height { s.koinos = height }
            s.reading = false
        }
    }
}
