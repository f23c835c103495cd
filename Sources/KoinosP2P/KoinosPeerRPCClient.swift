// SPDX-License-Identifier: Apache-2.0
public import Libp2pHost
public import Multiformats
import NIOCore

/// Calls a peer's `/koinos/peerrpc/1.0.0` as a Koinos node does: one call per stream.
public enum KoinosPeerRPCClient {
    /// What came back: the reply struct, or the gorpc error text.
    public enum Answer: Sendable, Equatable {
        case reply(MessagePackValue)
        case error(String)
    }

    public enum Failure: Error, Sendable, Equatable {
        /// The stream ended before a whole response arrived.
        case incompleteResponse
        case malformedResponse(String)
        case timedOut
    }

    /// Sends `request` to `peer` and reads the response.
    public static func call(
        _ request: PeerRPCRequest, to peer: PeerID, on host: Libp2pHost, timeout: Duration = .seconds(6), maxResponseBytes: Int = 64 << 20
    ) async throws -> Answer {
        let stream = try await host.newStream(to: peer, protocols: [KoinosPeerRPCServer.protocolID])
        do {
            return try await Deadline.run(timeout) {
                try await stream.write(ByteBuffer(bytes: request.encoded))
                await stream.closeWrite()
                let bytes = try await stream.readAll(maxLength: maxResponseBytes)
                return try decode(Array(bytes.readableBytesView))
            }
        } catch is Deadline.Expired {
            await stream.reset()
            throw Failure.timedOut
        }
    }

    /// Decodes `Response{Service, Error, ErrType}` and the reply struct.
    public static func decode(_ bytes: [UInt8]) throws -> Answer {
        var reader = MessagePackReader(bytes)
        guard let header = try reader.decode(), let body = try reader.decode() else { throw Failure.incompleteResponse }
        if let message = header["Error"]?.text, !message.isEmpty { return .error(message) }
        guard header["Service"] != nil else { throw Failure.malformedResponse("no Service field in the response header") }
        return .reply(body)
    }
}
