// SPDX-License-Identifier: Apache-2.0

/// `/attestations/{id}`: every field of the API's detail (`AttestationJSON` with recovery), each
/// signature with the address it recovers to.
enum AttestationDetailPage {
    static func render(_ a: AttestationJSON, tokens: TokenNames, token: [UInt8], koinosToken: [UInt8]?, now: UInt64, refreshSeconds: Int) -> String {
        let (symbol, amount) = tokens.describe(token: token, koinosToken: koinosToken, amount: a.observation.amount)
        var html = "<header class=\"ok\"><h1>Attestation</h1><p><a href=\"/\">← overview</a> · "
        html += "<a href=\"\(escape(a.links["self"] ?? "/"))\">JSON</a></p></header>\n<main>\n"
        html += "<p class=\"headline\"><span class=\"status s-\(escape(a.status))\">\(escape(a.status))</span> "
        html += "<span class=\"amount\">\(escape(amount)) \(escape(symbol))</span> → <code>\(escape(a.observation.recipient))</code></p>\n"
        html += table("attestation", [
            ("id", code(a.id)), ("direction", escape(a.direction)), ("profile", escape(a.profile)), ("status", escape(a.status)), ("reason", a.reason.value.map(escape) ?? "-"),
            ("digest", a.digest.value.map(code) ?? "-"), ("created_at_ms", time(a.created_at_ms, now)), ("updated_at_ms", time(a.updated_at_ms, now)),
        ])
        let o = a.observation
        html += table("observation (Ethereum lock)", [
            ("chain_id", "\(o.chain_id)"), ("tx_hash", code(o.tx_hash)), ("log_index", "\(o.log_index)"), ("block_number", "\(o.block_number)"),
            ("block_hash", code(o.block_hash)), ("block_time_ms", time(o.block_time_ms, now)), ("token", code(o.token)),
            ("sender", code(o.sender)), ("amount", "\(code(o.amount)) (\(escape(amount)) \(escape(symbol)))"), ("recipient", code(o.recipient)),
            ("relayer", code(o.relayer)), ("payment", code(o.payment)), ("metadata", code(o.metadata)),
            ("destination_chain", "\(o.destination_chain)"), ("koinos_token", o.koinos_token.value.map(code) ?? "-"),
            ("koinos_contract", o.koinos_contract.value.map(code) ?? "-"), ("expiration", o.expiration.value.map { "\($0)" } ?? "-"),
        ])
        html += table("quorum", [
            ("required", a.quorum.required.map(String.init) ?? "-"), ("have", "\(a.quorum.have)"),
            ("bar", QuorumBar.render(have: a.quorum.have, required: a.quorum.required)),
            ("reached_at_ms", a.quorum.reached_at_ms.map { time($0, now) } ?? "-"),
        ])
        if let g = a.governor.value {
            html += table("governor", [
                ("decision", escape(g.decision)), ("reason", g.reason.value.map(escape) ?? "-"),
                ("release_at_ms", g.release_at_ms.value.map { time($0, now) } ?? "-"),
                ("released_early_at_ms", g.released_early_at_ms.value.map { time($0, now) } ?? "-"),
            ])
        } else {
            html += "<h2>governor</h2>\n<p class=\"empty\">token not governed</p>\n"
        }
        if let s = a.submission.value {
            html += table("submission (Koinos)", [
                ("koinos_tx_id", s.koinos_tx_id.value.map(code) ?? "-"), ("status", escape(s.status)), ("attempts", "\(s.attempts)"),
                ("last_error", s.last_error.value.map(code) ?? "-"), ("submitted_at_ms", s.submitted_at_ms.value.map { time($0, now) } ?? "-"),
                ("updated_at_ms", time(s.updated_at_ms, now)),
            ])
        } else {
            html += "<h2>submission (Koinos)</h2>\n<p class=\"empty\">none yet</p>\n"
        }
        html += signatures(a.signatures, now: now)
        html += "</main>\n"
        return PageLayout.document(title: "attestation \(a.id)", refreshSeconds: refreshSeconds, attention: false, body: html)
    }

    static func signatures(_ signatures: [SignatureJSON], now: UInt64) -> String {
        var html = "<h2>signatures (\(signatures.count))</h2>\n"
        guard !signatures.isEmpty else { return html + "<p class=\"empty\">none yet</p>\n" }
        html += "<table class=\"signatures\">\n<thead><tr><th>validator</th><th>recovered signer</th><th>valid</th><th>current digest</th>"
        html += "<th>source</th><th>received</th><th>signature</th></tr></thead>\n<tbody>\n"
        for s in signatures {
            let recovered: String? = s.recovered ?? nil
            html += "<tr class=\"\(s.valid == true ? "good" : "bad")\"><td>\(code(s.validator))</td>"
            html += "<td>\(recovered.map(code) ?? "does not recover")</td><td>\(s.valid.map { $0 ? "yes" : "NO" } ?? "-")</td>"
            html += "<td>\(s.current ? "yes" : "no (older digest)")</td><td>\(escape(s.source))</td><td>\(time(s.received_at_ms, now))</td>"
            html += "<td>\(PageLayout.copyable(s.signature, head: 10, tail: 6))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private static func table(_ title: String, _ rows: [(String, String)]) -> String {
        var html = "<h2>\(escape(title))</h2>\n<table class=\"fields\">\n<tbody>\n"
        for (name, value) in rows { html += "<tr><th>\(escape(name))</th><td>\(value)</td></tr>\n" }
        return html + "</tbody>\n</table>\n"
    }

    private static func code(_ value: String) -> String { value.isEmpty ? "<span class=\"empty\">(empty)</span>" : "<code>\(escape(value))</code>" }

    private static func time(_ ms: UInt64, _ now: UInt64) -> String {
        "<span class=\"num\">\(ms)</span> (\(PageText.age(PageText.elapsed(now, since: ms))) ago)"
    }
}
