// SPDX-License-Identifier: Apache-2.0
import Libp2pMultistream
import Libp2pYamux
import Logging
public import Multiformats
import NIOCore
import NIOPosix
import Synchronization

extension Libp2pHost {
    /// Installs the upgrade chain on a fresh TCP channel; the future completes once the
    /// connection is registered (or fails when the upgrade fails or times out).
    func configure(_ channel: any Channel, outbound: Bool, expectedPeer: PeerID?) -> EventLoopFuture<Libp2pConnection> {
        let loop = channel.eventLoop
        let upgrade = loop.makePromise(of: UpgradeResult.self)
        let sessionBox = LoopConfinedBox<YamuxSession?>(nil)
        let registered = loop.makePromise(of: Libp2pConnection.self)
        let work = connectionWork
        let yamux = YamuxSessionHandler(
            configuration: configuration.yamux,
            onReady: { sessionBox.value = $0 },
            onInboundStream: { [weak self] raw in
                let connection = registered.futureResult
                work.run { [weak self] in
                    guard let self, let connection = try? await connection.get() else {
                        await raw.reset()
                        return
                    }
                    await self.handleInbound(raw, connection: connection)
                }
            })
        do {
            let id = ObjectIdentifier(channel)
            try channel.pipeline.syncOperations.addHandlers([
                ConnectionActivityHandler { [weak self] now in self?.state.withLock { $0.table.touch(id, now: now) } },
                ConnectionUpgradeHandler(
                    isInitiator: outbound, identity: privateKey, expectedPeer: expectedPeer, cipher: configuration.noiseCipher,
                    promise: upgrade),
                yamux,
            ])
        } catch {
            upgrade.fail(error)
        }
        let timeout = loop.scheduleTask(in: .nanoseconds(Int64(configuration.handshakeTimeout.nanoseconds))) {
            upgrade.fail(Libp2pHostError.timeout("handshake"))
            channel.close(promise: nil)
        }
        upgrade.futureResult.whenComplete { _ in timeout.cancel() }
        upgrade.futureResult.flatMapThrowing { [weak self] result -> Libp2pConnection in
            guard let self, let session = sessionBox.value else { throw Libp2pHostError.notRunning }
            let connection = Libp2pConnection(channel: channel, session: session, result: result, outbound: outbound)
            try self.register(connection)
            return connection
        }.whenComplete { [weak self] outcome in
            switch outcome {
            case .success(let connection):
                registered.succeed(connection)
            case .failure(let error):
                self?.state.withLock { $0.table.endHandshake(ObjectIdentifier(channel)) }
                if case Libp2pHostError.refused = error { self?.metrics.connectionRefused() } else { self?.metrics.handshakeFailed() }
                self?.logger.debug("P2P upgrade failed", metadata: ["p2p.error": "\(error)"])
                channel.close(promise: nil)
                registered.fail(error)
            }
        }
        return registered.futureResult
    }

    private func register(_ connection: Libp2pConnection) throws {
        let (isFirst, evicted) = try state.withLock { state -> (Bool, [Libp2pConnection]) in
            guard state.running || connection.outbound else { throw Libp2pHostError.notRunning }
            let admission = state.table.admit(
                connection.id, peer: connection.remotePeer, ip: connection.remoteIP, outbound: connection.outbound, now: .now)
            guard case .accept(let evicting) = admission else {
                if case .refuse(let refusal) = admission { throw Libp2pHostError.refused(refusal) }
                throw Libp2pHostError.tooManyConnections
            }
            let isFirst = !state.connections.values.contains { $0.remotePeer == connection.remotePeer }
            state.connections[connection.id] = connection
            return (isFirst, evicting.compactMap { state.connections[$0] })
        }
        close(evicted, reason: "evicted for a reserved peer")
        metrics.connectionCount(state.withLock { $0.connections.count })
        var logger = logger
        logger[metadataKey: "p2p.peer.id"] = "\(connection.remotePeer)"
        logger.info("P2P peer connected", metadata: ["p2p.outbound": "\(connection.outbound)", "p2p.muxer": "\(connection.muxer)"])
        connection.channel.closeFuture.whenComplete { [weak self] _ in self?.unregister(connection) }
        if isFirst { emit(.connected(connection.remotePeer, outbound: connection.outbound)) }
        let peer = connection.remotePeer
        connectionWork.run { [weak self] in
            guard let self else { return }
            if (try? await withTimeout(self.configuration.negotiationTimeout, "identify", { try await self.identify(peer) })) != nil {
                self.emit(.identified(peer))
            }
        }
    }

