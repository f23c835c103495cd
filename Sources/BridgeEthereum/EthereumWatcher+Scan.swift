// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import CoreMetrics
import ChainCrypto
import Ethereum
import Logging

extension EthereumWatcher {
    /// Waits for an endpoint of the chain (an unreachable one is retried, see `waitForChain`);
    /// refuses to start when every endpoint serves another chain, the finality tag does not work
    /// or the contract has no code (a wrong address would otherwise scan an empty chain forever).
    func checkStartup() async throws {
        try await pool.waitForChain()
        if configuration.finality == .finalized || configuration.finality == .safe {
            // Whether the tag is served at all: one endpoint's answer is enough (nothing is decided by it).
            let tag: BlockTag = configuration.finality == .safe ? .safe : .finalized
            guard try await pool.run("eth_getBlockByNumber", { try await $0.blockHeader(tag) }) != nil else {
                throw WatcherError.finalityTagUnsupported("\(configuration.finality)")
            }
        }
        let contract = configuration.contract
        let code = try await pool.run("eth_getCode") { try await $0.code(address: contract, at: .latest) }
        guard !code.isEmpty else {
            throw WatcherError.noContractCode(EthereumAddress(bytes: contract)?.checksummed ?? ChainHex.encode(contract))
        }
    }

    /// The highest block the finality mode trusts, or nil when none is final yet.
    func finalBlock() async throws -> UInt64? {
        try await pool.finalBlock(configuration.finality)
    }

    /// Logs, counts and yields what a commit stored for the first time.
    func emit(_ records: [ObservationRecord], commit: ScanCommit) {
        let inserted = Set(commit.inserted)
        for id in commit.duplicates {
            metrics.duplicateObservations.increment()
            logger.warning("Observation already stored; not emitted again", metadata: ["transfer.id": "\(id)"])
        }
        for record in records where inserted.contains(record.observation.id) {
            let o = record.observation
            if record.status == .rejected {
                metrics.rejectedObservations.increment()
                let code = record.reason.flatMap { $0.split(separator: ":").first }.flatMap { RejectionReason(rawValue: String($0)) }
                metrics.rejected(code ?? .malformedEvent).increment()
                logger.warning("Lock rejected", metadata: [
                    "transfer.id": "\(o.id)", "eth.block.number": "\(o.blockNumber)", "reason": "\(record.reason ?? "")",
                ])
            } else {
                metrics.validObservations.increment()
                logger.info("Lock observed", metadata: [
                    "transfer.id": "\(o.id)", "eth.block.number": "\(o.blockNumber)", "amount": "\(o.amount)",
                ])
            }
            if case .dropped = continuation.yield(record) { metrics.streamDrops.increment() }
        }
    }
}
