// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Hummingbird

/// `GET /v1/governor`: per governed token, its limits, what the rolling window holds now and the
/// transfers queued with their release times.
struct GovernorRoutes {
    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/governor") { _, _ in try await governor() }
    }

    func governor() async throws -> Response { JSONResponse.make(try await Self.summary(api)) }

    /// The governor's state now, as `/v1/governor` and the operator's page show it.
    static func summary(_ api: InspectionAPI) async throws -> GovernorJSON {
        let policy = api.governor
        let now = api.clock()
        let since = now > policy.windowMilliseconds ? now - policy.windowMilliseconds : 0
        let state = policy.isEmpty ? GovernorState(history: [], queue: []) : try await api.store.governorState(sinceMilliseconds: since)
        let window = Governor(policy: policy, history: state.history)
        let tokens = policy.tokens.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { token, limits in
            let used = window.used(token: token, atMilliseconds: now)
            return GovernorTokenJSON(
                token: tokenText(token),
                daily_limit: String(limits.dailyLimit), single_transfer_threshold: String(limits.singleTransferThreshold),
                big_transfer_delay_ms: limits.bigTransferDelayMilliseconds, used: String(used),
                available: String(used >= UInt128(limits.dailyLimit) ? 0 : UInt128(limits.dailyLimit) - used),
                queued: state.queue.filter { $0.entry.transfer.token == token }.map { GovernorQueuedJSON($0.entry) })
        }
        return GovernorJSON(enabled: !policy.isEmpty, now_ms: now, window_ms: policy.windowMilliseconds, tokens: tokens)
    }

    /// An Ethereum → Koinos key (20 bytes: checksummed address or `native`) or a Koinos → Ethereum
    /// key (the Koinos token contract, base58).
    static func tokenText(_ token: [UInt8]) -> String {
        if token.count == 20 { return token == [UInt8](repeating: 0, count: 20) ? "native" : TextForms.ethereumAddress(token) }
        return TextForms.koinosAddress(token)
    }
}

struct GovernorJSON: Encodable {
    var enabled: Bool
    var now_ms: UInt64
    var window_ms: UInt64
    var tokens: [GovernorTokenJSON]
}

/// Amounts are strings (u64 and sums exceed JavaScript's safe integers).
struct GovernorTokenJSON: Encodable {
    var token: String
    var daily_limit: String
    var single_transfer_threshold: String
    var big_transfer_delay_ms: UInt64
    /// Counted in the window ending now.
    var used: String
    var available: String
    var queued: [GovernorQueuedJSON]
}

struct GovernorQueuedJSON: Encodable {
    var id: String
    var amount: String
    var source_time_ms: UInt64
    var release_at_ms: UInt64
    var reason: String
    var links: [String: String]

    init(_ entry: GovernorEntry) {
        id = entry.transfer.id.description
        amount = String(entry.transfer.amount)
        source_time_ms = entry.transfer.sourceTimeMilliseconds
        var release = entry.transfer.sourceTimeMilliseconds
        var why = ""
        if case .delayed(let at, let reason) = entry.decision { (release, why) = (at, reason.rawValue) }
        release_at_ms = release
        reason = why
        links = ["attestation": "/v1/attestations/\(id)"]
    }
}

/// An attestation's governor decision: `sign_now`, or delayed with its release time.
struct GovernorDecisionJSON: Encodable {
    var decision: String
    var reason: Nullable<String>
    var release_at_ms: Nullable<UInt64>
    var released_early_at_ms: Nullable<UInt64>

    init(_ entry: GovernorEntry) {
        switch entry.decision {
        case .signNow:
            decision = "sign_now"
            reason = Nullable(nil)
            release_at_ms = Nullable(nil)
        case .delayed(let at, let why):
            decision = "delayed"
            reason = Nullable(why.rawValue)
            release_at_ms = Nullable(at)
        }
        released_early_at_ms = Nullable(entry.releasedEarlyAtMilliseconds)
    }
}
