// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
import JSONRPC
import Koinos

/// A Koinos → Ethereum lock stored the way the Koinos lock watcher and signer store it: judged
/// from a v2 `tokens_locked_event`, signed by keys 1…3 in their Ethereum form, at quorum.
extension FilledDatabase {
    static let koinosTransactionID: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 0x5a, count: 32)
    static let koinosLockEthToken: [UInt8] = Array(repeating: 0xe7, count: 20)
    static let koinosLockRecipient = "0x" + String(repeating: "4c", count: 20)
    static let koinosLockRelayer = "0x" + String(repeating: "3d", count: 20)

    /// Stores the lock (operation id 1) and returns its record; `signers: 0` leaves it `observed`, unsigned.
    @discardableResult
    func insertKoinosLock(signers: Int = 3) async throws -> KoinosLockRecord {
        let judge = KoinosLockJudge(configuration: .init(
            profile: .v2, tokens: [koinosToken.bytes: Self.koinosLockEthToken], ethereumBridge: Array(repeating: 0xb2, count: 20),
            ethereumChainID: 1, signatureLifetimeMs: 3_600_000))
        let event = KoinosBridgeEvent.TokensLocked(
            from: addresses[1].bytes, token: koinosToken.bytes, amount: "250000", payment: "10", relayer: Self.koinosLockRelayer,
            recipient: Self.koinosLockRecipient, metadata: "claim", chainID: 1)
        let block = try KoinosBlockItem(json: .object([
            "block_id": .string(Hex.encode([0x12, 0x20] + [UInt8](repeating: 0x0b, count: 32))), "block_height": .string("4242"),
            "block": .object(["header": .object(["timestamp": .string("1700000000000")])]),
        ]))
        let koinosEvent = try KoinosEvent(json: .object([
            "sequence": .int(1), "source": .string(bridgeContract.base58), "name": .string(KoinosBridgeEvent.tokensLocked),
            "data": .string(Base64URL.encode(event.encoded(.v2))),
        ]))
        let record = judge.judge(koinosEvent, transactionID: Self.koinosTransactionID, block: block)
        _ = try await SQLiteKoinosLockStore(database).commitKoinosScan(cursor: "koinos-locks", to: KoinosScanCursor(nextHeight: 4243, previousBlockID: []),
                                                records: [record], nowMs: 9_000)
        guard signers > 0 else { return record }
        let signer = KoinosLockSigner(key: keys[0], profile: .v2, store: SQLiteKoinosSignatureStore(database), governorStore: SQLiteGovernorRepository(database), clock: FixedClock())
        let validators = keys.prefix(3).map { EthereumAddress(publicKey: $0.publicKey).bytes }
        _ = try await signer.signPending(validators: validators)
        if signers > 1, let digest = record.digest {
            let others = try keys[1..<signers].map { try EthereumSignature.sign(digest: digest, key: $0) }
            try await signer.collect(record.observation.id, digest: digest, received: others, validators: validators)
        }
        return record
    }
}

private struct FixedClock: BridgeClock {
    var nowMilliseconds: UInt64 { 9_500 }
}
