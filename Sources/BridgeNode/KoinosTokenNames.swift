// SPDX-License-Identifier: Apache-2.0
import BridgeHTTPAPI
import ChainCrypto
import Foundation
import Koinos
import Synchronization

/// Token symbols and decimals for the operator's page, read from the Koinos token contracts.
///
/// `current()` answers at once from memory; the first call, and later calls while a token is
/// still unnamed (at most once a minute), start one background read of `symbol()` and
/// `decimals()` per unnamed token. A contract that does not answer keeps its short contract id
/// and the event's 8 decimals. Symbols are cut to 16 characters (the page escapes them anyway).
final class KoinosTokenNames: Sendable {
    static let retryAfter: Duration = .seconds(60)
    static let maximumSymbolLength = 16

    private struct State {
        var tokens: [TokenDisplay]
        var lastAttempt: ContinuousClock.Instant?
        var reading = false
    }

    private let state: Mutex<State>
    private let rpc: KoinosRPCClient?

    /// - Parameters:
    ///   - configured: tokens from `koinos.tokens`, unnamed.
    ///   - rpc: the Koinos node to ask; nil never asks (inspection without keys).
    init(configured: [TokenDisplay], rpc: KoinosRPCClient?) {
        state = Mutex(State(tokens: configured))
        self.rpc = rpc
    }

    func current() -> [TokenDisplay] {
        let now = ContinuousClock.now
        let (tokens, start) = state.withLock { s -> ([TokenDisplay], Bool) in
            let unnamed = s.tokens.contains { $0.symbol == nil && $0.koinosToken != nil }
            let due = s.lastAttempt.map { now - $0 >= Self.retryAfter } ?? true
            guard rpc != nil, unnamed, due, !s.reading else { return (s.tokens, false) }
            s.reading = true
            s.lastAttempt = now
            return (s.tokens, true)
        }
        if start { Task { await readNames() } }
        return tokens
    }

    /// Reads the unnamed tokens' symbols and decimals once (bounded by the RPC client's timeout).
    func readNames() async {
        defer { state.withLock { $0.reading = false } }
        guard let rpc else { return }
        let unnamed = state.withLock { $0.tokens.filter { $0.symbol == nil } }
        for token in unnamed {
            guard let contract = token.koinosToken.flatMap({ KoinosAddress($0) }) else { continue }
            guard let named = try? await rpc.tokenSymbolAndDecimals(token: contract.bytes) else { continue }
            state.withLock { s in
                for i in s.tokens.indices where s.tokens[i].ethereumToken == token.ethereumToken {
                    s.tokens[i].symbol = String(named.symbol.prefix(Self.maximumSymbolLength))
                    s.tokens[i].decimals = named.decimals
                }
            }
        }
    }
}
