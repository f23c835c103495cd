// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeStore
import Ethereum
import Koinos
import Logging
import ServiceLifecycle

/// The Koinos → Ethereum side as a service (`koinos.watcher.enabled`): the lock watcher scans up
/// to the LIB, then each round the Ethereum contract's current validator set is read and every
/// valid lock is signed with the validator key's Ethereum form while it is in that set.
///
/// Not yet: gossip of these signatures to peers (so only a one-validator set reaches quorum
/// locally), delivery to Ethereum, completion and re-sign requests.
struct KoinosLockService: Service {
    let watcher: KoinosLockWatcher
    let signer: KoinosLockSigner
    let ethereum: EthereumRPCClient
    let ethereumContract: [UInt8]
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await watcher.verifyChain()
            while !Task.isCancelled {
                do {
                    while case .committed = try await watcher.scanOnce() { try Task.checkCancellation() }
                    let validators = try await ethereum.bridgeValidatorSet(bridge: ethereumContract)
                    let signed = try await signer.signPending(validators: validators)
                    for case .signed(let id, _) in signed {
                        let outcome = try await signer.collect(id, digest: try await digest(of: id), received: [], validators: validators)
                        if outcome.submission != nil { logger.info("Koinos lock at quorum", metadata: ["koinos.lock": "\(id)"]) }
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

    private func digest(of id: KoinosLockID) async throws -> [UInt8] {
        try await watcher.database.koinosLock(id)?.digest ?? []
    }
}
