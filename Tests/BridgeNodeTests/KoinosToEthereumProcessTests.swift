// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Koinos
import KoinosTestSupport
import ProcessTestSupport
import Testing

/// `bridge-relay run` with `koinos.watcher.enabled`, one validator (the whole set on both chains),
/// on the Koinos simulator and the eth-tester devnet: a Koinos lock naming it as relayer is paid on
/// Ethereum by the node's own sender. The process is SIGKILLed while its completeTransfer waits in
/// the devnet's pool and started again: the restarted node follows that transaction to completion
/// and sends none of its own (the validator's nonce moves by exactly one; the recipient paid once).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct KoinosToEthereumProcessTests {
    @Test(.timeLimit(.minutes(6)))
    func aKilledAndRestartedNodeFollowsItsInFlightCompleteTransferAndNeverSendsASecond() async throws {
        let env = StartupProcessTests.environment
        guard let fixture = try await KoinosToEthereumNode.start(name: "k2e-process") else { return }
        let (dir, config, ethText, user, sim, devnet) = (fixture.dir, fixture.config, fixture.ethText, fixture.user, fixture.sim, fixture.devnet)
        let (wrapped, ethereum) = (ChainHex.encode(fixture.wrapped), fixture.ethereum)
        let me = try #require(EthereumAddress(ethText)).bytes
        func start(_ name: String) throws -> ChildProcess {
            try ChildProcess(relayBinary, ["run", "--config", config], environment: env, errorOutput: .file("\(dir)/\(name).log"))
        }
        func log(_ name: String) -> String { StartupProcessTests.log("\(dir)/\(name).log") }

        _ = try await devnet.call("evm_setAutomine", [false])
        let nonceBefore = try await ethereum.transactionCount(address: me, pending: false)
        let first = try start("first")
        let recipient = EthereumAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).bytes
        _ = try await sim.control("lock_tokens", [
            "private_key": .string(ChainHex.encode(user.rawRepresentation)), "token": .string("KOIN"), "amount": .int(4_200),
            "recipient": .string(ChainHex.encode(recipient)), "relayer": .string(ethText.lowercased()), "to_chain": .int(2),
        ])
        let sent = try await eventually(.seconds(120), every: .milliseconds(250)) { log("first").contains("completeTransfer sent") }
        #expect(sent, "\(log("first").suffix(3_000))")
        first.send(SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(10))
        #expect(try await ethereum.transactionCount(address: me, pending: true) == nonceBefore + 1)

        let second = try start("second")
        // The restarted node's sender passes (every 2 s) while the transaction still waits: a node that
        // had lost its row would find the transfer open and send a second transaction at the next nonce.
        try await Task.sleep(for: .seconds(10))  // sender passes in which nothing may be sent
        #expect(second.isRunning, "\(log("second").suffix(2_000))")
        #expect(try await ethereum.transactionCount(address: me, pending: true) == nonceBefore + 1, "nothing sent while in flight")
        _ = try await devnet.call("evm_setAutomine", [true])
        _ = try await devnet.call("evm_mine", [3])
        let final = try await eventually(.seconds(60), every: .milliseconds(250)) { log("second").contains("completeTransfer final") }
        #expect(final, "\(log("second").suffix(3_000))")
        #expect(try await Self.balance(ethereum, token: try #require(ChainHex.decode(wrapped)), of: recipient) == 4_200)
        try await Task.sleep(for: .seconds(5))  // more sender passes
        #expect(!log("second").contains("completeTransfer sent"), "the restarted node sent again")
        #expect(try await ethereum.transactionCount(address: me, pending: true) == nonceBefore + 1, "one transaction in all")
        #expect(try await Self.balance(ethereum, token: try #require(ChainHex.decode(wrapped)), of: recipient) == 4_200)
        let status = await second.stop(signal: SIGTERM, grace: .seconds(20))
        #expect(status == 0)
        await devnet.stop()
        await sim.stop()
        if status == 0 { try? FileManager.default.removeItem(atPath: dir) }
    }

    static func balance(_ rpc: EthereumRPCClient, token: [UInt8], of owner: [UInt8]) async throws -> UInt64? {
        let call = ABIEncoder.call(ABIFunction(name: "balanceOf", parameters: [.address]), [.address(owner)])
        guard case .uint(let w)? = try ABIDecoder.decode([.uint(256)], from: try await rpc.call(to: token, data: call)).first else { return nil }
        return w.uint64
    }
}
