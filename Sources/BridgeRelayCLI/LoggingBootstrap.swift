// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging

/// The executable's one call to `LoggingSystem.bootstrap`: human lines on a TTY, JSON lines otherwise.
enum LoggingBootstrap {
    /// `format` is `auto`, `human` or `json`; `level` a swift-log level name (already validated).
    static func bootstrap(level: String, format: String) {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        let json = format == "json" || (format == "auto" && isatty(STDERR_FILENO) == 0)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLinesLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
    }
}

/// Writes one JSON object per line to stderr: `ts`, `level`, `label`, `msg`, `source`, then metadata.
struct JSONLinesLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var object: [String: Any] = [
            "ts": ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds]),
            "level": event.level.rawValue, "label": label, "msg": "\(event.message)", "source": event.source,
        ]
        for (key, value) in merged where object[key] == nil { object[key] = Self.plain(value) }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0a)
        FileHandle.standardError.write(line)
    }

    static func plain(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let a): a.map(plain)
        case .dictionary(let d): d.mapValues(plain)
        }
    }
}
