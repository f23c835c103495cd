// SPDX-License-Identifier: Apache-2.0
public import Libp2pHost
public import Logging
import Multiformats
import NIOCore
import Synchronization

/// Serves `/koinos/peerrpc/1.0.0` (go-libp2p-gorpc over msgpack, koinos.md §1.4–1.5) from a
/// `KoinosChainSource`, so Koinos nodes that connect keep the relay connected.
///
/// Every stream is answered at once or reset: a bounded request read with a deadline, a per-peer
/// call budget (a smaller one for GetBlocks), a cap on backend calls in flight, a timeout on each
/// backend call (the gorpc error shape when it passes), a cached chain id, a short-lived cached
/// head and a short-lived cache of GetBlocks answers.
public final class KoinosPeerRPCServer: Sendable {
    public static let protocolID = "/koinos/peerrpc/1.0.0"

    public struct Limits: Sendable {
        /// Sustained calls per second per peer, and the burst above it.
        public var callsPerSecond: Double = 10
        public var burst = 20
        /// Peers whose budgets are remembered (least recently used forgotten first, one at a time).
        public var trackedPeers = 4_096
        /// Backend calls running at once; more are answered "busy" at once.
        public var maxConcurrentCalls = 8
        /// How long a backend call may take before the caller gets the timeout error.
        public var callTimeout: Duration = .seconds(5)
        /// How long the advertised head is reused.
        public var headCacheMilliseconds: UInt64 = 1_000
        /// A request (service id + arguments) larger than this resets the stream.
        public var maxRequestBytes = 16 * 1024
        /// Time a caller has to send its request.
        public var requestDeadline: Duration = .seconds(10)
        /// Most blocks one GetBlocks may ask for (Koinos nodes ask for at most 500).
        public var maxBlocksPerCall: UInt32 = 500
        /// Sustained GetBlocks calls per second per peer, and the burst above it (on top of the
        /// general budget: one call may cost the Koinos node hundreds of blocks).
        public var blockCallsPerSecond: Double = 2
        public var blockBurst = 4
        /// How long a GetBlocks answer is reused for the same request, and the bytes kept in all.
        public var blocksCacheMilliseconds: UInt64 = 5_000
        public var blocksCacheBytes = 16 << 20
        /// How long fetching the blocks of one GetBlocks may take (Koinos nodes wait 150 s).
        public var blocksCallTimeout: Duration = .seconds(30)
        public init() {}
    }

    let source: any KoinosChainSource
    let limits: Limits
    let logger: Logger
    let state: Mutex<PeerRPCServerState>

    public init(source: any KoinosChainSource, limits: Limits = Limits(), logger: Logger) {
        self.source = source
        self.limits = limits
        self.logger = logger
        self.state = Mutex(PeerRPCServerState(limits: limits))
    }

    /// Registers the handler on `host`.
    /// Registers the handler on `host`; a peer that sends an undecodable request is scored on
    /// `host` as Koinos scores a deserialization error.
    public func install(on host: Libp2pHost) {
        host.setStreamHandler(Self.protocolID) { [self, weak host] stream in await self.serve(stream, scoringOn: host) }
    }

    /// Answers one call on `stream`, then closes it (or resets it on a malformed or late request).
    public func serve(_ stream: Libp2pStream, scoringOn host: Libp2pHost? = nil) async {
        guard let (service, arguments) = await readRequest(stream) else {
            host?.reportPeerError(stream.remotePeer, points: PeerErrorScores.Points.deserialization, reason: "malformed or late peer RPC request")
            await stream.reset()
            return
        }
        let name = service["Name"]?.text ?? ""
        let method = service["Method"]?.text ?? ""
        let answer: [UInt8]
        switch PeerRPCRequest.parse(service: service, arguments: arguments) {
        case .failure(let refusal):
            answer = PeerRPCResponse.failure(service: name, method: method, message: refusal.message)
        case .success(let request):
            let admitted = state.withLock { $0.admit(peer: stream.remotePeer.description, request: request, nowMs: Self.nowMs) }
            if admitted {
                answer = await respond(to: request, service: name)
            } else {
                answer = PeerRPCResponse.failure(service: name, method: method, message: "rate limit: too many calls from this peer")
            }
        }
        do {
            try await stream.write(ByteBuffer(bytes: answer))
            await stream.closeWrite()
        } catch {
            await stream.reset()
        }
    }

    private func readRequest(_ stream: Libp2pStream) async -> (MessagePackValue, MessagePackValue)? {
        let maxBytes = limits.maxRequestBytes
        return try? await Deadline.run(limits.requestDeadline) {
            var received: [UInt8] = []
            while true {
                var reader = MessagePackReader(received)
                if let service = try reader.decode(), let arguments = try reader.decode() { return (service, arguments) }
                guard let chunk = try await stream.read(), received.count + chunk.readableBytes <= maxBytes else { return nil }
                received += chunk.readableBytesView
            }
        }
    }

