// SPDX-License-Identifier: Apache-2.0
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock(2)` held for the life of the process: one node per data folder and per
/// keystore.
///
/// Two nodes on the same data folder would write the same SQLite file and join the network under
/// the same peer id; two on the same keystore would sign as the same validator twice. The kernel
/// releases the lock when the process ends however it ends (SIGKILL too), so a crash never leaves
/// a stale lock behind; the PID written into the data folder's lock file only names the holder.
/// The descriptor is close-on-exec, so child processes do not inherit the lock.
public final class InstanceLock: Sendable {
    /// Lock file inside `data_dir`; holds the PID of the running node.
    public static let dataDirectoryLockName = "bridge-relay.lock"

    /// Why the lock could not be taken.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another process holds it (its PID when known).
        case held(what: String, path: String, pid: Int32?)
        /// The file could not be opened or locked.
        case unusable(what: String, path: String, errno: Int32)

        public var description: String {
            switch self {
            case .held(let what, let path, let pid):
                "\(what) \(path) is in use by another bridge-relay (\(pid.map { "pid \($0)" } ?? "pid unknown")); stop it first or use another \(what)"
            case .unusable(let what, let path, let code):
                "cannot lock \(what) \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Creates `directory` if needed, locks its lock file and writes this process's PID into it.
    public static func lockDataDirectory(_ directory: String) throws(Failure) -> InstanceLock {
        let path = directory + "/" + dataDirectoryLockName
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code
            throw .unusable(what: "data folder", path: directory, errno: code.map { Int32($0) } ?? EACCES)
        }
        let lock = try acquire(path: path, flags: O_RDWR | O_CREAT, what: "data folder", shownPath: directory)
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(lock.descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(lock.descriptor, $0.baseAddress, $0.count, 0) }
        return lock
    }

    /// Locks the keystore file itself (opened read-only; the file is not changed).
    public static func lockKeystore(_ path: String) throws(Failure) -> InstanceLock {
        try acquire(path: path, flags: O_RDONLY, what: "keystore", shownPath: path)
    }

    /// Why `directory` could not be locked now (`.held` while a node runs on it), or nil when it
    /// could: the lock is taken and released at once (`config check`). Creates nothing.
    public static func dataDirectoryProblem(_ directory: String) -> Failure? {
        let path = directory + "/" + dataDirectoryLockName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            _ = try acquire(path: path, flags: O_RDONLY, what: "data folder", shownPath: directory)
            return nil
        } catch {
            return error
        }
    }

    private static func acquire(path: String, flags: Int32, what: String, shownPath: String) throws(Failure) -> InstanceLock {
        let fd = open(path, flags | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unusable(what: what, path: shownPath, errno: errno) }
        var result: Int32
        repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            let holder = code == EWOULDBLOCK ? holderPID(fd) : nil
            close(fd)
            if code == EWOULDBLOCK { throw .held(what: what, path: shownPath, pid: holder) }
            throw .unusable(what: what, path: shownPath, errno: code)
        }
        return InstanceLock(descriptor: fd)
    }

    /// The holder's PID: the number written in the file, else the FLOCK line of `/proc/locks` for
    /// the file's inode (absent in some sandboxes, then nil).
    private static func holderPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        if count > 0, let pid = Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 {
            return pid
        }
        var info = stat()
        guard fstat(fd, &info) == 0, let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        for line in locks.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE" else { continue }
            if fields[5].split(separator: ":").last == Substring(String(info.st_ino)), let pid = Int32(fields[4]) { return pid }
        }
        return nil
    }
}
