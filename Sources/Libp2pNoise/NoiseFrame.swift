// SPDX-License-Identifier: Apache-2.0
public import NIOCore

extension ByteBuffer {
    /// Reads one `u16 big-endian length ‖ message` Noise frame; nil when incomplete (reader index unchanged).
    public mutating func readNoiseFrame() -> ByteBuffer? {
        readLengthPrefixedSlice(as: UInt16.self)
    }

    /// Writes one Noise frame; `message` must be at most 65535 bytes.
    public mutating func writeNoiseFrame(_ message: [UInt8]) throws {
        guard message.count <= NoiseCipherState.maxMessageLength else { throw NoiseError.messageTooLarge(message.count) }
        writeInteger(UInt16(message.count))
        writeBytes(message)
    }
}

/// The post-handshake transport: encrypts outgoing bytes into frames (splitting at 65519
/// plaintext bytes) and decrypts incoming frames. Pure; the channel handler feeds it.
public struct NoiseTransport: Sendable {
    private var sendCipher: NoiseCipherState
    private var receiveCipher: NoiseCipherState
    private var inbound = ByteBuffer()

    public init(result: NoiseHandshakeResult) {
        sendCipher = result.sendCipher
        receiveCipher = result.receiveCipher
    }

    /// Frames for `plaintext`, appended to `output` (encrypted in place, no intermediate copies).
    public mutating func seal(_ plaintext: ByteBuffer, into output: inout ByteBuffer) throws {
        var remaining = plaintext
        repeat {
            let length = Swift.min(remaining.readableBytes, NoiseCipherState.maxPlaintextLength)
            let chunk = remaining.readSlice(length: length)!
            output.writeInteger(UInt16(length + NoiseCipherState.tagLength))
            try output.writeWithUnsafeMutableBytes(minimumWritableBytes: length + NoiseCipherState.tagLength) { out in
                try chunk.withUnsafeReadableBytes { try sendCipher.encrypt($0, into: out) }
            }
        } while remaining.readableBytes > 0
    }

    /// Appends received ciphertext bytes; returns all plaintext from complete frames.
    public mutating func open(_ bytes: inout ByteBuffer) throws -> ByteBuffer? {
        if inbound.readableBytes == 0 {
            swap(&inbound, &bytes)  // the common case: no partial frame waiting, no copy
            bytes.clear()
        } else {
            inbound.writeBuffer(&bytes)
        }
        var plaintext: ByteBuffer?
        while let frame = inbound.readNoiseFrame() {
            guard frame.readableBytes >= NoiseCipherState.tagLength else { throw NoiseError.decryptionFailed }
            if plaintext == nil { plaintext = ByteBuffer() }
            try plaintext!.writeWithUnsafeMutableBytes(minimumWritableBytes: frame.readableBytes - NoiseCipherState.tagLength) { out in
                try frame.withUnsafeReadableBytes { try receiveCipher.decrypt($0, into: out) }
            }
        }
        inbound.discardReadBytes()
        return plaintext
    }
}
