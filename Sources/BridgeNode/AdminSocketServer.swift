// SPDX-License-Identifier: Apache-2.0
import Foundation
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The local admin socket: a Unix socket in the data folder, mode 0600, never a network port.
///
/// It is bound under a temporary name, made 0600, then renamed into place, so no other user can
/// ever connect to it, not even in the instant after `bind`; connections whose peer credentials are
/// another user's are closed as well (defence in depth). One JSON line in, one JSON line out
/// (`AdminSocketRequest` / `AdminSocketResponse`), at most `maxRequestBytes`, within `requestTimeout`.
public struct AdminSocketServer: Service {
    let path: String
    let handler: AdminCommandHandler
    let logger: Logger
    static let maxRequestBytes = 16 * 1024
    static let requestTimeout: Duration = .seconds(30)

    public init(path: String, handler: AdminCommandHandler, logger: Logger) {
        self.path = path
        self.handler = handler
        self.logger = logger
    }

    /// Serves until shutdown. A socket that cannot be bound (path too long, folder not writable)
    /// is logged and the node keeps validating without it: the admin socket is never a reason to stop.
    public func run() async throws {
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await bind()
        } catch {
            logger.error("Admin socket unavailable; bridge-relay admin commands cannot reach this node", metadata: [
                "admin.socket": "\(path)", "error": "\(error)"])
            try? await gracefulShutdown()
            return
        }
        logger.info("Admin socket listening", metadata: ["admin.socket": "\(path)"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
        let path = self.path
        try? await NIOThreadPool.singleton.runIfActive { _ = unlink(path) }
    }

    private func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
        let temporary = path + ".\(getpid()).tmp"
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: temporary, cleanupExistingSocketFile: true) { channel in
                Self.refuseOtherUsers(channel).flatMapThrowing {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let path = self.path
        do {
            try await NIOThreadPool.singleton.runIfActive {
                guard chmod(temporary, 0o600) == 0, rename(temporary, path) == 0 else {
                    throw AdminSocketError.setup("cannot secure \(path): errno \(errno)")
                }
            }
        } catch {
            try? await server.channel.close()
            throw error
        }
        return server
    }

    /// Fails (so NIO closes the connection) when the peer process runs as another user.
    static func refuseOtherUsers(_ channel: any Channel) -> EventLoopFuture<Void> {
        guard let provider = channel as? any SocketOptionProvider else { return channel.eventLoop.makeSucceededVoidFuture() }
        let credentials: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return credentials.flatMapThrowing { peer in
            guard peer.uid == geteuid() else { throw AdminSocketError.otherUser(peer.uid) }
        }.flatMapError { error in
            // Closed at once (a failed initializer alone leaves the peer waiting).
            channel.close().flatMapThrowing { throw error }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                let response: AdminSocketResponse
                if let line = try await Self.readLine(inbound) {
                    if let request = try? JSONDecoder().decode(AdminSocketRequest.self, from: Data(line)) {
                        response = await handler.answer(request)
                    } else {
                        response = AdminSocketResponse(error: "malformed request: expected one JSON object line")
                    }
                } else {
                    response = AdminSocketResponse(error: "request too long or cut short")
                }
                var bytes = try JSONEncoder().encode(response)
                bytes.append(UInt8(ascii: "\n"))
                try await outbound.write(ByteBuffer(bytes: bytes))
            }
        } catch {
            logger.debug("Admin socket connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// The bytes before the first newline; nil past `maxRequestBytes`, at the end of input
    /// without a newline, or after `requestTimeout`.
    static func readLine(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async throws -> [UInt8]? {
        try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var line: [UInt8] = []
                for try await chunk in inbound {
                    let bytes = Array(chunk.readableBytesView)
                    if let end = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                        line += bytes[..<end]
                        return line.count <= maxRequestBytes ? line : nil
                    }
                    line += bytes
                    guard line.count <= maxRequestBytes else { return nil }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: requestTimeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// Linux `struct ucred` (pid, uid, gid), as `SO_PEERCRED` fills it.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

public enum AdminSocketError: Error, Sendable, CustomStringConvertible {
    case setup(String)
    case otherUser(UInt32)
    case unreachable(String)
    case badAnswer

    public var description: String {
        switch self {
        case .setup(let message): message
        case .otherUser(let uid): "connection from uid \(uid) refused"
        case .unreachable(let message): "cannot reach the node's admin socket: \(message) (is the node running with this configuration?)"
        case .badAnswer: "the node's answer was not understood"
        }
    }
}
