// SPDX-License-Identifier: Apache-2.0
import Libp2pNoise
import Libp2pYamux
import Multiformats
import NIOCore

/// Runs `ConnectionUpgrade` on one TCP connection: writes what it says, installs a
/// `NoiseTransportHandler` in front of itself once the handshake is done (from then on it reads and
/// writes plaintext), and after the muxer is agreed fires `YamuxStartEvent` and passes reads through.
final class ConnectionUpgradeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var upgrade: ConnectionUpgrade
    private var raw = ByteBuffer()
    private var failed = false
    private let cipher: NoiseCipherState.Implementation
    private let promise: EventLoopPromise<UpgradeResult>

    init(
        isInitiator: Bool, identity: Libp2pPrivateKey, expectedPeer: PeerID?, cipher: NoiseCipherState.Implementation,
        promise: EventLoopPromise<UpgradeResult>
    ) {
        upgrade = ConnectionUpgrade(isInitiator: isInitiator, identity: identity, expectedPeer: expectedPeer)
        self.cipher = cipher
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(upgrade.start(), context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if upgrade.isEstablished {
            context.fireChannelRead(data)
            return
        }
        guard !failed else { return }
        do {
            if upgrade.isSecured {
                perform(try upgrade.receivePlaintext(unwrapInboundIn(data)), context: context)
                return
            }
            var bytes = unwrapInboundIn(data)
            if raw.readableBytes == 0 { raw = bytes } else { raw.writeBuffer(&bytes) }
            let actions = try upgrade.receiveRaw(&raw)
            let transport = perform(actions, context: context)
            if let transport, raw.readableBytes > 0 {
                // Transport frames that came in the same read as the last handshake message.
                let leftover = raw
                raw = ByteBuffer()
                transport.receive(leftover, context: try context.pipeline.syncOperations.context(handler: transport))
            } else if upgrade.isSecured {
                raw = ByteBuffer()
            } else {
                // Never hold the socket's read buffer past this read: NIO reuses it only when nothing
                // else does, and otherwise pools one more buffer for the connection's whole life.
                var rest = ByteBuffer()
                rest.writeBuffer(&raw)
                raw = rest
            }
        } catch {
            fail(context: context, error: error)
        }
    }

    /// Carries out `actions`; returns the transport handler when one was installed.
    @discardableResult
    private func perform(_ actions: [ConnectionUpgrade.Action], context: ChannelHandlerContext) -> NoiseTransportHandler? {
        var installed: NoiseTransportHandler?
        for action in actions {
            switch action {
            case .writeRaw(let bytes), .writeSecure(let bytes):
                // Written from here, secure bytes pass the transport handler in front of this one.
                context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            case .secure(let result):
                let transport = NoiseTransportHandler(transport: NoiseTransport(result: result, cipher: cipher))
                do {
                    try context.pipeline.syncOperations.addHandler(transport, position: .before(self))
                } catch {
                    fail(context: context, error: error)
                    return nil
                }
                installed = transport
            case .established(let result, let leftover):
                context.fireUserInboundEventTriggered(YamuxStartEvent(isClient: upgrade.isInitiator))
                promise.succeed(result)
                if leftover.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(leftover)) }
            }
        }
        return installed
    }

    private func fail(context: ChannelHandlerContext, error: any Error) {
        guard !failed else { return }
        failed = true
        if !upgrade.isEstablished { promise.fail(Libp2pHostError.handshakeFailed(String(describing: error))) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !upgrade.isEstablished, !failed {
            failed = true
            promise.fail(Libp2pHostError.handshakeFailed("connection closed during the upgrade"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if upgrade.isEstablished {
            context.fireErrorCaught(error)
        } else {
            fail(context: context, error: error)
        }
    }
}

@available(*, unavailable)
extension ConnectionUpgradeHandler: Sendable {}
