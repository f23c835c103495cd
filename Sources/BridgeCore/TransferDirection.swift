// SPDX-License-Identifier: Apache-2.0

/// Which way value moves. The raw value is what the API and the store write.
public enum TransferDirection: String, Sendable, Hashable, CaseIterable, Codable {
    /// Locked on Ethereum, completed on Koinos (signed with the Koinos key).
    case ethereumToKoinos = "ethereum_to_koinos"
    /// Locked on Koinos, completed on Ethereum (signed with the Ethereum key).
    case koinosToEthereum = "koinos_to_ethereum"
}
