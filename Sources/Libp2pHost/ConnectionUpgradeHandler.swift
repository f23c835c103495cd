// SPDX-License-Identifier: Apache-2.0
import Libp2pMultistream
import Libp2pNoise
import Libp2pYamux
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

/// The upgrade chain on one TCP connection: multistream-select for `/noise`, the Noise XX
/// handshake, multistream-select for `/yamux/1.0.0` inside the secure channel (unless the Noise
/// extensions inlined it), then transport encryption. Only this file touches the context; the
/// protocol logic is in the pure machines. Plaintext after the upgrade goes up the pipeline,
/// preceded by `YamuxStartEvent`.
final class ConnectionUpgradeHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let security = "/noise"
    static let muxer = "/yamux/1.0.0"

    private enum Phase {
        case securityInitiator(MultistreamInitiator)
        case securityResponder(MultistreamResponder)
        case handshake(NoiseHandshakeStateMachine)
        case muxerInitiator(MultistreamInitiator)
        case muxerResponder(MultistreamResponder)
        case established
        case failed
    }

    private let isInitiator: Bool
    private let identity: Libp2pPrivateKey
    private var phase: Phase
    private var raw = ByteBuffer()
    private var pendingPlaintext = ByteBuffer()
    private var transport: NoiseTransport?
    private var handshake: NoiseHandshakeResult?
    private let promise: EventLoopPromise<UpgradeResult>

    init(isInitiator: Bool, identity: Libp2pPrivateKey, expectedPeer: PeerID?, promise: EventLoopPromise<UpgradeResult>) {
        self.isInitiator = isInitiator
        self.identity = identity
        self.promise = promise
        if isInitiator {
            phase = .securityInitiator(MultistreamInitiator(protocols: [Self.security]))
        } else {
            phase = .securityResponder(MultistreamResponder(isSupported: { $0 == Self.security }))
        }
        self.expectedPeer = expectedPeer
    }

    private let expectedPeer: PeerID?

    func channelActive(context: ChannelHandlerContext) {
        switch phase {
        case .securityInitiator(var mss):
            let opening = mss.start()
            phase = .securityInitiator(mss)
            context.writeAndFlush(wrapOutboundOut(opening), promise: nil)
        case .securityResponder(var mss):
            let opening = mss.start()
            phase = .securityResponder(mss)
            context.writeAndFlush(wrapOutboundOut(opening), promise: nil)
        default: break
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        raw.writeBuffer(&bytes)
        do {
            try process(context: context)
        } catch {
            fail(context: context, error: error)
        }
    }

    private func process(context: ChannelHandlerContext) throws {
        while true {
            switch phase {
            case .securityInitiator(var mss):
                let step = try mss.receive(&raw)
                phase = .securityInitiator(mss)
                try afterSecurityStep(step, context: context)
                if step.selected == nil { return }
            case .securityResponder(var mss):
                let step = try mss.receive(&raw)
                phase = .securityResponder(mss)
                try afterSecurityStep(step, context: context)
                if step.selected == nil { return }
            case .handshake(var machine):
                guard let frame = raw.readNoiseFrame() else { return }
                let action = try machine.receive(Array(frame.readableBytesView))
                phase = .handshake(machine)
                switch action {
                case .send(let message):
                    try writeRaw(message, context: context)
                case .sendAndComplete(let message, let result):
                    try writeRaw(message, context: context)
                    try secured(result, context: context)
                case .complete(let result):
                    try secured(result, context: context)
                }
            case .muxerInitiator, .muxerResponder, .established:
                guard raw.readableBytes > 0, var transport else { return }
                let plaintext = try transport.open(&raw)
                self.transport = transport
                raw.discardReadBytes()
                guard var plaintext else { return }
                try deliver(&plaintext, context: context)
                return
            case .failed:
                raw.clear()
                return
            }
        }
    }

    private func afterSecurityStep(_ step: MultistreamStep, context: ChannelHandlerContext) throws {
        if let output = step.output { context.writeAndFlush(wrapOutboundOut(output), promise: nil) }
        guard step.selected != nil else { return }
        var machine = NoiseHandshakeStateMachine(
            role: isInitiator ? .initiator : .responder, identity: identity, expectedRemotePeer: expectedPeer)
        if let first = try machine.start() { try writeRaw(first, context: context) }
        phase = .handshake(machine)
    }

    private func secured(_ result: NoiseHandshakeResult, context: ChannelHandlerContext) throws {
        handshake = result
        transport = NoiseTransport(result: result)
        if result.inlinedMuxer != nil {
            try establish(context: context)
            return
        }
        if isInitiator {
            var mss = MultistreamInitiator(protocols: [Self.muxer])
            let opening = mss.start()
            phase = .muxerInitiator(mss)
            try writeSecure(opening, context: context)
        } else {
            var mss = MultistreamResponder(isSupported: { $0 == Self.muxer })
            let opening = mss.start()
            phase = .muxerResponder(mss)
            try writeSecure(opening, context: context)
        }
    }

    private func deliver(_ incoming: inout ByteBuffer, context: ChannelHandlerContext) throws {
        var step: MultistreamStep
        if case .established = phase {
            context.fireChannelRead(wrapInboundOut(incoming))
            return
        }
        pendingPlaintext.writeBuffer(&incoming)
        switch phase {
        case .muxerInitiator(var mss):
            step = try mss.receive(&pendingPlaintext)
            phase = .muxerInitiator(mss)
        case .muxerResponder(var mss):
            step = try mss.receive(&pendingPlaintext)
            phase = .muxerResponder(mss)
        default:
            return
        }
        if let output = step.output { try writeSecure(output, context: context) }
        if step.selected != nil {
            try establish(context: context)
            let leftover = pendingPlaintext
            pendingPlaintext = ByteBuffer()
            if leftover.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(leftover)) }
        }
    }

    private func establish(context: ChannelHandlerContext) throws {
        guard let handshake else { return }
        phase = .established
        context.fireUserInboundEventTriggered(YamuxStartEvent(isClient: isInitiator))
        promise.succeed(
            UpgradeResult(
                remotePeer: handshake.remotePeerID, remoteKey: handshake.remotePublicKey, security: Self.security,
                muxer: handshake.inlinedMuxer ?? Self.muxer, muxerInlined: handshake.inlinedMuxer != nil))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        guard var transport else {
            promise?.fail(Libp2pHostError.handshakeFailed("write before the secure channel is up"))
            return
        }
        var output = ByteBuffer()
        do {
            try transport.seal(plaintext, into: &output)
            self.transport = transport
            context.write(wrapOutboundOut(output), promise: promise)
        } catch {
            promise?.fail(error)
            fail(context: context, error: error)
        }
    }

    private func writeRaw(_ message: [UInt8], context: ChannelHandlerContext) throws {
        var output = ByteBuffer()
        try output.writeNoiseFrame(message)
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
    }

    private func writeSecure(_ plaintext: ByteBuffer, context: ChannelHandlerContext) throws {
        guard var transport else { return }
        var output = ByteBuffer()
        try transport.seal(plaintext, into: &output)
        self.transport = transport
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
    }

    private func fail(context: ChannelHandlerContext, error: any Error) {
        if case .failed = phase { return }
        let wasEstablished = if case .established = phase { true } else { false }
        phase = .failed
        if !wasEstablished { promise.fail(Libp2pHostError.handshakeFailed(String(describing: error))) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch phase {
        case .established, .failed: break
        default:
            phase = .failed
            promise.fail(Libp2pHostError.handshakeFailed("connection closed during the upgrade"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error: error)
    }
}

@available(*, unavailable)
extension ConnectionUpgradeHandler: Sendable {}
