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
func runKoinosPeerBenchmarks(rounds: Int) async throws -> Bool {
    let chainID: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 7, count: 32)
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let (server, address) = try await KoinosPeerBench.host(logger)
    KoinosPeerRPCServer(source: StaticKoinosChain(chainID: chainID, headHeight: 42), logger: logger).install(on: server)
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
        for _ in 0..<calls { _ = try await KoinosPeerRPCClient.call(.getHeadBlock, to: peer, on: client) }
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
    print("koinos-peer: connect → Koinos handshake done \(KoinosPeerBench.ratio(handshake)) ms vs relay connect + identify \(KoinosPeerBench.ratio(connect)) ms: \(KoinosPeerBench.ratio(handshake / connect))× (medians of \(handshakeMs.count))")
    return true
}

enum KoinosPeerBench {
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
