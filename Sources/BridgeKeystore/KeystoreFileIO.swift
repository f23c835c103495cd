// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// POSIX file handling for keystores: bounded reads and atomic, no-overwrite, mode-0600 writes.
enum KeystoreFileIO {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Reads at most `limit` bytes; a larger file is malformed.
    static func read(path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw KeystoreError.notFound(path: path) }
            throw KeystoreError.io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw KeystoreError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            guard out.count <= limit else { throw KeystoreError.malformed(path: path, reason: "file too large") }
        }
    }

    /// Writes `contents` to a temporary file in the same directory (mode 0600), fsyncs it, links it
    /// to `path` (link(2) fails with EEXIST instead of replacing, unlike rename(2)), removes the
    /// temporary name and fsyncs the directory.
    static func writeNew(path: String, contents: [UInt8]) throws {
        let directory = parentDirectory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = directory + "/." + name + ".tmp-" + ChainHex.encode(SecureRandom.bytes(6), prefix: false)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KeystoreError.io(path: temporary, operation: "create", errno: errno) }
        var committed = false
        defer { if !committed { unlink(temporary) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw KeystoreError.io(path: temporary, operation: "chmod", errno: errno) }
            var offset = 0
            while offset < contents.count {
                let n = contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw KeystoreError.io(path: temporary, operation: "write", errno: errno)
                }
                offset += n
            }
            guard fsync(fd) == 0 else { throw KeystoreError.io(path: temporary, operation: "fsync", errno: errno) }
        }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { throw KeystoreError.alreadyExists(path: path) }
            throw KeystoreError.io(path: path, operation: "link", errno: errno)
        }
        committed = true
        unlink(temporary)
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
