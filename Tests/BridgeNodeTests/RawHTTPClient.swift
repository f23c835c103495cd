// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOCore
import NIOPosix

/// Writes raw bytes to a loopback HTTP server and reads what comes back until the server closes
/// the connection or `timeout` passes: for requests no well-behaved client would send.
enum RawHTTPClient {
    struct Exchange {
        var text: String
        /// The server closed the connection (as opposed to the read timing out).
        var closedByServer: Bool
        var status: Int? { text.hasPrefix("HTTP/1.1 ") ? Int(text.dropFirst(9).prefix(3)) : nil }
        var body: String { text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }
    }

    static func exchange(port: Int, sending chunks: [[UInt8]], pause: Duration = .zero, timeout: Duration) async throws -> Exchange {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            do {
                for chunk in chunks {
                    try await outbound.write(ByteBuffer(bytes: chunk))
                    if pause > .zero { try await Task.sleep(for: pause) }  // a slow client is the test
                }
            } catch is ChannelError {
                // The server closed the connection while we were still writing: read what it said.
            } catch let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
                // The same, reported by the kernel.
            }
            return try await withThrowingTaskGroup(of: Exchange?.self) { group in
                group.addTask {
                    var received: [UInt8] = []
                    do {
                        for try await buffer in inbound { received += buffer.readableBytesView }
                    } catch let error as IOError where error.errnoCode == ECONNRESET {
                        // The server closed with our unread bytes in its buffer: the kernel sent a reset.
                    }
                    return Exchange(text: String(decoding: received, as: UTF8.self), closedByServer: true)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)  // the deadline of the race, not a wait
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first ?? Exchange(text: "", closedByServer: false)
            }
        }
    }

    static func exchange(port: Int, sending text: String, timeout: Duration = .seconds(5)) async throws -> Exchange {
        try await exchange(port: port, sending: [Array(text.utf8)], timeout: timeout)
    }
}
