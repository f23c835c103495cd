// SPDX-License-Identifier: Apache-2.0
import Libp2pMultistream
import Libp2pYamux
public import Logging
public import Multiformats
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// A libp2p host over TCP: listens and dials, upgrades connections (multistream-select → Noise →
/// yamux), keeps a protocol registry (unknown protocols get `na`, the connection stays up), runs
/// identify and ping, optionally answers Koinos peer RPC, and reports peer events. Which
/// connections it keeps is decided by its `ConnectionTable` (limits in `configuration.limits`,
/// reserved peers from `setReservedPeers`).
public final class Libp2pHost: Service, Sendable {
    public typealias StreamHandler = @Sendable (Libp2pStream) async -> Void

    struct State {
        var running = false
        var servers: [any Channel] = []
        var boundAddresses: [Multiaddr] = []
        var handlers: [String: StreamHandler] = [:]
        var connections: [ObjectIdentifier: Libp2pConnection] = [:]
        var peerInfo: [PeerID: IdentifyInfo] = [:]
        var subscribers: [Int: AsyncStream<PeerEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var backoff: [String: (failures: Int, until: ContinuousClock.Instant)] = [:]
        var table: ConnectionTable<ObjectIdentifier>
        var idleSweep: Task<Void, Never>?
        var errorScores = PeerErrorScores()
    }

    public let privateKey: Libp2pPrivateKey
    public let configuration: Libp2pHostConfiguration
    let logger: Logger
    let state: Mutex<State>
    let metrics = Libp2pHostMetrics()
    /// Inbound streams and identify runs, as children of one task group.
    let connectionWork = ConnectionWorkGroup()

    public init(privateKey: Libp2pPrivateKey, configuration: Libp2pHostConfiguration, logger: Logger) {
        self.privateKey = privateKey
        self.configuration = configuration
        self.state = Mutex(State(table: ConnectionTable(limits: configuration.limits)))
        var logger = logger
        logger[metadataKey: "p2p.local.id"] = "\(privateKey.peerID)"
        self.logger = logger
        registerBuiltinProtocols()
    }

    public var peerID: PeerID { privateKey.peerID }

    private func registerBuiltinProtocols() {
        setStreamHandler(Libp2pProtocols.identify) { [weak self] stream in
            guard let self else { return }
            await self.serveIdentify(stream, observed: self.connection(for: stream.remotePeer)?.remoteAddress)
        }
        setStreamHandler(Libp2pProtocols.identifyPush) { [weak self] stream in await self?.serveIdentifyPush(stream) }
        setStreamHandler(Libp2pProtocols.ping) { [weak self] stream in await self?.servePing(stream) }
    }

    // MARK: lifecycle

    /// ServiceLifecycle entry point: listens, serves until graceful shutdown, then closes everything.
    public func run() async throws {
        _ = try await start()
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Binds the configured listen addresses; returns them with port 0 resolved.
    @discardableResult
    public func start() async throws -> [Multiaddr] {
        var bound: [Multiaddr] = []
        var servers: [any Channel] = []
        for address in configuration.listenAddresses {
            guard let (host, port) = address.hostAndPort else { throw Libp2pHostError.unsupportedAddress("\(address)") }
            let server = try await ServerBootstrap(group: configuration.eventLoopGroup)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.recvAllocator, value: configuration.readAllocator)
                .childChannelInitializer { [weak self] channel in
                    guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
                    // Over the handshake or per-IP cap: a failed initializer makes NIO close the socket.
                    if let refusal = self.beginInboundHandshake(channel) {
                        return channel.eventLoop.makeFailedFuture(Libp2pHostError.refused(refusal))
                    }
                    // The upgrade runs after initialization; do not wait for it here.
                    _ = self.configure(channel, outbound: false, expectedPeer: nil)
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                .bind(host: host, port: port).get()
            servers.append(server)
            if let local = server.localAddress, let resolved = Multiaddr(socketAddress: local) { bound.append(resolved) }
        }
        let sweep = Task { [weak self] in
            guard let self else { return }
            await self.closeIdleConnections()
        }
        state.withLock {
            $0.running = true
            $0.servers += servers
            $0.boundAddresses += bound
            $0.idleSweep?.cancel()
            $0.idleSweep = sweep
        }
        logger.info("P2P host listening", metadata: ["p2p.addresses": "\(bound.map(\.description))"])
        return bound
    }

    public func listenAddresses() async -> [Multiaddr] {
        state.withLock { $0.boundAddresses }
    }

    /// Closes listeners and connections and ends every peer-event subscription.
    public func shutdown() async {
        let (servers, connections, subscribers) = state.withLock { state in
            state.running = false
            state.idleSweep?.cancel()
            state.idleSweep = nil
            defer {
                state.servers.removeAll()
                state.subscribers.removeAll()
            }
            return (state.servers, Array(state.connections.values), Array(state.subscribers.values))
        }
        for server in servers { try? await server.close() }
        for connection in connections {
            connection.session.close()
            try? await connection.channel.close()
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    // MARK: registry

    public func setStreamHandler(_ protocolID: String, _ handler: @escaping StreamHandler) {
        state.withLock { $0.handlers[protocolID] = handler }
    }

    public func removeStreamHandler(_ protocolID: String) {
        _ = state.withLock { $0.handlers.removeValue(forKey: protocolID) }
    }

    func registeredProtocols() -> [String] {
        state.withLock { $0.handlers.keys.sorted() }
    }

    // MARK: peers

    public func peerEvents() -> AsyncStream<PeerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: PeerEvent.self, bufferingPolicy: .bufferingNewest(1024))
        let id = state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    func emit(_ event: PeerEvent) {
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.yield(event) }
    }

    public func connectedPeers() async -> [PeerID] {
        state.withLock { Array(Set($0.connections.values.map(\.remotePeer))).sorted() }
    }

    /// What identify told us about `peer`.
    public func peerInfo(_ peer: PeerID) async -> IdentifyInfo? {
        state.withLock { $0.peerInfo[peer] }
    }

    /// Details of the newest connection to `peer`.
    public func connectionInfo(_ peer: PeerID) async -> Libp2pConnectionInfo? {
        guard let connection = connection(for: peer) else { return nil }
        return Libp2pConnectionInfo(
            remotePeer: connection.remotePeer, remoteAddress: connection.remoteAddress, outbound: connection.outbound,
            security: connection.security, muxer: connection.muxer, muxerInlined: connection.muxerInlined)
    }

    func connection(for peer: PeerID) -> Libp2pConnection? {
        state.withLock { state in state.connections.values.filter { $0.remotePeer == peer && !$0.session.isClosed }.last }
    }

    func record(_ info: IdentifyInfo, for peer: PeerID) {
        state.withLock { state in
            var merged = state.peerInfo[peer] ?? IdentifyInfo()
            merged.merge(info)
            state.peerInfo[peer] = merged
        }
    }

    public func disconnect(_ peer: PeerID) async {
        let targets = state.withLock { $0.connections.values.filter { $0.remotePeer == peer } }
        for connection in targets {
            connection.session.close()
            try? await connection.channel.close()
        }
    }
}
