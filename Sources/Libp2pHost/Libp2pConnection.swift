// SPDX-License-Identifier: Apache-2.0
import Libp2pYamux
public import Multiformats
public import NIOCore

/// One upgraded connection.
final class Libp2pConnection: Sendable {
    let channel: any Channel
    let session: YamuxSession
    let remotePeer: PeerID
    let remoteKey: Libp2pPublicKey
    let outbound: Bool
    let remoteAddress: Multiaddr?
    let security: String
    let muxer: String
    let muxerInlined: Bool

    init(channel: any Channel, session: YamuxSession, result: UpgradeResult, outbound: Bool) {
        self.channel = channel
        self.session = session
        self.remotePeer = result.remotePeer
        self.remoteKey = result.remoteKey
        self.outbound = outbound
        self.remoteAddress = channel.remoteAddress.flatMap(Multiaddr.init(socketAddress:))
        self.security = result.security
        self.muxer = result.muxer
        self.muxerInlined = result.muxerInlined
    }

    var id: ObjectIdentifier { ObjectIdentifier(channel) }

    /// The remote IP address, the key of the per-IP limit.
    var remoteIP: String? { channel.remoteAddress?.ipAddress }
}

/// Details of a connection for operator tools (`p2p ping`).
public struct Libp2pConnectionInfo: Sendable, Equatable {
    public let remotePeer: PeerID
    public let remoteAddress: Multiaddr?
    public let outbound: Bool
    public let security: String
    public let muxer: String
    /// True when the muxer was agreed inside the Noise handshake (no multistream round).
    public let muxerInlined: Bool
}

extension Multiaddr {
    /// `/ip4|ip6/…/tcp/…` for a socket address; nil for unix sockets.
    public init?(socketAddress: SocketAddress) {
        guard let ip = socketAddress.ipAddress, let port = socketAddress.port else { return nil }
        let prefix = ip.contains(":") ? "/ip6/" : "/ip4/"
        try? self.init(prefix + ip + "/tcp/\(port)")
    }
}

/// A value confined to one event loop by construction (written in handlers, read after a future).
final class LoopConfinedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
