// SPDX-License-Identifier: Apache-2.0

/// The document around every page: no script, one stylesheet from this node, a meta refresh.
enum PageLayout {
    /// Sent with every page: nothing but this node's own stylesheet may load, no script runs,
    /// no form posts elsewhere, no framing.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static func document(title: String, refreshSeconds: Int?, attention: Bool, body: String) -> String {
        var html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        if let refreshSeconds, refreshSeconds > 0 { html += "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">\n" }
        html += "<title>\(escape(title))</title>\n<link rel=\"stylesheet\" href=\"/page.css\">\n</head>\n"
        html += "<body class=\"\(attention ? "attention" : "healthy")\">\n"
        html += body
        html += "<footer><a href=\"/\">overview</a> · <a href=\"/v1/status\">status</a> · <a href=\"/v1/validators\">validators</a> · "
        html += "<a href=\"/v1/peers\">peers</a> · <a href=\"/v1/evidence\">evidence</a> · <a href=\"/readyz\">readiness</a> · "
        html += "<a href=\"/metrics\">metrics</a> · <a href=\"/openapi.json\">OpenAPI</a></footer>\n</body>\n</html>\n"
        return html
    }

    /// A long value shown short, with the full text one click away and selectable as a whole.
    static func copyable(_ full: String, head: Int = 10, tail: Int = 6) -> String {
        let short = PageText.short(full, head: head, tail: tail)
        guard short != full else { return "<code>\(escape(full))</code>" }
        return "<details class=\"copy\"><summary><code>\(escape(short))</code></summary><code class=\"full\">\(escape(full))</code></details>"
    }

    /// A long value (chain id, contract, peer id) short and expandable; `-` when empty.
    static func longValue(_ value: String) -> String {
        value.isEmpty ? "-" : copyable(value, head: 10, tail: 6)
    }
}
