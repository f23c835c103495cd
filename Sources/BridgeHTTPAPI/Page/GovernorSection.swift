// SPDX-License-Identifier: Apache-2.0

/// The governor on the operator's page: per token, the daily limit, what the rolling window holds,
/// what is left, and the delayed transfers with their release times (each linked to its detail).
enum GovernorSection {
    static func render(_ g: GovernorJSON, now: UInt64) -> String {
        var html = "<section id=\"governor\">\n<h2>Governor</h2>\n<table class=\"governor\">\n<thead><tr>"
        html += "<th>token</th><th>daily limit</th><th>used (24 h)</th><th>available</th><th>single-transfer threshold</th><th>delayed</th>"
        html += "</tr></thead>\n<tbody>\n"
        for t in g.tokens {
            html += "<tr><td><code>\(escape(t.token))</code></td><td>\(escape(t.daily_limit))</td><td>\(escape(t.used))</td>"
            html += "<td>\(escape(t.available))</td><td>\(escape(t.single_transfer_threshold))</td><td>\(t.queued.count)</td></tr>\n"
        }
        html += "</tbody>\n</table>\n"
        let queued = g.tokens.flatMap { t in t.queued.map { (t.token, $0) } }.sorted { $0.1.release_at_ms < $1.1.release_at_ms }
        if queued.isEmpty {
            html += "<p class=\"empty\">no transfer is delayed</p>\n"
        } else {
            html += "<table class=\"governor-queue\">\n<thead><tr><th>transfer</th><th>token</th><th>amount</th><th>reason</th><th>release</th></tr></thead>\n<tbody>\n"
            for (token, q) in queued {
                let inSeconds = q.release_at_ms > now ? "in \((q.release_at_ms - now) / 1_000) s" : "due"
                html += "<tr><td><a href=\"/attestations/\(escape(q.id))\">\(escape(PageText.short(q.id)))</a></td><td><code>\(escape(token))</code></td>"
                html += "<td>\(escape(q.amount))</td><td>\(escape(q.reason))</td><td>\(inSeconds)</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</section>\n"
    }
}
