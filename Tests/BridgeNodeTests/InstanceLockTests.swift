// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation
import ProcessTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The instance locks and the listen-address probe, in process (flock locks belong to an open
/// file description, so a second lock in the same process conflicts as a second process would).
struct InstanceLockTests {
    static func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "bridge-lock-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aDataFolderIsLockedOnceAndNamesItsHolder() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var first: InstanceLock? = try InstanceLock.lockDataDirectory(dir + "/data")
        #expect(first != nil)
        #expect(throws: InstanceLock.Failure.held(what: "data folder", path: dir + "/data", pid: getpid())) {
            try InstanceLock.lockDataDirectory(dir + "/data")
        }
        #expect(InstanceLock.dataDirectoryProblem(dir + "/data") == .held(what: "data folder", path: dir + "/data", pid: getpid()))
        let text = try String(contentsOfFile: dir + "/data/" + InstanceLock.dataDirectoryLockName, encoding: .utf8)
        #expect(text == "\(getpid())\n")
        first = nil  // closing the descriptor releases the lock
        #expect(InstanceLock.dataDirectoryProblem(dir + "/data") == nil)
        _ = try InstanceLock.lockDataDirectory(dir + "/data")
    }

    @Test func aKeystoreIsLockedOnceAndItsHolderFoundInProcLocks() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{}".write(toFile: dir + "/keystore.json", atomically: true, encoding: .utf8)
        let held = try InstanceLock.lockKeystore(dir + "/keystore.json")
        #expect(throws: InstanceLock.Failure.held(what: "keystore", path: dir + "/keystore.json", pid: getpid())) {
            try InstanceLock.lockKeystore(dir + "/keystore.json")
        }
        #expect(try String(contentsOfFile: dir + "/keystore.json", encoding: .utf8) == "{}")  // the file is not changed
        withExtendedLifetime(held) {}
        let message = InstanceLock.Failure.held(what: "keystore", path: "/k.json", pid: 42).description
        #expect(message == "keystore /k.json is in use by another bridge-relay (pid 42); stop it first or use another keystore")
    }

    @Test func aPortInUseIsFoundByTheProbe() throws {
        let listener = try #require(LoopbackListener())
        let port = listener.port
        #expect(ListenAddressProbe.bindProblem(host: "127.0.0.1", port: port)?.contains("127.0.0.1:\(port) is already in use") == true)
        #expect(ListenAddressProbe.bindProblem(host: "127.0.0.1", port: 0) == nil)
        #expect(ListenAddressProbe.bindProblem(host: "192.0.2.1", port: port)?.contains("not an address of this machine") == true)

        var configuration = BridgeNodeConfiguration()
        configuration.http.listen = "127.0.0.1:\(port)"
        configuration.p2p.listen = ["/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/\(port)"]
        #expect(ListenAddressProbe.problems(configuration).map(\.key) == ["http.listen", "p2p.listen[1]"])
        listener.close()
        #expect(ListenAddressProbe.problems(configuration).isEmpty)
    }
}
