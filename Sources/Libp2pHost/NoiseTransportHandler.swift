// SPDX-License-Identifier: Apache-2.0
import Libp2pNoise
import NIOCore

/// The Noise transport on an upgraded connection: decrypts each inbound frame into its own buffer
/// (a partial frame is the only thing copied) and passes the plaintext on; outbound, it holds the
/// writes until a flush and seals them into frames of at most 65519 plaintext bytes straight from
/// the writers' buffers (a yamux header and its payload become one frame without being copied
/// together). `ConnectionUpgradeHandler` puts it in front of itself when the handshake completes.
final class NoiseTransportHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var transport: NoiseTransport
    private var pendingWrites: [ByteBuffer] = []
    private var pendingPromises: [EventLoopPromise<Void>] = []
    private var failed = false

    init(transport: NoiseTransport) {
        self.transport = transport
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receive(unwrapInboundIn(data), context: context)
    }

    /// Ciphertext from the socket (also the frames read together with the last handshake message).
    func receive(_ ciphertext: ByteBuffer, context: ChannelHandlerContext) {
        guard !failed else { return }
        var bytes = ciphertext
        do {
            for plaintext in try transport.openFrames(&bytes) where plaintext.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(plaintext))
            }
        } catch {
            failed = true
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !failed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let bytes = unwrapOutboundIn(data)
        if bytes.readableBytes > 0 { pendingWrites.append(bytes) }
        if let promise { pendingPromises.append(promise) }
    }

    func flush(context: ChannelHandlerContext) {
        let pieces = pendingWrites
        let promises = pendingPromises
        pendingWrites.removeAll(keepingCapacity: true)
        pendingPromises.removeAll(keepingCapacity: true)
        if !pieces.isEmpty {
            var output = ByteBuffer()
            do {
                try transport.seal(pieces: pieces, into: &output)
            } catch {
                for promise in promises { promise.fail(error) }
                failed = true
                context.close(promise: nil)
                return
            }
            context.write(wrapOutboundOut(output), promise: Self.combine(promises, on: context.eventLoop))
        } else {
            for promise in promises { promise.succeed(()) }
        }
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        failPending()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failPending()
    }

    private func failPending() {
        let promises = pendingPromises
        pendingPromises.removeAll()
        pendingWrites.removeAll()
        for promise in promises { promise.fail(ChannelError.ioOnClosedChannel) }
    }

    private static func combine(_ promises: [EventLoopPromise<Void>], on loop: any EventLoop) -> EventLoopPromise<Void>? {
        guard promises.count > 1 else { return promises.first }
        let combined = loop.makePromise(of: Void.self)
        for promise in promises { combined.futureResult.cascade(to: promise) }
        return combined
    }
}

@available(*, unavailable)
extension NoiseTransportHandler: Sendable {}
