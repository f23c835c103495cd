// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Libp2pHost
import Logging
public import Multiformats
import NIOCore

extension Gossipsub {
    /// A connection came up: give the peer an outbound queue; `run()` starts its writer task.
    func peerConnected(_ peer: PeerID, outbound: Bool?) {
        let key = GossipPeerID(bytes: peer.bytes)
        peerIDs[key] = peer
        if let outbound { connectionIsOutbound[key] = outbound }
        if writers[key] == nil { makeWriter(for: key, peer: peer) }
    }

    private func makeWriter(for key: GossipPeerID, peer: PeerID) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: [UInt8].self,
            bufferingPolicy: .bufferingOldest(Self.outboundQueueSize)
        )
        writers[key] = continuation
        pendingWriters[key] = stream
        outboundRequestsContinuation.yield(peer)
    }

    func takePendingQueue(_ peer: PeerID) -> AsyncStream<[UInt8]>? {
        pendingWriters.removeValue(forKey: GossipPeerID(bytes: peer.bytes))
    }

    /// Opens our one outbound meshsub stream to the peer, then writes queued RPCs until the peer goes.
    func serveOutbound(_ queue: AsyncStream<[UInt8]>, to peer: PeerID) async {
        let key = GossipPeerID(bytes: peer.bytes)
        let stream: Libp2pStream
        do {
            stream = try await host.newStream(to: peer, protocols: GossipsubProtocol.supported.map(\.rawValue))
        } catch {
            logger.debug("Peer does not speak gossipsub", metadata: ["p2p.peer.id": "\(peer)", "error": "\(error)"])
            forgetWriter(key)
            return
        }
        let gossipProtocol = GossipsubProtocol(rawValue: stream.protocolID) ?? .meshsub10
        logger.debug("Gossip outbound stream open", metadata: ["p2p.peer.id": "\(peer)", "p2p.protocol": "\(stream.protocolID)"])
        peerStreamOpened(key, protocol: gossipProtocol, outbound: true)
        for await frame in queue {
            queuedBytes[key] = max(0, queuedBytes[key, default: 0] - frame.count)
            do {
                try await stream.write(ByteBuffer(bytes: frame))
            } catch {
                logger.debug("Gossip stream write failed", metadata: ["p2p.peer.id": "\(peer)", "error": "\(error)"])
                break
            }
        }
        await stream.closeWrite()
        forgetWriter(key)
    }

    private func forgetWriter(_ key: GossipPeerID) {
        writers.removeValue(forKey: key)?.finish()
        pendingWriters[key] = nil
        queuedBytes[key] = nil
        perform(machine.removePeer(key, now: now))
    }

    /// Adds the peer to the router once a meshsub stream exists in either direction.
    private func peerStreamOpened(_ key: GossipPeerID, protocol gossipProtocol: GossipsubProtocol, outbound: Bool) {
        guard !machine.connectedPeers.contains(key) else { return }
        // D_out counts connections *we* dialed; fall back to the stream direction if unknown.
        let dialedByUs = connectionIsOutbound[key] ?? outbound
        perform(machine.addPeer(key, protocol: gossipProtocol, outbound: dialedByUs, now: now))
        metrics.peers.record(machine.connectedPeers.count)
    }

    func peerDisconnected(_ peer: PeerID) {
        let key = GossipPeerID(bytes: peer.bytes)
        writers.removeValue(forKey: key)?.finish()
        pendingWriters[key] = nil
        queuedBytes[key] = nil
        inboundStreams[key] = nil
        perform(machine.removePeer(key, now: now))
        peerIDs[key] = nil
        connectionIsOutbound[key] = nil
        metrics.peers.record(machine.connectedPeers.count)
    }

    /// Reads the peer's inbound stream: uvarint-framed RPCs, at most 1 MiB each. A malformed frame
    /// resets this stream only; the connection and the process stay up. One inbound stream per peer:
    /// a new one resets the previous (so one peer holds at most one decoder). Signatures are checked
    /// here, outside the actor, between the router's cheap screening and its completion.
    nonisolated func serveInbound(_ stream: Libp2pStream, protocol gossipProtocol: GossipsubProtocol) async {
        let peer = stream.remotePeer
        if let replaced = await inboundStreamOpened(stream, protocol: gossipProtocol) { await replaced.reset() }
        var decoder = GossipsubFrameDecoder()
        do {
            while var chunk = try await stream.read() {
                decoder.append(chunk.readBytes(length: chunk.readableBytes) ?? [])
                while let rpc = try decoder.nextRPC() {
                    var screened = await screen(rpc, from: peer)
                    while let pending = screened {
                        screened = await finish(GossipsubRouter.verifySignatures(pending, verifier: signatureVerifier))
                    }
                }
            }
        } catch {
            await countMalformed(peer: peer, error: error)
            await stream.reset()
        }
        await inboundStreamClosed(stream)
    }

    /// Records `stream` as the peer's inbound stream; returns the one it replaces.
    private func inboundStreamOpened(_ stream: Libp2pStream, protocol gossipProtocol: GossipsubProtocol) -> Libp2pStream? {
        let peer = stream.remotePeer
        logger.debug("Gossip inbound stream open", metadata: ["p2p.peer.id": "\(peer)", "p2p.protocol": "\(gossipProtocol.rawValue)"])
        let key = GossipPeerID(bytes: peer.bytes)
        peerIDs[key] = peer
        if writers[key] == nil { makeWriter(for: key, peer: peer) }
        peerStreamOpened(key, protocol: gossipProtocol, outbound: false)
        let replaced = inboundStreams.updateValue(stream, forKey: key)
        if replaced != nil { metrics.duplicateInboundStreams.increment() }
        return replaced
    }

    private func inboundStreamClosed(_ stream: Libp2pStream) {
        let key = GossipPeerID(bytes: stream.remotePeer.bytes)
        if inboundStreams[key] === stream { inboundStreams[key] = nil }
    }

    /// The number of inbound meshsub streams currently read (one per peer at most).
    public var inboundStreamCount: Int { inboundStreams.count }

    /// Encoded bytes queued for `peer` and not yet written (at most `outboundQueueBytes`).
    public func queuedBytes(to peer: PeerID) -> Int { queuedBytes[GossipPeerID(bytes: peer.bytes)] ?? 0 }

    private func countMalformed(peer: PeerID, error: any Error) {
        metrics.malformedRPCs.increment()
        logger.debug("Gossip inbound stream closed", metadata: ["p2p.peer.id": "\(peer)", "error": "\(error)"])
    }

    /// Subscriptions, control and the router's cheap message checks; returns the messages whose
    /// signatures must be checked (nil when none).
    private func screen(_ rpc: GossipsubRPC, from peer: PeerID) -> GossipsubRouter.ScreenedMessages? {
        metrics.rpcsIn.increment()
        logger.trace("Gossip RPC received", metadata: ["p2p.peer.id": "\(peer)", "gossip.rpc.publish": "\(rpc.publish.count)"])
        let (actions, screened) = countingDrops { $0.screenRPC(rpc, from: GossipPeerID(bytes: peer.bytes), now: now) }
        perform(actions)
        return screened
    }

    /// Completes checked messages; returns what is left to check.
    private func finish(_ checked: GossipsubRouter.CheckedMessages) async -> GossipsubRouter.ScreenedMessages? {
        let (actions, rest) = countingDrops { $0.handleVerified(checked, now: now) }
        await perform(actions)
        return rest
    }

    private func countingDrops<T>(_ body: (inout GossipsubRouter.StateMachine) -> T) -> T {
        let before = machine.dropCounts
        let result = body(&machine)
        for (reason, count) in machine.dropCounts where count > before[reason, default: 0] {
            metrics.drops[reason]?.increment(by: count - before[reason, default: 0])
        }
        return result
    }
}
