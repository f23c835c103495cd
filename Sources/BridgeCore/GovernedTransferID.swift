// SPDX-License-Identifier: Apache-2.0

/// Which transfer the governor decided on: an Ethereum lock (Ethereum → Koinos) or a Koinos lock
/// (Koinos → Ethereum). The text forms never collide (`<chainID>:0x…:<log>` vs `koinos:0x…:<op>`),
/// so one table and one `governor release ID` serve both directions.
public enum GovernedTransferID: Sendable, Hashable, Comparable, CustomStringConvertible {
    case ethereum(ObservationID)
    case koinos(KoinosLockID)

    public var description: String {
        switch self {
        case .ethereum(let id): id.description
        case .koinos(let id): id.description
        }
    }

    /// Parses either text form; nil when it is neither.
    public init?(_ text: String) {
        if let koinos = KoinosLockID(text) {
            self = .koinos(koinos)
        } else if let ethereum = ObservationID(text) {
            self = .ethereum(ethereum)
        } else {
            return nil
        }
    }

    public var direction: TransferDirection {
        switch self {
        case .ethereum: .ethereumToKoinos
        case .koinos: .koinosToEthereum
        }
    }

    /// Ethereum locks before Koinos locks (tokens never mix directions, so this only makes the order total).
    public static func < (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.ethereum(let x), .ethereum(let y)): x < y
        case (.koinos(let x), .koinos(let y)): x < y
        case (.ethereum, .koinos): true
        case (.koinos, .ethereum): false
        }
    }
}
