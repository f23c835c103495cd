// SPDX-License-Identifier: Apache-2.0
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension StartupPageRelease {
    /// The advice given to each qualifying mapping.
    public enum Advice: Sendable {
        /// `MADV_PAGEOUT`: reclaim the pages now (they leave the RSS).
        case pageOut
        /// `MADV_COLD`: only move them to the inactive list (evicted first under pressure; the RSS does not change).
        case cold

        var code: Int32 {
            switch self {
            case .pageOut: 21  // MADV_PAGEOUT (Linux 5.4)
            case .cold: 20  // MADV_COLD (Linux 5.4)
            }
        }
    }

    /// Where the process's mappings are read from.
    public static let smapsPath = "/proc/self/smaps"

    /// Advises every qualifying mapping of this process (those `including` keeps: all by default)
    /// once and measures the resident bytes of those mappings before and after. Synchronous (reads
    /// `/proc/self/smaps` twice, one `madvise` per mapping): call it off the cooperative pool. Throws
    /// only when smaps cannot be read; a refused call is a failure in the outcome and the rest still run.
    public static func releaseNow(
        advice: Advice = .pageOut, including: (Mapping) -> Bool = { _ in true }
    ) throws -> Outcome {
        #if os(Linux)
        let before = try readProcFile(smapsPath)
        let chosen = selection(in: before).filter(including)
        var failures: [String] = []
        for mapping in chosen {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, Int(mapping.length), advice.code) != 0 {
                failures.append("\(mapping.path): errno \(errno)")
            }
        }
        let after = try readProcFile(smapsPath)
        let starts = Set(chosen.map(\.start))
        return Outcome(
            mappings: chosen.count, residentBefore: chosen.reduce(0) { $0 + $1.residentBytes },
            residentAfter: resident(in: after, starts: starts), failures: failures)
        #else
        return Outcome(mappings: 0, residentBefore: 0, residentAfter: 0, failures: ["not Linux"])
        #endif
    }

    /// A `/proc` file read to its end with `read(2)` (its size shows as 0, and a read of the size
    /// `stat` gives stops early); at most `limit` bytes.
    public static func readProcFile(_ path: String, limit: Int = 64 << 20) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StartupPageReleaseError(path: path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw StartupPageReleaseError(path: path, errno: errno) }
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A `/proc` file that could not be opened or read.
public struct StartupPageReleaseError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "\(path): errno \(errno)" }
}
