// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeTesting
import ChainCrypto
import Koinos

/// Validators, one scripted Koinos chain and a virtual clock: the real `KoinosSubmitter` runs
/// against them through its ports, with no process and no socket.
struct ScriptedSubmitterNetwork {
    static let bridge = [UInt8](repeating: 0x42, count: 25)
    static let token = [UInt8](repeating: 0x43, count: 25)

    let validators: [TestValidator]
    let chain: ScriptedKoinosChain
    let clock = VirtualClock(startMilliseconds: 1_700_000_000_000)

    init(validators count: Int, irreversibleDepth: UInt64 = 0, mana: UInt64 = 5_000_000_000) {
        validators = TestValidator.make(count)
        var c = ScriptedKoinosChain.Configuration(bridge: Self.bridge, version: .v1, validators: validators.map(\.address))
        c.irreversibleDepth = irreversibleDepth
        chain = ScriptedKoinosChain(c, accounts: Dictionary(uniqueKeysWithValues: validators.map { ($0.address, mana) }))
    }

    /// One validator's submitter with its own queue; the set is read from the chain at the first pass.
    struct Node {
        let validator: TestValidator
        let submitter: KoinosSubmitter
        let queue: InMemorySubmissionQueue
    }

    func configuration(_ validator: TestValidator) -> KoinosSubmitterConfiguration {
        var c = KoinosSubmitterConfiguration(bridgeContract: Self.bridge, profile: .v1, payerKey: validator.key)
        c.validatorRefreshIntervalMs = 3_600_000
        return c
    }

    func node(_ validator: TestValidator, configure: (inout KoinosSubmitterConfiguration) -> Void = { _ in }) -> Node {
        var c = configuration(validator)
        configure(&c)
        let queue = InMemorySubmissionQueue()
        return Node(validator: validator, submitter: KoinosSubmitter(configuration: c, chain: chain, queue: queue, clock: clock, random: { 0 }), queue: queue)
    }

    /// The validators in rotation order for `message` (the first one sends at quorum, the next one 60 s later…).
    func rotation(for message: KoinosTransferMessage) -> [TestValidator] {
        let first = SubmitterRotation.firstIndex(observationID: QuorumFixture.observationID(message.transactionID), validatorCount: validators.count)
        return (0..<validators.count).map { validators[(first + $0) % validators.count] }
    }

    func transfer(amount: UInt64 = 1_000) -> KoinosTransferMessage {
        KoinosTransferMessage(
            profile: .v1, transactionID: SecureRandomBytes.make(32), token: Self.token, recipient: TestValidator(key: .generate()).address,
            amount: amount, contractID: Self.bridge, expiration: clock.nowMilliseconds + 3_600_000)
    }

    /// The observation at quorum as the store hands it out, signed by every validator (real signatures).
    func observation(_ message: KoinosTransferMessage, quorumAtMs: UInt64? = nil) throws -> SubmittableObservation {
        let signatures = try validators.map { ValidatorSignature(validator: $0.address, signature: try KoinosSignature.sign(digest: message.digest, key: $0.key)) }
        return SubmittableObservation(
            id: QuorumFixture.observationID(message.transactionID), profile: .v1, status: .quorum, message: message.encoded(),
            digest: message.digest, quorumAtMs: quorumAtMs ?? clock.nowMilliseconds, signatures: signatures, submission: nil)
    }

    /// Puts `message` at quorum in every node's queue.
    @discardableResult
    func reachQuorum(_ message: KoinosTransferMessage, in nodes: [Node]) throws -> String {
        let o = try observation(message)
        for node in nodes { node.queue.add(o) }
        return o.id
    }

    /// A transaction of `payer` outside any submitter (another process with the same key, or another relayer).
    func submitOutside(from payer: TestValidator, operations: [KoinosOperation] = []) async throws {
        var tx = KoinosTransaction.make(
            chainID: try await chain.chainID(), rcLimit: 10_000_000, nonce: try await chain.nextNonce(payer.address), payer: payer.address,
            operations: operations)
        try tx.sign(with: payer.key)
        try await chain.submit(tx)
    }

    /// `complete_transfer` of `message` with a quorum of signatures, as any relayer would send it.
    func completeTransferOperation(_ message: KoinosTransferMessage) throws -> KoinosOperation {
        let quorum = ValidatorSet(validators.map(\.address)).quorum(.v1)
        let signatures = try validators.prefix(quorum).map { try KoinosSignature.sign(digest: message.digest, key: $0.key) }
        let args = message.completeTransferArguments(signatures: signatures).encoded(.v1)
        return .callContract(.init(contractID: Self.bridge, entryPoint: KoinosEntryPoint.completeTransfer, args: args))
    }
}
