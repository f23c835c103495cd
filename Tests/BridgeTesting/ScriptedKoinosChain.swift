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
/// `irreversibleDepth`; a fork drops blocks above it. Every answer comes from this state.
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
        var transactions: [KoinosTransaction]
    }

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
        var unreachable = false
    }

    public let configuration: Configuration
    public let id: [UInt8]
    private let state = Mutex(State())

    /// - Parameter accounts: mana of each funded account.
    public init(_ configuration: Configuration, accounts: [[UInt8]: UInt64]) {
        self.configuration = configuration
        self.id = KoinosMultihash.sha256(Array("scripted-koinos".utf8))
        state.withLock { $0.initialRC = accounts }
    }

    // MARK: KoinosChain

    public func chainID() async throws(KoinosError) -> [UInt8] {
        try reachable()
        return id
    }

    public func headInfo() async throws(KoinosError) -> KoinosHeadInfo {
        try reachable()
        return state.withLock { s in
            let height = UInt64(s.blocks.count)
            return KoinosHeadInfo(
                headID: s.blocks.last?.id ?? Self.blockID(0), height: height,
                previous: s.blocks.count > 1 ? s.blocks[s.blocks.count - 2].id : Self.blockID(0),
                lastIrreversibleBlock: height > configuration.irreversibleDepth ? height - configuration.irreversibleDepth : 0,
                headBlockTimeMs: 0)
        }
    }

    public func nextNonce(_ account: [UInt8]) async throws(KoinosError) -> UInt64 {
        try reachable()
        return state.withLock { s in (s.nonces[account] ?? 0) + UInt64(s.mempool.count { $0.header.payer == account }) + 1 }
    }

    public func accountRC(_ account: [UInt8]) async throws(KoinosError) -> UInt64 {
        try reachable()
        return state.withLock { Self.mana(account, $0) }
    }

    public func submit(_ transaction: KoinosTransaction) async throws(KoinosError) {
        try reachable()
        let refusal = state.withLock { s -> KoinosChainFailure? in
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
        return state.withLock { s in
            ids.compactMap { id in s.included[id].map { KoinosTransactionItem(transactionID: id, containingBlocks: [$0]) } }
        }
    }

    public func transferCompleted(bridge: [UInt8], transactionID: [UInt8]) async throws(KoinosError) -> Bool {
        try reachable()
        guard bridge == configuration.bridge else { throw .chain(KoinosChainFailure(code: -1002, message: "contract does not exist")) }
        return state.withLock { $0.completed.contains(transactionID) }
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

    /// Every call fails as an unreachable node while true.
    public func setUnreachable(_ down: Bool) { state.withLock { $0.unreachable = down } }

    /// Sets the mana `account` has now (before what its included transactions used).
    public func setMana(_ account: [UInt8], _ rc: UInt64) {
        state.withLock { s in s.rcAdjustments[account] = rc &+ (s.rcUsed[account] ?? 0) }
    }

    /// Puts the mempool into a new block (each transaction re-run: one whose operation now fails
    /// is included reverted, its nonce and mana spent). Returns the block height.
    @discardableResult
    public func produceBlock() -> UInt64 {
        state.withLock { s in
            let height = UInt64(s.blocks.count + 1)
            s.blocks.append(Block(id: Self.blockID(height), transactions: s.mempool))
            s.mempool = []
            replay(&s)
            return height
        }
    }

    /// The mempool forgets the pending transactions of `account` (a node restart, an expiry).
    public func dropPending(_ account: [UInt8]) {
        state.withLock { s in s.mempool.removeAll { $0.header.payer == account } }
    }

    /// A fork replaces the newest `count` blocks (never below the last irreversible block) with
    /// nothing: their transactions are gone from the chain and the mempool.
    public func fork(droppingNewest count: Int) {
        state.withLock { s in
            let lib = max(0, s.blocks.count - Int(configuration.irreversibleDepth))
            let keep = max(lib, s.blocks.count - count)
            s.blocks.removeLast(s.blocks.count - keep)
            replay(&s)
        }
    }

    /// Every transaction the mempool accepted, in order.
    public var acceptedTransactions: [KoinosTransaction] { state.withLock { $0.accepted } }
    /// Every refused submission's failure, in order.
    public var refusals: [KoinosChainFailure] { state.withLock { $0.refusals } }
    /// The pending transactions.
    public var pending: [KoinosTransaction] { state.withLock { $0.mempool } }
    /// The source transfers the bridge completed (head state).
    public var completedTransfers: Set<[UInt8]> { state.withLock { $0.completed } }
    /// The state nonce of `account`.
    public func stateNonce(_ account: [UInt8]) -> UInt64 { state.withLock { $0.nonces[account] ?? 0 } }

    // MARK: Rules

    private func reachable() throws(KoinosError) {
        if state.withLock({ $0.unreachable }) { throw .unreachable("scripted node is down") }
    }

    private static func blockID(_ height: UInt64) -> [UInt8] {
        KoinosMultihash.sha256(Array("block \(height)".utf8))
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
