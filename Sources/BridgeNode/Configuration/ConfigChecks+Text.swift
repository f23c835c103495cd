// SPDX-License-Identifier: Apache-2.0
import Foundation

/// How configuration messages show what the operator wrote: on one line, and short.
///
/// A value is echoed so the operator sees which entry is meant, never in full when it is long (a
/// 200 KB value would bury every other line): longer than `limit` characters, it is cut to a
/// prefix and its size is given. Control characters (a newline in a value) are escaped, so one
/// problem stays one line.
extension ConfigChecks {
    /// Longest text echoed as is.
    static let limit = 80
    /// Characters kept of a longer text.
    static let keptPrefix = 60

    /// `'value'`, or `'prefix…' (N bytes)` when longer than `limit`.
    static func quoted(_ text: String) -> String {
        guard text.count > limit else { return "'\(escaped(text))'" }
        return "'\(escaped(String(text.prefix(keptPrefix))))…' (\(text.utf8.count) bytes)"
    }

    /// The text unquoted, cut the same way (keys, paths and parser details).
    static func shortened(_ text: String) -> String {
        guard text.count > limit else { return escaped(text) }
        return "\(escaped(String(text.prefix(keptPrefix))))… (\(text.utf8.count) bytes)"
    }

    private static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Why `path` cannot be read as a configuration file, or nil when it can be tried.
    static func configFileProblem(_ path: String, fileSystem: FileManager = .default) -> String? {
        var isDirectory: ObjCBool = false
        guard fileSystem.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "is a directory; --config takes the YAML file (e.g. \(shortened(path))/node.yaml)" }
        return fileSystem.isReadableFile(atPath: path) ? nil : "permission denied"
    }
}