    private func unregister(_ connection: Libp2pConnection) {
        connection.session.connectionClosed()
        let wasLast = state.withLock { state -> Bool in
            state.table.remove(connection.id)
            guard state.connections.removeValue(forKey: connection.id) != nil else { return false }
            let last = !state.connections.values.contains { $0.remotePeer == connection.remotePeer }
            if last { state.peerInfo[connection.remotePeer] = nil }
            return last
        }
        metrics.connectionCount(state.withLock { $0.connections.count })
        if wasLast {
            var logger = logger
            logger[metadataKey: "p2p.peer.id"] = "\(connection.remotePeer)"
            logger.info("P2P peer disconnected")
            emit(.disconnected(connection.remotePeer))
        }
    }

    /// Dials `address` (`/ip4|ip6|dns*/…/tcp/…[/p2p/ID]`) and runs the full upgrade; identify runs
    /// in the background afterwards. Returns the remote peer id (checked when the address has one).
    public func connect(_ address: Multiaddr) async throws -> PeerID {
        guard let (host, port) = address.hostAndPort else { throw Libp2pHostError.unsupportedAddress("\(address)") }
        if let expected = address.peerID, connection(for: expected) != nil { return expected }
        let key = address.description
        let now = ContinuousClock.now
        try state.withLock { state in
            if let entry = state.backoff[key], entry.until > now { throw Libp2pHostError.dialBackoff(key) }
            guard state.table.mayDial(address.peerID) else { throw Libp2pHostError.tooManyConnections }
        }
        let pending = LoopConfinedBox<EventLoopFuture<Libp2pConnection>?>(nil)
        do {
            let channel = try await ClientBootstrap(group: configuration.eventLoopGroup)
                .connectTimeout(.nanoseconds(Int64(configuration.dialTimeout.nanoseconds)))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelOption(.recvAllocator, value: configuration.readAllocator)
                .channelInitializer { [weak self] channel in
                    guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
                    pending.value = self.configure(channel, outbound: true, expectedPeer: address.peerID)
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                .connect(host: host, port: port).get()
            guard let future = channel.eventLoop.flatSubmit({ pending.value ?? channel.eventLoop.makeFailedFuture(Libp2pHostError.notRunning) }) as EventLoopFuture<Libp2pConnection>? else {
                throw Libp2pHostError.notRunning
            }
            let connection = try await future.get()
            _ = state.withLock { $0.backoff.removeValue(forKey: key) }
            return connection.remotePeer
        } catch {
            state.withLock { state in
                let failures = (state.backoff[key]?.failures ?? 0) + 1
                let delay = min(configuration.dialBackoff * (1 << min(failures - 1, 6)), .seconds(300))
                state.backoff[key] = (failures, ContinuousClock.now + delay)
            }
            throw error
        }
    }

    /// Opens a stream to a connected peer and negotiates the first protocol it accepts.
    public func newStream(to peer: PeerID, protocols: [String]) async throws -> Libp2pStream {
        guard !protocols.isEmpty else { throw Libp2pHostError.protocolNotSupported([]) }
        guard let connection = connection(for: peer) else { throw Libp2pHostError.notConnected(peer) }
        let raw: YamuxStream
        do { raw = try await connection.session.openStream().get() } catch { throw Libp2pHostError.notConnected(peer) }
        do {
            let (selected, leftover) = try await withTimeout(configuration.negotiationTimeout, "protocol negotiation") {
                try await StreamNegotiation.outbound(raw, protocols: protocols)
            }
            return Libp2pStream(protocolID: selected, remotePeer: peer, raw: raw, leftover: leftover)
        } catch Multistream.Error.noProtocolAccepted(let refused) {
            await raw.closeWrite()
            throw Libp2pHostError.protocolNotSupported(refused)
        } catch {
            await raw.reset()
            throw error
        }
    }

    /// An inbound stream: negotiate (unknown protocols get `na`), then hand it to its handler.
    func handleInbound(_ raw: YamuxStream, connection: Libp2pConnection) async {
        metrics.inboundStreamOpened()
        let selected: String
        let leftover: ByteBuffer
        do {
            let isSupported: @Sendable (String) -> Bool = { [weak self] name in
                self?.state.withLock { $0.handlers[name] != nil } ?? false
            }
            (selected, leftover) = try await withTimeout(configuration.negotiationTimeout, "protocol negotiation") {
                try await StreamNegotiation.inbound(raw, isSupported: isSupported)
            }
        } catch {
            metrics.protocolRefused()
            await raw.reset()
            return
        }
        guard let handler = state.withLock({ $0.handlers[selected] }) else {
            await raw.reset()
            return
        }
        await handler(Libp2pStream(protocolID: selected, remotePeer: connection.remotePeer, raw: raw, leftover: leftover))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
