// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto
public import Koinos
import Synchronization

/// A Koinos chain in memory for the submitter's tests: a mempool that checks what the node checks
/// (chain id, the payer's signature, nonce = pending + 1, at most `pendingLimit` pending transactions
/// per account, the rc limit against the payer's mana less what its pending transactions use) and a bridge contract that checks
/// what `complete_transfer` checks (the message rebuilt from the arguments, every signature a
/// distinct current validator, quorum, not completed yet) — a failing operation reverts the whole
/// transaction. Blocks are produced on demand; the last irreversible block trails the head by
/// `irreversibleDepth`; a fork drops blocks above it and the blocks produced after it get new ids.
/// Scripted receipts (`include`: the bridge's `tokens_locked_event`s and others) go into the next
/// block, which `blocksByHeight` serves to the lock watcher. Every answer comes from this state.
///
/// `replica()` is a second endpoint serving the same chain with its own faults (down, failing
/// block reads), for the watcher's failover.
public final class ScriptedKoinosChain: KoinosChain {
    public struct Configuration: Sendable {
        public var bridge: [UInt8]
        public var version: KoinosBridgeContract.Version
        public var validators: [[UInt8]]
        /// v2: the destination chain id the messages carry (`metadata.chain_id`).
        public var destinationChain: UInt32 = 0
        public var pendingLimit = 10
        /// Mana one included transaction uses per operation (at least one).
        public var rcPerOperation: UInt64 = 1_000_000
        public var irreversibleDepth: UInt64 = 0

        public init(bridge: [UInt8], version: KoinosBridgeContract.Version, validators: [[UInt8]]) {
            self.bridge = bridge
            self.version = version
            self.validators = validators
        }
    }

    struct Block {
        var id: [UInt8]
        var previous: [UInt8]
        var timeMs: UInt64
        var transactions: [KoinosTransaction]
        var receipts: [KoinosTransactionReceipt] = []
    }

    /// The chain both a chain and its replicas serve.
    final class Shared: Sendable {
        let state = Mutex(State())
    }

    /// One endpoint's own faults.
    struct Faults {
        var unreachable = false
        var failingBlockReads = 0
        var blockReads = 0
    }

