// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import BridgeKoinos
import BridgeStore
public import Ethereum
import Koinos
public import Logging
public import ServiceLifecycle

/// The Koinos → Ethereum side as a service (`koinos.watcher.enabled`): the lock watcher scans up
/// to the LIB, then each round the Ethereum contract's current validator set is read and every
/// valid lock is signed with the validator key's Ethereum form while it is in that set; a lock
/// whose stored signatures already reach the contract's quorum gets its submission set stored.
///
/// Not yet: gossip of these signatures to peers (so only a set where this node alone is a quorum
/// completes locally), delivery to Ethereum, completion and re-sign requests.
public struct KoinosLockService: Service {
    public let watcher: KoinosLockWatcher
    public let signer: KoinosLockSigner
    public let ethereum: EthereumRPCClient
    public let ethereumContract: [UInt8]
    let logger: Logger

    public init(watcher: KoinosLockWatcher, signer: KoinosLockSigner, ethereum: EthereumRPCClient, ethereumContract: [UInt8], logger: Logger) {
        self.watcher = watcher
        self.signer = signer
        self.ethereum = ethereum
        self.ethereumContract = ethereumContract
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await watcher.verifyChain()
            while !Task.isCancelled {
                do {
                    _ = try await round()
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
        let validators = try await ethereum.bridgeValidatorSet(bridge: ethereumContract)
        var reached = [KoinosLockID]()
        for case .signed(let id, _) in try await signer.signPending(validators: validators) {
            guard let digest = try await watcher.database.koinosLock(id)?.digest else { continue }
            if try await signer.collect(id, digest: digest, received: [], validators: validators).submission != nil {
                reached.append(id)
                logger.info("Koinos lock at quorum", metadata: ["koinos.lock": "\(id)"])
            }
        }
        return reached
    }
}
