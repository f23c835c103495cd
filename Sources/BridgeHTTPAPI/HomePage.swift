// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Hummingbird

/// `GET /`: a small server-rendered page listing recent attestations with their quorum state.
///
/// No scripts, no external assets: one HTML document with inline CSS, each row linking to the
/// attestation's JSON detail.
struct HomePage {
    /// Rows shown on the page.
    static let recentCount = 50

    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in try await render() }
    }

    func render() async throws -> Response {
        let page = try await api.store.attestations(AttestationQuery(limit: Self.recentCount))
        let counts = try await api.store.statusCounts()
        var html = Self.head(title: "bridge-relay \(api.node.version)")
        html += "<h1>Koinos bridge relay</h1>\n<p class=\"meta\">"
        html += "version \(escape(api.node.version)) · profile \(escape(api.node.profile))"
        html += " · Ethereum chain \(api.node.ethereumChainID) · validator \(escape(api.node.validatorAddress ?? "(no key loaded)"))</p>\n"
        html += "<p class=\"counts\">"
        html += AttestationStatus.allCases.map { "<span class=\"s-\($0.rawValue)\">\($0.rawValue) \(counts[$0] ?? 0)</span>" }.joined(separator: " ")
        html += "</p>\n<h2>Recent attestations</h2>\n"
        if page.items.isEmpty {
            html += "<p>No observations yet.</p>\n"
        } else {
            html += "<table>\n<thead><tr><th>observation</th><th>status</th><th>quorum</th><th>amount</th><th>recipient</th><th>block</th></tr></thead>\n<tbody>\n"
            for r in page.items { html += row(r) }
            html += "</tbody>\n</table>\n"
        }
        html += "<p class=\"links\"><a href=\"/v1/status\">status</a> · <a href=\"/v1/validators\">validators</a> · "
        html += "<a href=\"/v1/peers\">peers</a> · <a href=\"/v1/evidence\">evidence</a> · <a href=\"/metrics\">metrics</a> · "
        html += "<a href=\"/openapi.json\">OpenAPI</a></p>\n</body>\n</html>\n"
        return JSONResponse.text(html, contentType: "text/html; charset=utf-8")
    }

    func row(_ r: AttestationRecord) -> String {
        let json = AttestationJSON(r, recovery: nil)
        let required = json.quorum.required.map(String.init) ?? "?"
        let reached = json.quorum.required.map { $0 > 0 && json.quorum.have >= $0 } ?? false
        let shortHash = Hex.encode(r.transactionHash).prefix(14) + "…"
        var s = "<tr><td><a href=\"\(escape(json.links["self"] ?? "#"))\">\(escape(String(shortHash))):\(r.logIndex)</a></td>"
        s += "<td class=\"s-\(escape(r.status))\">\(escape(r.status))</td>"
        s += "<td class=\"\(reached ? "q-ok" : "q-wait")\">\(json.quorum.have)/\(required)</td>"
        s += "<td>\(escape(r.amount))</td><td>\(escape(String(r.recipient.prefix(40))))</td><td>\(r.blockNumber)</td></tr>\n"
        return s
    }

    static func head(title: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escape(title))</title>
        <style>
        body { font-family: sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; font-family: monospace; }
        th { background: #eee; }
        .meta { color: #555; }
        .counts span { margin-right: 1em; padding: 2px 6px; background: #f3f3f3; border-radius: 3px; }
        .q-ok { background: #d9f2d9; }
        .q-wait { background: #fdf1d6; }
        .s-rejected, .s-expired { color: #a00; }
        .s-completed { color: #060; }
        </style>
        </head>
        <body>

        """
    }
}

/// Escapes text for HTML element content and attribute values.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}
