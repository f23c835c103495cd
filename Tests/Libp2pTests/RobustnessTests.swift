// SPDX-License-Identifier: Apache-2.0
import Foundation
import Libp2pMultistream
import Libp2pNoise
import Libp2pYamux
import KoinosP2P
@testable import Libp2pHost
import Multiformats
import NIOCore
import Testing
import Primitives

/// Seeded generator so every run feeds the same inputs.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = next()
            for _ in 0..<Swift.min(8, count - index) {
                out[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return out
    }

    /// A uniform value below `bound` (bound > 0), cheaper than `Int.random(in:using:)` in debug builds.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Either fresh random bytes or `valid` with a few bytes flipped, truncated or extended.
    mutating func mutate(_ valid: [UInt8], maxExtra: Int = 16) -> [UInt8] {
        switch below(4) {
        case 0: return bytes(below(valid.count + maxExtra + 1))
        case 1:
            var copy = valid
            for _ in 0..<(1 + below(3)) where !copy.isEmpty {
                copy[below(copy.count)] ^= UInt8(1 + below(255))
            }
            return copy
        case 2: return Array(valid.prefix(below(valid.count + 1)))
        default: return valid + bytes(1 + below(maxExtra))
        }
    }
}

/// Each decoder and state machine gets ≥ 100,000 seeded random/mutated inputs and must either
/// decode or throw — never crash, never loop.
@Suite struct RobustnessTests {
    /// Inputs per decoder: 20,000 in `scripts/test` (five suites of 100,000 took ≈ 35 CPU-seconds of a
    /// 2-core run and starved the process tests' timeouts); `ROBUSTNESS_ITERATIONS=1000000 swift test
    /// --filter RobustnessTests` for a longer soak.
    static let iterations = ProcessInfo.processInfo.environment["ROBUSTNESS_ITERATIONS"].flatMap(Int.init) ?? 20_000

    @Test func multistreamMachines() async {
        var rng = SeededGenerator(seed: 1)
        var valid = ByteBuffer()
        valid.writeMultistreamMessage(Multistream.header)
        valid.writeMultistreamMessage("/yamux/1.0.0")
        let validBytes = Array(valid.readableBytesView)
        var outcomes = [0, 0]
        let freshResponder = MultistreamResponder(isSupported: { $0 == "/yamux/1.0.0" })
        var startedInitiator = MultistreamInitiator(protocols: ["/yamux/1.0.0"])
        _ = startedInitiator.start()
        for index in 0..<Self.iterations {
            if index % 256 == 0 { await Task.yield() }  // let socket tests on the shared pool run
            var input = ByteBuffer(bytes: rng.mutate(validBytes))
            var responder = freshResponder
            var initiator = startedInitiator
            var copy = input
            do { _ = try responder.receive(&input); outcomes[0] += 1 } catch { outcomes[1] += 1 }
            _ = try? initiator.receive(&copy)
        }
        #expect(outcomes[0] > 0 && outcomes[1] > 0)
    }

    @Test func noiseHandshakeAndTransport() async throws {
        var rng = SeededGenerator(seed: 2)
        let a = Libp2pPrivateKey.generate(.ed25519), b = Libp2pPrivateKey.generate(.ed25519)
        var initiator = NoiseHandshakeStateMachine(role: .initiator, identity: a)
        var responder = NoiseHandshakeStateMachine(role: .responder, identity: b)
        let started = try initiator.start()
        let message1 = try #require(started)
        guard case .send(let message2) = try responder.receive(message1) else { Issue.record("no message 2"); return }
        var rejected = 0
        // Handshake message 2 (DH per input, so a share of the budget), the payload decoder and transport frames.
        // The handshake machine does an X25519 per input, so it gets a fifth of the budget;
        // the payload decoder and the transport frames get the full budget each.
        for index in 0..<Self.iterations {
            if index % 256 == 0 { await Task.yield() }  // let socket tests on the shared pool run
            if index % 5 == 0 {
                var copy = initiator
                let input = rng.mutate(message2)
                if input != message2, (try? copy.receive(input)) == nil { rejected += 1 }
            }
            _ = try? NoiseHandshakePayload(decoding: rng.mutate([0x0a, 0x02, 0x01, 0x02, 0x12, 0x01, 0x03, 0x22, 0x02, 0x12, 0x00]))
        }
        #expect(rejected > Self.iterations / 5 * 95 / 100)
        let (ri, rr, _) = try NoiseTests.handshake(initiatorKey: a, responderKey: b)
        var sender = NoiseTransport(result: ri)
        var wire = ByteBuffer()
        try sender.seal(ByteBuffer(string: "hello"), into: &wire)
        let frame = Array(wire.readableBytesView)
        for index in 0..<Self.iterations {
            if index % 256 == 0 { await Task.yield() }  // let socket tests on the shared pool run
            var receiver = NoiseTransport(result: rr)
            var input = ByteBuffer(bytes: rng.mutate(frame))
            if Array(input.readableBytesView) == frame { continue }
            _ = try? receiver.open(&input)
        }
    }

    @Test func yamuxDecoderAndSession() async {
        var rng = SeededGenerator(seed: 3)
        var valid = ByteBuffer()
        valid.writeYamuxFrame(.data(1, ByteBuffer(string: "payload"), flags: .syn))
        valid.writeYamuxFrame(.windowUpdate(1, delta: 1000))
        valid.writeYamuxFrame(YamuxFrame(type: .ping, flags: .syn, streamID: 0, length: 5))
        let validBytes = Array(valid.readableBytesView)
        var machine = YamuxSessionStateMachine(isClient: false)
        var fatal = 0
        for index in 0..<Self.iterations {
            if index % 256 == 0 { await Task.yield() }  // let socket tests on the shared pool run
            var input = ByteBuffer(bytes: rng.mutate(validBytes))
            do {
                while let frame = try input.readYamuxFrame(maxDataLength: 1 << 20) {
                    for event in machine.receive(frame) { if case .fatal = event { fatal += 1 } }
                }
            } catch {}
            if machine.goingAway || machine.streamCount > 400 { machine = YamuxSessionStateMachine(isClient: false) }
        }
        #expect(fatal > 0)
    }

    @Test func multiaddrProtobufIdentifyAndMessagePack() async throws {
        var rng = SeededGenerator(seed: 4)
        let address = try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq").bytes
        var info = IdentifyInfo()
        info.protocolVersion = "koinos/p2p/1.0.0"
        info.protocols = ["/ipfs/id/1.0.0"]
        info.listenAddresses = [try Multiaddr(bytes: address)]
        let identify = info.encoded()
        let key = Libp2pPrivateKey.generate(.secp256k1).publicKey.protobufEncoded
        let rpc = Hex.decode("82a44e616d65ae5065657252504353657276696365a64d6574686f64aa476574436861696e494480")
        var decoded = 0
        for index in 0..<Self.iterations {
            if index % 256 == 0 { await Task.yield() }  // let socket tests on the shared pool run
            if (try? Multiaddr(bytes: rng.mutate(address))) != nil { decoded += 1 }
            _ = try? IdentifyInfo(decoding: rng.mutate(identify))
            _ = try? Libp2pPublicKey(protobufEncoded: rng.mutate(key))
            _ = PeerID(String(decoding: rng.mutate(Array("QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk".utf8)), as: UTF8.self))
            var reader = MessagePackReader(rng.mutate(rpc))
            _ = try? reader.decode()
            _ = try? reader.decode()
        }
        #expect(decoded > 0)
    }
}
