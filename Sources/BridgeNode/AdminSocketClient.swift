// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOCore
import NIOPosix

/// Sends one request to the node's admin socket and reads its one-line answer (the CLI's side).
public enum AdminSocketClient {
    /// Largest answer read (a list of proposals with their signatures).
    static let maxAnswerBytes = 4 * 1024 * 1024

    public static func send(_ request: AdminSocketRequest, socketPath: String) async throws -> AdminSocketResponse {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            throw AdminSocketError.unreachable("\(socketPath): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            var line = try JSONEncoder().encode(request)
            line.append(UInt8(ascii: "\n"))
            try await outbound.write(ByteBuffer(bytes: line))
            var answer: [UInt8] = []
            for try await chunk in inbound {
                answer += chunk.readableBytesView
                if answer.last == UInt8(ascii: "\n") { break }
                guard answer.count <= maxAnswerBytes else { throw AdminSocketError.badAnswer }
            }
            guard let response = try? JSONDecoder().decode(AdminSocketResponse.self, from: Data(answer)) else { throw AdminSocketError.badAnswer }
            return response
        }
    }
}
