// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `MADV_DONTNEED` step of `StartupPageRelease` (it works whoever owns the file, so it must
/// never reach a mapping with a copy-on-write page) and the `malloc_trim(0)` step, on real smaps
/// text and on this test process's own mappings.
struct StartupPageReleaseDropTests {
    /// Two entries as `/proc/self/smaps` printed them: libc's code (no anonymous page) and its RELRO
    /// region (read-only after relocation, 16 kB of it copied on write).
    static let sample = """
        7f19b8e97000-7f19b8fec000 r-xp 00026000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Size:               1364 kB
        Rss:                1024 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        7f19b8ff0000-7f19b8ff4000 r--p 0017b000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Size:                 16 kB
        Rss:                  16 kB
        Private_Dirty:        16 kB
        Anonymous:            16 kB
        7f19b8ff4000-7f19b8ff6000 r--p 0017f000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                   8 kB
        Anonymous:          lots kB
        """

    @Test func anonymousIsReadPerMappingAndCopyOnWriteMappingsAreRefused() {
        let all = StartupPageRelease.mappings(in: Self.sample)
        #expect(all.map(\.anonymousBytes) == [0, 16 * 1024, nil])
        #expect(all.map(\.privateDirtyBytes) == [0, 16 * 1024, 0])
        #expect(all.allSatisfy { $0.qualifies }, "all three may be paged out")
        #expect(StartupPageRelease.droppable(in: Self.sample).map(\.start) == [0x7f19b8e97000], "only the one with Anonymous: 0")
        // Read from maps (no Anonymous field): unknown, so refused.
        let maps = Self.sample.split(separator: "\n").filter { StartupPageRelease.Mapping(line: $0) != nil }.joined(separator: "\n")
        #expect(StartupPageRelease.selection(in: maps).count == 3 && StartupPageRelease.droppable(in: maps).isEmpty)
    }

    /// This process's smaps: a RELRO `r--p` mapping of libc or the test binary holds relocated
    /// (copy-on-write) pages; it qualifies for `MADV_PAGEOUT` but never for `MADV_DONTNEED`.
    @Test func realRelroMappingOfThisProcessIsRefused() throws {
        let text = try StartupPageRelease.readProcFile("/proc/self/smaps")
        let chosen = StartupPageRelease.selection(in: text)
        #expect(chosen.allSatisfy { $0.anonymousBytes != nil }, "smaps gives Anonymous for every mapping")
        let relro = chosen.filter { ($0.anonymousBytes ?? 0) > 0 }
        #expect(!relro.isEmpty, "some read-only file mapping holds copy-on-write pages")
        #expect(relro.contains { $0.permissions == "r--p" })
        let droppable = StartupPageRelease.droppable(in: text)
        #expect(!droppable.isEmpty && droppable.allSatisfy { $0.anonymousBytes == 0 && $0.qualifies })
        #expect(Set(droppable.map(\.start)).isDisjoint(with: relro.map(\.start)))
    }

    /// `MADV_COLD` first (it releases nothing), so what is released is `MADV_DONTNEED`'s: it unmaps
    /// the clean pages of a file the test wrote, and they read back from the page cache unchanged.
    /// A private mapping of the same file with one page written (copy-on-write) and then made
    /// read-only is refused it: the written byte survives.
    @Test func dontNeedReleasesCleanPagesKeepsDataAndSparesCopyOnWrite() throws {
        let file = try MappedTestFile(name: "startup-page-drop")
        defer { file.release() }
        let size = file.bytes.count
        let bytes = file.bytes
        let copied = try #require(
            mmap(nil, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.descriptor, 0).flatMap { $0 == MAP_FAILED ? nil : $0 })
        defer { munmap(copied, 1 << 16) }
        copied.storeBytes(of: bytes[0] &+ 1, as: UInt8.self)  // a copy-on-write page, then read-only (as RELRO)
        #expect(mprotect(copied, 1 << 16, PROT_READ) == 0)
        let ours: (StartupPageRelease.Mapping) -> Bool = { $0.path == file.path }

        let outcome = try StartupPageRelease.releaseNow(advice: .cold, including: ours)
        #expect(outcome.mappings == 2 && outcome.droppedMappings == 1 && outcome.keptMappings == 1)
        #expect(outcome.failures.isEmpty, "refused: \(outcome.failures)")
        #expect(outcome.residentBefore >= size / 2, "resident before: \(outcome.residentBefore)")
        #expect(outcome.releasedByPageOut < outcome.residentBefore / 4, "MADV_COLD keeps pages mapped")
        #expect(outcome.releasedByDontNeed >= size / 2, "dropped: \(outcome.releasedByDontNeed)")
        #expect(copied.load(as: UInt8.self) == bytes[0] &+ 1, "the copy-on-write page was not thrown away")
        #expect(file.view.elementsEqual(bytes), "the pages read back hold the file's bytes")
        #expect(file.faultedSum > 0)
        let after = try StartupPageRelease.readProcFile("/proc/self/smaps")
        let copiedStart = UInt(bitPattern: copied)
        #expect(StartupPageRelease.mappings(in: after).first { $0.start == copiedStart }.map { ($0.anonymousBytes ?? 0) > 0 } == true)
    }

    /// `malloc_trim(0)` after freeing 16 MiB of small blocks gives most of it back, measured as the
    /// process's private dirty bytes; no mapping is advised.
    @Test func trimGivesFreedHeapBack() throws {
        let count = 16 << 10
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(count)
        for i in 0..<count {
            guard let block = malloc(1000) else { continue }
            memset(block, Int32(i & 0x7f) | 1, 1000)
            blocks.append(block)
        }
        #expect(blocks.count == count)
        for block in blocks.dropLast() { free(block) }  // the last keeps the heap's top in use: trim, not shrink, frees the rest
        defer { free(blocks.last) }
        let outcome = try StartupPageRelease.releaseNow(dropClean: false, trimHeap: true) { _ in false }
        #expect(outcome.mappings == 0 && outcome.releasedBytes == 0 && outcome.failures.isEmpty)
        #expect(outcome.privateDirtyBeforeTrim > 0)
        #expect(outcome.trimmedBytes >= 4 << 20, "before \(outcome.privateDirtyBeforeTrim) after \(outcome.privateDirtyAfterTrim)")
    }
}
