// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import Ethereum
import Synchronization

/// The sending side of the ledger: accounts' nonces, a mempool of signed EIP-1559 transactions
/// (decoded and their sender recovered from the signature, as a node does), fees, contracts.
///
/// `eth_sendRawTransaction` refuses as geth does: another chain id, a nonce below the account's
/// (`nonce too low`), the same bytes again (`already known`), a replacement at a pending nonce
/// without both fees raised by 10 % (`replacement transaction underpriced`), a max fee below the
/// base fee. Nothing is mined until `minePending()`: it includes, per account, the pending
/// transactions in nonce order from the account's nonce on, runs each on its contract (a throw is
/// a reverted receipt), and drops the losers at a used nonce. Re-orgs do not give nonces back.
extension ScriptedEthereumLedger {
    struct Sending {
        var nonces: [[UInt8]: UInt64] = [:]
        var pending: [Pending] = []
        var contracts: [[UInt8]: any ScriptedContract] = [:]
        var baseFee: UInt64 = 1_000_000_000
        var suggestedTip: UInt64 = 1_500_000_000
        var gasEstimate: UInt64 = 90_000
        var sent: [[UInt8]] = []
    }

    /// A transaction in the mempool.
    public struct Pending: Sendable, Hashable {
        public var hash: [UInt8]
        public var from: [UInt8]
        public var transaction: EIP1559Transaction
    }

    /// Puts `contract` at `address` (its code too, so `eth_getCode` sees it).
    public func deploy(_ address: [UInt8], contract: any ScriptedContract) {
        deploy(address)
        state.withLock { $0.sending.contracts[address] = contract }
    }

    /// The base fee of the next block and the tip nodes suggest.
    public func setFees(baseFee: UInt64, suggestedTip: UInt64) {
        state.withLock {
            $0.sending.baseFee = baseFee
            $0.sending.suggestedTip = suggestedTip
        }
    }

    /// Another account spends `address`'s next nonce (a transaction sent elsewhere with the same key), mined at once.
    public func spendNonce(of address: [UInt8]) {
        let hash = Keccak256.hash(Array("foreign \(head) \(address)".utf8))
        state.withLock { $0.sending.nonces[address, default: 0] += 1 }
        mine([Transaction(hash: hash, logs: [])])
    }

    /// The mempool, oldest first.
    public var pending: [Pending] { state.withLock { $0.sending.pending } }

    /// Hashes of every transaction the mempool took, in order.
    public var accepted: [[UInt8]] { state.withLock { $0.sending.sent } }

    var baseFee: UInt64 { state.withLock { $0.sending.baseFee } }
    var suggestedTip: UInt64 { state.withLock { $0.sending.suggestedTip } }

    /// The next nonce of `address`: mined, or counting its consecutive pending transactions too.
    public func nonce(of address: [UInt8], pending: Bool) -> UInt64 {
        state.withLock { s in
            var next = s.sending.nonces[address] ?? 0
            guard pending else { return next }
            while s.sending.pending.contains(where: { $0.from == address && $0.transaction.nonce == next }) { next += 1 }
            return next
        }
    }

    /// `eth_call` of `data` on `to` (the contract's current state; an address without one answers nothing).
    func call(to: [UInt8], data: [UInt8], from: [UInt8]?) throws -> [UInt8] {
        guard let contract = state.withLock({ $0.sending.contracts[to] }) else { return [] }
        return try contract.call(data: data, from: from)
    }

    /// `eth_estimateGas`: the dry run's revert, else a fixed estimate (21 000 for a plain transfer).
    func estimateGas(from: [UInt8], to: [UInt8], data: [UInt8]) throws -> UInt64 {
        guard let contract = state.withLock({ $0.sending.contracts[to] }) else { return 21_000 }
        _ = try contract.call(data: data, from: from)
        return state.withLock { $0.sending.gasEstimate }
    }

    /// Takes a signed transaction into the mempool, or refuses it with the node's verdict.
    func submit(_ raw: [UInt8]) throws -> [UInt8] {
        let hash = Keccak256.hash(raw)
        let (transaction, from) = try SignedTransactionDecoder.decode(raw)
        return try state.withLock { s in
            guard transaction.chainID == chainID else { throw EthereumSendError.other(code: -32000, message: "invalid chain id") }
            if s.sending.pending.contains(where: { $0.hash == hash }) { throw EthereumSendError.alreadyKnown }
            if transaction.nonce < s.sending.nonces[from] ?? 0 { throw EthereumSendError.nonceConflict(message: "nonce too low") }
            if transaction.maxFeePerGas < s.sending.baseFee {
                throw EthereumSendError.underpriced(message: "max fee per gas less than block base fee")
            }
            if let i = s.sending.pending.firstIndex(where: { $0.from == from && $0.transaction.nonce == transaction.nonce }) {
                let old = s.sending.pending[i].transaction
                guard transaction.maxFeePerGas >= old.maxFeePerGas + old.maxFeePerGas / 10,
                      transaction.maxPriorityFeePerGas >= old.maxPriorityFeePerGas + old.maxPriorityFeePerGas / 10
                else { throw EthereumSendError.underpriced(message: "replacement transaction underpriced") }
            }
            s.sending.pending.append(Pending(hash: hash, from: from, transaction: transaction))
            s.sending.sent.append(hash)
            return hash
        }
    }

    /// Mines one block with the mempool's includable transactions (the newest replacement at each
    /// nonce wins); returns its number and the hashes included.
    @discardableResult
    public func minePending() -> (block: UInt64, included: [[UInt8]]) {
        let chosen: [(Pending, (any ScriptedContract)?)] = state.withLock { s in
            var out: [(Pending, (any ScriptedContract)?)] = []
            while true {
                let ready = s.sending.pending.enumerated().filter { _, p in
                    p.transaction.nonce == s.sending.nonces[p.from] ?? 0 && p.transaction.maxFeePerGas >= s.sending.baseFee
                }
                guard let (_, winner) = ready.last else { break }
                s.sending.nonces[winner.from] = winner.transaction.nonce + 1
                s.sending.pending.removeAll { $0.from == winner.from && $0.transaction.nonce == winner.transaction.nonce }
                out.append((winner, s.sending.contracts[winner.transaction.to]))
            }
            return out
        }
        var transactions: [Transaction] = []
        for (p, contract) in chosen {
            var succeeded = true
            if let contract { do { try contract.execute(data: p.transaction.data, from: p.from) } catch { succeeded = false } }
            transactions.append(Transaction(hash: p.hash, logs: [], succeeded: succeeded))
        }
        return (mine(transactions), transactions.map(\.hash))
    }
}
