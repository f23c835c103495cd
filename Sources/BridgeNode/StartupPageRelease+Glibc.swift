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
        /// `MADV_DONTNEED`: unmap them from this process (clean file pages stay in the page cache).
        /// Given only to mappings holding no copy-on-write page (`Mapping.holdsOnlyFilePages`).
        case dontNeed

        var code: Int32 {
            switch self {
            case .pageOut: 21  // MADV_PAGEOUT (Linux 5.4)
            case .cold: 20  // MADV_COLD (Linux 5.4)
            case .dontNeed: 4  // MADV_DONTNEED
            }
        }

        var name: String {
            switch self {
            case .pageOut: "MADV_PAGEOUT"
            case .cold: "MADV_COLD"
            case .dontNeed: "MADV_DONTNEED"
            }
        }
    }

    /// Where the process's mappings are read from.
    public static let smapsPath = "/proc/self/smaps"

    /// Advises every qualifying mapping of this process (those `including` keeps: all by default)
    /// once with `advice`, then, when `dropClean`, gives `MADV_DONTNEED` to those of them whose fresh
    /// smaps entry shows no copy-on-write page, then, when `trimHeap`, calls `malloc_trim(0)`; and
    /// measures the resident bytes of those mappings after each step. Synchronous (reads
    /// `/proc/self/smaps` up to five times, one `madvise` per mapping and step): call it off the
    /// cooperative pool. Throws only when smaps cannot be read; a refused call is a failure in the
    /// outcome and the rest still run.
    public static func releaseNow(
        advice: Advice = .pageOut, dropClean: Bool = true, trimHeap: Bool = false,
        including: (Mapping) -> Bool = { _ in true }
    ) throws -> Outcome {
        #if os(Linux)
        let before = try readProcFile(smapsPath)
        let chosen = selection(in: before).filter(including)
        let starts = Set(chosen.map(\.start))
        var failures = advise(chosen, advice)
        let afterAdvice = try readProcFile(smapsPath)
        var outcome = Outcome(
            mappings: chosen.count, residentBefore: chosen.reduce(0) { $0 + $1.residentBytes },
            residentAfterPageOut: resident(in: afterAdvice, starts: starts), residentAfter: 0, failures: [])
        var afterDrop = afterAdvice
        if dropClean {
            // Read again after the first advice: only what holds no copy-on-write page now.
            let candidates = selection(in: afterAdvice).filter { starts.contains($0.start) }
            let droppable = candidates.filter(\.holdsOnlyFilePages)
            failures += advise(droppable, .dontNeed)
            outcome.droppedMappings = droppable.count
            outcome.keptMappings = candidates.count - droppable.count
            afterDrop = try readProcFile(smapsPath)
        }
        outcome.residentAfter = resident(in: afterDrop, starts: starts)
        if trimHeap {
            outcome.privateDirtyBeforeTrim = privateDirty(in: afterDrop)
            trimMallocHeap()
            outcome.privateDirtyAfterTrim = privateDirty(in: try readProcFile(smapsPath))
        }
        outcome.failures = failures
        return outcome
        #else
        return Outcome(mappings: 0, residentBefore: 0, residentAfterPageOut: 0, residentAfter: 0, failures: ["not Linux"])
        #endif
    }

    #if os(Linux)
    /// `malloc_trim(0)`: glibc gives the free memory of its heaps back to the system. Looked up at
    /// run time (the Glibc module does not export `<malloc.h>`); nothing when it is absent.
    private static func trimMallocHeap() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// One `madvise` per mapping; the refused ones as `advice path: errno`.
    private static func advise(_ mappings: [Mapping], _ advice: Advice) -> [String] {
        var failures: [String] = []
        for mapping in mappings {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, Int(mapping.length), advice.code) != 0 {
                failures.append("\(advice.name) \(mapping.path): errno \(errno)")
            }
        }
        return failures
    }
    #endif

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
