// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Foundation
import Testing

/// Issue 19 L3: the keystore keeps its derived key and plaintext in locked pages and zeroes them.
struct SodiumMemoryTests {
    /// `VmLck` of this process in KiB.
    static func lockedKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmLck:") })
        return try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
    }

    @Test func lockKeepsThePagesResidentAndUnlockZeroesThem() throws {
        var secret = [UInt8](repeating: 0xA5, count: 1 << 20)
        let before = try Self.lockedKiB()
        #expect(Sodium.lock(&secret))
        // Other suites lock a few 4 KiB pages at most while this runs.
        #expect(try Self.lockedKiB() - before >= 1024 - 64)
        Sodium.unlockAndZero(&secret)
        #expect(secret.count == 1 << 20 && secret.allSatisfy { $0 == 0 })
        #expect(try Self.lockedKiB() - before < 64)
    }

    @Test func zeroOverwritesEveryByte() {
        var secret = Array(UInt8(1)...UInt8(64))
        Sodium.zero(&secret)
        #expect(secret == [UInt8](repeating: 0, count: 64))
        var empty: [UInt8] = []
        #expect(!Sodium.lock(&empty))
        Sodium.unlockAndZero(&empty)
    }
}
