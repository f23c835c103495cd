// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Testing

/// The stored packed Koinos → Ethereum message read back into its fields (the Ethereum sender
/// rebuilds `completeTransfer` from it): every field round-trips, anything that is not a packed
/// message of that profile is refused.
struct EthereumTransferMessageUnpackingTests {
    static func message(_ profile: ContractProfile, metadata: String = "") -> EthereumTransferMessage {
        EthereumTransferMessage(
            profile: profile, koinosTransactionID: [0x12, 0x20] + (0..<32).map { UInt8($0) }, operationID: 7, token: .init(repeating: 0xe1, count: 20),
            relayer: profile == .v2 ? .init(repeating: 0x3d, count: 20) : .init(repeating: 0, count: 20), recipient: .init(repeating: 0x4c, count: 20),
            value: 1_234_567_890_123, payment: profile == .v2 ? 17 : 0, metadata: metadata, bridge: .init(repeating: 0xb2, count: 20),
            expiration: 1_700_003_600_000, chainID: profile == .v2 ? 0x0102_0304 : 0)
    }

    @Test(arguments: [(ContractProfile.v1, ""), (.v2, ""), (.v2, "claim ✓ 0x"), (.v2, String(repeating: "m", count: 300))])
    func everyFieldRoundTrips(profile: ContractProfile, metadata: String) {
        let m = Self.message(profile, metadata: metadata)
        #expect(EthereumTransferMessage(packed: m.packed(), profile: profile) == m)
    }

    @Test func whatIsNotAPackedMessageOfThatProfileIsRefused() {
        let v2 = Self.message(.v2, metadata: "meta").packed()
        let v1 = Self.message(.v1).packed()
        #expect(EthereumTransferMessage(packed: v1, profile: .v2) == nil)
        #expect(EthereumTransferMessage(packed: Array(v1.dropLast()), profile: .v1) == nil)
        #expect(EthereumTransferMessage(packed: v1 + [0], profile: .v1) == nil)
        #expect(EthereumTransferMessage(packed: [], profile: .v2) == nil)
        var action = v1
        action[31] = 9  // another action word
        #expect(EthereumTransferMessage(packed: action, profile: .v1) == nil)
        var wide = v1
        wide[32 + 34] = 1  // the operation id's uint256 above 64 bits
        #expect(EthereumTransferMessage(packed: wide, profile: .v1) == nil)
        var badUTF8 = v2
        badUTF8[32 + 34 + 32 + 20 + 20 + 20 + 32 + 32] = 0xff  // first metadata byte
        #expect(EthereumTransferMessage(packed: badUTF8, profile: .v2) == nil)
        #expect(EthereumTransferMessage(packed: v1, profile: .v1, transactionIDLength: 33) == nil)
    }
}
