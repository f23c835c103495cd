// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `StartupPageRelease`: which mappings of `/proc/self/maps` may be paged out (clean, private,
/// read-only file mappings only), read from real maps text, and the release run on this test
/// process itself.
struct StartupPageReleaseTests {
    /// Lines as `/proc/self/maps` of a test process printed them (one of each kind).
    static let sample = """
        5581f2a00000-5581f2c4e000 r--p 00000000 fe:00 1839204                    /work/wt/.build/debug/bridge-relayPackageTests.xctest
        5581f2c4e000-5581f5d0b000 r-xp 0024e000 fe:00 1839204                    /work/wt/.build/debug/bridge-relayPackageTests.xctest
        5581f5d0b000-5581f5f6d000 r--p 0330b000 fe:00 1839204                    /work/wt/.build/debug/bridge-relayPackageTests.xctest
        5581f5f6d000-5581f5f8a000 rw-p 0356d000 fe:00 1839204                    /work/wt/.build/debug/bridge-relayPackageTests.xctest
        5581f6b32000-5581f6d5a000 rw-p 00000000 00:00 0                          [heap]
        7f25be90c000-7f25be913000 r--s 00000000 fe:00 332619                     /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache
        7f25be8fe000-7f25be90b000 rw-p 00000000 00:00 0 
        7f19b8e97000-7f19b8fec000 r-xp 00026000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7f19b8fec000-7f19b8ff0000 ---p 0017b000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7f1a00000000-7f1a00021000 rw-p 00000000 00:00 0 
        7f25be916000-7f25be91a000 r--p 00000000 00:00 0                          [vvar]
        7f25be91c000-7f25be91e000 r-xp 00000000 00:00 0                          [vdso]
        7ffd4a3f1000-7ffd4a412000 rw-p 00000000 00:00 0                          [stack]
        7f1a10000000-7f1a10001000 r-xp 00000000 fe:00 4242                       /tmp/a folder/with spaces.so (deleted)
        """

    @Test func sampleLinesParseAndOnlyCleanFileCodeQualifies() throws {
        let all = StartupPageRelease.mappings(in: Self.sample)
        #expect(all.count == 14)
        let code = try #require(all.first { $0.permissions == "r-xp" })
        #expect(code.start == 0x5581f2c4e000 && code.end == 0x5581f5d0b000 && code.inode == 1839204)
        #expect(code.path == "/work/wt/.build/debug/bridge-relayPackageTests.xctest")
        #expect(all[6].path.isEmpty && all[6].inode == 0)
        #expect(all[13].path == "/tmp/a folder/with spaces.so (deleted)")
        let chosen = StartupPageRelease.selection(in: Self.sample)
        #expect(chosen.map(\.permissions) == ["r--p", "r-xp", "r--p", "r-xp", "r-xp"])
        #expect(chosen.map(\.path).filter { $0.hasSuffix(".xctest") }.count == 3)
        #expect(chosen.contains { $0.path.hasSuffix("libc.so.6") })
        // Not writable, not shared (r--s), not a guard (---p), not anonymous, not [vdso]/[vvar]/[heap]/[stack].
        #expect(!chosen.contains { $0.permissions.contains("w") || $0.permissions.hasSuffix("s") || $0.inode == 0 })
    }

    @Test func malformedLinesAreSkippedNotTrusted() {
        let text = """
            zzzz-5581f2c4e000 r-xp 00000000 fe:00 1 /bin/x
            5581f2c4e000-5581f2c4e000 r-xp 00000000 fe:00 1 /bin/empty-range
            7000-6000 r-xp 00000000 fe:00 1 /bin/backwards
            7000-8000 r-x 00000000 fe:00 1 /bin/short-perms
            7000-8000 r-xp 00000000 fe:00 notanumber /bin/x
            Rss:                 152 kB
            """
        #expect(StartupPageRelease.mappings(in: text).isEmpty)
    }

