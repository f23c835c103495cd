// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// The post-handshake transport: encrypts outgoing bytes into frames (splitting at 65519
/// plaintext bytes) and decrypts incoming frames. Pure; `NoiseTransportHandler` feeds it.
public struct NoiseTransport: Sendable {
    private var sendCipher: NoiseCipherState
    private var receiveCipher: NoiseCipherState
    /// The start of a frame whose rest has not arrived (at most one frame).
    private var partial = ByteBuffer()

    public init(result: NoiseHandshakeResult, cipher: NoiseCipherState.Implementation = .openssl) {
        sendCipher = result.sendCipher
        receiveCipher = result.receiveCipher
        sendCipher.implementation = cipher
        receiveCipher.implementation = cipher
    }

    /// Frames for `plaintext`, appended to `output`.
    public mutating func seal(_ plaintext: ByteBuffer, into output: inout ByteBuffer) throws {
        try seal(pieces: [plaintext], into: &output)
    }

    /// Frames for the concatenation of `pieces`, appended to `output`: each frame is encrypted
    /// straight from the pieces it covers (no copy into one plaintext buffer first).
    public mutating func seal(pieces: [ByteBuffer], into output: inout ByteBuffer) throws {
        let maxLength = NoiseCipherState.maxPlaintextLength
        let total = pieces.reduce(0) { $0 + $1.readableBytes }
        let frames = max(1, (total + maxLength - 1) / maxLength)
        output.reserveCapacity(output.writerIndex + total + frames * (2 + NoiseCipherState.tagLength))
        var queue = pieces[...]
        repeat {
            var framePieces: [ByteBuffer] = []
            var length = 0
            while length < maxLength, var piece = queue.first {
                let take = Swift.min(piece.readableBytes, maxLength - length)
                if take > 0 { framePieces.append(piece.readSlice(length: take)!) }
                length += take
                if piece.readableBytes == 0 { queue.removeFirst() } else { queue[queue.startIndex] = piece }
            }
            output.writeInteger(UInt16(length + NoiseCipherState.tagLength))
            try output.writeWithUnsafeMutableBytes(minimumWritableBytes: length + NoiseCipherState.tagLength) { out in
                try Self.withReadablePointers(framePieces[...], []) { try sendCipher.encrypt(pieces: $0, into: out) }
            }
        } while !queue.isEmpty
    }

    /// Appends received ciphertext bytes; returns all plaintext from complete frames, in one buffer.
    public mutating func open(_ bytes: inout ByteBuffer) throws -> ByteBuffer? {
        let frames = try openFrames(&bytes)
        guard var all = frames.first else { return nil }
        for var frame in frames.dropFirst() { all.writeBuffer(&frame) }
        return all
    }

    /// Takes all of `bytes`; returns the plaintext of each frame completed by them, each in its own
    /// buffer. Only the bytes of a frame split across reads are copied (into `partial`).
    public mutating func openFrames(_ bytes: inout ByteBuffer) throws -> [ByteBuffer] {
        var plaintexts: [ByteBuffer] = []
        if partial.readableBytes > 0 {
            if partial.readableBytes < 2, var head = bytes.readSlice(length: Swift.min(2 - partial.readableBytes, bytes.readableBytes)) {
                partial.writeBuffer(&head)
            }
            guard let length = partial.getInteger(at: partial.readerIndex, as: UInt16.self) else { return [] }
            let missing = 2 + Int(length) - partial.readableBytes
            var tail = bytes.readSlice(length: Swift.min(missing, bytes.readableBytes))!
            partial.writeBuffer(&tail)
            guard let frame = partial.readNoiseFrame() else { return [] }
            plaintexts.append(try decrypt(frame))
            partial = ByteBuffer()
        }
        while let frame = bytes.readNoiseFrame() { plaintexts.append(try decrypt(frame)) }
        if bytes.readableBytes > 0 {
            let length = bytes.getInteger(at: bytes.readerIndex, as: UInt16.self).map { 2 + Int($0) } ?? 2
            partial = ByteBuffer()
            partial.reserveCapacity(length)
            partial.writeBuffer(&bytes)  // consumes the rest of `bytes`
        }
        // No `bytes.clear()`: the socket's read buffer is shared with NIO, and clearing a shared
        // buffer allocates a new one of the same size.
        return plaintexts
    }

    private mutating func decrypt(_ frame: ByteBuffer) throws -> ByteBuffer {
        guard frame.readableBytes >= NoiseCipherState.tagLength else { throw NoiseError.decryptionFailed }
        var plaintext = ByteBuffer()
        let length = frame.readableBytes - NoiseCipherState.tagLength
        if length > 0 { plaintext.reserveCapacity(length) }
        try plaintext.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
            try frame.withUnsafeReadableBytes { try receiveCipher.decrypt($0, into: out) }
        }
        return plaintext
    }

    private static func withReadablePointers<Result>(
        _ buffers: ArraySlice<ByteBuffer>, _ collected: [UnsafeRawBufferPointer],
        _ body: ([UnsafeRawBufferPointer]) throws -> Result
    ) rethrows -> Result {
        guard let first = buffers.first else { return try body(collected) }
        return try first.withUnsafeReadableBytes { try withReadablePointers(buffers.dropFirst(), collected + [$0], body) }
    }
}
