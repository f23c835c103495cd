// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore

/// The attestation list of `/`: status filter, one row per transfer, paging.
///
/// Every row is Ethereum → Koinos; the Koinos → Ethereum transfers have their own section
/// (`KoinosTransferTable`) below, with a direction column.
enum AttestationTable {
    static func render(_ m: HomePageModel, validatorSet: [ValidatorRow]) -> String {
        var html = "<section id=\"attestations\">\n<h2>Recent attestations</h2>\n" + filters(m)
        if m.attestations.items.isEmpty {
            html += "<p class=\"empty\">No attestations\(m.query.status.map { " with status \($0.rawValue)" } ?? "") yet.</p>\n"
        } else {
            html += "<table class=\"attestations\">\n<thead><tr><th>observation</th><th>token</th><th class=\"num\">amount</th>"
            html += "<th>recipient</th><th>source tx</th><th>Koinos tx</th><th>status</th><th>lock → completed</th>"
            html += "<th>quorum</th><th>signed by</th></tr></thead>\n<tbody>\n"
            for r in m.attestations.items { html += row(r, now: m.now, tokens: m.tokens, validators: validatorSet) }
            html += "</tbody>\n</table>\n"
        }
        html += paging(m)
        return html + "</section>\n"
    }

    static func filters(_ m: HomePageModel) -> String {
        var html = "<nav class=\"filters\">status: "
        html += link("all", href: "/", current: m.query.status == nil, count: m.overview.statusCounts.values.reduce(0, +), id: "count-all")
        for s in AttestationStatus.allCases {
            html += " " + link(s.rawValue, href: "/?status=\(s.rawValue)", current: m.query.status == s, count: m.overview.statusCounts[s] ?? 0, id: "count-\(s.rawValue)")
        }
        return html + "</nav>\n"
    }

    private static func link(_ name: String, href: String, current: Bool, count: Int, id: String) -> String {
        "<a href=\"\(href)\" class=\"s-\(name)\(current ? " current" : "")\">\(name) <span class=\"num\" id=\"\(id)\">\(count)</span></a>"
    }

    static func paging(_ m: HomePageModel) -> String {
        var parts: [String] = []
        if m.query.after != nil { parts.append("<a href=\"/\(m.query.status.map { "?status=\($0.rawValue)" } ?? "")\">newest</a>") }
        if let next = m.attestations.nextCursor {
            var href = "/?"
            if let s = m.query.status { href += "status=\(s.rawValue)&amp;" }
            href += "cursor=\(percentEncodeQuery(next.text))"
            parts.append("<a href=\"\(href)\" rel=\"next\">older</a>")
        }
        return parts.isEmpty ? "" : "<nav class=\"paging\">\(parts.joined(separator: " · "))</nav>\n"
    }

    static func row(_ r: AttestationRecord, now: UInt64, tokens: TokenNames, validators: [ValidatorRow]) -> String {
        let (token, amount) = tokens.describe(token: r.token, koinosToken: r.koinosToken, amount: r.amount)
        let json = AttestationJSON(r, recovery: nil)
        var s = "<tr class=\"s-\(escape(r.status))\">"
        s += "<td><a href=\"/attestations/\(escape(r.id))\">\(escape(PageText.short(Hex.encode(r.transactionHash), head: 10, tail: 4))):\(r.logIndex)</a></td>"
        s += "<td>\(escape(token))</td><td class=\"num amount\">\(escape(amount))</td>"
        s += "<td>\(PageLayout.copyable(r.recipient, head: 8, tail: 4))</td>"
        s += "<td>\(PageLayout.copyable(Hex.encode(r.transactionHash)))</td>"
        s += "<td>\(r.submission?.koinosTransactionID.map { PageLayout.copyable(Hex.encode($0)) } ?? "-")</td>"
        s += "<td><span class=\"status s-\(escape(r.status))\">\(escape(r.status))</span> <span class=\"age\">\(PageText.age(PageText.elapsed(now, since: r.updatedAtMs)))</span>"
        if let reason = r.reason { s += "<div class=\"reason\">\(escape(reason))</div>" }
        s += "</td><td class=\"num\">\(r.status == AttestationStatus.completed.rawValue ? PageText.duration(PageText.elapsed(r.updatedAtMs, since: r.blockTimeMs)) : "-")</td>"
        s += "<td>\(QuorumBar.render(have: json.quorum.have, required: json.quorum.required))</td>"
        s += "<td>\(signers(json.signatures, validators: validators))</td></tr>\n"
        return s
    }

    /// Each validator of the set, signed (current digest) or missing; signers outside the set after.
    static func signers(_ signatures: [SignatureJSON], validators: [ValidatorRow]) -> String {
        let signed = Set(signatures.filter(\.current).map(\.validator))
        var parts = validators.filter(\.inSet).map { v in
            signed.contains(v.koinosAddress)
                ? "<span class=\"signed\" title=\"\(escape(v.koinosAddress))\">\(escape(v.shortName))</span>"
                : "<span class=\"missing\" title=\"\(escape(v.koinosAddress)) has not signed\">\(escape(v.shortName))</span>"
        }
        let known = Set(validators.filter(\.inSet).map(\.koinosAddress))
        for address in signed.sorted() where !known.contains(address) {
            parts.append("<span class=\"signed outside\" title=\"\(escape(address)) (not in the set)\">\(escape(PageText.short(address, head: 6, tail: 4)))</span>")
        }
        return parts.joined(separator: " ")
    }

    /// Percent-encodes a query value (cursor text holds digits, `.`, `:` and hex).
    static func percentEncodeQuery(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

/// `have/required` as text plus a small SVG bar (no inline style: the CSP forbids it).
enum QuorumBar {
    static let width = 60

    static func render(have: Int, required: Int?) -> String {
        let reached = required.map { $0 > 0 && have >= $0 } ?? false
        let fill = required.map { $0 > 0 ? min(width, width * max(0, have) / $0) : 0 } ?? 0
        var s = "<span class=\"quorum \(reached ? "q-ok" : "q-wait")\">"
        s += "<svg class=\"bar\" width=\"\(width)\" height=\"8\" role=\"img\" aria-label=\"\(have) of \(required.map(String.init) ?? "?")\">"
        s += "<rect class=\"bar-bg\" width=\"\(width)\" height=\"8\"/><rect class=\"bar-fill\" width=\"\(fill)\" height=\"8\"/></svg> "
        s += "\(have)/\(required.map(String.init) ?? "?")</span>"
        return s
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
