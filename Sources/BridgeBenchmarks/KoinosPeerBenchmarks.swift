// SPDX-License-Identifier: Apache-2.0
import KoinosP2P
import Libp2pHost
import Logging
import Multiformats
import NIOCore

/// `bridge-bench koinos-peer` (issue 15): peer-RPC `GetHeadBlock` calls answered per second with a
/// warm cache, against an echo of the same size on the same connection (the stream floor), and one
/// new connection's time from TCP connect to a finished Koinos handshake, against a relay-to-relay
/// connection (connect + identify) in the same run. Both hosts in this process, over loopback.
/// Then GetBlocks calls per second (10 and 100 blocks, through `KoinosRPCChainSource` from
/// in-process block_store JSON; cold = cache off, warm = the same request again) against the
/// GetHeadBlock figure. The per-peer budgets are lifted so every call is a real answer (checked).
func runKoinosPeerBenchmarks(rounds: Int) async throws -> Bool {
    let chainID: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 7, count: 32)
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let (server, address) = try await KoinosPeerBench.host(logger)
    KoinosPeerRPCServer(source: StaticKoinosChain(chainID: chainID, headHeight: 42), limits: KoinosPeerBench.unlimited(), logger: logger).install(on: server)
    server.setStreamHandler("/bench/echo/1.0.0") { stream in
        while let chunk = try? await stream.read() { try? await stream.write(chunk) }
        await stream.closeWrite()
    }

    // Calls per second: sequential calls, one stream each, warm cache (the first call fills it).
    let (client, _) = try await KoinosPeerBench.host(logger)
    let peer = try await client.connect(address)
    _ = try await KoinosPeerRPCClient.call(.getHeadBlock, to: peer, on: client)
    var callRates: [Double] = [], echoRates: [Double] = []
    let calls = 500
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        for _ in 0..<calls { try KoinosPeerBench.expectReply(try await KoinosPeerRPCClient.call(.getHeadBlock, to: peer, on: client)) }
        callRates.append(Double(calls) / KoinosPeerBench.seconds(ContinuousClock.now - start))
        let request = PeerRPCRequest.getHeadBlock.encoded
        let echoStart = ContinuousClock.now
        for _ in 0..<calls {
            let stream = try await client.newStream(to: peer, protocols: ["/bench/echo/1.0.0"])
            try await stream.write(.init(bytes: request))
            await stream.closeWrite()
            _ = try await stream.readAll(maxLength: 4096)
        }
        echoRates.append(Double(calls) / KoinosPeerBench.seconds(ContinuousClock.now - echoStart))
    }
    let blockRates = try await KoinosPeerBench.getBlocksRates(client: client, chainID: chainID, rounds: rounds, logger: logger)
    await client.shutdown()

    // Time to a finished Koinos handshake vs a plain relay connection, fresh client each time.
    var handshakeMs: [Double] = [], connectMs: [Double] = []
    for _ in 0..<(rounds * 4) {
        let (relay, _) = try await KoinosPeerBench.host(logger)
        var start = ContinuousClock.now
        let p = try await relay.connect(address)
        _ = await KoinosHandshake.run(with: p, on: relay, expectedChainID: chainID)
        handshakeMs.append(KoinosPeerBench.seconds(ContinuousClock.now - start) * 1_000)
        await relay.shutdown()
        let (plain, _) = try await KoinosPeerBench.host(logger)
        start = ContinuousClock.now
        let q = try await plain.connect(address)
        for _ in 0..<100 where await plain.peerInfo(q) == nil { try await Task.sleep(for: .milliseconds(1)) }
        connectMs.append(KoinosPeerBench.seconds(ContinuousClock.now - start) * 1_000)
        await plain.shutdown()
    }
    await server.shutdown()
    let rate = KoinosPeerBench.median(callRates), floor = KoinosPeerBench.median(echoRates)
    let handshake = KoinosPeerBench.median(handshakeMs), connect = KoinosPeerBench.median(connectMs)
    print("koinos-peer: GetHeadBlock (warm cache) \(Int(rate)) calls/s vs echo on a stream \(Int(floor))/s: \(KoinosPeerBench.ratio(rate / floor))×")
    for (label, perSecond) in blockRates {
        print("koinos-peer: GetBlocks \(label) \(Int(perSecond)) calls/s vs GetHeadBlock \(Int(rate))/s: \(KoinosPeerBench.ratio(perSecond / rate))×")
    }
    print("koinos-peer: connect → Koinos handshake done \(KoinosPeerBench.ratio(handshake)) ms vs relay connect + identify \(KoinosPeerBench.ratio(connect)) ms: \(KoinosPeerBench.ratio(handshake / connect))× (medians of \(handshakeMs.count))")
    return true
}

