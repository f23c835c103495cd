// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeKoinos
public import BridgeEthereum
import BridgeSigning
import ChainCrypto
import BridgeStore
import CurlTransport
public import Ethereum
import Koinos
public import Logging
public import ServiceLifecycle

/// The Koinos → Ethereum side as a service (`koinos.watcher.enabled`): the lock watcher scans up
/// to the LIB, then each round the Ethereum contract's current validator set is taken and every
/// valid lock is signed with the validator key's Ethereum form while it is in that set; a lock
/// whose stored signatures already reach the contract's quorum gets its submission set stored.
///
/// Delivery of the locks at quorum is the Ethereum sender's (`BridgeNode+EthereumSender.swift`);
/// the signatures reach the other validators through `exchange`.
public struct KoinosLockService: Service {
    public let watcher: KoinosLockWatcher
    public let signer: KoinosLockSigner
    /// The Ethereum contract's validator set (re-read when its admin nonce moves).
    public let validatorSet: BridgeValidatorSetReader
    /// Gossip of the signatures with the other validators (nil: this node alone): own signatures
    /// are published and peers' collected each round (KoinosSignatureExchange).
    public var exchange: KoinosSignatureExchange?
    let logger: Logger

    public init(watcher: KoinosLockWatcher, signer: KoinosLockSigner, validatorSet: BridgeValidatorSetReader, logger: Logger) {
        self.watcher = watcher
        self.signer = signer
        self.validatorSet = validatorSet
        self.logger = logger
    }

    public init(watcher: KoinosLockWatcher, signer: KoinosLockSigner, ethereum: EthereumRPCClient, ethereumContract: [UInt8], logger: Logger) {
        self.init(
            watcher: watcher, signer: signer,
            validatorSet: BridgeValidatorSetReader(rpc: ethereum, bridge: ethereumContract, clock: signer.clock), logger: logger)
    }

    /// How often this node's signatures of locks not completed yet are gossiped again: the fallback
    /// behind the catch-up requests (`KoinosSignatureExchange.catchUp`), which bring a node that
    /// missed the gossip to quorum within seconds; it still covers peers that run an older version
    /// and locks past the catch-up's 64 newest or its five asks.
    static let republishInterval: Duration = .seconds(60)

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await watcher.verifyChain()
            var lastRepublish = ContinuousClock.now
            while !Task.isCancelled {
                do {
                    _ = try await round()
                    if let exchange, ContinuousClock.now - lastRepublish >= Self.republishInterval {
                        lastRepublish = ContinuousClock.now
                        try await exchange.republishOwn()
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("Koinos → Ethereum round failed; retrying", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .milliseconds(Int64(clamping: watcher.configuration.pollIntervalMs)))
            }
        }
    }

    /// One round: windows up to the LIB, the Ethereum set, signatures, quorum. Returns the locks
    /// that reached quorum in this round.
    public func round() async throws -> [KoinosLockID] {
        while case .committed = try await watcher.scanOnce() { try Task.checkCancellation() }
        let validators = try await validatorSet.current()
        var reached = [KoinosLockID]()
        let signed = try await signer.signPending(validators: validators)
        try await exchange?.publish(signed)
        for case .signed(let id, let digest, _) in signed {
            if try await signer.collect(id, digest: digest, received: [], validators: validators).submission != nil {
                reached.append(id)
                logger.info("Koinos lock at quorum", metadata: ["koinos.lock": "\(id)"])
            }
        }
        // Locks signed here still below quorum: after a short wait, ask the peers for their signatures
        // (answers join the inbound ones collected just below).
        try await exchange?.catchUp()
        for id in try await exchange?.collectReceived(validators: validators) ?? [] where !reached.contains(id) {
            reached.append(id)
            logger.info("Koinos lock at quorum", metadata: ["koinos.lock": "\(id)"])
        }
        return reached
    }
}

extension BridgeNode {
    /// The Koinos → Ethereum service when `koinos.watcher.enabled` (and an Ethereum endpoint exists), else nil.
    static func koinosLockService(
        configuration c: ValidatedConfiguration, keys: NodeKeys, database: BridgeDatabase, logger: Logger
    ) -> KoinosLockService? {
        guard let settings = c.koinosWatcher, let ethEndpoint = c.ethereum.endpoints.first else { return nil }
        let clock = SystemBridgeClock()
        let koinosRPC = ([c.koinos.endpoint] + c.koinos.extraEndpoints).map {
            KoinosRPCClient(transport: CurlHTTPTransport(configuration: curl($0, timeoutMs: c.koinos.submitTimeoutMs)))
        }
        let serviceLogger = logger.labelled("bridge.koinos-watcher")
        let endpoints = KoinosEndpointPool(clients: koinosRPC, chainID: settings.chainID, clock: clock, logger: serviceLogger)
        return KoinosLockService(
            watcher: KoinosLockWatcher(configuration: settings, endpoints: endpoints, store: SQLiteKoinosLockStore(database), clock: clock, logger: serviceLogger),
            signer: KoinosLockSigner(
                key: keys.validatorKey, profile: c.ethereum.profile, store: SQLiteKoinosSignatureStore(database), governorStore: SQLiteGovernorRepository(database), clock: clock, governor: c.governor, logger: serviceLogger),
            ethereum: EthereumRPCClient(transport: CurlHTTPTransport(configuration: curl(ethEndpoint, timeoutMs: 30_000))),
            ethereumContract: c.ethereum.contract.bytes, logger: serviceLogger)
    }
}
