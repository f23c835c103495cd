// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeEthereum
import BridgeHTTPAPI
import BridgeKoinos
import BridgeNode
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
import Logging
import ProcessTestSupport
import Synchronization
import Testing

/// The local admin socket: mode 0600, another user cannot connect, and the commands work over it.
@Suite(.serialized) struct AdminSocketTests {
    /// The contract's nonce as a node reads it; no chain here (AdminSimulatorTests sends real calls).
    final class FixedNonceContract: AdminContractPort {
        func currentNonce() async throws -> UInt64 { 3 }
        func readyCall(_ state: AdminProposalState) -> AdminContractCall? { KoinosAdminContract.call(for: state) }
        func submit(_ call: AdminContractCall) async throws -> [UInt8] { throw AdminCommandError.chain("no chain in this test") }
    }

    /// A node's admin socket over a one-validator set (Q(1) = 1) in a fresh folder others may enter.
    func withSocket(
        in directory: String = NSTemporaryDirectory() + "admin-socket-\(UInt32.random(in: 0 ... .max))",
        _ body: (String, Secp256k1AttestationSigner) async throws -> Void
    ) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let signer = Secp256k1AttestationSigner(key: try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [5]))
        let contract = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes
        let service = AdminProposalService(
            repository: SQLiteAdminProposalRepository(try BridgeDatabase()), signer: signer, gossip: InMemoryAdminTopic().port(for: signer.validatorAddress),
            contract: FixedNonceContract(), clock: SystemBridgeClock(), hashing: ChainHashing(), validators: ValidatorSet([signer.validatorAddress]),
            configuration: AdminProposalPoolConfiguration(profile: .v1, contract: contract))
        let path = AdminSocketPath.inDataDirectory(directory)
        let server = AdminSocketServer(path: path, handler: AdminCommandHandler(service: service), logger: Logger(label: "test.admin"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            // Generous: under a loaded parallel run the bind can wait behind other suites for seconds.
            #expect(await eventually(.seconds(60)) { FileManager.default.fileExists(atPath: path) })
            try await body(path, signer)
        }
    }

    @Test func socketIsOwnerOnly() async throws {
        try await withSocket { path, _ in
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect(attributes[.type] as? FileAttributeType == .typeSocket)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(!FileManager.default.fileExists(atPath: path + ".\(getpid()).tmp"), "bound under a temporary name, then renamed")
        }
    }

    /// The same connect script succeeds as the node's user and fails as `nobody`.
    /// Needs root (to run the client as `nobody`) and setpriv; elsewhere the mode and peer-credential
    /// checks are covered by `socketIsOwnerOnly` and `AdminSocketServer.refuseOtherUsers`.
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anotherUserCannotConnect() async throws {
        try await withSocket { path, _ in
            let script = """
                import socket, sys
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(10)
                try:
                    s.connect(sys.argv[1]); s.sendall(b'{"command":"list"}\\n'); print("answer:", s.recv(65536).decode())
                except OSError as e:
                    print("refused:", e.strerror or e); sys.exit(3)
                """
            let owner = try await ChildProcess.run("/usr/bin/python3", ["-c", script, path])
            #expect(owner.status == 0, "control: the node's own user gets an answer (\(owner.stdout))")
            #expect(owner.stdout.contains("\"proposals\""))
            let other = try await ChildProcess.run(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script, path])
            #expect(other.status == 3)
            #expect(other.stdout.contains("Permission denied"))
            // Defence in depth: with the file mode opened by mistake, the node still closes another
            // user's connection without an answer (peer credentials).
            #expect(chmod(path, 0o666) == 0)
            let opened = try await ChildProcess.run(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script, path])
            #expect(!opened.stdout.contains("proposals"), "another user got an answer: \(opened.stdout)")
            #expect(opened.status != 0 || opened.stdout == "answer: \n", "closed without an answer: \(opened.stdout)")
            #expect(!opened.stdout.contains("timed out"), "the connection was closed, not left waiting")
            let ownerAgain = try await ChildProcess.run("/usr/bin/python3", ["-c", script, path])
            #expect(ownerAgain.stdout.contains("\"proposals\""), "the owner is still answered")
        }
    }

    @Test func commandsWorkOverTheSocket() async throws {
        try await withSocket { path, signer in
            let candidate = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"
            let proposed = try await AdminSocketClient.send(
                AdminSocketRequest(command: "propose", action: "add-validator", address: candidate, lifetime_s: 600), socketPath: path)
            #expect(proposed.error == nil)
            let proposal = try #require(proposed.proposals.first)
            #expect(proposal.action == "add-validator")
            #expect(proposal.target == candidate)
            #expect(proposal.nonce == 3)
            #expect(proposal.signers == [Base58.encode(signer.validatorAddress)])
            #expect(proposal.ready, "Q(1) = 1: the proposer's signature is the quorum")
            #expect(proposal.call?.method == "add_validator")
            let listed = try await AdminSocketClient.send(AdminSocketRequest(command: "list"), socketPath: path)
            #expect(listed.proposals.map(\.id) == [proposal.id])
            let shown = try await AdminSocketClient.send(AdminSocketRequest(command: "show", id: String(proposal.id.prefix(10))), socketPath: path)
            #expect(shown.proposals.first?.id == proposal.id)
            let bad = try await AdminSocketClient.send(AdminSocketRequest(command: "propose", action: "add-validator", address: "nope"), socketPath: path)
            #expect(bad.error?.contains("Koinos address") == true)
            let unknown = try await AdminSocketClient.send(AdminSocketRequest(command: "show", id: "0xdead"), socketPath: path)
            #expect(unknown.error == "no proposal 0xdead")
            let submit = try await AdminSocketClient.send(AdminSocketRequest(command: "submit", id: proposal.id), socketPath: path)
            #expect(submit.error?.contains("no chain in this test") == true)
        }
    }

    /// The real `bridge-relay admin …` binary finds the socket through `--config` and prints what
    /// the operator reads; with no node running it says so and exits 1.
    @Test func commandLineTalksToTheRunningNode() async throws {
        let directory = NSTemporaryDirectory() + "admin-cli-\(UInt32.random(in: 0 ... .max))"
        try await withSocket(in: directory) { _, _ in
            let proposed = try await GovernorReleaseCommandTests.relay(
                ["admin", "propose", "add-validator", "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN", "--lifetime", "600"], dataDir: directory)
            #expect(proposed.status == 0, "\(proposed.stderr)")
            #expect(proposed.stdout.contains("action        add-validator (action id 1) 1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"))
            #expect(proposed.stdout.contains("nonce         3"))
            #expect(proposed.stdout.contains("ready call    add_validator"))
            let id = try #require(proposed.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
            let listed = try await GovernorReleaseCommandTests.relay(["admin", "list"], dataDir: directory)
            #expect(listed.status == 0)
            #expect(listed.stdout.contains("\(id)  koinos  add-validator 1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN  nonce 3  1/1 ready"))
            let unknown = try await GovernorReleaseCommandTests.relay(["admin", "show", "0xffff"], dataDir: directory)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("no proposal 0xffff"))
        }
        let elsewhere = NSTemporaryDirectory() + "admin-cli-none-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let noNode = try await GovernorReleaseCommandTests.relay(["admin", "list"], dataDir: elsewhere)
        #expect(noNode.status == 1)
        #expect(noNode.stderr.contains("cannot reach the node's admin socket"))
    }
}
