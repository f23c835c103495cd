// SPDX-License-Identifier: Apache-2.0

/// Why a configuration could not be loaded at all (as opposed to loaded with problems).
public enum ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file exists but is not valid YAML (or not a mapping at the top).
    case brokenFile(path: String, detail: String)
    /// The file could not be read.
    case unreadableFile(path: String, detail: String)

    public var description: String {
        switch self {
        case .brokenFile(let path, let detail): "\(path): not a valid configuration file: \(ConfigChecks.shortened(detail))"
        case .unreadableFile(let path, let detail): "\(path): cannot read: \(detail)"
        }
    }
}

/// One thing wrong with a configuration, always naming the key (`ethereum.contract`).
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `key: message`, the line `config check` prints (a very long key, e.g. an unknown one, shortened).
    public var description: String { "\(ConfigChecks.shortened(key)): \(message)" }
}
