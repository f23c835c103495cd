// SPDX-License-Identifier: Apache-2.0
import Foundation
import Libp2pHost
import Libp2pNoise
import Libp2pYamux
import Logging
import Multiformats
import NIOCore
import NIOPosix

/// The transfers `bridge-bench p2p` times: raw NIO TCP and Noise+yamux streams between two hosts in
/// this process, each timed by the wall clock and by the process's CPU time (both ends).
enum P2PBenchmarks {
    static let chunk = 64 * 1024
    static let sinkProtocol = "/bridge-bench/sink/1.0.0"

    /// A plain NIO TCP connection (client writes, server counts).
    static func rawTCP(totalBytes: Int) async throws -> TransferCost {
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: Void.self)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(CountingSink(expected: totalBytes, done: done))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: group).connect(to: server.localAddress!).get()
        let block = ByteBuffer(repeating: 0x5a, count: chunk)
        let meter = TransferMeter()
        var sent = 0
        while sent < totalBytes {
            try await client.writeAndFlush(block)
            sent += chunk
        }
        try await done.futureResult.get()
        let cost = meter.cost(bytes: totalBytes)
        try await client.close()
        try await server.close()
        return cost
    }

    /// `count` Noise+yamux streams on one connection between two hosts, all writing at once
    /// (`totalBytes` in all).
    static func streams(
        totalBytes: Int, count: Int = 1, receiveWindow: Int = 256 * 1024,
        cipher: NoiseCipherState.Implementation = Libp2pHostConfiguration().noiseCipher,
        maxReadSize: Int = Libp2pHostConfiguration().maxReadSize
    ) async throws -> TransferCost {
        let (sender, _) = try await makeHost(
            receiveWindow: receiveWindow, cipher: cipher, maxReadSize: maxReadSize)
        let (receiver, address) = try await makeHost(receiveWindow: receiveWindow, cipher: cipher, maxReadSize: maxReadSize)
        receiver.setStreamHandler(sinkProtocol) { stream in
            var received = 0
            while let chunk = try? await stream.read() { received += chunk.readableBytes }
            try? await stream.write(ByteBuffer(string: "\(received)"))
            await stream.closeWrite()
        }
        let peer = try await sender.connect(address)
        var opened: [Libp2pStream] = []
        for _ in 0..<count { opened.append(try await sender.newStream(to: peer, protocols: [sinkProtocol])) }
        let perStream = totalBytes / count
        let meter = TransferMeter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for stream in opened {
                group.addTask { try await sendAll(perStream, on: stream) }
            }
            try await group.waitForAll()
        }
        let cost = meter.cost(bytes: perStream * count)
        await sender.shutdown()
        await receiver.shutdown()
        return cost
    }

    /// Writes `count` bytes in 64 KiB blocks, half-closes and waits for the receiver's count.
    private static func sendAll(_ count: Int, on stream: Libp2pStream) async throws {
        let block = ByteBuffer(repeating: 0x5a, count: chunk)
        var sent = 0
        while sent < count {
            try await stream.write(block)
            sent += chunk
        }
        await stream.closeWrite()
        let reply = try await stream.readAll(maxLength: 64)
        guard Int(String(buffer: reply)) == sent else { throw Libp2pHostError.unexpectedEOF }
    }

    /// RSS growth per idle upgraded connection (both ends live in this process).
    static func memoryPerIdleConnection(count: Int) async throws -> Double {
        let (dialer, _) = try await makeHost(maxConnections: count + 10)
        let (listener, address) = try await makeHost(maxConnections: count + 10)
        let target = address.withoutPeerID()  // no /p2p: every dial opens a new connection
        try await Task.sleep(for: .milliseconds(200))
        let before = residentBytes()
        for _ in 0..<count { _ = try await dialer.connect(target) }
        try await Task.sleep(for: .seconds(1))  // identify exchanges settle
        let after = residentBytes()
        await dialer.shutdown()
        await listener.shutdown()
        return Double(after - before) / Double(count)
    }

    static func makeHost(
        maxConnections: Int = 128, receiveWindow: Int = 256 * 1024,
        cipher: NoiseCipherState.Implementation = Libp2pHostConfiguration().noiseCipher,
        maxReadSize: Int = Libp2pHostConfiguration().maxReadSize
    ) async throws -> (Libp2pHost, Multiaddr) {
        var configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        configuration.maxConnections = maxConnections
        configuration.limits.reservedSlots = 0
        configuration.limits.maxPerIP = maxConnections  // the benchmark dials one listener many times from 127.0.0.1
        configuration.limits.maxPerPeer = maxConnections
        configuration.limits.maxPendingHandshakes = maxConnections
        configuration.yamux.receiveWindow = receiveWindow
        configuration.noiseCipher = cipher
        configuration.maxReadSize = maxReadSize
        var logger = Logger(label: "bridge.p2p.bench")
        logger.logLevel = .error
        let host = Libp2pHost(privateKey: .generate(.ed25519), configuration: configuration, logger: logger)
        let bound = try await host.start()
        return (host, bound[0].appending(.p2p(host.peerID)))
    }

    /// VmRSS from /proc/self/status, in bytes.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return 0
    }
}

/// Wall clock and process CPU time (user + system, all threads) from its creation.
struct TransferMeter {
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private let startedCPU: Double

    init() {
        startedCPU = Self.processCPUSeconds()
        started = clock.now
    }

    func cost(bytes: Int) -> TransferCost {
        let (seconds, attoseconds) = (clock.now - started).components
        let wall = Double(seconds) + Double(attoseconds) / 1e18
        let cpu = Self.processCPUSeconds() - startedCPU
        let gibibytes = Double(bytes) / 1_073_741_824
        return TransferCost(mebibytesPerSecond: gibibytes * 1024 / wall, cpuSecondsPerGiB: cpu / gibibytes)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// CPU time of the calling thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Counts inbound bytes and completes once `expected` arrived.
private final class CountingSink: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let expected: Int
    private let done: EventLoopPromise<Void>
    private var received = 0

    init(expected: Int, done: EventLoopPromise<Void>) {
        self.expected = expected
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
        if received >= expected { done.succeed(()) }
    }
}
