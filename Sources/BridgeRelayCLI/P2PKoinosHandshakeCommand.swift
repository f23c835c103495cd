// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import ChainCrypto
import KoinosP2P
import Libp2pHost
import Logging
import Multiformats

/// `p2p koinos-handshake MULTIADDR --chain-id B64`: dials a Koinos node and runs the handshake a
/// Koinos node runs (koinos.md §1.4): identify protocol version, GetChainID (must equal
/// `--chain-id`), GetHeadBlock; prints what the peer said. Exit 0 accepted, 1 refused, 2 unreachable.
struct P2PKoinosHandshakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "koinos-handshake",
        abstract: "Run the Koinos p2p handshake with a node once and print what it said.")

    @Argument(help: "Koinos node address, e.g. /ip4/127.0.0.1/tcp/8888/p2p/Qm…")
    var address: String

    @Option(name: .customLong("chain-id"), help: "Our Koinos chain id (base64url, as chain.get_chain_id returns it).")
    var chainID: String

    @Option(help: "Seconds allowed for the dial and for each call.")
    var timeout: Double = 10

    @OptionGroup var identity: P2PIdentityOptions

    func validate() throws {
        guard Base64URL.decode(chainID)?.count == 34 else { throw ValidationError("--chain-id must be the base64url of a 34-byte chain id") }
        guard timeout > 0, timeout <= 300 else { throw ValidationError("--timeout must be in (0, 300] seconds") }
    }

    func run() async throws {
        let target: Multiaddr
        do { target = try Multiaddr(address) } catch { throw ValidationError("invalid multiaddr: \(error)") }
        let expected = Base64URL.decode(chainID) ?? []
        let key = try await identity.loadOrExit() ?? Libp2pPrivateKey.generate(.ecdsaP256)
        // The Koinos node runs its own handshake on us: `P2PDial` answers it with our chain id.
        let (host, peer) = try await P2PDial.connect(target, key: key, timeout: timeout, koinosChainID: expected)
        let report = await KoinosHandshake.run(
            with: peer, on: host, expectedChainID: expected, callTimeout: .milliseconds(Int(timeout * 1000)))
        await host.shutdown()
        print("peer:             \(report.peer)")
        print("protocol version: \(report.protocolVersion ?? "(none)")")
        print("agent:            \(report.agentVersion ?? "(none)")")
        print("chain id:         \(report.chainID.map { Base64URL.encode($0) } ?? "(not asked)")")
        if let height = report.headHeight, let id = report.headID { print("head:             \(height) \(ChainHex.encode(id, prefix: false))") }
        if let refusal = report.refusal {
            print("refused:          \(refusal)")
            throw ExitCode(1)
        }
        print("accepted")
    }
}
