// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// Fired down the pipeline (as a user inbound event) when the secure channel and muxer selection
/// are done; the yamux handler starts its session then.
public struct YamuxStartEvent: Sendable {
    public let isClient: Bool
    public init(isClient: Bool) { self.isClient = isClient }
}

/// The only yamux code touching `ChannelHandlerContext`: feeds plaintext to the session and writes
/// its frames. Buffers bytes until `YamuxStartEvent` arrives.
public final class YamuxSessionHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let configuration: YamuxConfiguration
    private let onReady: (YamuxSession) -> Void
    private let onInboundStream: (YamuxStream) -> Void
    private var session: YamuxSession?
    private var early = ByteBuffer()

    public init(
        configuration: YamuxConfiguration = YamuxConfiguration(),
        onReady: @escaping (YamuxSession) -> Void,
        onInboundStream: @escaping (YamuxStream) -> Void
    ) {
        self.configuration = configuration
        self.onReady = onReady
        self.onInboundStream = onInboundStream
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let start = event as? YamuxStartEvent, session == nil else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let session = YamuxSession(
            eventLoop: context.eventLoop, isClient: start.isClient, configuration: configuration,
            writeBytes: { pieces in
                let context = boundContext.value
                for piece in pieces.dropLast() { context.write(NIOAny(piece), promise: nil) }
                let written = context.write(NIOAny(pieces.last ?? ByteBuffer()))
                context.flush()
                return written
            },
            closeConnection: { boundContext.value.close(promise: nil) })
        session.onInboundStream = onInboundStream
        self.session = session
        onReady(session)
        if early.readableBytes > 0 {
            session.receive(&early)
            early = ByteBuffer()
        }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if let session { session.receive(&bytes) } else { early.writeBuffer(&bytes) }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        session?.connectionClosed()
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session?.connectionClosed()
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension YamuxSessionHandler: Sendable {}
