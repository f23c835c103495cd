// SPDX-License-Identifier: Apache-2.0
import Libp2pMultistream
import Libp2pNoise
import Multiformats
import NIOCore

/// What the upgrade established.
struct UpgradeResult: Sendable {
    let remotePeer: PeerID
    let remoteKey: Libp2pPublicKey
    let security: String
    let muxer: String
    let muxerInlined: Bool
}

/// The upgrade of one TCP connection as a pure state machine: multistream-select for `/noise`, the
/// Noise XX handshake, then multistream-select for `/yamux/1.0.0` inside the secure channel (unless
/// the Noise extensions inlined it). It never encrypts: after `.secure` the caller installs the
/// Noise transport and feeds the decrypted bytes to `receivePlaintext`. No sockets, no event loop.
struct ConnectionUpgrade: Sendable {
    static let security = "/noise"
    static let muxer = "/yamux/1.0.0"

    /// What the caller has to do, in order.
    enum Action {
        /// Send these bytes as they are (before the secure channel).
        case writeRaw(ByteBuffer)
        /// The handshake is done: encrypt everything from now on with this result's ciphers.
        case secure(NoiseHandshakeResult)
        /// Send these bytes through the secure channel.
        case writeSecure(ByteBuffer)
        /// The muxer is agreed; `leftover` is muxer data that arrived with the last negotiation bytes.
        case established(UpgradeResult, leftover: ByteBuffer)
    }

    private enum Phase {
        case securityInitiator(MultistreamInitiator)
        case securityResponder(MultistreamResponder)
        case handshake(NoiseHandshakeStateMachine)
        case muxerInitiator(MultistreamInitiator)
        case muxerResponder(MultistreamResponder)
        case established
    }

    let isInitiator: Bool
    private let identity: Libp2pPrivateKey
    private let expectedPeer: PeerID?
    private let muxers: [String]
    private var phase: Phase
    private var handshake: NoiseHandshakeResult?
    private var plaintext = ByteBuffer()

    /// `muxers`: what the Noise extensions offer to inline (empty: always negotiate it afterwards).
    init(isInitiator: Bool, identity: Libp2pPrivateKey, expectedPeer: PeerID?, muxers: [String] = [Self.muxer]) {
        self.isInitiator = isInitiator
        self.identity = identity
        self.expectedPeer = expectedPeer
        self.muxers = muxers
        phase =
            isInitiator
            ? .securityInitiator(MultistreamInitiator(protocols: [Self.security]))
            : .securityResponder(MultistreamResponder(isSupported: { $0 == Self.security }))
    }

    /// True once the ciphers are agreed (bytes after that are Noise transport frames).
    var isSecured: Bool { handshake != nil }

    var isEstablished: Bool {
        if case .established = phase { true } else { false }
    }

    /// The opening multistream message.
    mutating func start() -> [Action] {
        switch phase {
        case .securityInitiator(var mss):
            defer { phase = .securityInitiator(mss) }
            return [.writeRaw(mss.start())]
        case .securityResponder(var mss):
            defer { phase = .securityResponder(mss) }
            return [.writeRaw(mss.start())]
        default:
            return []
        }
    }

    /// Bytes from the socket before the secure channel. Consumes what it used; once the result holds
    /// `.secure`, what is left in `raw` is Noise transport frames for the caller's transport.
    mutating func receiveRaw(_ raw: inout ByteBuffer) throws -> [Action] {
        var actions: [Action] = []
        while !isSecured {
            switch phase {
            case .securityInitiator(var mss):
                let step = try mss.receive(&raw)
                phase = .securityInitiator(mss)
                guard try afterSecurityStep(step, into: &actions) else { return actions }
            case .securityResponder(var mss):
                let step = try mss.receive(&raw)
                phase = .securityResponder(mss)
                guard try afterSecurityStep(step, into: &actions) else { return actions }
            case .handshake(var machine):
                guard let frame = raw.readNoiseFrame() else { return actions }
                let step = try machine.receive(Array(frame.readableBytesView))
                phase = .handshake(machine)
                switch step {
                case .send(let message):
                    actions.append(.writeRaw(try Self.noiseFrame(message)))
                case .sendAndComplete(let message, let result):
                    actions.append(.writeRaw(try Self.noiseFrame(message)))
                    actions += secured(result)
                case .complete(let result):
                    actions += secured(result)
                }
            case .muxerInitiator, .muxerResponder, .established:
                return actions
            }
        }
        return actions
    }

    /// Decrypted bytes from the secure channel while the muxer is negotiated.
    mutating func receivePlaintext(_ bytes: ByteBuffer) throws -> [Action] {
        var bytes = bytes
        plaintext.writeBuffer(&bytes)
        let step: MultistreamStep
        switch phase {
        case .muxerInitiator(var mss):
            step = try mss.receive(&plaintext)
            phase = .muxerInitiator(mss)
        case .muxerResponder(var mss):
            step = try mss.receive(&plaintext)
            phase = .muxerResponder(mss)
        default:
            throw Libp2pHostError.handshakeFailed("secure bytes before the handshake finished")
        }
        var actions: [Action] = []
        if let output = step.output { actions.append(.writeSecure(output)) }
        guard step.selected != nil, let handshake else { return actions }
        let leftover = plaintext
        plaintext = ByteBuffer()
        actions.append(establish(handshake, leftover: leftover))
        return actions
    }

    /// Returns true when `/noise` was selected (the handshake started).
    private mutating func afterSecurityStep(_ step: MultistreamStep, into actions: inout [Action]) throws -> Bool {
        if let output = step.output { actions.append(.writeRaw(output)) }
        guard step.selected != nil else { return false }
        var machine = NoiseHandshakeStateMachine(
            role: isInitiator ? .initiator : .responder, identity: identity, expectedRemotePeer: expectedPeer, muxers: muxers)
        if let first = try machine.start() { actions.append(.writeRaw(try Self.noiseFrame(first))) }
        phase = .handshake(machine)
        return true
    }

    private mutating func secured(_ result: NoiseHandshakeResult) -> [Action] {
        handshake = result
        if result.inlinedMuxer != nil { return [.secure(result), establish(result, leftover: ByteBuffer())] }
        if isInitiator {
            var mss = MultistreamInitiator(protocols: [Self.muxer])
            defer { phase = .muxerInitiator(mss) }
            return [.secure(result), .writeSecure(mss.start())]
        }
        var mss = MultistreamResponder(isSupported: { $0 == Self.muxer })
        defer { phase = .muxerResponder(mss) }
        return [.secure(result), .writeSecure(mss.start())]
    }

    private mutating func establish(_ handshake: NoiseHandshakeResult, leftover: ByteBuffer) -> Action {
        phase = .established
        let result = UpgradeResult(
            remotePeer: handshake.remotePeerID, remoteKey: handshake.remotePublicKey, security: Self.security,
            muxer: handshake.inlinedMuxer ?? Self.muxer, muxerInlined: handshake.inlinedMuxer != nil)
        return .established(result, leftover: leftover)
    }

    private static func noiseFrame(_ message: [UInt8]) throws -> ByteBuffer {
        var output = ByteBuffer()
        try output.writeNoiseFrame(message)
        return output
    }
}
