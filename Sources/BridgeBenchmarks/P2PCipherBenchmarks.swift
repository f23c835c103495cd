// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import Libp2pNoise
import NIOCore

/// Noise's ChaCha20-Poly1305 side by side, same run: libsodium (what `NoiseCipherState` uses, sealing
/// and opening in place in the frame's buffer) against swift-crypto's `ChaChaPoly` (BoringSSL), which
/// returns a new `Data` per message that is then copied into the frame buffer.
enum P2PCipherBenchmarks {
    static let messageLength = NoiseCipherState.maxPlaintextLength
    static let messages = 1024  // ~64 MiB each way per measurement

    static func run(rounds: Int) throws {
        print("  Noise cipher, \(messages) messages of \(messageLength) bytes sealed then opened (MiB/s of plaintext, both ways):")
        var ratios: [Double] = []
        for round in 1...rounds {
            let sodium = try libsodium()
            let boring = try swiftCrypto()
            ratios.append(boring / sodium)
            print(String(format: "    round %d: libsodium %7.1f MiB/s, swift-crypto ChaChaPoly %7.1f MiB/s (%.2f× libsodium)",
                         round, sodium, boring, boring / sodium))
        }
        print(String(format: "    median swift-crypto / libsodium: %.2f", ratios.sorted()[ratios.count / 2]))
    }

    static func libsodium() throws -> Double {
        let key = [UInt8](repeating: 7, count: 32)
        var sender = NoiseCipherState(key: key)
        var receiver = NoiseCipherState(key: key)
        var frame = ByteBuffer(repeating: 0x5a, count: messageLength + NoiseCipherState.tagLength)
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<messages {
            try frame.withUnsafeMutableReadableBytes { bytes in
                let plaintext = UnsafeRawBufferPointer(rebasing: bytes[0..<messageLength])
                _ = try sender.encrypt(plaintext, into: bytes)
                _ = try receiver.decrypt(UnsafeRawBufferPointer(bytes), into: bytes)
            }
        }
        return throughput(clock.now - started)
    }

    static func swiftCrypto() throws -> Double {
        let key = SymmetricKey(data: [UInt8](repeating: 7, count: 32))
        let plaintext = ByteBuffer(repeating: 0x5a, count: messageLength)
        var frame = ByteBuffer()
        var opened = ByteBuffer()
        let clock = ContinuousClock()
        let started = clock.now
        for counter in 0..<UInt64(messages) {
            let nonce = try ChaChaPoly.Nonce(data: nonceBytes(counter))
            frame.clear()
            let box = try plaintext.withUnsafeReadableBytes { try ChaChaPoly.seal($0, using: key, nonce: nonce) }
            frame.writeBytes(box.ciphertext)
            frame.writeBytes(box.tag)
            let received = try frame.withUnsafeReadableBytes { bytes in
                try ChaChaPoly.SealedBox(
                    nonce: nonce, ciphertext: UnsafeRawBufferPointer(rebasing: bytes[0..<messageLength]),
                    tag: UnsafeRawBufferPointer(rebasing: bytes[messageLength...]))
            }
            opened.clear()
            opened.writeBytes(try ChaChaPoly.open(received, using: key))
        }
        return throughput(clock.now - started)
    }

    private static func nonceBytes(_ counter: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { out[4 + index] = UInt8(truncatingIfNeeded: counter >> UInt64(index * 8)) }
        return out
    }

    private static func throughput(_ elapsed: Duration) -> Double {
        P2PBenchmarks.mebibytesPerSecond(messages * messageLength, elapsed)
    }
}
