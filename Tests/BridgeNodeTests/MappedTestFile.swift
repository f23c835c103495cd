// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A file of `size` patterned bytes the test wrote, synced to disk (clean pages: the kernel pages out
/// no dirty ones), open read-only and mapped private read-only with every page faulted in — what the
/// start-up page release tests advise. `release()` unmaps, closes and deletes it.
final class MappedTestFile {
    let path: String
    let bytes: [UInt8]
    let descriptor: Int32
    let mapped: UnsafeMutableRawPointer
    /// Whether `fsync` succeeded.
    let synced: Bool
    /// The sum of one byte per page read to fault the pages in (non-zero for the pattern).
    let faultedSum: Int

    var view: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: mapped, count: bytes.count) }

    init(name: String, size: Int = 4 << 20) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
        bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw MappedTestFileError(step: "open")
        }
        synced = fsync(fd) == 0
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            close(fd)
            try? FileManager.default.removeItem(atPath: path)
            throw MappedTestFileError(step: "mmap")
        }
        descriptor = fd
        mapped = address
        let view = UnsafeRawBufferPointer(start: address, count: size)
        var sum = 0
        for offset in stride(from: 0, to: size, by: 4096) { sum &+= Int(view[offset]) }
        faultedSum = sum
    }

    func release() {
        munmap(mapped, bytes.count)
        close(descriptor)
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct MappedTestFileError: Error {
    var step: String
}