    @Test func realMapsOfThisProcess() throws {
        let text = try StartupPageRelease.readProcFile("/proc/self/maps")
        let lines = text.split(separator: "\n")
        let all = StartupPageRelease.mappings(in: text)
        #expect(all.count == lines.count, "every line of /proc/self/maps parses")
        // Read to the end (Foundation's String(contentsOfFile:) stopped after the first read here).
        #expect(text.hasSuffix("\n") && all.contains { $0.path == "[stack]" })
        #expect(try String(contentsOfFile: "/proc/self/maps", encoding: .utf8).count <= text.count)
        let chosen = StartupPageRelease.selection(in: text)
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let ownName = URL(fileURLWithPath: executable).lastPathComponent
        #expect(chosen.contains { $0.permissions == "r-xp" && $0.path.hasSuffix("/" + ownName) }, "the test binary's code qualifies")
        #expect(all.contains { $0.path == "[vdso]" } && !chosen.contains { $0.path.hasPrefix("[") })
        for mapping in chosen {
            #expect(mapping.permissions.hasPrefix("r-") && mapping.permissions.hasSuffix("p") && mapping.path.hasPrefix("/"))
        }
        #expect(all.contains { $0.permissions.hasPrefix("rw") } && !chosen.contains { $0.permissions.contains("w") })
    }

    @Test func smapsGivesTheResidentSizeOfEachMapping() throws {
        let text = try StartupPageRelease.readProcFile("/proc/self/smaps")
        let chosen = StartupPageRelease.selection(in: text)
        #expect(!chosen.isEmpty)
        #expect(chosen.contains { $0.residentBytes > 0 }, "running code is resident")
        #expect(chosen.allSatisfy { $0.residentBytes <= Int($0.length) })
    }

    /// Runs the release on the test process, limited to a read-only mapping of a file the test wrote
    /// (paging out the whole test binary stalled a parallel run of the suite for ~50 s while every
    /// thread faulted its code back in): it returns, reports the bytes given back, and the pages
    /// read back afterwards hold the same bytes. The count depends on the kernel paging out file
    /// pages of a file this user owns, as it does for the node the localnet runs.
    @Test func releaseOnThisProcessReportsBytesAndKeepsData() throws {
        let file = try MappedTestFile(name: "startup-page-release")
        defer { file.release() }
        #expect(file.synced, "clean pages: the kernel does not page out dirty ones")
        let size = file.bytes.count

        let outcome = try StartupPageRelease.releaseNow { $0.path == file.path }
        #expect(outcome.mappings == 1)
        #expect(outcome.failures.isEmpty, "refused: \(outcome.failures)")
        #expect(outcome.residentBefore >= size / 2, "resident before: \(outcome.residentBefore)")
        #expect(outcome.releasedBytes > 0, "before \(outcome.residentBefore) after \(outcome.residentAfter)")
        #expect(file.view.elementsEqual(file.bytes), "the pages read back hold the file's bytes")
        #expect(file.faultedSum > 0)
        // A refused or empty selection is no error either.
        let none = try StartupPageRelease.releaseNow(advice: .cold) { _ in false }
        #expect(none.mappings == 0 && none.releasedBytes == 0 && none.failures.isEmpty)
    }

    @Test func switchIsReadFromFileEnvironmentAndFlag() throws {
        #expect(try BridgeNodeConfiguration.load(path: nil, environment: [:]).memory.releaseStartupCode)
        let environment = ["BRIDGE_RELAY_MEMORY_RELEASE_STARTUP_CODE": "false"]
        #expect(try !BridgeNodeConfiguration.load(path: nil, environment: environment).memory.releaseStartupCode)
        let flags = ["memory.release_startup_code=off"]
        #expect(try !BridgeNodeConfiguration.load(path: nil, environment: [:], flags: flags).memory.releaseStartupCode)
        let bad = try BridgeNodeConfiguration.load(path: nil, environment: [:], flags: ["memory.release_startup_code=maybe"])
        #expect(bad.readProblems.contains { $0.key == "memory.release_startup_code" })
        #expect(try BridgeNodeConfiguration.load(path: nil, environment: [:]).memory.trimHeap)
        #expect(try !BridgeNodeConfiguration.load(path: nil, environment: ["BRIDGE_RELAY_MEMORY_TRIM_HEAP": "false"]).memory.trimHeap)
        #expect(try !BridgeNodeConfiguration.load(path: nil, environment: [:], flags: ["memory.trim_heap=false"]).memory.trimHeap)
    }
}
