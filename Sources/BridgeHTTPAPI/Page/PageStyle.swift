// SPDX-License-Identifier: Apache-2.0

/// `/page.css`: the only stylesheet of the operator's page (served by the node; the CSP allows nothing else).
enum PageStyle {
    static let css = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; font-size: 14px; }
        header, section, main, footer { margin: 0 1.5em; }
        header { margin: 0; padding: 0.8em 1.5em; border-bottom: 4px solid #2e7d32; background: #fff; }
        header.alert { border-bottom-color: #c62828; background: #fdecea; }
        header h1 { font-size: 1.3em; margin: 0 0 0.2em; display: inline-block; }
        header .state { display: inline-block; margin: 0 0 0 1em; font-weight: bold; }
        header.ok .state { color: #2e7d32; }
        header.alert .state, .reasons { color: #b71c1c; }
        .reasons { margin: 0.3em 0; font-weight: bold; }
        dl.facts { display: flex; flex-wrap: wrap; gap: 0.3em 1.6em; margin: 0.5em 0; }
        dl.facts div { display: flex; gap: 0.4em; align-items: baseline; }
        dt { color: #5a6272; } dd { margin: 0; }
        h2 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
        table { border-collapse: collapse; background: #fff; margin-bottom: 0.6em; }
        th, td { border: 1px solid #dde1e7; padding: 3px 8px; text-align: left; vertical-align: top; }
        th { background: #eef0f4; font-weight: 600; }
        table.fields th { width: 12em; }
        code { font-family: ui-monospace, monospace; font-size: 0.95em; }
        table.attestations td, table.validators td { white-space: nowrap; }
        table.attestations td .reason { white-space: normal; max-width: 26em; overflow-wrap: anywhere; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        details.copy { display: inline-block; }
        details.copy summary { cursor: pointer; list-style: none; }
        details.copy .full { display: block; user-select: all; background: #fffbe6; padding: 2px 4px; max-width: 36em;
            white-space: normal; word-break: break-all; }
        .status { font-weight: 600; }
        .s-completed .status, span.s-completed { color: #2e7d32; }
        .s-rejected .status, .s-expired .status { color: #b71c1c; }
        .s-quorum .status, .s-submitted .status, .s-signing .status, .s-observed .status { color: #8a5a00; }
        .age { color: #5a6272; font-size: 0.9em; }
        .reason { color: #b71c1c; font-size: 0.9em; }
        .quorum { white-space: nowrap; }
        svg.bar .bar-bg { fill: #e3e6eb; }
        .q-ok svg.bar .bar-fill { fill: #2e7d32; }
        .q-wait svg.bar .bar-fill { fill: #f0a500; }
        .signed { color: #2e7d32; margin-right: 0.4em; }
        .missing { color: #9aa1ad; text-decoration: line-through; margin-right: 0.4em; }
        .outside { font-style: italic; }
        nav.filters a, nav.paging a { margin-right: 0.8em; }
        nav.filters a.current { font-weight: bold; text-decoration: none; color: #1d2330; }
        .good { color: #2e7d32; } .bad { color: #b71c1c; font-weight: 600; }
        tr.silent { background: #fff4e5; }
        .warn { color: #b71c1c; font-weight: bold; }
        .tag { font-size: 0.8em; background: #e3e6eb; border-radius: 3px; padding: 0 4px; }
        .charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
        figure { margin: 0; } figcaption { color: #5a6272; font-size: 0.9em; }
        svg.chart .frame { fill: #fff; stroke: #dde1e7; }
        svg.chart .lat { fill: #5c7cfa; } svg.chart .hour { fill: #20a39e; }
        svg.chart .p50 { stroke: #2e7d32; stroke-dasharray: 4 2; } svg.chart .p95 { stroke: #c62828; stroke-dasharray: 4 2; }
        svg.chart text { font-size: 10px; fill: #1d2330; } svg.chart .axis { fill: #5a6272; } svg.chart .end { text-anchor: end; }
        .empty { color: #5a6272; }
        .headline { font-size: 1.2em; } .headline .amount { font-weight: bold; }
        footer { margin-top: 1.5em; padding-bottom: 1.5em; color: #5a6272; }

        """
}
