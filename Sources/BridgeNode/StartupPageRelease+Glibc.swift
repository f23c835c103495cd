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

    /// Advises every qualifying mapping of this process once and measures the resident bytes of
    /// those mappings before and after. Synchronous (reads `/proc/self/smaps` twice, one `madvise`
    /// per mapping): call it off the cooperative pool. Throws only when smaps cannot be read; a
    /// refused call is a failure in the outcome and the rest still run.
    public static func releaseNow(advice: Advice = .pageOut) throws -> Outcome {
        #if os(Linux)
        let before = try String(contentsOfFile: smapsPath, encoding: .utf8)
        let chosen = selection(in: before)
        var failures: [String] = []
        for mapping in chosen {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, Int(mapping.length), advice.code) != 0 {
                failures.append("\(mapping.path): errno \(errno)")
            }
        }
        let after = try String(contentsOfFile: smapsPath, encoding: .utf8)
        let starts = Set(chosen.map(\.start))
        return Outcome(
            mappings: chosen.count, residentBefore: chosen.reduce(0) { $0 + $1.residentBytes },
            residentAfter: resident(in: after, starts: starts), failures: failures)
        #else
        return Outcome(mappings: 0, residentBefore: 0, residentAfter: 0, failures: ["not Linux"])
        #endif
    }
}
