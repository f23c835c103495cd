// SPDX-License-Identifier: Apache-2.0

/// A contract of a `ScriptedEthereumLedger`: what `eth_call` and `eth_estimateGas` answer at its
/// address, and what a mined transaction to it does. A revert is thrown as
/// `EthereumSendError.reverted` (as a node reports it); a mined transaction that throws gets a
/// receipt with status 0 and changes nothing.
public protocol ScriptedContract: Sendable {
    /// A read-only call of `data` (`eth_call`, and the dry run of `eth_estimateGas`).
    func call(data: [UInt8], from: [UInt8]?) throws -> [UInt8]
    /// A transaction from `from` with `data`, mined.
    func execute(data: [UInt8], from: [UInt8]) throws
}
