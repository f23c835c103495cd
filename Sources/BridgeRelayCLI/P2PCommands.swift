// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeKeystore
import BridgeNode
import ChainCrypto
import KoinosP2P
import Libp2pHost
import Logging
import Multiformats

/// `bridge-relay p2p …`: libp2p operator tools.
struct P2PCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "p2p",
        abstract: "libp2p identity and connectivity tools.",
        subcommands: [P2PIDCommand.self, P2PPingCommand.self, P2PKoinosHandshakeCommand.self]
    )
}

/// Where the libp2p identity comes from (shared by the p2p commands).
struct P2PIdentityOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the node keystore (the libp2p identity inside it; the passphrase is needed).")
    var keystore: String?

    @Option(name: .long, help: "Derive the ECDSA P-256 identity from this seed exactly as koinos-p2p does.")
    var seed: String?

    @Option(name: .customLong("key-file"), help: "File with a libp2p PrivateKey protobuf (raw bytes or hex).")
    var keyFile: String?

    @OptionGroup var passphrase: PassphraseOptions

    /// The identity, or nil when no option was given. A keystore is unlocked (Argon2id) on a
    /// thread of its own; its failure is one `CLIFailure` line.
    /// `load()`, with a failure printed as one line and turned into its exit status.
    func loadOrExit() async throws -> Libp2pPrivateKey? {
        do {
            return try await load()
        } catch let failure as CLIFailure {
            printError(failure.message)
            throw ExitCode(failure.status)
        }
    }

    func load() async throws -> Libp2pPrivateKey? {
        let given = [keystore != nil, seed != nil, keyFile != nil].filter { $0 }.count
        guard given <= 1 else { throw ValidationError("use only one of --keystore, --seed, --key-file") }
        if let keystore {
            let passphrase = self.passphrase
            return try await OffPool.run("bridge-relay-keystore") {
                var secret = try passphrase.read(confirm: false)
                defer { Sodium.zero(&secret) }
                do {
                    return try NodeKeys(unlocked: try Keystore.load(path: keystore, passphrase: secret)).p2pKey
                } catch {
                    throw CLIFailure.failed("\(error)")
                }
            }
        }
        if let seed { return Libp2pPrivateKey.koinosSeeded(seed) }
        if let keyFile { return try P2PKeyFile.read(keyFile) }
        return nil
    }
}

/// `p2p id`: prints the peer id of an identity.
struct P2PIDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "id", abstract: "Print the libp2p peer id of an identity.")

    @OptionGroup var identity: P2PIdentityOptions

    func run() async throws {
        let loaded = try await identity.loadOrExit()
        guard let key = loaded else { throw ValidationError("give --keystore, --seed or --key-file") }
        print("peer id:    \(key.peerID)")
        print("key type:   \(key.type)")
        print("public key: \(ChainHex.encode(key.publicKey.protobufEncoded, prefix: false))")
    }
}

/// `p2p ping MULTIADDR`: dials, upgrades and pings a peer.
struct P2PPingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Dial a peer, print the negotiated security and muxer, its peer id and ping round-trip times.")

    @Argument(help: "Peer address, e.g. /ip4/127.0.0.1/tcp/8888/p2p/Qm…")
    var address: String

    @Option(help: "Number of pings.")
    var count: Int = 3

    @Option(name: .customLong("chain-id"), help: "Koinos chain id (base64url) to answer a Koinos node's handshake with; without it a Koinos node drops the connection.")
    var chainID: String?

    @Option(help: "Seconds allowed for the dial + handshake and for each ping.")
    var timeout: Double = 10

    @OptionGroup var identity: P2PIdentityOptions

    func validate() throws {
        guard count >= 1, count <= 1000 else { throw ValidationError("--count must be 1…1000") }
        if let chainID, Base64URL.decode(chainID)?.count != 34 { throw ValidationError("--chain-id must be the base64url of a 34-byte chain id") }
        guard timeout > 0, timeout <= 300 else { throw ValidationError("--timeout must be in (0, 300] seconds") }
    }

    func run() async throws {
        let target: Multiaddr
        do { target = try Multiaddr(address) } catch { throw ValidationError("invalid multiaddr: \(error)") }
        let key = try await identity.loadOrExit() ?? Libp2pPrivateKey.generate(.ed25519)
        let (host, peer) = try await P2PDial.connect(target, key: key, timeout: timeout, koinosChainID: chainID.flatMap(Base64URL.decode))
        if let info = await host.connectionInfo(peer) {
            print("peer:     \(peer)")
            print("security: \(info.security)")
            print("muxer:    \(info.muxer)\(info.muxerInlined ? " (inlined in the Noise handshake)" : " (multistream-select)")")
        }
        do {
            let times = try await host.ping(peer, count: count, timeout: .milliseconds(Int(timeout * 1000)))
            for (index, time) in times.enumerated() {
                print("ping \(index + 1): \(P2PFormat.milliseconds(time)) ms")
            }
        } catch {
            print("error: ping failed: \(error)")
            await host.shutdown()
            throw ExitCode(3)
        }
        await host.shutdown()
    }
}

/// The p2p commands' short-lived host: dial and upgrade timeouts from `--timeout`, warnings only,
/// and, given a Koinos chain id, answers to a Koinos node's own handshake (our chain id, a head
/// at height 0) so the node does not drop the connection and block our address.
enum P2PDial {
    /// The host and the peer it reached; an unreachable peer prints one line and exits 2.
    static func connect(_ target: Multiaddr, key: Libp2pPrivateKey, timeout: Double, koinosChainID: [UInt8]?) async throws -> (Libp2pHost, PeerID) {
        var configuration = Libp2pHostConfiguration()
        configuration.dialTimeout = .milliseconds(Int(timeout * 1000))
        configuration.handshakeTimeout = .milliseconds(Int(timeout * 1000))
        var logger = Logger(label: "bridge.p2p")
        logger.logLevel = .warning
        let host = Libp2pHost(privateKey: key, configuration: configuration, logger: logger)
        if let koinosChainID {
            KoinosPeerRPCServer(source: StaticKoinosChain(chainID: koinosChainID), logger: logger).install(on: host)
        }
        do {
            return (host, try await host.connect(target))
        } catch {
            print("error: cannot reach \(target): \(error)")
            await host.shutdown()
            throw ExitCode(2)
        }
    }
}
