// SPDX-License-Identifier: Apache-2.0
import Logging
public import Multiformats
import NIOCore
import Primitives

/// The identify message (`/ipfs/id/1.0.0`): 1 publicKey, 2 listenAddrs, 3 protocols,
/// 4 observedAddr, 5 protocolVersion, 6 agentVersion; unknown fields (8 signedPeerRecord) skipped.
public struct IdentifyInfo: Equatable, Sendable {
    public var publicKey: Libp2pPublicKey?
    public var listenAddresses: [Multiaddr] = []
    public var protocols: [String] = []
    public var observedAddress: Multiaddr?
    public var protocolVersion: String?
    public var agentVersion: String?

    public init() {}

    public init(decoding bytes: [UInt8]) throws {
        var reader = ProtobufReader(bytes)
        while let (field, value) = try reader.next() {
            switch field {
            case 1: publicKey = try? Libp2pPublicKey(protobufEncoded: try value.requireBytes())
            case 2: if let address = try? Multiaddr(bytes: try value.requireBytes()) { listenAddresses.append(address) }
            case 3: protocols.append(try value.requireString())
            case 4: observedAddress = try? Multiaddr(bytes: try value.requireBytes())
            case 5: protocolVersion = try value.requireString()
            case 6: agentVersion = try value.requireString()
            default: continue
            }
        }
    }

    /// Merges a later message (identify push or a split message) into this one.
    public mutating func merge(_ other: IdentifyInfo) {
        if let key = other.publicKey { publicKey = key }
        if !other.listenAddresses.isEmpty { listenAddresses = other.listenAddresses }
        if !other.protocols.isEmpty { protocols = other.protocols }
        if let observed = other.observedAddress { observedAddress = observed }
        if let version = other.protocolVersion { protocolVersion = version }
        if let agent = other.agentVersion { agentVersion = agent }
    }

    public func encoded() -> [UInt8] {
        var writer = ProtobufWriter(defaultValues: .written)
        if let protocolVersion { writer.string(5, protocolVersion) }
        if let agentVersion { writer.string(6, agentVersion) }
        if let publicKey { writer.bytes(1, publicKey.protobufEncoded) }
        for address in listenAddresses { writer.bytes(2, address.bytes) }
        if let observedAddress { writer.bytes(4, observedAddress.bytes) }
        for name in protocols { writer.string(3, name) }
        return writer.bytes
    }
}

/// Protocol ids served by every host.
public enum Libp2pProtocols {
    public static let identify = "/ipfs/id/1.0.0"
    public static let identifyPush = "/ipfs/id/push/1.0.0"
    public static let ping = "/ipfs/ping/1.0.0"
    /// go reads identify messages of up to 8 KiB each, up to 10 of them.
    static let maxIdentifyBytes = 10 * 8 * 1024
    static let pingSize = 32
}

extension Libp2pHost {
    /// identify responder: one message, then close.
    func serveIdentify(_ stream: Libp2pStream, observed: Multiaddr?) async {
        var info = IdentifyInfo()
        info.publicKey = privateKey.publicKey
        info.listenAddresses = await listenAddresses()
        info.protocols = registeredProtocols()
        info.observedAddress = observed
        info.protocolVersion = configuration.protocolVersion
        info.agentVersion = configuration.agentVersion
        try? await stream.writeLengthPrefixed(ByteBuffer(bytes: info.encoded()))
        await stream.closeWrite()
    }

    /// identify push receiver: merge what the peer tells us, unless it carries a public key that
    /// is not the key of the connection's peer id (issue 19 L3): such a push is dropped whole.
    func serveIdentifyPush(_ stream: Libp2pStream) async {
        guard let info = try? await readIdentify(stream) else { return }
        if let key = info.publicKey, !stream.remotePeer.matches(key) {
            logger.debug("Identify push with a foreign public key dropped", metadata: ["p2p.peer.id": "\(stream.remotePeer)"])
            return
        }
        record(info, for: stream.remotePeer)
    }

    /// identify initiator: ask the peer, store and announce the result.
    func identify(_ peer: PeerID) async throws -> IdentifyInfo {
        let stream = try await newStream(to: peer, protocols: [Libp2pProtocols.identify])
        await stream.closeWrite()
        let info = try await readIdentify(stream)
        if let key = info.publicKey, !peer.matches(key) {
            throw Libp2pHostError.handshakeFailed("identify key does not match \(peer)")
        }
        record(info, for: peer)
        return info
    }

    private func readIdentify(_ stream: Libp2pStream) async throws -> IdentifyInfo {
        var merged = IdentifyInfo()
        var total = 0
        for _ in 0..<10 {
            guard let message = try await stream.readLengthPrefixed(maxLength: 8 * 1024) else { break }
            total += message.readableBytes
            guard total <= Libp2pProtocols.maxIdentifyBytes else { throw Libp2pHostError.messageTooLarge(total) }
            merged.merge(try IdentifyInfo(decoding: Array(message.readableBytesView)))
        }
        return merged
    }
}
