// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import ProcessTestSupport
import Testing

/// issue 17, the Ethereum contract, with real processes: four `bridge-relay run` nodes of the
/// localnet carrying both directions (each has an Ethereum sender); operators propose
/// `admin propose --chain ethereum add-validator 0x…` on node 1, approve it on nodes 2 and 3 and
/// submit it from node 4 (an EIP-1559 transaction paid by its relayer key); the Ethereum devnet's
/// bridge contract then holds the new validator.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct AdminEthereumLocalnetTests {
    @Test(.timeLimit(.minutes(4)))
    func ethereumAddValidatorApprovedByAQuorumOfLocalnetNodesIsExecuted() async throws {
        try await LocalnetProcess.with(validators: 4, extraArguments: ["--both-directions"]) { net in
            let apis = net.validators.map { $0["api"] as! String }
            let configs = net.validators.map { $0["config"] as! String }
            #expect(try await eventually(.seconds(60)) { try await MultiProcessTests.allConnected(apis) }, "the validators did not connect")
            let newcomer = "0x7EB00942c7387da2Be7d5a65B50d9B82c0Db4cfc"

            let proposed = try await AdminLocalnetTests.admin(["propose", "--chain", "ethereum", "add-validator", newcomer, "--lifetime", "900"], config: configs[0])
            #expect(proposed.status == 0, "\(proposed.stderr)")
            #expect(proposed.stdout.contains("chain         ethereum bridge contract"))
            let id = try #require(proposed.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
            for config in configs[1...] {
                #expect(try await eventually(.seconds(30)) { try await AdminLocalnetTests.admin(["show", id], config: config).status == 0 }, "gossip reached \(config)")
            }
            for config in configs[1...2] {
                let approved = try await AdminLocalnetTests.admin(["approve", id], config: config)
                #expect(approved.status == 0, "\(approved.stderr)")
            }
            // The Ethereum contract's v2 rule: Q(4) = 3; `show` prints the transaction's to and calldata.
            #expect(try await eventually(.seconds(30)) {
                try await AdminLocalnetTests.admin(["show", id], config: configs[3]).stdout.contains("ready call    addValidator")
            })
            let shown = try await AdminLocalnetTests.admin(["show", id], config: configs[3]).stdout
            let eth = net.summary["ethereum"] as! [String: Any]
            let bridgeText = eth["bridge"] as! String
            #expect(shown.lowercased().contains("to        \(bridgeText.lowercased())"))
            #expect(shown.contains("calldata  0x"))
            let submitted = try await AdminLocalnetTests.admin(["submit", id], config: configs[3])
            #expect(submitted.status == 0, "\(submitted.stderr)")
            #expect(submitted.stdout.contains("submitted: transaction 0x"))

            let rpc = EthereumRPCClient(transport: CurlHTTPTransport(url: eth["rpc"] as! String))
            let bridge = try #require(ChainHex.decode(bridgeText))
            let wanted = try #require(EthereumAddress(newcomer)).bytes
            #expect(try await eventually(.seconds(30)) {
                (try? await rpc.bridgeValidatorSet(bridge: bridge))?.contains(wanted) == true
            }, "the Ethereum contract holds the new validator")
            // Executed: the contract's nonce moved, so every node drops the proposal as stale.
            #expect(try await eventually(.seconds(30)) {
                for config in configs where try await AdminLocalnetTests.admin(["show", id], config: config).status == 0 { return false }
                return true
            }, "the executed proposal is dropped everywhere")
        }
    }
}
