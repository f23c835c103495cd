// SPDX-License-Identifier: Apache-2.0

/// How many connections a host admits, and from whom (issue 19 H4). `ConnectionTable` applies them.
public struct ConnectionLimits: Sendable, Equatable {
    /// Upgraded connections at once, reserved peers included.
    public var maxConnections = 128
    /// Slots only reserved peers (validators, bootstrap peers) may use: other peers share
    /// `maxConnections - reservedSlots`.
    public var reservedSlots = 32
    /// Inbound connections (upgraded or in handshake) from one IP address, reserved peers excepted once known.
    public var maxPerIP = 8
    /// Connections to one peer id, both directions.
    public var maxPerPeer = 2
    /// Inbound connections between accept and the end of the Noise handshake.
    public var maxPendingHandshakes = 32
    /// A connection to a non-reserved peer with no inbound bytes for this long is closed.
    public var idleTimeout: Duration = .seconds(300)

    public init() {}

    /// Slots open to peers outside the reserved set.
    public var sharedSlots: Int { max(0, maxConnections - max(0, reservedSlots)) }
}

/// Why a connection was refused or closed by the limits.
public enum ConnectionRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case tableFull
    case tooManyFromIP(String)
    case tooManyForPeer
    case tooManyHandshakes

    public var description: String {
        switch self {
        case .tableFull: "connection table full"
        case .tooManyFromIP(let ip): "too many connections from \(ip)"
        case .tooManyForPeer: "too many connections to this peer"
        case .tooManyHandshakes: "too many handshakes in progress"
        }
    }
}
