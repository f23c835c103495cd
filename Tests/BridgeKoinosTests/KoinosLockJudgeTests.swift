// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import JSONRPC
import Koinos
import Testing

/// The Koinos lock judge, without sockets: the digests of bridge-contracts.md §2.8 vectors A (v1,
/// verified against real signatures) and C (v2, computed) come out of a Koinos lock event, and
/// every bad lock is refused with its reason.
struct KoinosLockJudgeTests {
    static let koinosToken = KoinosAddress("1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3G")!.bytes
    static let sender = KoinosAddress("1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN")!.bytes
    static let bridgeContract = KoinosAddress("17XHjr7n2E4auykiHkfJMLGGovvaCadtQS")!.bytes
    static let lifetime: UInt64 = 3_600_000

    static func block(timeMs: UInt64, height: UInt64 = 10) throws -> KoinosBlockItem {
        try KoinosBlockItem(json: .object([
            "block_id": .string("0x1220" + String(repeating: "ab", count: 32)), "block_height": .string(String(height)),
            "block": .object(["header": .object([
                "previous": .string("0x1220" + String(repeating: "cd", count: 32)), "timestamp": .string(String(timeMs))])]),
        ]))
    }

    static func event(_ data: [UInt8], sequence: UInt32) -> KoinosEvent {
        try! KoinosEvent(json: .object([
            "sequence": .int(Int64(sequence)), "source": .string(Base58.encode(bridgeContract)),
            "name": .string(KoinosBridgeEvent.tokensLocked), "data": .string(Base64URL.encode(data)),
        ]))
    }

    static func judge(_ profile: ContractProfile, ethToken: [UInt8], bridge: [UInt8], chain: UInt32 = 0) -> KoinosLockJudge {
        KoinosLockJudge(configuration: .init(
            profile: profile, tokens: [koinosToken: ethToken], ethereumBridge: bridge, ethereumChainID: chain, signatureLifetimeMs: lifetime))
    }

    @Test func vectorAV1DigestFromAKoinosLock() throws {
        let txID = Hex.decode("0x122042620de9aee17c93512c0acc98e3248cb88524998df5f95eaad65bf3ddbe9070")!
        let judge = Self.judge(.v1, ethToken: Hex.decode("0xeA756978B2D8754b0f92CAc325880aa13AF38f88")!,
                               bridge: Hex.decode("0x47940D3089Da6DC306678109c834718AEF23A201")!)
        let lock = KoinosBridgeEvent.TokensLocked(from: Self.sender, token: Self.koinosToken, amount: "1",
                                                  recipient: "0x3D7D98070a3B5762fF4ed30Afc58F8f0000bE3b3")
        let record = judge.judge(Self.event(lock.encoded(.v1), sequence: 3), transactionID: txID,
                                 block: try Self.block(timeMs: 1_668_465_758_850 - Self.lifetime))
        #expect(record.status == .observed, "\(record.reason ?? "")")
        #expect(record.observation.id == KoinosLockID(transactionID: txID, operationID: 3))
        #expect(record.message?.packedHash == Hex.decode("fc2e3d5d11e72f2c6583e3edd7bb3315fab6888f78a5898fa05f01c95ffa3dec"))
        #expect(record.digest == Hex.decode("110b97b11a01a4071d4e4121ed110c145aeb76cfdba36550962d418dbea53fbf"))
    }

    @Test func vectorCV2DigestFromAKoinosLock() throws {
        let txID = [0x12, 0x20] + [UInt8](repeating: 0x11, count: 32)
        let judge = Self.judge(.v2, ethToken: [UInt8](repeating: 0x22, count: 20), bridge: [UInt8](repeating: 0x55, count: 20), chain: 1)
        let lock = KoinosBridgeEvent.TokensLocked(
            from: Self.sender, token: Self.koinosToken, amount: "100000000", payment: "1000", relayer: "0x" + String(repeating: "33", count: 20),
            recipient: "0x" + String(repeating: "44", count: 20), metadata: "hello", chainID: 1)
        let record = judge.judge(Self.event(lock.encoded(.v2), sequence: 2), transactionID: txID,
                                 block: try Self.block(timeMs: 1_700_000_000_000 - Self.lifetime))
        #expect(record.status == .observed, "\(record.reason ?? "")")
        #expect(record.message?.packed().count == 283)
        #expect(record.digest == Hex.decode("a94e072fa0f35c07166a4efc4784ae7d066b96aa7b680b8f37b2a75aa887e0b8"))
    }

