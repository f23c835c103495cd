// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeSigning
import BridgeStore
import ChainCrypto
import Ethereum
import Testing
import Primitives

@Suite struct ObservationJudgeTests {
    static let token = [UInt8](repeating: 0x22, count: 20)
    static let koinosToken = KoinosAddress("1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju")!.bytes
    static let contract = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes
    static let recipient = "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN"

    static func lock(recipient: String = recipient, relayer: String = "", amount: ABIWord = ABIWord(100_000_000),
                     payment: ABIWord = ABIWord(0), token: [UInt8] = token, blockTime: ABIWord = ABIWord(1_700_000_000_000)) -> DecodedLock {
        let log = EthereumLog(address: [UInt8](repeating: 0xaa, count: 20), topics: [LockEventDecoder.v2Event.topic0], data: [],
                              blockNumber: 7, blockHash: [UInt8](repeating: 7, count: 32), transactionHash: [UInt8](repeating: 0x66, count: 32),
                              transactionIndex: 0, logIndex: 3)
        return DecodedLock(log: log, sender: [UInt8](repeating: 0x11, count: 20), token: token, amount: amount, payment: payment,
                           relayer: relayer, recipient: recipient, metadata: "", blockTime: blockTime, chain: 1)
    }

    static let judge = ObservationJudge(configuration: .init(
        profile: .v2, chainID: 1337, tokens: [token: koinosToken], koinosContract: contract, signatureLifetimeMs: 0))

    @Test func aValidLockBecomesTheSpecMessage() {
        let r = Self.judge.judge(Self.lock())
        #expect(r.status == .observed && r.reason == nil)
        #expect(r.observation.id == ObservationID(chainID: 1337, transactionHash: [UInt8](repeating: 0x66, count: 32), logIndex: 3))
        // Vector D of bridge-contracts.md §2.8 (Koinos v2 complete_transfer).
        #expect(r.digest.map { ChainHex.encode($0) } == "0x96902ed5297ccd4492cf11985b758cd7440a935f16efdd5b0ef9b0fd4c22342d")
    }

    @Test func eachRuleRejectsWithItsReason() {
        let cases: [(DecodedLock, RejectionReason)] = [
            (Self.lock(recipient: "not-base58-0OIl"), .invalidRecipient),
            (Self.lock(recipient: ""), .invalidRecipient),
            (Self.lock(recipient: "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZM"), .invalidRecipient),  // bad checksum
            (Self.lock(relayer: "0xdeadbeef"), .invalidRelayer),
            (Self.lock(token: [UInt8](repeating: 0x99, count: 20)), .unknownToken),
            (Self.lock(amount: ABIWord(bytes: [1] + [UInt8](repeating: 0, count: 31))!), .amountNotRepresentable),
            (Self.lock(payment: ABIWord(bytes: [UInt8](repeating: 0xff, count: 32))!), .paymentNotRepresentable),
        ]
        for (lock, reason) in cases {
            let r = Self.judge.judge(lock)
            #expect(r.status == .rejected)
            #expect(r.reason?.hasPrefix(reason.rawValue + ":") == true, "\(r.reason ?? "nil") should be \(reason)")
            #expect(r.message == nil && r.digest == nil)
        }
        let overflow = ObservationJudge(configuration: .init(profile: .v2, chainID: 1, signatureLifetimeMs: 10))
        #expect(overflow.judge(Self.lock(blockTime: ABIWord(.max))).reason?.hasPrefix("blocktime_not_representable") == true)
    }

