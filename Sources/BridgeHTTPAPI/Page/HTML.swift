// SPDX-License-Identifier: Apache-2.0

/// Escapes text for HTML element content and attribute values (always quoted with `"`).
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

/// Small text forms shared by the page's renderers.
enum PageText {
    /// `0x1234ab…cdef` (the full value stays available next to it).
    static func short(_ text: String, head: Int = 8, tail: Int = 6) -> String {
        text.count <= head + tail + 1 ? text : "\(text.prefix(head))…\(text.suffix(tail))"
    }

    /// `12 s`, `4 min`, `3 h`, `2 d` (rounded down); `-` for nil.
    static func age(_ ms: UInt64?) -> String {
        guard let ms else { return "-" }
        let s = ms / 1000
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 172_800 { return "\(s / 3600) h" }
        return "\(s / 86_400) d"
    }

    /// `now - then`, 0 when `then` is in the future.
    static func elapsed(_ now: UInt64, since then: UInt64) -> UInt64 { now >= then ? now - then : 0 }

    /// A decimal amount in base units as a human amount: `300000000` with 8 decimals → `3`,
    /// `100000` → `0.001`. Nil when `base` is not a plain decimal number.
    static func amount(_ base: String, decimals: Int) -> String? {
        guard !base.isEmpty, base.utf8.count <= 80, base.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), (0...36).contains(decimals) else {
            return nil
        }
        var digits = String(base.drop { $0 == "0" })
        if digits.isEmpty { return "0" }
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let whole = digits.dropLast(decimals)
        var fraction = Substring(digits.suffix(decimals))
        while fraction.last == "0" { fraction = fraction.dropLast() }
        let grouped = group(String(whole))
        return fraction.isEmpty ? grouped : "\(grouped).\(fraction)"
    }

    /// `1234567` → `1,234,567`.
    static func group(_ digits: String) -> String {
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// Milliseconds as seconds with one decimal below a minute: `1.2 s`, `45.0 s`, `3 min`.
    static func duration(_ ms: UInt64) -> String {
        ms < 60_000 ? "\(ms / 1000).\(ms % 1000 / 100) s" : age(ms)
    }
}
