// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Libp2pHost
import Logging
import Multiformats
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
            logger.debug("peer does not speak gossipsub", metadata: ["p2p.peer.id": "\(peer)", "error": "\(error)"])
            forgetWriter(key)
            return
        }
        let gossipProtocol = GossipsubProtocol(rawValue: stream.protocolID) ?? .meshsub10
        logger.debug("gossip outbound stream open", metadata: ["p2p.peer.id": "\(peer)", "p2p.protocol": "\(stream.protocolID)"])
        peerStreamOpened(key, protocol: gossipProtocol, outbound: true)
        for await frame in queue {
            do {
                try await stream.write(ByteBuffer(bytes: frame))
            } catch {
                logger.debug("gossip stream write failed", metadata: ["p2p.peer.id": "\(peer)", "error": "\(error)"])
                break
            }
        }
        await stream.closeWrite()
        forgetWriter(key)
    }

    private func forgetWriter(_ key: GossipPeerID) {
        writers.removeValue(forKey: key)?.finish()
        pendingWriters[key] = nil
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
        perform(machine.removePeer(key, now: now))
        peerIDs[key] = nil
        connectionIsOutbound[key] = nil
        metrics.peers.record(machine.connectedPeers.count)
    }

    /// Reads the peer's inbound stream: uvarint-framed RPCs, at most 1 MiB each. A malformed frame
    /// resets this stream only; the connection and the process stay up.
    nonisolated func serveInbound(_ stream: Libp2pStream, protocol gossipProtocol: GossipsubProtocol) async {
        let peer = stream.remotePeer
        await inboundStreamOpened(peer, protocol: gossipProtocol)
        var decoder = GossipsubFrameDecoder()
        do {
            while var chunk = try await stream.read() {
                decoder.append(chunk.readBytes(length: chunk.readableBytes) ?? [])
                while let rpc = try decoder.nextRPC() {
                    await receive(rpc, from: peer)
                }
            }
        } catch {
            await countMalformed(peer: peer, error: error)
            await stream.reset()
        }
    }

    private func inboundStreamOpened(_ peer: PeerID, protocol gossipProtocol: GossipsubProtocol) {
        logger.debug("gossip inbound stream open", metadata: ["p2p.peer.id": "\(peer)", "p2p.protocol": "\(gossipProtocol.rawValue)"])
        let key = GossipPeerID(bytes: peer.bytes)
        peerIDs[key] = peer
        if writers[key] == nil { makeWriter(for: key, peer: peer) }
        peerStreamOpened(key, protocol: gossipProtocol, outbound: false)
    }

    private func countMalformed(peer: PeerID, error: any Error) {
        metrics.malformedRPCs.increment()
        logger.debug("gossip inbound stream closed", metadata: ["p2p.peer.id": "\(peer)", "error": "\(error)"])
    }

    private func receive(_ rpc: GossipsubRPC, from peer: PeerID) async {
        metrics.rpcsIn.increment()
        logger.trace("gossip rpc received", metadata: ["p2p.peer.id": "\(peer)", "gossip.rpc.publish": "\(rpc.publish.count)"])
        let before = machine.dropCounts
        let actions = machine.handleRPC(rpc, from: GossipPeerID(bytes: peer.bytes), now: now)
        for (reason, count) in machine.dropCounts where count > before[reason, default: 0] {
            metrics.drops[reason]?.increment(by: count - before[reason, default: 0])
        }
        await perform(actions)
    }
}
