// SPDX-License-Identifier: Apache-2.0
import BridgeStore

/// The page's two pictures, drawn by the server as inline SVG (no script, no external asset).
enum Charts {
    static let width = 420
    static let height = 110
    static let plotTop = 14
    static let plotBottom = 96

    /// Nearest-rank percentile of `values` (any order); nil when empty.
    static func percentile(_ values: [UInt64], _ p: Double) -> UInt64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Lock → completed latency of the last transfers (one bar each, oldest left) with p50/p95 lines.
    static func latency(_ completions: [OperatorOverview.Completion]) -> String {
        let values = completions.map(\.latencyMs)
        let p50 = percentile(values, 50)
        let p95 = percentile(values, 95)
        var svg = open(
            label: "lock to completed latency of the last \(values.count) transfers",
            data: p50.map { "data-p50-ms=\"\($0)\" data-p95-ms=\"\(p95 ?? $0)\"" } ?? "")
        guard let p50, let p95, let top = values.max() else {
            return svg + "<text x=\"8\" y=\"56\" class=\"note\">no completed transfers yet</text></svg>"
        }
        let scale = max(top, 1)
        let step = Double(width - 8) / Double(values.count)
        for (i, v) in values.enumerated() {
            let h = barHeight(v, of: scale)
            svg += "<rect class=\"lat\" x=\"\(fmt(4 + Double(i) * step))\" y=\"\(plotBottom - h)\" width=\"\(fmt(max(step - 1, 0.5)))\" height=\"\(h)\"/>"
        }
        for (name, v) in [("p50", p50), ("p95", p95)] {
            let y = plotBottom - barHeight(v, of: scale)
            svg += "<line class=\"\(name)\" x1=\"4\" x2=\"\(width - 4)\" y1=\"\(y)\" y2=\"\(y)\"/>"
        }
        svg += "<text x=\"4\" y=\"10\" class=\"note\">p50 \(PageText.duration(p50)) · p95 \(PageText.duration(p95)) · max \(PageText.duration(top)) · \(values.count) transfers</text>"
        return svg + "</svg>"
    }

    /// Locks observed per hour, oldest hour left.
    static func hourly(_ hours: [OperatorOverview.HourCount]) -> String {
        var svg = open(label: "locks observed per hour, last \(hours.count) hours")
        let top = hours.map(\.observed).max() ?? 0
        let step = Double(width - 8) / Double(max(hours.count, 1))
        for (i, h) in hours.enumerated() {
            let bar = barHeight(UInt64(clamping: h.observed), of: UInt64(clamping: max(top, 1)))
            svg += "<rect class=\"hour\" x=\"\(fmt(4 + Double(i) * step))\" y=\"\(plotBottom - bar)\" width=\"\(fmt(max(step - 2, 0.5)))\" height=\"\(bar)\"><title>\(h.observed)</title></rect>"
        }
        let total = hours.reduce(0) { $0 + $1.observed }
        svg += "<text x=\"4\" y=\"10\" class=\"note\">\(total) locks in \(hours.count) h · busiest hour \(top)</text>"
        svg += "<text x=\"4\" y=\"\(height - 2)\" class=\"axis\">\(hours.count) h ago</text><text x=\"\(width - 4)\" y=\"\(height - 2)\" class=\"axis end\">now</text>"
        return svg + "</svg>"
    }

    static func section(_ overview: OperatorOverview) -> String {
        "<section id=\"charts\">\n<h2>Latency and volume</h2>\n<div class=\"charts\"><figure>\(latency(overview.completions))<figcaption>lock → completed, last \(overview.completions.count) transfers</figcaption></figure>"
            + "<figure>\(hourly(overview.hourly))<figcaption>locks observed per hour</figcaption></figure></div>\n</section>\n"
    }

    private static func open(label: String, data: String = "") -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(label))\"\(data.isEmpty ? "" : " " + data)>"
            + "<rect class=\"frame\" x=\"0.5\" y=\"0.5\" width=\"\(width - 1)\" height=\"\(height - 1)\"/>"
    }

    /// A value's bar height in the plot (at least 1 pixel for a non-zero value).
    static func barHeight(_ value: UInt64, of top: UInt64) -> Int {
        guard value > 0 else { return 0 }
        let span = plotBottom - plotTop
        return max(1, Int(Double(value) / Double(max(top, 1)) * Double(span)))
    }

    /// One decimal, no exponent (`x` ≥ 0).
    static func fmt(_ x: Double) -> String {
        let tenths = Int((max(x, 0) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
