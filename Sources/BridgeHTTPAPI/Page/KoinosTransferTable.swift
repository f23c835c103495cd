// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore

/// The Koinos → Ethereum transfers of `/`, beside the first direction's list: one row per Koinos
/// lock (newest first, the page's status filter applied) with its status, signatures and the
/// Ethereum `completeTransfer` transaction. Each row links to its JSON view
/// (`/v1/attestations/koinos:0x…:n`); `/v1/attestations?direction=koinos_to_ethereum` pages further.
enum KoinosTransferTable {
    static func render(_ m: HomePageModel) -> String {
        var html = "<section id=\"koinos-transfers\">\n<h2>Koinos → Ethereum transfers</h2>\n"
        if m.koinosLocks.items.isEmpty {
            html += "<p class=\"empty\">No Koinos → Ethereum transfers\(m.query.status.map { " with status \($0.rawValue)" } ?? "") yet.</p>\n"
            return html + "</section>\n"
        }
        html += "<table class=\"attestations koinos\">\n<thead><tr><th>direction</th><th>Koinos lock</th><th>token</th>"
        html += "<th class=\"num\">amount</th><th>recipient</th><th>status</th><th>signatures</th><th>Ethereum tx</th></tr></thead>\n<tbody>\n"
        for lock in m.koinosLocks.items { html += row(lock, now: m.now, tokens: m.tokens) }
        html += "</tbody>\n</table>\n"
        if let next = m.koinosLocks.nextCursor {
            let href = "/v1/attestations?direction=koinos_to_ethereum"
                + (m.query.status.map { "&amp;status=\($0.rawValue)" } ?? "") + "&amp;cursor=\(AttestationTable.percentEncodeQuery(next.text))"
            html += "<nav class=\"paging\"><a href=\"\(href)\" rel=\"next\">older (JSON)</a></nav>\n"
        }
        return html + "</section>\n"
    }

    static func row(_ lock: KoinosLockView, now: UInt64, tokens: TokenNames) -> String {
        let id = lock.id.description
        let label = tokens.describe(token: lock.ethToken ?? [], koinosToken: lock.token, amount: lock.amount).label
        var s = "<tr class=\"s-\(escape(lock.status))\"><td class=\"direction\">Koinos → Ethereum</td>"
        s += "<td><a href=\"/v1/attestations/\(escape(id))\">\(escape(PageText.short(Hex.encode(lock.id.transactionID), head: 10, tail: 4))):\(lock.id.operationID)</a></td>"
        s += "<td>\(escape(label))</td><td class=\"num amount\">\(escape(lock.amount))</td>"
        s += "<td>\(PageLayout.copyable(lock.recipient, head: 8, tail: 4))</td>"
        s += "<td><span class=\"status s-\(escape(lock.status))\">\(escape(lock.status))</span>"
        s += " <span class=\"age\">\(PageText.age(PageText.elapsed(now, since: lock.updatedAtMs)))</span>"
        if let reason = lock.reason { s += "<div class=\"reason\">\(escape(reason))</div>" }
        s += "</td><td class=\"num\">\(lock.signatures.count)</td>"
        s += "<td class=\"ethereum-tx\">\(lock.ethereumTransaction.map { PageLayout.copyable(Hex.encode($0)) } ?? "-")</td></tr>\n"
        return s
    }
}
