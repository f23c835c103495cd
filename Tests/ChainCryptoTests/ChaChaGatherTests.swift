// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Testing

/// `Sodium.chachaSeal(pieces:)` must give exactly the bytes of libsodium's one-shot AEAD over the
/// concatenation, for any split (pieces starting inside a 64-byte ChaCha20 block included).
@Suite struct ChaChaGatherTests {
    @Test func piecesSealLikeTheWholeMessage() throws {
        var generator = SystemRandomNumberGenerator()
        let key = Sodium.randomBytes(32)
        let nonce = Sodium.randomBytes(12)
        let lengths = [0, 1, 12, 63, 64, 65, 100, 1000, 65519]
        for length in lengths {
            let message = Sodium.randomBytes(length)
            let whole = try Sodium.chachaSeal(message, key: key, nonce: nonce, associatedData: [])
            for _ in 0..<20 {
                // Random cut points, sometimes none, sometimes repeated (empty pieces).
                let cuts = (0..<Int.random(in: 0...4, using: &generator)).map { _ in Int.random(in: 0...length, using: &generator) }.sorted()
                var bounds = [0] + cuts + [length]
                if length >= 12, Bool.random(using: &generator) { bounds = [0, 12, length] }  // a yamux header and its payload
                let pieces = zip(bounds, bounds.dropFirst()).map { Array(message[$0..<$1]) }
                var sealed = [UInt8](repeating: 0, count: length + 16)
                let written = try Self.withPointers(pieces[...], []) { pointers in
                    try sealed.withUnsafeMutableBytes { try Sodium.chachaSeal(pieces: pointers, key: key, nonce: nonce, into: $0) }
                }
                #expect(written == length + 16)
                #expect(sealed == whole, "length \(length), cut at \(bounds)")
                #expect(try Sodium.chachaOpen(sealed, key: key, nonce: nonce, associatedData: []) == message)
            }
        }
    }

    @Test func tooSmallOutputIsRefused() {
        let piece = [UInt8](repeating: 1, count: 40)
        var output = [UInt8](repeating: 0, count: 40 + 15)
        #expect(throws: Sodium.Error.self) {
            _ = try piece.withUnsafeBytes { pointer in
                try output.withUnsafeMutableBytes {
                    try Sodium.chachaSeal(pieces: [pointer], key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12), into: $0)
                }
            }
        }
    }

    private static func withPointers<Result>(
        _ pieces: ArraySlice<[UInt8]>, _ collected: [UnsafeRawBufferPointer], _ body: ([UnsafeRawBufferPointer]) throws -> Result
    ) throws -> Result {
        guard let first = pieces.first else { return try body(collected) }
        return try first.withUnsafeBytes { try withPointers(pieces.dropFirst(), collected + [$0], body) }
    }
}