    /// L2: only the lowest log index of a transaction's locks can complete on Koinos.
    @Test func theLocksAfterTheFirstOfATransactionAreRejected() throws {
        var first = Self.lock().log
        first.logIndex = 1
        var second = first
        second.logIndex = 3
        let transfer = EthereumLog(address: first.address, topics: [[UInt8](repeating: 0xdd, count: 32)], data: [], blockNumber: 7,
                                   blockHash: first.blockHash, transactionHash: first.transactionHash, transactionIndex: 0, logIndex: 0)
        let receipt = EthereumReceipt(transactionHash: first.transactionHash, blockHash: first.blockHash, blockNumber: 7, status: 1,
                                      logs: [transfer, second, first])
        let decoder = LockEventDecoder(profile: .v2)
        let index = try #require(decoder.firstLockIndex(in: receipt, contract: first.address))
        #expect(index == 1, "the lowest lock log of the contract, not the token's Transfer log")
        #expect(decoder.firstLockIndex(in: receipt, contract: [UInt8](repeating: 0x01, count: 20)) == nil)
        // Both locks are identical, so a v1/v2 digest (tx hash, not log index) would be the same.
        let lock = Self.lock()
        let kept = Self.judge.judge(DecodedLock(log: first, sender: lock.sender, token: lock.token, amount: lock.amount, payment: lock.payment,
                                                relayer: lock.relayer, recipient: lock.recipient, metadata: lock.metadata,
                                                blockTime: lock.blockTime, chain: lock.chain), firstLockIndex: index)
        let extra = Self.judge.judge(Self.lock(), firstLockIndex: index)
        #expect(kept.status == .observed && kept.digest != nil)
        #expect(extra.status == .rejected && extra.digest == nil && extra.message == nil)
        #expect(extra.reason?.hasPrefix(RejectionReason.duplicateTransactionLock.rawValue + ":") == true)
        #expect(extra.observation.id.logIndex == 3)
    }

    @Test func withoutATokenListEverythingButTokenSupportIsChecked() {
        let scanJudge = ObservationJudge(configuration: .init(profile: .v2, chainID: 1337))
        let r = scanJudge.judge(Self.lock(token: [UInt8](repeating: 0x99, count: 20)))
        #expect(r.status == .observed && r.message == nil)
        #expect(scanJudge.judge(Self.lock(relayer: Self.recipient)).status == .observed, "a valid relayer is fine")
        #expect(scanJudge.judge(Self.lock(recipient: "x")).status == .rejected)
    }

    /// Mutated lock logs through decoder and judge: every one gets a verdict, nothing traps.
    @Test func mutatedLogsAlwaysGetAVerdict() async {
        let decoder = LockEventDecoder(profile: .v2)
        var rng = SplitMix64(seed: 42)
        let base = ABIEncoderForTests.v2(recipient: Self.recipient)
        var valid = 0
        var rejected = 0
        for i in 0..<20_000 {
            if i % 256 == 0 { await Task.yield() }  // the socket tests share the cooperative pool
            var data = base
            for _ in 0..<(1 + rng.next() % 3) { data[Int(rng.next() % UInt64(data.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            if i % 7 == 0 { data = Array(data.prefix(Int(rng.next() % UInt64(data.count)))) }
            var log = Self.lock().log
            log.data = data
            let record: ObservationRecordSummary
            do {
                record = .init(Self.judge.judge(try decoder.decode(log)).status)
            } catch {
                record = .init(Self.judge.rejectMalformed(log, error: error).status)
            }
            if record.status == .observed { valid += 1 } else { rejected += 1 }
        }
        #expect(valid + rejected == 20_000 && rejected > 0)
    }
}

struct ObservationRecordSummary {
    let status: AttestationStatus
    init(_ s: AttestationStatus) { status = s }
}

/// v2 lock event data for tests.
enum ABIEncoderForTests {
    static func v2(recipient: String) -> [UInt8] {
        func word(_ v: UInt64) -> [UInt8] { ABIWord(v).bytes }
        func string(_ s: String) -> [UInt8] {
            let b = Array(s.utf8)
            return word(UInt64(b.count)) + b + [UInt8](repeating: 0, count: (32 - b.count % 32) % 32)
        }
        let address = [UInt8](repeating: 0, count: 12) + [UInt8](repeating: 0x22, count: 20)
        let relayer = string(""), recip = string(recipient), metadata = string("m")
        let head = 9 * 32
        return address + address + word(100_000_000) + word(0) + word(UInt64(head)) + word(UInt64(head + relayer.count))
            + word(UInt64(head + relayer.count + recip.count)) + word(1_700_000_000_000) + word(1) + relayer + recip + metadata
    }
}

