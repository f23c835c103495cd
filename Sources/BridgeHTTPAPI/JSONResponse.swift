// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird

/// Builds JSON responses with one shared encoder configuration (sorted keys, no escaped slashes).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        guard let body = encode(value) else { return encodingFailure }
        return self.body(body, status: status)
    }

    /// The JSON encoding of `value`, nil when encoding fails.
    static func encode(_ value: some Encodable) -> ByteBuffer? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { ByteBuffer(bytes: $0) }
    }

    /// A response carrying an already encoded JSON body.
    static func body(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }

    static var encodingFailure: Response {
        body(ByteBuffer(string: #"{"error":"internal","detail":"response encoding failed"}"#), status: .internalServerError)
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func bytes(_ bytes: [UInt8], contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
