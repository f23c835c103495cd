// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import ChainCrypto
import Ethereum
import Testing

/// Ethereum's `TransferCompletedEvent` and `RequestNewSignaturesEvent`: decoding and the pure decisions.
@Suite struct BridgeEventJudgeTests {
    static let koinosTx = [0x12, 0x20] + [UInt8](repeating: 0x5a, count: 32)
    static let ethTx = [UInt8](repeating: 0x66, count: 32)
    static let lifetime: UInt64 = 3_600_000

    static func log(_ topic: [UInt8], _ values: [ABIValue]) -> EthereumLog {
        EthereumLog(address: [UInt8](repeating: 0xaa, count: 20), topics: [topic], data: ABIEncoder.encode(values), blockNumber: 9,
                    blockHash: [UInt8](repeating: 9, count: 32), transactionHash: [UInt8](repeating: 0x77, count: 32), transactionIndex: 0, logIndex: 1)
    }

    @Test func topicsAreTheDeployedContractsOnes() {
        // bridge-contracts.md §3.1.
        #expect(ChainHex.encode(BridgeEventDecoder.transferCompleted.topic0) == "0x87d736ddec252f246151c10998db4ad3bb9717bfe77c0dff2e9737b6e44d6df5")
        #expect(ChainHex.encode(BridgeEventDecoder.newSignaturesRequested.topic0) == "0x41f9d865e9570fc2c0097e4bcdf9738724c95a54729d01e0e51ae983b3d0fcaf")
    }

    @Test func eventsDecodeAndGarbageIsMalformedNotFatal() {
        let completed = Self.log(BridgeEventDecoder.transferCompleted.topic0, [.bytes(Self.koinosTx), .uint(ABIWord(3))])
        #expect(BridgeEventDecoder.decode(completed) == .transferCompleted(log: completed, transactionID: Self.koinosTx, operationID: ABIWord(3)))
        let request = Self.log(BridgeEventDecoder.newSignaturesRequested.topic0, [.bytes(Self.ethTx), .uint(ABIWord(1_700_000_000_000))])
        #expect(BridgeEventDecoder.decode(request) == .newSignaturesRequested(log: request, transactionID: Self.ethTx, blockTimeMs: ABIWord(1_700_000_000_000)))
        var garbage = request
        garbage.data = [UInt8](repeating: 0xff, count: 40)
        guard case .malformed = BridgeEventDecoder.decode(garbage) else {
            Issue.record("garbage data must decode as malformed")
            return
        }
    }