enum KoinosPeerBench {
    struct UnexpectedAnswer: Error, CustomStringConvertible {
        let answer: KoinosPeerRPCClient.Answer
        var description: String { "peer RPC answered \(answer) in the benchmark" }
    }

    /// Server limits that never refuse the benchmark's calls (the real ones would answer "rate limit").
    static func unlimited(blocksCacheMilliseconds: UInt64 = 5_000) -> KoinosPeerRPCServer.Limits {
        var limits = KoinosPeerRPCServer.Limits()
        limits.callsPerSecond = 1e9
        limits.burst = 1_000_000_000
        limits.blockCallsPerSecond = 1e9
        limits.blockBurst = 1_000_000_000
        limits.blocksCacheMilliseconds = blocksCacheMilliseconds
        return limits
    }

    @discardableResult
    static func expectReply(_ answer: KoinosPeerRPCClient.Answer, blocks: Int? = nil) throws -> KoinosPeerRPCClient.Answer {
        guard case .reply(let body) = answer else { throw UnexpectedAnswer(answer: answer) }
        if let blocks, case .array(let list)? = body["Blocks"], list.count == blocks { return answer }
        if blocks != nil { throw UnexpectedAnswer(answer: answer) }
        return answer
    }

    /// GetBlocks calls per second: 10 and 100 blocks with the cache off (each call re-reads and
    /// re-encodes its blocks), and 100 blocks answered from the cache.
    static func getBlocksRates(client: Libp2pHost, chainID: [UInt8], rounds: Int, logger: Logger) async throws -> [(String, Double)] {
        let (items, headID) = try KoinosBlocksBench.chain(count: 300, transactionsPerBlock: 2, chainID: chainID)
        var rates: [(String, Double)] = []
        let cases: [(label: String, size: Int, calls: Int, cacheMs: UInt64)] = [
            ("10 blocks cold", 10, 100, 0), ("100 blocks cold", 100, 20, 0), ("100 blocks warm", 100, 200, 60_000),
        ]
        for (label, size, calls, cacheMs) in cases {
            let (server, address) = try await host(logger)
            KoinosPeerRPCServer(source: KoinosBlocksBench.source(items: items, chainID: chainID), limits: unlimited(blocksCacheMilliseconds: cacheMs), logger: logger)
                .install(on: server)
            let peer = try await client.connect(address)
            var perRound: [Double] = []
            for _ in 0..<rounds {
                let start = ContinuousClock.now
                for call in 0..<calls {
                    let first = cacheMs > 0 ? 1 : UInt64(call * size % (items.count - size) + 1)
                    let request = PeerRPCRequest.getBlocks(headBlockID: headID, startHeight: first, count: UInt32(size))
                    try expectReply(try await KoinosPeerRPCClient.call(request, to: peer, on: client, timeout: .seconds(60)), blocks: size)
                }
                perRound.append(Double(calls) / seconds(ContinuousClock.now - start))
            }
            rates.append((label, median(perRound)))
            await server.shutdown()
        }
        return rates
    }

    static func host(_ logger: Logger) async throws -> (Libp2pHost, Multiaddr) {
        let host = Libp2pHost(
            privateKey: .generate(.ecdsaP256), configuration: Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]),
            logger: logger)
        let bound = try await host.start()
        return (host, bound[0].appending(.p2p(host.peerID)))
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func ratio(_ x: Double) -> String { String(Double(Int(x * 100)) / 100) }
}
