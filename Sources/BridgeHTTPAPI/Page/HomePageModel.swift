// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore

/// Everything `/` shows, read once per request; the renderers are pure functions of it.
struct HomePageModel: Sendable {
    var now: UInt64
    var node: NodeDescription
    var uptimeMs: UInt64
    var settings: PageSettings
    /// Readiness checks by name (the store's included), as `/readyz` reports them.
    var readiness: [String: Bool]
    var peers: [PeerSnapshot]
    var heads = ChainHeads()
    var overview: OperatorOverview
    var attestations: AttestationPage
    /// The filters the list was read with (status, cursor, …) and whether a cursor was given.
    var query: AttestationQuery
    var validators: [ValidatorRow]
    var tokens: TokenNames
    /// The newest Koinos → Ethereum transfers (the second direction), with the list's status filter.
    var koinosLocks = KoinosLockPage(items: [], nextCursor: nil)

    /// Why the header is red; empty when nothing needs attention.
    var attention: [String] {
        var reasons: [String] = []
        for (name, ok) in readiness.sorted(by: { $0.key < $1.key }) where !ok { reasons.append("not ready: \(name)") }
        if let cursor = ethereumCursor {
            let age = PageText.elapsed(now, since: cursor.updatedAtMs)
            if age > settings.watcherStallMs { reasons.append("Ethereum watcher stalled: cursor unchanged for \(PageText.age(age))") }
        } else {
            reasons.append("Ethereum watcher has no cursor yet")
        }
        if overview.failingSubmissions > 0 {
            reasons.append("\(overview.failingSubmissions) Koinos submission(s) failing: \(overview.lastSubmissionError ?? "no error recorded")")
        }
        if overview.evidenceCount > 0 { reasons.append("equivocation seen: \(overview.evidenceCount) evidence record(s)") }
        return reasons
    }

    /// The watcher's cursor: the one whose name starts with "eth", else the first.
    var ethereumCursor: CursorRecord? { overview.cursors.first { $0.name.hasPrefix("eth") } ?? overview.cursors.first }
}

/// One validator of the set as the page shows it.
struct ValidatorRow: Sendable, Hashable {
    var koinosAddress: String
    var ethereumAddress: String?
    var peerID: String?
    var isSelf: Bool
    /// In the set read from the contract (or the configured list until it is read).
    var inSet: Bool
    var version: String?
    var lastHeartbeatMs: UInt64?
    var ethereumCursor: UInt64?
    var connected: Bool
    var signaturesLastHour: Int

    /// The set first (contract order, else configured), then validators known only from heartbeats.
    static func rows(
        set: [String], configured: [ConfiguredValidator], heartbeats: [HeartbeatRecord], peers: [PeerSnapshot],
        signaturesLastHour: [[UInt8]: Int], selfAddress: String?
    ) -> [ValidatorRow] {
        var byAddress: [String: HeartbeatRecord] = [:]
        for h in heartbeats { byAddress[TextForms.koinosAddress(h.validator)] = h }
        var signatures: [String: Int] = [:]
        for (validator, n) in signaturesLastHour { signatures[TextForms.koinosAddress(validator)] = n }
        let configuredByAddress = Dictionary(configured.map { ($0.koinosAddress, $0) }, uniquingKeysWith: { a, _ in a })
        var order = set
        for address in byAddress.keys.sorted() where !set.contains(address) { order.append(address) }
        return order.map { address in
            let heartbeat = byAddress[address]
            let peerID = heartbeat?.peerID ?? configuredByAddress[address].map(\.peerID).flatMap { $0.isEmpty ? nil : $0 }
            let connected =
                address == selfAddress
                || peers.contains { $0.connected && ($0.validator == address || (peerID != nil && $0.peerID == peerID)) }
            return ValidatorRow(
                koinosAddress: address, ethereumAddress: configuredByAddress[address]?.ethereumAddress, peerID: peerID,
                isSelf: address == selfAddress, inSet: set.contains(address), version: heartbeat?.version,
                lastHeartbeatMs: heartbeat?.receivedAtMs, ethereumCursor: heartbeat?.ethereumCursor, connected: connected,
                signaturesLastHour: signatures[address] ?? 0)
        }
    }

    /// No heartbeat, or none for more than two heartbeat intervals.
    func isSilent(now: UInt64, heartbeatIntervalMs: UInt64) -> Bool {
        guard let last = lastHeartbeatMs else { return true }
        return PageText.elapsed(now, since: last) > 2 * heartbeatIntervalMs
    }

    /// `1AbCd…xyz`: enough to tell validators apart in a table cell.
    var shortName: String { PageText.short(koinosAddress, head: 5, tail: 3) }
}

/// Token symbol and decimals by Ethereum token address.
struct TokenNames: Sendable {
    private var byToken: [[UInt8]: TokenDisplay] = [:]

    init(_ tokens: [TokenDisplay]) {
        for t in tokens { byToken[t.ethereumToken] = t }
    }

    /// (label, human amount) of a stored transfer; the amount falls back to the raw text.
    func describe(token: [UInt8], koinosToken: [UInt8]?, amount: String) -> (label: String, amount: String) {
        let display = byToken[token] ?? (token.allSatisfy { $0 == 0 } ? byToken[[]] : nil)
        let decimals = display?.decimals ?? TokenDisplay.eventDecimals
        let label =
            display?.symbol ?? display?.koinosToken.map { PageText.short($0, head: 6, tail: 4) }
            ?? koinosToken.map { PageText.short(TextForms.koinosAddress($0), head: 6, tail: 4) }
            ?? PageText.short(TextForms.ethereumAddress(token))
        return (label, PageText.amount(amount, decimals: decimals) ?? amount)
    }
}
