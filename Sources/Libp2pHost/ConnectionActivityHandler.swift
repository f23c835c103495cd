// SPDX-License-Identifier: Apache-2.0
import NIOCore

/// First handler of every connection: reports that bytes arrived, at most once per `interval`,
/// so the connection table knows which peers are idle. Passes everything through.
final class ConnectionActivityHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let interval: Duration
    private let report: (ContinuousClock.Instant) -> Void
    private var lastReport: ContinuousClock.Instant?

    init(interval: Duration = .seconds(1), report: @escaping (ContinuousClock.Instant) -> Void) {
        self.interval = interval
        self.report = report
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = ContinuousClock.now
        if lastReport.map({ now - $0 >= interval }) ?? true {
            lastReport = now
            report(now)
        }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ConnectionActivityHandler: Sendable {}
