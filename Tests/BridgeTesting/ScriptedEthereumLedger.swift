// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import Ethereum
import Synchronization

/// The blocks of one Ethereum chain in memory, shared by the `ScriptedEthereumChain` endpoints that
/// serve it: each block has a hash, a parent hash and transactions with their logs and status.
/// Blocks are mined on demand; `reorg(from:)` replaces the blocks from a height on (new hashes,
/// other transactions); the `finalized` and `safe` tags trail the head by `finalizedDepth` and
/// `safeDepth`. Every answer of an endpoint is computed from this state.
public final class ScriptedEthereumLedger: Sendable {
    /// One transaction: its logs (address, topics, data) and whether it succeeded.
    public struct Transaction: Sendable, Hashable {
        public var hash: [UInt8]
        public var logs: [LogBody]
        public var succeeded: Bool

        public init(hash: [UInt8], logs: [LogBody], succeeded: Bool = true) {
            self.hash = hash
            self.logs = logs
            self.succeeded = succeeded
        }
    }

    /// What a contract emitted; the ledger fills in block, transaction and log index.
    public struct LogBody: Sendable, Hashable {
        public var address: [UInt8]
        public var topics: [[UInt8]]
        public var data: [UInt8]

        public init(address: [UInt8], topics: [[UInt8]], data: [UInt8]) {
            self.address = address
            self.topics = topics
            self.data = data
        }
    }

    /// A mined block.
    public struct Block: Sendable, Hashable {
        public var header: EthereumBlockHeader
        public var transactions: [Transaction]

        /// Every log of the block, with log indices counted across the block.
        public var logs: [EthereumLog] {
            var out: [EthereumLog] = []
            for (txIndex, tx) in transactions.enumerated() where tx.succeeded {
                for body in tx.logs {
                    out.append(EthereumLog(
                        address: body.address, topics: body.topics, data: body.data, blockNumber: header.number, blockHash: header.hash,
                        transactionHash: tx.hash, transactionIndex: UInt64(txIndex), logIndex: UInt64(out.count)))
                }
            }
            return out
        }

        /// The receipt of `hash` when it is in this block.
        public func receipt(_ hash: [UInt8]) -> EthereumReceipt? {
            guard let tx = transactions.first(where: { $0.hash == hash }) else { return nil }
            return EthereumReceipt(
                transactionHash: hash, blockHash: header.hash, blockNumber: header.number, status: tx.succeeded ? 1 : 0,
                logs: logs.filter { $0.transactionHash == hash })
        }
    }

    struct State {
        var blocks: [Block] = []
        var forks: UInt64 = 0
        var finalizedDepth: UInt64
        var safeDepth: UInt64
        var code: [[UInt8]: [UInt8]] = [:]
        var validators: [[UInt8]] = []
        var sending = Sending()
    }

    public let chainID: UInt64
    let state: Mutex<State>

    /// A chain with its genesis block (number 0).
    public init(chainID: UInt64 = 1337, finalizedDepth: UInt64 = 2, safeDepth: UInt64 = 1) {
        self.chainID = chainID
        state = Mutex(State(finalizedDepth: finalizedDepth, safeDepth: safeDepth))
        mine()
    }

    /// Mines one block holding `transactions`; returns its number.
    @discardableResult
    public func mine(_ transactions: [Transaction] = []) -> UInt64 {
        state.withLock { s in
            let number = UInt64(s.blocks.count)
            let parent = s.blocks.last?.header.hash ?? [UInt8](repeating: 0, count: 32)
            let hash = Keccak256.hash(Array("block \(number) fork \(s.forks)".utf8))
            s.blocks.append(Block(header: EthereumBlockHeader(number: number, hash: hash, parentHash: parent, timestamp: 1_700_000_000 + number * 12),
                                  transactions: transactions))
            return number
        }
    }

    /// Mines `count` empty blocks.
    public func mine(blocks count: Int) {
        for _ in 0..<count { mine() }
    }

    /// Drops every block from `number` on (a re-org); the next `mine` calls build the new branch,
    /// whose blocks get other hashes.
    public func reorg(from number: UInt64) {
        state.withLock { s in
            s.blocks.removeSubrange(Int(min(max(number, 1), UInt64(s.blocks.count)))...)
            s.forks += 1
        }
    }

    /// Sets how far the tags trail the head.
    public func setTagDepths(finalized: UInt64, safe: UInt64) {
        state.withLock { s in
            s.finalizedDepth = finalized
            s.safeDepth = safe
        }
    }

    /// Deploys `code` at `address` (what `eth_getCode` answers).
    public func deploy(_ address: [UInt8], code: [UInt8] = [0x60, 0x80]) { state.withLock { $0.code[address] = code } }

    /// The bridge contract's validator set (what `bridgeValidatorSet` answers).
    public func setValidators(_ validators: [[UInt8]]) { state.withLock { $0.validators = validators } }

    public var head: UInt64 { state.withLock { UInt64($0.blocks.count - 1) } }

    /// Block `number` of the canonical chain, nil above the head.
    public func block(_ number: UInt64) -> Block? {
        state.withLock { number < UInt64($0.blocks.count) ? $0.blocks[Int(number)] : nil }
    }

    /// The canonical blocks from `from` through `to` (clamped to the head).
    public func blocks(_ from: UInt64, _ to: UInt64) -> [Block] {
        state.withLock { s in
            let last = min(to, UInt64(s.blocks.count - 1))
            return from <= last ? Array(s.blocks[Int(from)...Int(last)]) : []
        }
    }

    var depths: (finalized: UInt64, safe: UInt64) { state.withLock { ($0.finalizedDepth, $0.safeDepth) } }

    func code(at address: [UInt8]) -> [UInt8] { state.withLock { $0.code[address] ?? [] } }

    var validators: [[UInt8]] { state.withLock { $0.validators } }
}
