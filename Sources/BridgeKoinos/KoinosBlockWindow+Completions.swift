// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Koinos

extension KoinosBlockWindow {
    /// `bridge.transfer_completed_event`s of the checked window (receipts that did not revert,
    /// source = `bridge`): the Ethereum transaction hash each completes (payload `tx_id`), the
    /// completing Koinos transaction and its block height. An undecodable payload is an error
    /// value, never a trap.
    public static func completions(in items: [KoinosBlockItem], bridge: [UInt8]) -> [Result<KoinosTransferCompletion, KoinosProtoError>] {
        var out = [Result<KoinosTransferCompletion, KoinosProtoError>]()
        for item in items {
            for receipt in item.transactionReceipts where !receipt.reverted {
                for event in receipt.events where event.source == bridge && event.name == KoinosBridgeEvent.transferCompleted {
                    out.append(Result { () throws(KoinosProtoError) in
                        let decoded = try KoinosBridgeEvent.TransferCompleted.decode(event.data)
                        return KoinosTransferCompletion(
                            ethereumTransactionHash: decoded.transactionID, koinosTransactionID: receipt.id, blockHeight: item.height)
                    })
                }
            }
        }
        return out
    }
}
