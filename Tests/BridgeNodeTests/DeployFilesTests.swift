// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

/// The Prometheus alert rules and the Grafana dashboard name only metrics the node defines.
struct DeployFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `"bridge_…"` string literal in the sources (metric labels are literals).
    static func definedMetricNames() throws -> Set<String> {
        var names = Set<String>()
        let sources = root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /"(bridge_[a-z0-9_]+)"/) { names.insert(String(match.1)) }
        }
        return names
    }

    /// Full names and `name_.*` prefixes used in a deploy file.
    static func referencedNames(_ relativePath: String) throws -> (names: Set<String>, prefixes: Set<String>) {
        let text = try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
        var names = Set<String>(), prefixes = Set<String>()
        for match in text.matches(of: /bridge_[a-z0-9_]*/) {
            let name = String(match.0)
            let rest = text[match.range.upperBound...]
            if rest.hasPrefix(".*") { prefixes.insert(name) } else if !name.hasSuffix("_") { names.insert(name) }
        }
        return (names, prefixes)
    }

    @Test(arguments: ["deploy/prometheus-alerts.yml", "deploy/grafana/bridge-relay.json"])
    func everyReferencedMetricExists(_ path: String) throws {
        let defined = try Self.definedMetricNames()
        #expect(defined.count > 30, "metric literals found in Sources")
        let (names, prefixes) = try Self.referencedNames(path)
        #expect(!names.isEmpty)
        for name in names {
            let base = name.replacing(/_(bucket|sum|count)$/, with: "")
            #expect(defined.contains(name) || defined.contains(base), "\(path) names \(name), which no source defines")
        }
        for prefix in prefixes {
            #expect(defined.contains { $0.hasPrefix(prefix) }, "\(path) selects \(prefix).*, which matches no metric")
        }
    }

    /// `[section]` → its `Key=Value` lines, in order (comments and blank lines dropped).
    static func unitSections(_ relativePath: String) throws -> [String: [String]] {
        let text = try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
        var sections: [String: [String]] = [:]
        var current = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") { current = String(line.dropFirst().dropLast()) } else { sections[current, default: []].append(line) }
        }
        return sections
    }

    /// systemd reads the start rate limit only in [Unit]; in [Service] it is ignored.
    @Test func systemdStartLimitsAreInTheUnitSection() throws {
        let sections = try Self.unitSections("deploy/systemd/bridge-relay.service")
        func keys(_ section: String) -> [String] { (sections[section] ?? []).map { String($0.prefix { $0 != "=" }) } }
        #expect(keys("Unit").contains("StartLimitIntervalSec") && keys("Unit").contains("StartLimitBurst"))
        #expect(!keys("Service").contains { $0.hasPrefix("StartLimit") })
        #expect(keys("Service").contains("Restart") && keys("Service").contains("ExecStart"))
        #expect(sections[""] == nil, "settings before the first section")
    }

    /// The demo's Python prints reach a pipe at once (`scripts/demo | tee log`), not at exit.
    @Test(arguments: ["demo", "localnet"])
    func localnetScriptsPrintLinesToAPipeAtOnce(module: String) async throws {
        let code = "import sys, time; sys.path.insert(0, '\(Self.root.path)/deploy/localnet'); import \(module); print('ready-line'); time.sleep(30)"
        // Without PYTHONUNBUFFERED (set on some machines), as an operator's shell runs it.
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "PYTHONUNBUFFERED" }
        let child = try ChildProcess("/usr/bin/env", ["python3", "-c", code], environment: environment)
        let line = await child.firstLine(timeout: .seconds(10))
        await child.stop(signal: SIGKILL)
        #expect(line == "ready-line", "the line did not reach the pipe while the script ran")
    }
}