    @Test func completionMarksEveryLiveStatusAndIgnoresTheRestWithAReason() {
        let id = EthereumBridgeEventJudge.lockID(transactionID: Self.koinosTx, operationID: ABIWord(3))
        #expect(id == KoinosLockID(transactionID: Self.koinosTx, operationID: 3))
        for status: AttestationStatus in [.observed, .signing, .quorum, .submitted, .expired] {
            #expect(EthereumBridgeEventJudge.judgeCompletion(id, status: status, transactionHash: Self.ethTx)
                == .complete(EthereumCompletion(lock: id!, transactionHash: Self.ethTx)))
        }
        func reason(_ v: EthereumBridgeEventJudge.Verdict) -> EthereumBridgeEventJudge.IgnoredReason? {
            if case .ignored(let r, _) = v { r } else { nil }
        }
        #expect(reason(EthereumBridgeEventJudge.judgeCompletion(id, status: nil, transactionHash: Self.ethTx)) == .unknownTransfer)
        #expect(reason(EthereumBridgeEventJudge.judgeCompletion(id, status: .completed, transactionHash: Self.ethTx)) == .alreadyCompleted)
        #expect(reason(EthereumBridgeEventJudge.judgeCompletion(id, status: .rejected, transactionHash: Self.ethTx)) == .wrongStatus)
        #expect(EthereumBridgeEventJudge.lockID(transactionID: Self.ethTx, operationID: ABIWord(1)) == nil, "32 bytes is not a Koinos tx id")
        #expect(EthereumBridgeEventJudge.lockID(transactionID: Self.koinosTx, operationID: ABIWord(1 << 32)) == nil)
        #expect(reason(EthereumBridgeEventJudge.judgeCompletion(nil, status: nil, transactionHash: Self.ethTx)) == .malformed)
    }

    static func message(_ profile: ContractProfile, expiration: UInt64, chain: UInt32) -> KoinosTransferMessage {
        KoinosTransferMessage(
            profile: profile, transactionID: ethTx, token: [UInt8](repeating: 0x01, count: 25), recipient: [UInt8](repeating: 0x02, count: 25),
            relayer: profile == .v2 ? [UInt8](repeating: 0x03, count: 25) : [], amount: 100_000_000, payment: profile == .v2 ? 5 : 0,
            metadata: profile == .v2 ? "m" : "", contractID: [UInt8](repeating: 0x04, count: 25), expiration: expiration, chain: chain)
    }

    static func stored(_ m: KoinosTransferMessage, status: AttestationStatus = .quorum, logIndex: UInt32 = 0) -> StoredTransferForResign {
        StoredTransferForResign(id: ObservationID(chainID: 1337, transactionHash: ethTx, logIndex: logIndex), profile: m.profile, status: status,
                                expiration: m.expiration, message: m.encoded(), digest: SHA256Digest.hash(m.encoded()))
    }

    /// Honoured from old expiration + lifetime exactly; the new message is the lock's message with
    /// expiration = request time + lifetime, byte for byte (so every validator signs the same digest).
    @Test(arguments: [(ContractProfile.v1, UInt32(0)), (.v2, 0), (.v2, 1), (.v2, 0x58), (.v2, UInt32.max)])
    func aRequestAfterTheWindowYieldsTheNewExpirationsMessage(profile: ContractProfile, chain: UInt32) {
        let old: UInt64 = 1_700_000_000_000 + Self.lifetime
        let lock = Self.message(profile, expiration: old, chain: chain)
        let at = old + Self.lifetime
        let verdict = EthereumBridgeEventJudge.judgeResign(requestTimeMs: ABIWord(at), stored: [Self.stored(lock)], lifetimeMs: Self.lifetime)
        let expected = Self.message(profile, expiration: at + Self.lifetime, chain: chain)
        #expect(verdict == .resign(ObservationResign(
            id: ObservationID(chainID: 1337, transactionHash: Self.ethTx, logIndex: 0), oldDigest: SHA256Digest.hash(lock.encoded()),
            expiration: at + Self.lifetime, message: expected.encoded(), digest: SHA256Digest.hash(expected.encoded()))))
        guard case .ignored(.tooEarly, _) = EthereumBridgeEventJudge.judgeResign(
            requestTimeMs: ABIWord(at - 1), stored: [Self.stored(lock)], lifetimeMs: Self.lifetime)
        else {
            Issue.record("one millisecond before the window must be refused")
            return
        }
    }

    @Test func unknownCompletedAndInFlightTransfersAreNotResigned() {
        let lock = Self.message(.v2, expiration: 10_000, chain: 1)
        let late = ABIWord(1_000_000_000)
        func reason(_ stored: [StoredTransferForResign], _ time: ABIWord = late) -> EthereumBridgeEventJudge.IgnoredReason? {
            if case .ignored(let r, _) = EthereumBridgeEventJudge.judgeResign(requestTimeMs: time, stored: stored, lifetimeMs: Self.lifetime) { r } else { nil }
        }
        #expect(reason([]) == .unknownTransfer)
        #expect(reason([Self.stored(lock, status: .completed)]) == .alreadyCompleted)
        #expect(reason([Self.stored(lock, status: .submitted)]) == .wrongStatus)
        #expect(reason([Self.stored(lock, status: .delayed)]) == .wrongStatus)
        #expect(reason([Self.stored(lock, status: .rejected)]) == .wrongStatus)
        #expect(reason([Self.stored(lock)], ABIWord(bytes: [UInt8](repeating: 0xff, count: 32))!) == .malformed)
        var tampered = Self.stored(lock)
        tampered.expiration = 10_001
        #expect(reason([tampered]) == .malformed, "a message that does not carry its stored expiration is never repacked")
        // The rejected duplicate lock of the transaction is skipped for the valid one.
        var rejected = Self.stored(lock, status: .rejected, logIndex: 0)
        rejected.message = nil
        guard case .resign(let r) = EthereumBridgeEventJudge.judgeResign(
            requestTimeMs: late, stored: [rejected, Self.stored(lock, logIndex: 2)], lifetimeMs: Self.lifetime)
        else {
            Issue.record("the valid lock of the transaction must be re-signed")
            return
        }
        #expect(r.id.logIndex == 2)
    }
}
