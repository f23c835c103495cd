// SPDX-License-Identifier: Apache-2.0

/// What one Ethereum endpoint answers that the relay needs: the port `EndpointPool` calls instead
/// of a JSON-RPC client, so the watcher, the re-observer and the sender run against a scripted
/// chain in tests (no process).
///
/// `EthereumRPCClient` is the production one. Failures are the client's: `EthereumDecodingError`
/// for a malformed answer, `EthereumRPCError.logQueryTooLarge` for a refused log range,
/// `EthereumSendError` for a node's verdict on a call or transaction, `JSONRPCClientError` for
/// transport and envelope problems; the pool classifies them.
public protocol EthereumChain: Sendable {
    /// `eth_chainId`.
    func chainID() async throws -> UInt64
    /// `eth_blockNumber`: the head.
    func blockNumber() async throws -> UInt64
    /// The header of the block `tag` names; nil when the node has no such block (or tag yet).
    func blockHeader(_ tag: BlockTag) async throws -> EthereumBlockHeader?
    /// `eth_getLogs` over `filter`.
    func logs(_ filter: LogFilter) async throws -> [EthereumLog]
    /// One receipt; nil when the node does not know the transaction.
    func receipt(transactionHash: [UInt8]) async throws -> EthereumReceipt?
    /// Receipts of several transactions in one request; per-entry errors stay per entry.
    func receipts(transactionHashes: [[UInt8]]) async throws -> [Result<EthereumReceipt?, any Error>]
    /// `eth_getCode(address, tag)`.
    func code(address: [UInt8], at tag: BlockTag) async throws -> [UInt8]
    /// The next nonce of `address` (`pending` or `latest`).
    func transactionCount(address: [UInt8], pending: Bool) async throws -> UInt64
    /// Sends a signed transaction; returns the hash the node reports.
    func sendRawTransaction(_ raw: [UInt8]) async throws -> [UInt8]
    /// The node's suggested priority fee (wei per gas).
    func maxPriorityFeePerGas() async throws -> UInt64
    /// `baseFeePerGas` of the latest block (0 before London).
    func latestBaseFee() async throws -> UInt64
    /// `eth_estimateGas` of a call.
    func estimateGas(from: [UInt8], to: [UInt8], data: [UInt8]) async throws -> UInt64
    /// `eth_call` of `data` on `to` at `tag`.
    func call(to: [UInt8], data: [UInt8], from: [UInt8]?, at tag: BlockTag) async throws -> [UInt8]
    /// The bridge contract's validators (20-byte addresses, contract order) at `tag`, at most `maxValidators`.
    func bridgeValidatorSet(bridge: [UInt8], at tag: BlockTag, maxValidators: UInt64) async throws -> [[UInt8]]
}

extension EthereumRPCClient: EthereumChain {}