    /// Block 1's parent: the zero sha2-256 multihash (koinos-chain's genesis id).
    public static let genesisID: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 0, count: 32)
    /// Block `h`'s time: this plus `h` block intervals of 3 s.
    public static let genesisTimeMs: UInt64 = 1_700_000_000_000

    struct State {
        var initialRC: [[UInt8]: UInt64] = [:]
        var rcAdjustments: [[UInt8]: UInt64] = [:]
        var blocks: [Block] = []
        var mempool: [KoinosTransaction] = []
        /// Derived from `blocks` (see `replay`).
        var nonces: [[UInt8]: UInt64] = [:]
        var rcUsed: [[UInt8]: UInt64] = [:]
        var completed: Set<[UInt8]> = []
        var included: [[UInt8]: [UInt8]] = [:]
        var accepted: [KoinosTransaction] = []
        var refusals: [KoinosChainFailure] = []
        /// Receipts the next block carries.
        var pendingReceipts: [KoinosTransactionReceipt] = []
        /// Forks so far: part of every later block's id.
        var branch = 0
    }

    public let configuration: Configuration
    public let id: [UInt8]
    private let shared: Shared
    private let faults = Mutex(Faults())

    /// - Parameter accounts: mana of each funded account.
    public init(_ configuration: Configuration, accounts: [[UInt8]: UInt64]) {
        self.configuration = configuration
        self.id = KoinosMultihash.sha256(Array("scripted-koinos".utf8))
        shared = Shared()
        shared.state.withLock { $0.initialRC = accounts }
    }

    private init(replicating chain: ScriptedKoinosChain) {
        configuration = chain.configuration
        id = chain.id
        shared = chain.shared
    }

    /// Another endpoint of the same chain: same blocks, mempool and contract state, its own faults.
    public func replica() -> ScriptedKoinosChain { ScriptedKoinosChain(replicating: self) }

    // MARK: KoinosChain

    public func chainID() async throws(KoinosError) -> [UInt8] {
        try reachable()
        return id
    }

    public func headInfo() async throws(KoinosError) -> KoinosHeadInfo {
        try reachable()
        return shared.state.withLock { s in
            let height = UInt64(s.blocks.count)
            return KoinosHeadInfo(
                headID: s.blocks.last?.id ?? Self.genesisID, height: height,
                previous: s.blocks.last?.previous ?? Self.genesisID,
                lastIrreversibleBlock: height > configuration.irreversibleDepth ? height - configuration.irreversibleDepth : 0,
                headBlockTimeMs: s.blocks.last?.timeMs ?? Self.genesisTimeMs)
        }
    }

    public func blocksByHeight(headBlockID: [UInt8], startHeight: UInt64, count: UInt32) async throws(KoinosError) -> [KoinosBlockItem] {
        try reachable()
        let failing = faults.withLock { f in
            f.blockReads += 1
            guard f.failingBlockReads > 0 else { return false }
            f.failingBlockReads -= 1
            return true
        }
        if failing { throw .unreachable("scripted block read failure") }
        return try shared.state.withLock { s throws(KoinosError) in
            guard let head = headBlockID == Self.genesisID ? 0 : s.blocks.firstIndex(where: { $0.id == headBlockID }).map({ $0 + 1 }) else {
                throw .rpc(code: -32603, message: "unknown head block \(Hex.encode(headBlockID))")
            }
            guard count > 0, startHeight >= 1, startHeight <= UInt64(head) else { return [] }
            let end = min(UInt64(head), startHeight + UInt64(count) - 1)
            return (startHeight...end).map { height in
                let block = s.blocks[Int(height) - 1]
                return KoinosBlockItem(
                    blockID: block.id, height: height, previous: block.previous, timestampMs: block.timeMs,
                    transactionIDs: block.transactions.map(\.id) + block.receipts.map(\.id), transactionReceipts: block.receipts)
            }
        }
    }

    public func nextNonce(_ account: [UInt8]) async throws(KoinosError) -> UInt64 {
        try reachable()
        return shared.state.withLock { s in (s.nonces[account] ?? 0) + UInt64(s.mempool.count { $0.header.payer == account }) + 1 }
    }

    public func accountRC(_ account: [UInt8]) async throws(KoinosError) -> UInt64 {
        try reachable()
        return shared.state.withLock { Self.mana(account, $0) }
    }

    public func submit(_ transaction: KoinosTransaction) async throws(KoinosError) {
        try reachable()
        let refusal = shared.state.withLock { s -> KoinosChainFailure? in
            if let failure = check(transaction, s) {
                s.refusals.append(failure)
                return failure
            }
            s.mempool.append(transaction)
            s.accepted.append(transaction)
            return nil
        }
        if let refusal { throw .chain(refusal) }
    }

    public func transactionsByID(_ ids: [[UInt8]]) async throws(KoinosError) -> [KoinosTransactionItem] {
        try reachable()
        return shared.state.withLock { s in
            ids.compactMap { id in s.included[id].map { KoinosTransactionItem(transactionID: id, containingBlocks: [$0]) } }
        }
    }

    public func transferCompleted(bridge: [UInt8], transactionID: [UInt8]) async throws(KoinosError) -> Bool {
        try reachable()
        guard bridge == configuration.bridge else { throw .chain(KoinosChainFailure(code: -1002, message: "contract does not exist")) }
        return shared.state.withLock { $0.completed.contains(transactionID) }
    }

    public func bridgeMetadata(bridge: [UInt8], version: KoinosBridgeContract.Version) async throws(KoinosError) -> KoinosBridgeContract.Metadata {
        try reachable()
        return KoinosBridgeContract.Metadata(
            initialized: true, nonce: 0, chainID: configuration.destinationChain, validatorCount: UInt32(configuration.validators.count))
    }

    public func bridgeValidatorList(bridge: [UInt8], seeds: [[UInt8]]) async throws(KoinosError) -> [[UInt8]] {
        try reachable()
        return configuration.validators.sorted { $0.lexicographicallyPrecedes($1) }
    }

    // MARK: Script

    /// Every call of this endpoint fails as an unreachable node while true.
    public func setUnreachable(_ down: Bool) { faults.withLock { $0.unreachable = down } }

    /// The next `count` `blocksByHeight` calls of this endpoint fail (its head calls still answer).
    public func failNextBlockReads(_ count: Int) { faults.withLock { $0.failingBlockReads = max(0, count) } }

    /// How many `blocksByHeight` calls this endpoint was asked (failed ones included).
    public var blockReads: Int { faults.withLock { $0.blockReads } }

    /// A receipt (with its events) the next produced block carries, as if its transaction ran there.
    public func include(_ receipt: KoinosTransactionReceipt) { shared.state.withLock { $0.pendingReceipts.append(receipt) } }

    /// Sets the mana `account` has now (before what its included transactions used).
    public func setMana(_ account: [UInt8], _ rc: UInt64) {
        shared.state.withLock { s in s.rcAdjustments[account] = rc &+ (s.rcUsed[account] ?? 0) }
    }

    /// Puts the mempool into a new block (each transaction re-run: one whose operation now fails
    /// is included reverted, its nonce and mana spent). Returns the block height.
    @discardableResult
    public func produceBlock() -> UInt64 {
        shared.state.withLock { s in
            let height = UInt64(s.blocks.count + 1)
            s.blocks.append(Block(
                id: Self.blockID(height, branch: s.branch), previous: s.blocks.last?.id ?? Self.genesisID,
                timeMs: Self.genesisTimeMs + height * 3_000, transactions: s.mempool, receipts: s.pendingReceipts))
            s.mempool = []
            s.pendingReceipts = []
            replay(&s)
            return height
        }
    }

    /// The mempool forgets the pending transactions of `account` (a node restart, an expiry).
    public func dropPending(_ account: [UInt8]) {
        shared.state.withLock { s in s.mempool.removeAll { $0.header.payer == account } }
    }

    /// A fork replaces the newest `count` blocks (never below the last irreversible block) with
    /// nothing: their transactions and receipts are gone from the chain and the mempool, and the
    /// blocks produced next have ids no earlier block had.
    public func fork(droppingNewest count: Int) {
        shared.state.withLock { s in
            let lib = max(0, s.blocks.count - Int(configuration.irreversibleDepth))
            let keep = max(lib, s.blocks.count - count)
            s.blocks.removeLast(s.blocks.count - keep)
            s.branch += 1
            replay(&s)
        }
    }

    /// Every transaction the mempool accepted, in order.
    public var acceptedTransactions: [KoinosTransaction] { shared.state.withLock { $0.accepted } }
    /// Every refused submission's failure, in order.
    public var refusals: [KoinosChainFailure] { shared.state.withLock { $0.refusals } }
    /// The pending transactions.
    public var pending: [KoinosTransaction] { shared.state.withLock { $0.mempool } }
    /// The source transfers the bridge completed (head state).
    public var completedTransfers: Set<[UInt8]> { shared.state.withLock { $0.completed } }
    /// The state nonce of `account`.
    public func stateNonce(_ account: [UInt8]) -> UInt64 { shared.state.withLock { $0.nonces[account] ?? 0 } }

    // MARK: Rules

    private func reachable() throws(KoinosError) {
        if faults.withLock({ $0.unreachable }) { throw .unreachable("scripted node is down") }
    }

    private static func blockID(_ height: UInt64, branch: Int) -> [UInt8] {
        KoinosMultihash.sha256(Array("block \(height) branch \(branch)".utf8))
    }

    private static func mana(_ account: [UInt8], _ s: State) -> UInt64 {
        let total = s.rcAdjustments[account] ?? s.initialRC[account] ?? 0
        let used = s.rcUsed[account] ?? 0
        return total > used ? total - used : 0
    }

    /// What the node refuses at submission, in the node's order; nil when accepted.
    private func check(_ tx: KoinosTransaction, _ s: State) -> KoinosChainFailure? {
        let payer = tx.header.payer
        guard tx.header.chainID == id else { return KoinosChainFailure(code: -1002, message: "chain id mismatch") }
        guard tx.id == tx.header.transactionID, tx.header.operationMerkleRoot == KoinosMultihash.operationMerkleRoot(tx.operations) else {
            return KoinosChainFailure(code: -204, message: "transaction id or operation merkle root mismatch")
        }
        guard tx.signers().contains(where: { $0?.bytes == payer }) else {
            return KoinosChainFailure(code: -200, message: "transaction is not signed by its payer")
        }
        let pending = s.mempool.filter { $0.header.payer == payer }
        guard let nonce = try? KoinosNonce.decode(tx.header.nonce), nonce == (s.nonces[payer] ?? 0) + UInt64(pending.count) + 1 else {
            return KoinosChainFailure(code: -201, message: "invalid nonce")
        }
        guard pending.count < configuration.pendingLimit else {
            return KoinosChainFailure(code: -206, message: "account has reached its pending transaction limit")
        }
        // As the node: the rc limit must fit in the mana left after what the pending ones use,
        // and cover what this one uses.
        let pendingUse = pending.reduce(0) { $0 &+ rcUse($1) }
        let mana = Self.mana(payer, s)
        guard tx.header.rcLimit <= (mana > pendingUse ? mana - pendingUse : 0) else {
            return KoinosChainFailure(code: 104, message: "insufficient pending account resources")
        }
        guard rcUse(tx) <= tx.header.rcLimit else { return KoinosChainFailure(code: 104, message: "insufficient rc") }
        var completed = s.completed
        for earlier in s.mempool { _ = apply(earlier, to: &completed) }
        if let revert = apply(tx, to: &completed) { return KoinosChainFailure(code: 1, message: revert) }
        return nil
    }

    /// Runs the transaction's operations against `completed`; a failing one reverts them all
    /// (`completed` unchanged) and its message is returned.
    private func apply(_ tx: KoinosTransaction, to completed: inout Set<[UInt8]>) -> String? {
        var next = completed
        for operation in tx.operations {
            guard case .callContract(let call) = operation, call.contractID == configuration.bridge else { continue }
            guard call.entryPoint == KoinosEntryPoint.completeTransfer else { return "unknown entry point" }
            if let revert = completeTransfer(call.args, tx: tx, completed: &next) { return revert }
        }
        completed = next
        return nil
    }

    /// The bridge contract's `complete_transfer` rules.
    private func completeTransfer(_ bytes: [UInt8], tx: KoinosTransaction, completed: inout Set<[UInt8]>) -> String? {
        guard let args = try? KoinosBridgeContract.CompleteTransferArguments.decode(bytes, version: configuration.version) else {
            return "malformed arguments"
        }
        guard !completed.contains(args.transactionID) else { return "transfer already completed" }
        let profile: ContractProfile = configuration.version == .v1 ? .v1 : .v2
        if profile == .v2, !args.relayer.isEmpty, !tx.signers().contains(where: { $0?.bytes == args.relayer || $0?.bytes == args.recipient }) {
            return "relayer or recipient must sign"
        }
        let message = KoinosTransferMessage(
            profile: profile, transactionID: args.transactionID, token: args.token, recipient: args.recipient, relayer: args.relayer,
            amount: args.value, payment: args.payment, metadata: args.metadata, contractID: configuration.bridge,
            expiration: args.expiration, chain: configuration.destinationChain)
        let digest = SHA256Digest.hash(message.encoded())
        var signers = Set<[UInt8]>()
        for signature in args.signatures {
            guard let signer = KoinosSignature.recoverAddress(digest: digest, signature: signature)?.bytes else { return "invalid signature" }
            guard configuration.validators.contains(signer) else { return "signer \(Base58.encode(signer)) is not a validator" }
            guard signers.insert(signer).inserted else { return "duplicate signature" }
        }
        guard signers.count >= Quorum.required(validatorCount: configuration.validators.count, profile: profile) else {
            return "quorum not met"
        }
        completed.insert(args.transactionID)
        return nil
    }

    /// The mana `tx` uses.
    private func rcUse(_ tx: KoinosTransaction) -> UInt64 {
        configuration.rcPerOperation &* UInt64(max(1, tx.operations.count))
    }

    /// Rebuilds nonces, used mana, completions and inclusions from the blocks.
    private func replay(_ s: inout State) {
        s.nonces = [:]
        s.rcUsed = [:]
        s.completed = []
        s.included = [:]
        for block in s.blocks {
            for tx in block.transactions {
                s.nonces[tx.header.payer, default: 0] += 1
                s.rcUsed[tx.header.payer, default: 0] += rcUse(tx)
                _ = apply(tx, to: &s.completed)
                s.included[tx.id] = block.id
            }
        }
    }
}
