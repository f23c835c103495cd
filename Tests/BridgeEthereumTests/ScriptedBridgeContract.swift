// SPDX-License-Identifier: Apache-2.0
import BridgeCore
@testable import BridgeEthereum
import BridgeTesting
import Ethereum
import Synchronization

/// The bridge contract as the sender meets it, on a `ScriptedEthereumLedger`: `isTransferCompleted`
/// answers from its replay set; `completeTransfer` with the exact calldata of an expected transfer
/// (Q(N) signatures of the current validators, sorted, as the devnet contract checks them) completes
/// it once; a second completion reverts "transfer already completed"; any other calldata reverts
/// "invalid signatures"; `pause` makes every completion revert "bridge is paused".
final class ScriptedBridgeContract: ScriptedContract {
    struct State {
        var completeCalls: [[UInt8]: [UInt8]] = [:]  // completeTransfer calldata → completion key
        var completed: Set<[UInt8]> = []
        var completions = 0
        var paused = false
    }

    private let state = Mutex(State())

    /// Accepts `transfer` with exactly the signatures the sender must choose for `validators`.
    func expect(_ transfer: CompletableTransfer, validators: ValidatorSet) throws {
        guard let signatures = EthereumSubmissionPlanner.submissionSignatures(transfer, validators: validators) else {
            throw EthereumSendError.reverted(reason: "quorum not met")
        }
        let call = BridgeContractCalls.completeTransfer(transfer.message, signatures: signatures)
        state.withLock { $0.completeCalls[call] = BridgeContractCalls.completionKey(transfer.message) }
    }

    /// Another sender completed `transfer`.
    func completeElsewhere(_ transfer: CompletableTransfer) {
        _ = state.withLock { $0.completed.insert(BridgeContractCalls.completionKey(transfer.message)) }
    }

    func setPaused(_ paused: Bool) { state.withLock { $0.paused = paused } }

    /// Completions mined successfully.
    var completions: Int { state.withLock { $0.completions } }

    func call(data: [UInt8], from: [UInt8]?) throws -> [UInt8] {
        try state.withLock { s in
            if data.starts(with: BridgeContractCalls.isTransferCompleted.selector) {
                return [UInt8](repeating: 0, count: 31) + [s.completed.contains(Array(data.dropFirst(4))) ? 1 : 0]
            }
            _ = try Self.completion(data, s)
            return []
        }
    }

    func execute(data: [UInt8], from: [UInt8]) throws {
        try state.withLock { s in
            let key = try Self.completion(data, s)
            s.completed.insert(key)
            s.completions += 1
        }
    }

    private static func completion(_ data: [UInt8], _ s: State) throws -> [UInt8] {
        guard let key = s.completeCalls[data] else { throw EthereumSendError.reverted(reason: "invalid signatures") }
        if s.paused { throw EthereumSendError.reverted(reason: "bridge is paused") }
        if s.completed.contains(key) { throw EthereumSendError.reverted(reason: "transfer already completed") }
        return key
    }
}