    static func reason(_ profile: ContractProfile, _ lock: KoinosBridgeEvent.TokensLocked, chain: UInt32 = 1, raw: [UInt8]? = nil,
                       timeMs: UInt64 = 1_000) throws -> String? {
        let judge = Self.judge(profile, ethToken: [UInt8](repeating: 0x22, count: 20), bridge: [UInt8](repeating: 0x55, count: 20), chain: chain)
        let version: KoinosBridgeContract.Version = profile == .v1 ? .v1 : .v2
        let record = judge.judge(Self.event(raw ?? lock.encoded(version), sequence: 1), transactionID: [0x12, 0x20] + [UInt8](repeating: 1, count: 32),
                                 block: try Self.block(timeMs: timeMs))
        #expect(record.message == nil || record.status == .observed)
        return record.status == .rejected ? record.reason : nil
    }

    static let good = KoinosBridgeEvent.TokensLocked(from: sender, token: koinosToken, amount: "5", payment: "1",
                                                     recipient: "0x" + String(repeating: "44", count: 20), chainID: 1)

    @Test func badLocksAreRefusedWithTheirReason() throws {
        #expect(try Self.reason(.v2, Self.good) == nil)
        var lock = Self.good
        lock.token = KoinosAddress("1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju")!.bytes
        #expect(try Self.reason(.v2, lock)?.hasPrefix("unknown_token: Koinos token 1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju") == true)
        for recipient in ["", "1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN", "0x1234", "0x" + String(repeating: "zz", count: 20), String(repeating: "44", count: 20)] {
            lock = Self.good
            lock.recipient = recipient
            #expect(try Self.reason(.v1, lock)?.hasPrefix("invalid_recipient") == true, "\(recipient)")
        }
        lock = Self.good
        lock.relayer = "not an address"
        #expect(try Self.reason(.v2, lock)?.hasPrefix("invalid_relayer") == true)
        #expect(try Self.reason(.v1, lock) == nil)  // v1 has no relayer
        for amount in ["18446744073709551616", "-1", "+5", " 5", "5.0", "", "0x10"] {
            lock = Self.good
            lock.amount = amount
            #expect(try Self.reason(.v2, lock)?.hasPrefix("amount_overflow") == true, "\(amount)")
        }
        lock = Self.good
        lock.payment = "99999999999999999999"
        #expect(try Self.reason(.v2, lock)?.hasPrefix("payment_overflow") == true)
        lock = Self.good
        lock.chainID = 2
        #expect(try Self.reason(.v2, lock) == "wrong_destination_chain: lock is for chain 2, the Ethereum contract is chain 1")
        #expect(try Self.reason(.v2, Self.good, timeMs: UInt64.max - 10)?.hasPrefix("expiration_overflow") == true)
    }

    @Test func malformedEventDataIsRefusedNotCrashed() throws {
        // field 3 (amount) sent as a varint instead of a string; a truncated message; invalid UTF-8
        for raw: [UInt8] in [[0x18, 0x05], [0x0a, 0x19, 0x00], [0x22, 0x02, 0xff, 0xfe], [0x40, 0xff, 0xff, 0xff, 0xff, 0x7f]] {
            let reason = try Self.reason(.v2, Self.good, raw: raw)
            #expect(reason?.hasPrefix("malformed_event: ") == true, "\(raw)")
        }
    }

    @Test func v1RecordsTheSequenceAsOperationIDAndUsesNoV2Fields() throws {
        let judge = Self.judge(.v1, ethToken: [UInt8](repeating: 0x22, count: 20), bridge: [UInt8](repeating: 0x55, count: 20))
        let record = judge.judge(Self.event(Self.good.encoded(.v1), sequence: 7), transactionID: [0x12, 0x20] + [UInt8](repeating: 9, count: 32),
                                 block: try Self.block(timeMs: 5_000, height: 42))
        let message = try #require(record.message)
        #expect(message.operationID == 7 && message.expiration == 5_000 + Self.lifetime && message.value == 5 && message.payment == 0)
        #expect(record.observation.blockHeight == 42 && record.observation.id.description.hasSuffix(":7"))
        #expect(message.packed().count == 222)
    }
}
