// SPDX-License-Identifier: Apache-2.0
import Yams

/// The untyped configuration: what the YAML file, the environment and the flags said, merged.
///
/// Scalars stay text until `ConfigReader` types them, so a value reads the same whether it came
/// from YAML, `BRIDGE_RELAY_…` or `--set`. `null` (YAML `~` or an empty value) is kept apart from
/// the empty string only for lists and maps, where it reads as empty.
public indirect enum ConfigTree: Sendable, Hashable {
    case scalar(String)
    case null
    case list([ConfigTree])
    case map([String: ConfigTree])

    /// Parses YAML text; one error naming the line and column when it is not valid YAML or its
    /// top level is not a mapping.
    public static func parse(yaml text: String, source: String) throws(ConfigurationError) -> ConfigTree {
        let node: Node?
        do {
            // `.basic`: no tag resolution. Scalars stay text until `ConfigReader` types them, and the default
            // resolver compiles seven NSRegularExpressions (ICU) at start-up for tags nobody reads (issue 16).
            node = try Yams.compose(yaml: text, .basic)
        } catch {
            throw .brokenFile(path: source, detail: Self.describe(error))
        }
        guard let node else { return .map([:]) }
        let tree = try convert(node, path: "", source: source)
        guard case .map = tree else { throw .brokenFile(path: source, detail: "the top level must be a mapping of sections") }
        return tree
    }

    private static func convert(_ node: Node, path: String, source: String) throws(ConfigurationError) -> ConfigTree {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["~", "null", "Null", "NULL", ""].contains(scalar.string) { return .null }
            return .scalar(scalar.string)
        case .sequence(let sequence):
            var items: [ConfigTree] = []
            for (i, item) in sequence.enumerated() { items.append(try convert(item, path: "\(path)[\(i)]", source: source)) }
            return .list(items)
        case .mapping(let mapping):
            var out: [String: ConfigTree] = [:]
            for (key, value) in mapping {
                guard case .scalar(let k) = key else {
                    throw .brokenFile(path: source, detail: "\(path.isEmpty ? "top level" : path): mapping keys must be plain text")
                }
                let child = path.isEmpty ? k.string : "\(path).\(k.string)"
                guard out[k.string] == nil else { throw .brokenFile(path: source, detail: "\(child): key given twice") }
                out[k.string] = try convert(value, path: child, source: source)
            }
            return .map(out)
        case .alias:
            throw .brokenFile(path: source, detail: "\(path): YAML aliases are not supported")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let yaml = error as? YamlError { return "\(yaml)".split(separator: "\n").first.map(String.init) ?? "\(yaml)" }
        return "\(error)"
    }

    /// The child at a dotted path (`ethereum.chain_id`), if any.
    public subscript(path: String) -> ConfigTree? {
        var node: ConfigTree? = self
        for part in path.split(separator: ".") {
            guard case .map(let m)? = node else { return nil }
            node = m[String(part)]
        }
        return node
    }

    /// Sets the value at a dotted path, creating maps on the way (replacing non-map nodes).
    public mutating func set(_ path: String, to value: ConfigTree) {
        let parts = path.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return }
        Self.set(&self, parts[...], value)
    }

    private static func set(_ node: inout ConfigTree, _ parts: ArraySlice<String>, _ value: ConfigTree) {
        guard let head = parts.first else {
            node = value
            return
        }
        var map: [String: ConfigTree] = [:]
        if case .map(let m) = node { map = m }
        var child = map[head] ?? .null
        set(&child, parts.dropFirst(), value)
        map[head] = child
        node = .map(map)
    }

    /// Every leaf path (`section.key`), lists and maps of lists counted as leaves.
    func leafPaths(prefix: String = "") -> [String] {
        switch self {
        case .map(let m):
            if m.isEmpty && !prefix.isEmpty { return [prefix] }
            return m.keys.sorted().flatMap { key in
                let child = prefix.isEmpty ? key : "\(prefix).\(key)"
                return m[key]!.leafPaths(prefix: child)
            }
        default:
            return prefix.isEmpty ? [] : [prefix]
        }
    }
}
