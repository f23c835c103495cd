// SPDX-License-Identifier: Apache-2.0
import NIOCore

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

    /// Frames for `plaintext`, appended to `output`.
    public mutating func seal(_ plaintext: ByteBuffer, into output: inout ByteBuffer) throws {
        var remaining = plaintext
        repeat {
            let chunk = remaining.readBytes(length: Swift.min(remaining.readableBytes, NoiseCipherState.maxPlaintextLength)) ?? []
            try output.writeNoiseFrame(try sendCipher.encrypt(chunk))
        } while remaining.readableBytes > 0
    }

    /// Appends received ciphertext bytes; returns all plaintext from complete frames.
    public mutating func open(_ bytes: inout ByteBuffer) throws -> ByteBuffer? {
        inbound.writeBuffer(&bytes)
        var plaintext: ByteBuffer?
        while let frame = inbound.readNoiseFrame() {
            let opened = try receiveCipher.decrypt(Array(frame.readableBytesView))
            if plaintext == nil { plaintext = ByteBuffer() }
            plaintext!.writeBytes(opened)
        }
        inbound.discardReadBytes()
        return plaintext
    }
}
