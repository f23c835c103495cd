// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Libp2pGossipsub
import Primitives

/// Seeded random and mutated inputs: the decoders and the router must never crash on them. The loops
/// yield every 256 inputs so the socket tests sharing the cooperative pool (two threads on a 2-core
/// host) keep running meanwhile (see `RobustnessTests`).
struct GossipsubFuzzTests {
    /// (Was 100,000: ≈ 1 CPU-s of a debug build on the pool the socket tests share.)
    static let iterations = 20_000

    @Test func randomAndMutatedRPCsNeverCrashTheDecoder() async {
        var random = SplitMix64(seed: 0x5EED)
        let seeds = [
            GossipsubRPCTests.sample.protobufEncoded,
            GossipsubRPC(subscriptions: [.init(subscribe: true, topic: "koinos.blocks")]).protobufEncoded,
            GossipsubRPC(control: .init(prune: [.init(topic: "t", backoffSeconds: 60)])).protobufEncoded,
        ]
        var decodedCount = 0
        var failedCount = 0
        for iteration in 0..<Self.iterations {
            if iteration % 256 == 0 { await Task.yield() }
            let input = iteration % 4 == 0 ? randomBytes(&random) : mutate(seeds[iteration % seeds.count], &random)
            do {
                let rpc = try GossipsubRPC(protobuf: input)
                // Whatever decodes must re-encode to something that decodes to the same value.
                if (try? GossipsubRPC(protobuf: rpc.protobufEncoded)) != rpc { Issue.record("unstable round trip \(input)") }
                decodedCount += 1
            } catch {
                failedCount += 1
            }
        }
        #expect(decodedCount + failedCount == Self.iterations)
        #expect(decodedCount > 1_000)
        #expect(failedCount > 1_000)
    }

    @Test func mutatedFramesNeverCrashTheRouter() async {
        var random = SplitMix64(seed: 0xF00D)
        var network = RouterNetwork(count: 2, parameters: .koinos)
        network.connect(0, 1)
        network.subscribeAll("plugin.bridge")
        let seed = GossipsubRPCTests.sample.lengthPrefixedEncoded
        var decoder = GossipsubFrameDecoder(maxFrameLength: 4096)
        var handled = 0
        for iteration in 0..<20_000 {
            if iteration % 256 == 0 { await Task.yield() }
            decoder.append(mutate(seed, &random))
            do {
                while let rpc = try decoder.nextRPC() {
                    network.apply(network.nodes[1].machine.handleRPC(rpc, from: network.peer(0), now: network.now), at: 1)
                    handled += 1
                }
            } catch {
                decoder = GossipsubFrameDecoder(maxFrameLength: 4096)  // the driver closes the stream
            }
        }
        network.queue.removeAll()
        #expect(handled > 100)
        #expect(network.nodes[1].delivered.isEmpty)  // nothing unsigned or forged got through
    }

    private func randomBytes(_ random: inout SplitMix64) -> [UInt8] {
        (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    private func mutate(_ seed: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }
}
