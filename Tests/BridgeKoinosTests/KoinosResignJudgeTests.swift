// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import Koinos
import Testing

/// §2.7 re-sign rule without sockets: honoured from old expiration + lifetime on (inclusive), the
/// new expiration is the request's block time + lifetime, only the expiration changes.
struct KoinosResignJudgeTests {
    static let tx: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 3, count: 32)

    static func message(_ profile: ContractProfile, expiration: UInt64) -> EthereumTransferMessage {
        EthereumTransferMessage(profile: profile, koinosTransactionID: tx, operationID: 1, token: [UInt8](repeating: 2, count: 20),
                                recipient: [UInt8](repeating: 4, count: 20), value: 7, metadata: "m", bridge: [UInt8](repeating: 5, count: 20),
                                expiration: expiration, chainID: 9)
    }

    static func view(_ profile: ContractProfile, status: String = "quorum", expiration: UInt64 = 10_000) -> KoinosLockView {
        KoinosLockView(
            id: KoinosLockID(transactionID: tx, operationID: 1), profile: profile.rawValue, status: status, reason: nil, blockHeight: 1,
            blockTimeMs: 0, sender: [], token: [], ethToken: nil, amount: "7", payment: "0", recipient: "", relayer: "", metadata: "m",
            destinationChain: 9, expiration: expiration, digest: message(profile, expiration: expiration).digest,
            message: message(profile, expiration: expiration).packed(), signatures: [])
    }

    @Test(arguments: [ContractProfile.v1, .v2])
    func honouredFromTheEndOfTheWindowWithANewExpiration(profile: ContractProfile) {
        let lock = Self.view(profile)
        #expect(KoinosResignJudge.judge(lock: lock, packed: lock.message, requestTimeMs: 10_999, lifetimeMs: 1_000) == .tooEarly(notBeforeMs: 11_000))
        guard case .honour(let resign) = KoinosResignJudge.judge(lock: lock, packed: lock.message, requestTimeMs: 11_000, lifetimeMs: 1_000) else {
            Issue.record("not honoured at the boundary"); return
        }
        #expect(resign.expiration == 12_000)
        #expect(resign.message == Self.message(profile, expiration: 12_000).packed())
        #expect(resign.digest == Self.message(profile, expiration: 12_000).digest)
    }

    @Test func completedRejectedUnknownAndTamperedLocksAreNotReSigned() {
        for status in ["completed", "rejected", "submitted"] {
            let lock = Self.view(.v2, status: status)
            #expect(KoinosResignJudge.judge(lock: lock, packed: lock.message, requestTimeMs: 99_999, lifetimeMs: 1) == .unknownLock, "\(status)")
        }
        #expect(KoinosResignJudge.judge(lock: nil, packed: nil, requestTimeMs: 99_999, lifetimeMs: 1) == .unknownLock)
        let lock = Self.view(.v2)
        var tampered = lock.message!
        tampered[tampered.count - 10] ^= 1  // inside the expiration word
        guard case .malformed = KoinosResignJudge.judge(lock: lock, packed: tampered, requestTimeMs: 99_999, lifetimeMs: 1) else {
            Issue.record("a message without the stored expiration was re-packed"); return
        }
        guard case .malformed = KoinosResignJudge.judge(lock: Self.view(.v2, expiration: .max), packed: lock.message, requestTimeMs: 1, lifetimeMs: 5) else {
            Issue.record("overflow not refused"); return
        }
    }

    @Test func candidatesFollowTheOldValidator() {
        let tx = Hex.encode(Self.tx)
        #expect(KoinosResignJudge.candidates(.init(transactionID: tx, operationID: ""))?.map(\.operationID) == [1, 3])
        #expect(KoinosResignJudge.candidates(.init(transactionID: tx, operationID: "5"))?.map(\.operationID) == [5])
        #expect(KoinosResignJudge.candidates(.init(transactionID: tx, operationID: "x")) == nil)
        #expect(KoinosResignJudge.candidates(.init(transactionID: "0x1220", operationID: "1")) == nil)
        #expect(KoinosResignJudge.candidates(.init(transactionID: String(tx.dropFirst(2)), operationID: "1")) == nil)
    }
}
