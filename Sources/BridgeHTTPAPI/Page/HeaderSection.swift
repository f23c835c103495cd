// SPDX-License-Identifier: Apache-2.0
import BridgeStore

/// The page header: who this validator is, how its chains and peers stand, and what needs
/// attention (red when anything does).
enum HeaderSection {
    static func render(_ m: HomePageModel) -> String {
        let reasons = m.attention
        var html = "<header class=\"\(reasons.isEmpty ? "ok" : "alert")\">\n<h1>Koinos bridge relay</h1>\n"
        html += "<p class=\"state\">\(reasons.isEmpty ? "all good" : "needs attention")</p>\n"
        if !reasons.isEmpty {
            html += "<ul class=\"reasons\">\n"
            for r in reasons { html += "<li>\(escape(r))</li>\n" }
            html += "</ul>\n"
        }
        html += "<dl class=\"facts\">\n"
        html += fact("validator (Koinos)", m.node.validatorAddress.map { "<code>\(escape($0))</code>" } ?? "no key loaded")
        html += fact("validator (Ethereum)", m.node.validatorEthereumAddress.map { "<code>\(escape($0))</code>" } ?? "-")
        html += fact("peer id", m.node.peerID.map { PageLayout.longValue($0) } ?? "-")
        html += fact("version", escape(m.node.version))
        html += fact("profile", escape(m.node.profile))
        html += fact("uptime", escape(PageText.age(m.uptimeMs)))
        let connected = m.peers.filter(\.connected).count
        html += fact("peers", "<span class=\"num\" id=\"peers-connected\">\(connected)</span> connected of \(m.peers.count) known")
        let ready = m.readiness.values.allSatisfy { $0 }
        let checks = m.readiness.sorted { $0.key < $1.key }.map { "\(escape($0.key)) \($0.value ? "ok" : "NOT READY")" }.joined(separator: ", ")
        html += fact("readiness", "<span class=\"\(ready ? "good" : "bad")\">\(ready ? "ready" : "not ready")</span> (\(checks))")
        html += "</dl>\n"
        html += chains(m)
        html += "</header>\n"
        return html
    }

    static func chains(_ m: HomePageModel) -> String {
        var html = "<table class=\"chains\">\n<thead><tr><th>chain</th><th>id</th><th>contract</th><th class=\"num\">head</th><th class=\"num\">cursor</th>"
        html += "<th>behind head</th><th>cursor age</th><th>behind peers</th></tr></thead>\n<tbody>\n"
        let maxPeerCursor = m.overview.heartbeats.filter { TextForms.koinosAddress($0.validator) != m.node.validatorAddress }.map(\.ethereumCursor).max()
        let head = m.heads.ethereum.map(String.init) ?? "-"
        let cursors = m.overview.cursors.isEmpty ? [nil] : m.overview.cursors.map { Optional($0) }
        for c in cursors {
            html += "<tr><td>Ethereum\(c.map { " (\(escape($0.name)))" } ?? "")</td><td class=\"num\">\(m.node.ethereumChainID)</td>"
            html += "<td>\(PageLayout.longValue(m.node.ethereumContract))</td><td class=\"num\" id=\"ethereum-head\">\(head)</td>"
            if let c {
                let age = PageText.elapsed(m.now, since: c.updatedAtMs)
                let behindHead = m.heads.ethereum.map { $0 > c.blockNumber ? "\($0 - c.blockNumber) blocks" : "0 blocks" } ?? "-"
                let behindPeers = maxPeerCursor.map { $0 > c.blockNumber ? "\($0 - c.blockNumber) blocks" : "0 blocks" } ?? "-"
                html += "<td class=\"num\">\(c.blockNumber)</td><td>\(behindHead)</td>"
                html += "<td class=\"\(age > m.settings.watcherStallMs ? "bad" : "")\">\(PageText.age(age))</td><td>\(behindPeers)</td></tr>\n"
            } else {
                html += "<td>-</td><td>-</td><td class=\"bad\">no cursor</td><td>-</td></tr>\n"
            }
        }
        html += "<tr><td>Koinos</td><td>\(PageLayout.longValue(m.node.koinosChainID))</td><td>\(PageLayout.longValue(m.node.koinosBridgeContract))</td>"
        html += "<td class=\"num\" id=\"koinos-head\">\(m.heads.koinos.map(String.init) ?? "-")</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>\n</tbody>\n</table>\n"
        return html
    }

    private static func fact(_ name: String, _ valueHTML: String) -> String {
        "<div><dt>\(escape(name))</dt><dd>\(valueHTML)</dd></div>\n"
    }
}
