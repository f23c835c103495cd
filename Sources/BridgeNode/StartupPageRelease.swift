// SPDX-License-Identifier: Apache-2.0

/// Gives back the clean code pages start-up faulted in and idle never runs again (issue 16).
///
/// Code is mapped in 64 KiB fault-around windows, and start-up touches code spread over every
/// module of the static binary (≈ 22.7 MiB resident of which ≈ 5 MiB is touched again at idle).
/// Once start-up is over, `MADV_PAGEOUT` over the process's private, read-only file mappings (the
/// binary's and libraries' text and read-only data) drops those pages; what idle runs faults back
/// in. Only clean file-backed pages qualify: writable and anonymous mappings are never advised, so
/// no data can be lost — the kernel would evict these first under memory pressure anyway.
///
/// The kernel pages out file pages only of files the process owns or may write, and only pages
/// no other process maps (a library shared with other programs stays): a root-owned binary run
/// by an unprivileged user releases nothing that way. So `MADV_DONTNEED` follows over the same
/// mappings, but only those whose smaps entry shows `Anonymous: 0 kB`: it unmaps their clean
/// pages from this process (they stay in the page cache, shared and reclaimable, and fault back
/// from it) whoever owns the file. A private mapping with a copy-on-write page (a RELRO region
/// after relocation) is never given `MADV_DONTNEED`: that would throw its content away.
///
/// This file is the pure part (which mappings qualify, read from `/proc/self/smaps` text);
/// `StartupPageRelease+Glibc.swift` reads the file and makes the calls.
public enum StartupPageRelease {
    /// One mapping of `/proc/self/maps` (or the header line of one in `/proc/self/smaps`).
    public struct Mapping: Sendable, Hashable {
        public var start: UInt
        public var end: UInt
        /// The four permission characters, e.g. `r-xp`.
        public var permissions: String
        public var inode: UInt64
        /// The file, or a pseudo-name (`[vdso]`, `[heap]`), or empty for anonymous memory.
        public var path: String
        /// `Rss:` of the mapping in bytes (smaps only; 0 when read from maps).
        public var residentBytes: Int = 0
        /// `Anonymous:` of the mapping in bytes: its copy-on-write pages (smaps only; nil when not read).
        public var anonymousBytes: Int?
        /// `Private_Dirty:` in bytes (smaps only; 0 when read from maps).
        public var privateDirtyBytes: Int = 0

        public var length: UInt { end - start }

        /// Parses `start-end perms offset dev inode [path]`; nil for anything else (a smaps field line too).
        public init?(line: Substring) {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1].count == 4 else { return nil }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), start < end,
                let inode = UInt64(fields[4])
            else { return nil }
            self.start = start
            self.end = end
            self.permissions = String(fields[1])
            self.inode = inode
            self.path = fields.count > 5 ? String(fields[5].drop { $0 == " " }) : ""
        }

        /// Clean, file-backed code or read-only data: private (`p`), readable, not writable, a
        /// real file (absolute path, an inode). Never anonymous, writable, shared or pseudo mappings.
        public var qualifies: Bool {
            let p = Array(permissions)
            return p.count == 4 && p[0] == "r" && p[1] == "-" && p[3] == "p" && inode != 0 && path.hasPrefix("/")
        }

        /// May be given `MADV_DONTNEED`: it qualifies and smaps shows no anonymous (copy-on-write)
        /// page in it, read as `Anonymous: 0 kB` (unknown — read from maps — is a no).
        public var holdsOnlyFilePages: Bool { qualifies && anonymousBytes == 0 }
    }

    /// Every mapping in `/proc/self/smaps` (or `/proc/self/maps`) text, with its `Rss:` when given.
    public static func mappings(in text: String) -> [Mapping] {
        var out: [Mapping] = []
        for line in text.split(separator: "\n") {
            if let mapping = Mapping(line: line) {
                out.append(mapping)
            } else if !out.isEmpty, let colon = line.firstIndex(of: ":") {
                let value = kilobytes(line[line.index(after: colon)...])
                switch line[..<colon] {
                case "Rss": out[out.count - 1].residentBytes = value ?? 0
                case "Anonymous": out[out.count - 1].anonymousBytes = value
                case "Private_Dirty": out[out.count - 1].privateDirtyBytes = value ?? 0
                default: break
                }
            }
        }
        return out
    }

    /// `   152 kB` in bytes; nil when it is not a number or overflows.
    static func kilobytes(_ text: Substring) -> Int? {
        guard let number = text.split(separator: " ").first.flatMap({ Int($0) }), number >= 0 else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: 1024)
        return overflow ? nil : bytes
    }

    /// The mappings to advise: those that qualify.
    public static func selection(in text: String) -> [Mapping] {
        mappings(in: text).filter(\.qualifies)
    }

    /// The mappings `MADV_DONTNEED` may be given: those holding only file pages.
    public static func droppable(in text: String) -> [Mapping] {
        mappings(in: text).filter(\.holdsOnlyFilePages)
    }

    /// Resident bytes of the qualifying mappings in `text` whose start is in `starts`.
    static func resident(in text: String, starts: Set<UInt>) -> Int {
        selection(in: text).filter { starts.contains($0.start) }.reduce(0) { $0 + $1.residentBytes }
    }

    /// Private dirty bytes of the whole process in `text` (heap and stacks, mostly).
    static func privateDirty(in text: String) -> Int {
        mappings(in: text).reduce(0) { $0 + $1.privateDirtyBytes }
    }
}
