// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeSigning

/// Lock observations with real Koinos-bound messages and digests.
enum ObservationFixtures {
    static func observation(_ n: Int, profile: ContractProfile = .v1) -> PendingObservation {
        var hash = [UInt8](repeating: 0xab, count: 32)
        hash[28] = UInt8(truncatingIfNeeded: n >> 24)
        hash[29] = UInt8(truncatingIfNeeded: n >> 16)
        hash[30] = UInt8(truncatingIfNeeded: n >> 8)
        hash[31] = UInt8(truncatingIfNeeded: n)
        let message = KoinosTransferMessage(
            profile: profile, transactionID: hash, token: [0] + Array(repeating: 7, count: 24),
            recipient: [0] + Array(repeating: 9, count: 24), amount: UInt64(1_000 + n),
            contractID: [0] + Array(repeating: 3, count: 24), expiration: 1_700_003_600_000)
        return PendingObservation(
            id: ObservationID(chainID: 1337, transactionHash: hash, logIndex: 0), profile: profile, digest: message.digest,
            message: message.encoded(), status: .observed, updatedAtMilliseconds: 0)
    }
}