    private func respond(to request: PeerRPCRequest, service: String) async -> [UInt8] {
        let method = request.method
        func failure(_ message: String) -> [UInt8] { PeerRPCResponse.failure(service: service, method: method, message: message) }
        do {
            switch request {
            case .getChainID:
                let id = try await sharedChainID()
                return reply(service, method, .map([(.string("ID"), .bytes(id))]))
            case .getHeadBlock:
                let head = try await sharedHead()
                return reply(service, method, .map([(.string("ID"), .bytes(head.id)), (.string("Height"), .uint(head.height))]))
            case .getAncestorBlockID(let parent, let height):
                let id = try await backend { try await $0.ancestorBlockID(of: parent, atHeight: height) }
                return reply(service, method, .map([(.string("ID"), .bytes(id))]))
            case .getBlocks(let head, let start, let count):
                guard count <= limits.maxBlocksPerCall else { return failure("NumBlocks \(count) above the limit \(limits.maxBlocksPerCall)") }
                let blocks = try await cachedBlocks(BlocksReplyCache.Key(headBlockID: head, startHeight: start, count: count))
                guard blocks.count == Int(count) else { return failure("this relay can serve \(blocks.count) of the \(count) blocks asked for") }
                return reply(service, method, .map([(.string("Blocks"), .array(blocks.map { .bytes($0) }))]))
            }
        } catch let refusal as PeerRPCRequest.Refusal {
            return failure(refusal.message)
        } catch {
            logger.debug("Peer RPC backend call failed", metadata: ["peerrpc.method": "\(method)", "error": "\(error)"])
            return failure("internal error")
        }
    }

    /// The blocks of a GetBlocks request: a recent identical answer, else one backend call (a
    /// complete answer is kept for `blocksCacheMilliseconds`).
    private func cachedBlocks(_ key: BlocksReplyCache.Key) async throws -> [[UInt8]] {
        if let cached = state.withLock({ $0.blocks.get(key, nowMs: Self.nowMs) }) { return cached }
        let blocks = try await backend(timeout: limits.blocksCallTimeout) { try await $0.blocks(headBlockID: key.headBlockID, startHeight: key.startHeight, count: key.count) }
        if blocks.count == Int(key.count) { state.withLock { $0.blocks.put(key, blocks, nowMs: Self.nowMs) } }
        return blocks
    }

    /// The chain id: cached once read; concurrent first callers share one backend call.
    private func sharedChainID() async throws -> [UInt8] {
        if let cached = state.withLock({ $0.chainID }) { return cached }  // no task or timer on a hit
        let fetch: Task<[UInt8], any Error> = state.withLock { s in
            if let cached = s.chainID { return Task { cached } }
            if let running = s.chainIDFetch { return running }
            let source = self.source
            let task = Task { try await source.chainID() }
            s.chainIDFetch = task
            return task
        }
        return try await awaitShared(fetch) { s, result in
            guard s.chainIDFetch == fetch else { return }  // settled by an earlier waiter
            s.chainIDFetch = nil
            if case .success(let id) = result { s.chainID = id }
        }
    }

    /// The advertised head: reused for `headCacheMilliseconds`; concurrent callers share one backend call.
    private func sharedHead() async throws -> (id: [UInt8], height: UInt64) {
        if let cached = state.withLock({ $0.cachedHead(nowMs: Self.nowMs) }) { return cached }  // no task or timer on a hit
        let fetch: Task<(id: [UInt8], height: UInt64), any Error> = state.withLock { s in
            if let cached = s.cachedHead(nowMs: Self.nowMs) { return Task { cached } }
            if let running = s.headFetch { return running }
            let source = self.source
            let task = Task { try await source.advertisedHead() }
            s.headFetch = task
            return task
        }
        let ttl = limits.headCacheMilliseconds
        return try await awaitShared(fetch) { s, result in
            guard s.headFetch == fetch else { return }  // settled by an earlier waiter
            s.headFetch = nil
            if case .success(let head) = result { s.head = (head, Self.nowMs &+ ttl) }
        }
    }

    /// Waits for a shared fetch within the call timeout; `settle` records its outcome once.
    private func awaitShared<T: Sendable>(
        _ fetch: Task<T, any Error>, settle: @escaping @Sendable (inout PeerRPCServerState, Result<T, any Error>) -> Void
    ) async throws -> T {
        do {
            return try await Deadline.run(limits.callTimeout) { [self] in
                let result = await fetch.result
                state.withLock { settle(&$0, result) }
                return try result.get()
            }
        } catch is Deadline.Expired {
            throw PeerRPCRequest.Refusal("timeout: the Koinos node did not answer in time")
        }
    }

    private func reply(_ service: String, _ method: String, _ value: MessagePackValue) -> [UInt8] {
        PeerRPCResponse.success(service: service, method: method, reply: value)
    }

    /// One backend call within the slot cap and the call timeout; the slot is held until the call
    /// really ends, so a hung backend cannot pile up more than `maxConcurrentCalls` calls.
    private func backend<T: Sendable>(
        timeout: Duration? = nil, _ call: @escaping @Sendable (any KoinosChainSource) async throws -> T
    ) async throws -> T {
        guard state.withLock({ $0.beginCall() }) else { throw PeerRPCRequest.Refusal("busy: try again") }
        do {
            return try await Deadline.run(timeout ?? limits.callTimeout, detached: true) { [self] in
                defer { state.withLock { $0.endCall() } }
                return try await call(source)
            }
        } catch is Deadline.Expired {
            throw PeerRPCRequest.Refusal("timeout: the Koinos node did not answer in time")
        }
    }

    private static let origin = ContinuousClock.now

    /// Monotonic milliseconds for the budgets and the head cache.
    static var nowMs: UInt64 {
        let elapsed = origin.duration(to: .now).components
        return UInt64(max(0, elapsed.seconds)) &* 1_000 &+ UInt64(max(0, elapsed.attoseconds) / 1_000_000_000_000_000)
    }
}
