// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Guards one HTTP/1.1 connection of the API, between the HTTP codec and Hummingbird:
///
/// - **Malformed requests** (a parser error: NUL in the path, bad version, bad or duplicated
///   Content-Length, chunked with a length, headers past the limit) get `400` with the API's
///   `{error, detail}` JSON body, then the connection closes.
/// - **Slow clients**: a request head must be complete within `headerTimeout` of the connection
///   opening or of the previous response ending (this also closes idle keep-alive connections),
///   and its body within `bodyTimeout` of the head; otherwise the connection closes. No timer runs
///   while the node answers.
final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// Requests read but not yet answered.
    private var unanswered = 0
    private var readingBody = false
    private var closed = false

    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(headerTimeout, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(headerTimeout, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
            arm(bodyTimeout, context: context)
        case .body:
            break
        case .end:
            readingBody = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            if unanswered == 0, !readingBody { arm(headerTimeout, context: context) }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        // Answered here, so Hummingbird's own empty 400 is not sent; the connection closes after it.
        respondAndClose(context: context, status: .badRequest, code: "bad_request", detail: "malformed HTTP request: \(Self.describe(parserError))")
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        disarm()
        guard !closed else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) { [self] in
            closed = true
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    private func respondAndClose(context: ChannelHandlerContext, status: HTTPResponse.Status, code: String, detail: String) {
        guard !closed else { return }
        closed = true
        disarm()
        let body = ByteBuffer(bytes: Self.errorJSON(code: code, detail: detail))
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.contentLength] = "\(body.readableBytes)"
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    static func errorJSON(code: String, detail: String) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(ErrorBody(error: code, detail: detail))).map(Array.init) ?? Array(#"{"error":"bad_request"}"#.utf8)
    }

    /// The parser's complaint in words (its case name), never the request bytes.
    static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidContentLength, .unexpectedContentLength: "invalid or duplicated Content-Length"
        case .invalidVersion: "invalid HTTP version"
        case .invalidURL: "invalid request target"
        case .headerOverflow: "request headers too large"
        case .invalidHeaderToken, .invalidCharactersUsed: "invalid characters in the request line or headers"
        case .invalidChunkSize: "invalid chunked body"
        default: "\(error)"
        }
    }
}
