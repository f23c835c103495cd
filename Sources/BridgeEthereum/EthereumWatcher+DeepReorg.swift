// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import CoreMetrics
import Ethereum
import Logging

extension EthereumWatcher {
    /// Re-reads the blocks of observations committed `deepReorgCheckDepth` blocks ago. A block
    /// whose canonical hash changed means the chain reorganised below what the finality rule
    /// promised: its observations are marked rejected (the submitter then leaves them alone) and
    /// the event is logged as critical and counted, because signatures may already be out.
    func checkDeepReorgs(final: UInt64, state: inout LoopState) async {
        for number in state.sentinel.due(final: final) {
            let header: EthereumBlockHeader?
            do {
                header = try await pool.read("eth_getBlockByNumber") { try await $0.blockHeader(.number(number)) }
            } catch {
                logger.debug("Deep reorg check deferred", metadata: ["eth.block.number": "\(number)", "error": "\(error)"])
                return  // try again next poll; the block stays pending
            }
            let reorged = state.sentinel.resolve(number, canonicalHash: header?.hash)
            guard !reorged.isEmpty else { continue }
            metrics.reorgedAfterFinality.increment(by: reorged.count)
            let previous = (try? await database.markReorgedAfterFinality(reorged, blockNumber: number, nowMs: wallClock.nowMilliseconds)) ?? [:]
            for id in reorged {
                logger.critical("Lock block replaced after finality; observation withdrawn", metadata: [
                    "transfer.id": "\(id)", "eth.block.number": "\(number)", "eth.finality": "\(configuration.finality)",
                    "previous.status": "\(previous[id]?.rawValue ?? "unknown")",
                ])
            }
        }
    }

    /// After a restart: the observations committed in the last `depth` blocks before the cursor
    /// have not all been re-read yet, so they are tracked again (re-reading one twice is harmless).
    func trackStoredObservations(below cursor: UInt64, state: inout LoopState) async {
        let depth = configuration.deepReorgCheckDepth
        guard depth > 0 else { return }
        let from = cursor > depth + 1 ? cursor - depth - 1 : 0
        do {
            let blocks = try await database.observationBlocks(chainID: configuration.chainID, fromBlock: from, limit: state.sentinel.capacity)
            state.sentinel.track(blocks.map { (id: $0.id, blockNumber: $0.blockNumber, blockHash: $0.blockHash) })
        } catch {
            logger.warning("Could not read recent observations for the deep reorg check", metadata: ["error": "\(error)"])
        }
    }
}
