// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Reads typed values out of a merged `ConfigTree`, recording one problem per bad key.
///
/// A missing key gives the documented default. A present key is used as written: `0` is zero and
/// `""` is empty, never "use the default" (the old validator's trap). Keys nobody read are
/// reported by `unknownKeys()` so a typo never passes silently.
public final class ConfigReader {
    public let tree: ConfigTree
    public private(set) var problems: [ConfigurationProblem] = []
    private var consumed: Set<String> = []

    public init(tree: ConfigTree) {
        self.tree = tree
    }

    public func problem(_ key: String, _ message: String) {
        problems.append(ConfigurationProblem(key: key, message: message))
    }

    private func scalar(_ key: String, expected: String) -> String?? {
        consumed.insert(key)
        switch tree[key] {
        case nil: return .none
        case .scalar(let text)?: return .some(text)
        case .null?: return .some(nil)
        case .list?, .map?:
            problem(key, "expected \(expected), got a \(tree[key].map { if case .list = $0 { "list" } else { "mapping" } } ?? "")")
            return .some(nil)
        }
    }

    /// Whether the key is present at all (even as null).
    public func contains(_ key: String) -> Bool { tree[key] != nil }

    public func string(_ key: String, default value: String) -> String {
        guard let found = scalar(key, expected: "text") else { return value }
        return found ?? ""
    }

    public func uint64(_ key: String, default value: UInt64) -> UInt64 {
        optionalUInt64(key) ?? (contains(key) ? 0 : value)
    }

    /// nil when absent; a problem (and nil) when present but not an unsigned integer.
    public func optionalUInt64(_ key: String) -> UInt64? {
        guard let found = scalar(key, expected: "an unsigned integer") else { return nil }
        guard let text = found else {
            problem(key, "expected an unsigned integer, got nothing")
            return nil
        }
        guard let v = UInt64(String(text.filter { $0 != "_" })) else {
            problem(key, "expected an unsigned integer, got \(ConfigChecks.quoted(text))")
            return nil
        }
        return v
    }

    public func uint32(_ key: String, default value: UInt32) -> UInt32 {
        let wide = uint64(key, default: UInt64(value))
        guard let v = UInt32(exactly: wide) else {
            problem(key, "must be at most \(UInt32.max), got \(wide)")
            return value
        }
        return v
    }

    public func bool(_ key: String, default value: Bool) -> Bool {
        guard let found = scalar(key, expected: "true or false") else { return value }
        switch found?.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            problem(key, "expected true or false, got \(ConfigChecks.quoted(found ?? ""))")
            return value
        }
    }

    /// A YAML list of text, or (from the environment / flags) one comma-separated text.
    public func stringList(_ key: String, default value: [String]) -> [String] {
        consumed.insert(key)
        switch tree[key] {
        case nil: return value
        case .null?: return []
        case .scalar(let text)?:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .list(let items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                if case .scalar(let text) = item { out.append(text) } else { problem("\(key)[\(i)]", "expected text") }
            }
            return out
        case .map?:
            problem(key, "expected a list, got a mapping")
            return value
        }
    }

    /// A mapping of text to text (e.g. the token table); keys are kept as written.
    public func stringMap(_ key: String) -> [String: String] {
        consumed.insert(key)
        switch tree[key] {
        case nil, .null?: return [:]
        case .map(let m)?:
            var out: [String: String] = [:]
            for (k, v) in m {
                if case .scalar(let text) = v { out[k] = text } else { problem("\(key).\(k)", "expected text") }
            }
            return out
        default:
            problem(key, "expected a mapping")
            return [:]
        }
    }

    /// A list of mappings of text (e.g. the validator list); unknown item keys are problems.
    public func mapList(_ key: String, itemKeys: Set<String>) -> [[String: String]] {
        consumed.insert(key)
        switch tree[key] {
        case nil, .null?: return []
        case .list(let items)?:
            var out: [[String: String]] = []
            for (i, item) in items.enumerated() {
                guard case .map(let m) = item else {
                    problem("\(key)[\(i)]", "expected a mapping")
                    continue
                }
                var entry: [String: String] = [:]
                for (k, v) in m {
                    guard itemKeys.contains(k) else {
                        problem("\(key)[\(i)].\(k)", "unknown key (known: \(itemKeys.sorted().joined(separator: ", ")))")
                        continue
                    }
                    switch v {
                    case .scalar(let text): entry[k] = text
                    case .null: entry[k] = ""
                    default: problem("\(key)[\(i)].\(k)", "expected text")
                    }
                }
                out.append(entry)
            }
            return out
        default:
            problem(key, "expected a list of mappings")
            return []
        }
    }

    /// Problems for every key present in the tree that no reader asked for.
    public func unknownKeys() -> [ConfigurationProblem] {
        tree.leafPaths().filter { path in
            var prefix = ""
            for part in path.split(separator: ".") {
                prefix = prefix.isEmpty ? String(part) : prefix + "." + part
                if consumed.contains(prefix) { return false }
            }
            return true
        }.map { ConfigurationProblem(key: $0, message: "unknown key") }
    }
}
