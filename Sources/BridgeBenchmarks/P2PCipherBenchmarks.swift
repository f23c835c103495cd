// SPDX-License-Identifier: Apache-2.0
import Foundation
import Libp2pNoise
import NIOCore

/// The cipher floor: seal then open the same bytes in full 65,535-byte Noise frames on one thread,
/// no sockets, through `NoiseCipherState` exactly as the transport calls it, once per implementation.
/// No secured stream can spend less CPU per GiB than the socket work (raw TCP's figure) plus this.
enum P2PCipherBenchmarks {
    static let messageLength = NoiseCipherState.maxPlaintextLength
    static let messages = 1024  // ~64 MiB each way per measurement

    static let implementations: [(NoiseCipherState.Implementation, String)] = [
        (.openssl, "OpenSSL"), (.swiftCrypto, "swift-crypto ChaChaPoly"), (.libsodium, "libsodium"),
    ]

    /// Prints each implementation's CPU s/GiB (median of `rounds`, interleaved); returns the lowest (the floor).
    static func run(rounds: Int) throws -> Double {
        print("  cipher floor, \(messages) frames of \(messageLength) plaintext bytes sealed then opened on one thread "
              + "(CPU s per GiB of plaintext, median of \(rounds)):")
        var seconds: [[Double]] = Array(repeating: [], count: implementations.count)
        for _ in 1...rounds {
            for (index, (implementation, _)) in implementations.enumerated() {
                seconds[index].append(try secondsPerGiB(implementation))
            }
        }
        let medians = seconds.map { $0.sorted()[rounds / 2] }
        let figures = zip(implementations, medians).map { "\($0.0.1) " + String(format: "%.2f s/GiB (%.0f MiB/s)", $0.1, 1024 / $0.1) }
        print("    " + figures.joined(separator: ", "))
        return medians.min()!
    }

    /// Thread CPU seconds per GiB of plaintext sealed and opened with `implementation`.
    static func secondsPerGiB(_ implementation: NoiseCipherState.Implementation) throws -> Double {
        let key = [UInt8](repeating: 7, count: 32)
        var sender = NoiseCipherState(key: key)
        var receiver = NoiseCipherState(key: key)
        sender.implementation = implementation
        receiver.implementation = implementation
        let plaintext = ByteBuffer(repeating: 0x5a, count: messageLength)
        var frame = ByteBuffer(repeating: 0, count: messageLength + NoiseCipherState.tagLength)
        var opened = ByteBuffer(repeating: 0, count: messageLength)
        let started = TransferMeter.threadCPUSeconds()
        for _ in 0..<messages {
            try plaintext.withUnsafeReadableBytes { plain in
                try frame.withUnsafeMutableReadableBytes { sealed in
                    _ = try sender.encrypt(plain, into: sealed)
                    try opened.withUnsafeMutableReadableBytes { out in
                        _ = try receiver.decrypt(UnsafeRawBufferPointer(sealed), into: out)
                    }
                }
            }
        }
        let seconds = TransferMeter.threadCPUSeconds() - started
        return seconds / (Double(messages * messageLength) / 1_073_741_824)
    }
}
