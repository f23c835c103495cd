// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Logging

/// The executable's one way to call `LoggingSystem.bootstrap` (`run` and `eth watch`): human lines
/// on a TTY, JSON lines otherwise.
enum LoggingBootstrap {
    static func bootstrap(level logLevel: Logger.Level, format: ValidatedConfiguration.LogFormat) {
        let json = format == .json || (format == .auto && isatty(STDERR_FILENO) == 0)
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
        var fields: [String: Logger.MetadataValue] = [
            "ts": .string(UTCTimestamp.now()), "level": .string(event.level.rawValue), "label": .string(label),
            "msg": .string("\(event.message)"), "source": .string(event.source),
        ]
        for (key, value) in merged where fields[key] == nil { fields[key] = value }
        var line = JSONLine.object(fields)
        line.append("\n")
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// JSON text of log metadata, keys sorted by code point. Written by hand because Foundation's
/// `JSONSerialization` sorts keys with a locale, which loads ICU (several MiB of resident memory).
enum JSONLine {
    static func object(_ fields: [String: Logger.MetadataValue]) -> String {
        "{" + fields.sorted { $0.key < $1.key }.map { string($0.key) + ":" + value($0.value) }.joined(separator: ",") + "}"
    }

    static func value(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): string(s)
        case .stringConvertible(let c): string(c.description)
        case .array(let a): "[" + a.map(Self.value).joined(separator: ",") + "]"
        case .dictionary(let d): object(d)
        }
    }

    /// A JSON string literal (RFC 8259 escaping; `/` left as is).
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// `2026-11-25T15:53:17.123Z` from the system clock, formatted with libc (Foundation's date
/// formatters load ICU, which alone costs a validator several MiB of resident memory).
enum UTCTimestamp {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(spec.tv_nsec / 1_000_000), 3))Z"
    }
}
