// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto
import CoreMetrics
import Ethereum
import Logging

extension EthereumWatcher {
    /// What the completion and re-sign events of a range change, judged against the store.
    struct BridgeEventChanges {
        var completions: [EthereumCompletion] = []
        var resigns: [ObservationResign] = []
    }

    /// Reads what each event names and asks `EthereumBridgeEventJudge`; ignored events are
    /// logged with their reason and counted here (a rescan after a crash judges them again).
    func judge(_ events: [EthereumBridgeEvent]) async throws -> BridgeEventChanges {
        var changes = BridgeEventChanges()
        for event in events {
            let verdict: EthereumBridgeEventJudge.Verdict
            let name: String
            switch event {
            case .transferCompleted(let log, let tx, let op):
                name = "transfer_completed"
                let id = EthereumBridgeEventJudge.lockID(transactionID: tx, operationID: op)
                var status: AttestationStatus?
                if let id { status = try await store.koinosLockStatus(id) }
                verdict = EthereumBridgeEventJudge.judgeCompletion(id, status: status, transactionHash: log.transactionHash)
            case .newSignaturesRequested(_, let tx, let time):
                name = "new_signatures_requested"
                let stored = tx.count == 32 ? try await store.transfersForResign(chainID: configuration.chainID, transactionHash: tx) : []
                verdict = EthereumBridgeEventJudge.judgeResign(requestTimeMs: time, stored: stored, lifetimeMs: configuration.signatureLifetimeMs)
            case .malformed(_, let error):
                name = "malformed"
                verdict = .ignored(.malformed, detail: error)
            }
            switch verdict {
            case .complete(let completion): changes.completions.append(completion)
            case .resign(let resign): changes.resigns.append(resign)
            case .ignored(let reason, let detail):
                metrics.bridgeEvent(name, outcome: reason.rawValue).increment()
                logger.notice("Ethereum bridge event ignored", metadata: [
                    "eth.event": "\(name)", "eth.tx.hash": "\(ChainHex.encode(event.log.transactionHash))",
                    "eth.block.number": "\(event.log.blockNumber)", "reason": "\(reason.rawValue)", "detail": "\(detail)",
                ])
            }
        }
        return changes
    }

    /// Logs and counts what the commit applied (a change already applied by an earlier commit is not repeated).
    func report(_ changes: BridgeEventChanges, commit: ScanCommit) {
        for id in commit.completed {
            metrics.bridgeEvent("transfer_completed", outcome: "applied").increment()
            logger.info("Koinos lock completed on Ethereum", metadata: ["transfer.id": "\(id)"])
        }
        for id in commit.resigned {
            let expiration = changes.resigns.first { $0.id == id }?.expiration ?? 0
            metrics.bridgeEvent("new_signatures_requested", outcome: "applied").increment()
            logger.info("Re-sign requested on Ethereum: new expiration, signing again", metadata: [
                "transfer.id": "\(id)", "expiration": "\(expiration)",
            ])
        }
    }
}
