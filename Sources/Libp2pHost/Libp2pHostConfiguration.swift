// SPDX-License-Identifier: Apache-2.0
public import Libp2pNoise
public import Libp2pYamux
public import Multiformats
public import NIOCore
import NIOPosix

/// Host settings; defaults suit a Koinos-compatible relay.
public struct Libp2pHostConfiguration: Sendable {
    public var listenAddresses: [Multiaddr]
    public var protocolVersion = "koinos/p2p/1.0.0"
    public var agentVersion = "bridge-relay/0.1"
    /// Connection slots, reserved slots, per-IP / per-peer / handshake caps and the idle timeout.
    public var limits = ConnectionLimits()
    /// Upgraded connections at once (`limits.maxConnections`).
    public var maxConnections: Int {
        get { limits.maxConnections }
        set { limits.maxConnections = newValue }
    }
    public var dialTimeout: Duration = .seconds(10)
    public var handshakeTimeout: Duration = .seconds(10)
    /// Base of the exponential per-address dial backoff after a failed dial (capped at 5 minutes).
    public var dialBackoff: Duration = .seconds(5)
    /// Time a stream's protocol negotiation may take.
    public var negotiationTimeout: Duration = .seconds(10)
    /// yamux limits; `receiveWindow` above 256 KiB is granted to the peer with the SYN/ACK (faster bulk streams, more memory).
    public var yamux = YamuxConfiguration()
    /// The library that encrypts transport messages (same bytes either way; `bridge-bench p2p` compares
    /// them: OpenSSL in place costs the least CPU per byte).
    public var noiseCipher = NoiseCipherState.Implementation.openssl
    /// Largest socket read (NIO's adaptive allocator grows to it under bulk transfer only; its own
    /// default is 64 KiB). Bigger reads hold several whole Noise frames, which are decrypted from the
    /// read buffer directly; only a frame cut by the end of a read is copied.
    public var maxReadSize = 256 * 1024
    public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    public init(listenAddresses: [Multiaddr] = []) {
        self.listenAddresses = listenAddresses
    }
}

/// Peer lifecycle notifications.
public enum PeerEvent: Sendable, Equatable {
    case connected(PeerID, outbound: Bool)
    case identified(PeerID)
    case disconnected(PeerID)
}

/// Errors surfaced by the host API.
public enum Libp2pHostError: Error, Equatable, Sendable, CustomStringConvertible {
    case notConnected(PeerID)
    case protocolNotSupported([String])
    case dialBackoff(String)
    case tooManyConnections
    case refused(ConnectionRefusal)
    case unsupportedAddress(String)
    case handshakeFailed(String)
    case timeout(String)
    case streamReset
    case messageTooLarge(Int)
    case unexpectedEOF
    case pingMismatch
    case notRunning

    public var description: String {
        switch self {
        case .notConnected(let peer): "not connected to \(peer)"
        case .protocolNotSupported(let protocols): "peer supports none of \(protocols)"
        case .dialBackoff(let address): "dial to \(address) is backing off after failures"
        case .tooManyConnections: "connection limit reached"
        case .refused(let refusal): "connection refused: \(refusal)"
        case .unsupportedAddress(let address): "cannot dial \(address)"
        case .handshakeFailed(let why): "handshake failed: \(why)"
        case .timeout(let what): "timed out: \(what)"
        case .streamReset: "stream reset"
        case .messageTooLarge(let length): "message of \(length) bytes exceeds the limit"
        case .unexpectedEOF: "stream ended in the middle of a message"
        case .pingMismatch: "ping payload was not echoed"
        case .notRunning: "host is not running"
        }
    }
}

/// Runs `body` with a deadline.
func withTimeout<T: Sendable>(_ duration: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: duration)
            throw Libp2pHostError.timeout(what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension Libp2pHostConfiguration {
    var readAllocator: AdaptiveRecvByteBufferAllocator {
        let maximum = max(2048, maxReadSize)
        return AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: maximum)
    }
}
