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
