// SPDX-License-Identifier: Apache-2.0

/// The validator set: heartbeat age, peer id, connected, signatures in the last hour, and a
/// warning for a validator silent for more than two heartbeat intervals.
enum ValidatorTable {
    static func render(_ rows: [ValidatorRow], now: UInt64, heartbeatIntervalMs: UInt64) -> String {
        var html = "<section id=\"validators\">\n<h2>Validators</h2>\n"
        guard !rows.isEmpty else { return html + "<p class=\"empty\">No validator set known yet.</p>\n</section>\n" }
        html += "<table class=\"validators\">\n<thead><tr><th>validator</th><th>Ethereum</th><th>peer id</th><th>connected</th>"
        html += "<th>last heartbeat</th><th class=\"num\">signatures (1 h)</th><th>version</th><th class=\"num\">Ethereum cursor</th></tr></thead>\n<tbody>\n"
        for v in rows { html += row(v, now: now, heartbeatIntervalMs: heartbeatIntervalMs) }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func row(_ v: ValidatorRow, now: UInt64, heartbeatIntervalMs: UInt64) -> String {
        let silent = v.isSilent(now: now, heartbeatIntervalMs: heartbeatIntervalMs)
        var s = "<tr class=\"\(silent ? "silent" : "alive")\">"
        s += "<td>\(PageLayout.copyable(v.koinosAddress, head: 6, tail: 4))"
        if v.isSelf { s += " <span class=\"tag\">this node</span>" }
        if !v.inSet { s += " <span class=\"tag warn\">not in the set</span>" }
        s += "</td><td>\(v.ethereumAddress.map { PageLayout.copyable($0, head: 8, tail: 4) } ?? "-")</td>"
        s += "<td>\(v.peerID.map { PageLayout.copyable($0, head: 8, tail: 4) } ?? "-")</td>"
        s += "<td class=\"\(v.connected ? "good" : "bad")\">\(v.connected ? "yes" : "no")</td>"
        let age = v.lastHeartbeatMs.map { PageText.age(PageText.elapsed(now, since: $0)) + " ago" } ?? "never"
        s += "<td>\(age)\(silent ? " <span class=\"warn\">silent</span>" : "")</td>"
        s += "<td class=\"num\" id=\"signatures-\(escape(v.koinosAddress))\">\(v.signaturesLastHour)</td><td>\(v.version.map(escape) ?? "-")</td>"
        s += "<td class=\"num\">\(v.ethereumCursor.map(String.init) ?? "-")</td></tr>\n"
        return s
    }
}
