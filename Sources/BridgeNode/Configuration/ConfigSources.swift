// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Where configuration values come from, lowest precedence first: the YAML file, then
/// `BRIDGE_RELAY_<SECTION>_<KEY>` environment variables, then `--set section.key=value` flags.
public struct ConfigSources: Sendable {
    /// Prefix of environment overrides.
    public static let environmentPrefix = "BRIDGE_RELAY_"
    /// Sections an environment name may start with; other names map to a top-level key (`DATA_DIR`).
    public static let sections = ["ethereum", "koinos", "validators", "p2p", "keystore", "http", "log", "metrics", "memory"]
    /// `BRIDGE_RELAY_…` variables that are not configuration keys: the keystore passphrase (read by
    /// the keystore unlock, never echoed) and the binary path the scripts and tests use.
    public static let notConfiguration: Set<String> = ["BRIDGE_RELAY_PASSPHRASE", "BRIDGE_RELAY_BIN"]

    public var file: ConfigTree
    /// Path of the file, or nil when running from defaults only; relative paths in the file resolve against its folder.
    public var filePath: String?
    public var environment: [String: String]
    public var flags: [String]

    public init(file: ConfigTree = .map([:]), filePath: String? = nil, environment: [String: String] = [:], flags: [String] = []) {
        self.file = file
        self.filePath = filePath
        self.environment = environment
        self.flags = flags
    }

    /// Reads and parses the YAML file at `path`.
    public static func load(path: String, environment: [String: String], flags: [String]) throws(ConfigurationError) -> ConfigSources {
        let text: String
        if let problem = ConfigChecks.configFileProblem(path) { throw .unreadableFile(path: path, detail: problem) }
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, detail: "not UTF-8 text, or it could not be read")
        }
        return ConfigSources(file: try ConfigTree.parse(yaml: text, source: path), filePath: path, environment: environment, flags: flags)
    }

    /// The dotted key an environment variable overrides, or nil when it is not ours.
    public static func key(forEnvironment name: String) -> String? {
        guard name.hasPrefix(environmentPrefix), !notConfiguration.contains(name) else { return nil }
        let rest = name.dropFirst(environmentPrefix.count).lowercased()
        guard !rest.isEmpty else { return nil }
        for section in sections where rest.hasPrefix(section + "_") {
            return section + "." + rest.dropFirst(section.count + 1)
        }
        return rest
    }

    /// The merged tree: file, then environment (sorted by name, so the result is deterministic), then flags in order.
    /// A malformed flag is skipped and reported in `badFlags`, so it does not hide the other problems.
    public func merged() -> (tree: ConfigTree, badFlags: [ConfigurationProblem]) {
        var tree = file
        var badFlags: [ConfigurationProblem] = []
        for name in environment.keys.sorted() {
            if let key = Self.key(forEnvironment: name) { tree.set(key, to: .scalar(environment[name]!)) }
        }
        for flag in flags {
            guard let eq = flag.firstIndex(of: "="), eq != flag.startIndex,
                flag[..<eq].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty })
            else {
                badFlags.append(ConfigurationProblem(key: "--set", message: "expected section.key=value, got \(ConfigChecks.quoted(flag))"))
                continue
            }
            tree.set(String(flag[..<eq]), to: .scalar(String(flag[flag.index(after: eq)...])))
        }
        return (tree, badFlags)
    }
}
