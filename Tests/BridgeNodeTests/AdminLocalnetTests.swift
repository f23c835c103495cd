// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import CurlTransport
import Foundation
import Koinos
import ProcessTestSupport
import Testing

/// issue 17 with real processes: four `bridge-relay run` nodes of the localnet (v2 profile, the
/// Koinos simulator); operators propose add-validator on node 1, approve it on nodes 2 and 3 and
/// submit it from node 4 with the `bridge-relay admin` commands; the contract then holds the new
/// validator and every node lists the proposal read-only over HTTP.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] != "1"))
struct AdminLocalnetTests {
    static func admin(_ arguments: [String], config: String) async throws -> ChildProcess.Completion {
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BRIDGE_RELAY_") }
        return try await ChildProcess.run(relayBinary, ["admin"] + arguments + ["--config", config], environment: environment, timeout: .seconds(60))
    }

    static func page(_ api: String) async -> String {
        guard let response = try? await TestHTTP.request(api + "/", timeout: .seconds(5)) else { return "" }
        return response.text
    }

    @Test(.timeLimit(.minutes(4)))
    func addValidatorApprovedByAQuorumOfLocalnetNodesIsExecutedOnKoinos() async throws {
        try await LocalnetProcess.with(validators: 4) { net in
            let apis = net.validators.map { $0["api"] as! String }
            let configs = net.validators.map { $0["config"] as! String }
            #expect(try await eventually(.seconds(60)) { try await MultiProcessTests.allConnected(apis) }, "the validators did not connect")
            let newcomer = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"

            let proposed = try await Self.admin(["propose", "add-validator", newcomer, "--lifetime", "900"], config: configs[0])
            #expect(proposed.status == 0, "\(proposed.stderr)")
            let id = try #require(proposed.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
            #expect(id.hasPrefix("0x") && id.count == 66)
            for config in configs[1...] {
                #expect(try await eventually(.seconds(30)) { try await Self.admin(["show", id], config: config).status == 0 }, "gossip reached \(config)")
            }
            for config in configs[1...2] {
                let approved = try await Self.admin(["approve", id], config: config)
                #expect(approved.status == 0, "\(approved.stderr)")
            }
            // v2: Q(4) = ⌊(5·4 + 10)/9⌋ = 3 signatures.
            #expect(try await eventually(.seconds(30)) { try await Self.admin(["show", id], config: configs[3]).stdout.contains("ready call    add_validator") })
            for api in apis {  // before execution, every node's HTTP API lists it (read-only)
                let listed = try await getJSON("\(api)/v1/admin/proposals")
                #expect((listed["proposals"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id }, "\(api) lists the proposal")
            }
            let submitted = try await Self.admin(["submit", id], config: configs[3])
            #expect(submitted.status == 0, "\(submitted.stderr)")
            #expect(submitted.stdout.contains("submitted: transaction 0x1220"))

            let koinos = net.summary["koinos"] as! [String: Any]
            let rpc = KoinosRPCClient(transport: CurlHTTPTransport(url: koinos["rpc"] as! String))
            let bridge = try #require(KoinosAddress(koinos["bridge"] as! String)).bytes
            let seeds = net.validators.compactMap { KoinosAddress($0["koinos_address"] as! String)?.bytes }
            #expect(try await eventually(.seconds(30)) {
                (try? await rpc.bridgeValidators(bridge: bridge, seeds: seeds))?.contains(KoinosAddress(newcomer)!.bytes) == true
            }, "the Koinos contract holds the new validator")
            // Executed: the contract's nonce moved past it, so every node drops the proposal as stale
            // (at its next tick) — the API stops listing it. (Before the nonce check, executed
            // proposals stayed listed until they expired; asserting that raced the tick under load.)
            #expect(try await eventually(.seconds(30)) {
                for api in apis {
                    let listed = try await getJSON("\(api)/v1/admin/proposals")
                    if (listed["proposals"] as? [[String: Any]] ?? []).contains(where: { $0["id"] as? String == id }) { return false }
                }
                return true
            }, "the executed proposal is dropped from every node's API")
            // The running nodes take the new set from the contract (the submitter re-reads it every
            // 60 s), without a restart: their page lists the newcomer in the validator table.
            #expect(try await eventually(.seconds(100), every: .seconds(2)) {
                for api in apis where !(await Self.page(api).contains("signatures-\(newcomer)")) { return false }
                return true
            }, "every running node shows the new validator set")
        }
    }
}
