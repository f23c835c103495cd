// SPDX-License-Identifier: Apache-2.0
import Multiformats
public import NIOCore

/// multistream-select 1.0 constants and errors.
public enum Multistream {
    /// The protocol header both sides send first.
    public static let header = "/multistream/1.0.0"
    /// The refusal message.
    public static let notAvailable = "na"
    /// Longest accepted message, counting the trailing newline (go rejects longer ones).
    public static let maxMessageLength = 1024

    /// Why a negotiation failed.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        case messageTooLong(Int)
        case malformedMessage
        case unexpectedHeader(String)
        case unexpectedResponse(String)
        case noProtocolAccepted([String])
        case tooManyProposals
        case alreadyFinished

        public var description: String {
            switch self {
            case .messageTooLong(let length): "multistream message of \(length) bytes exceeds the 1024-byte limit"
            case .malformedMessage: "malformed multistream message"
            case .unexpectedHeader(let text): "unexpected multistream header \(text.prefix(64).debugDescription)"
            case .unexpectedResponse(let text): "unexpected multistream response \(text.prefix(64).debugDescription)"
            case .noProtocolAccepted(let protocols): "peer accepted none of \(protocols)"
            case .tooManyProposals: "too many refused multistream proposals"
            case .alreadyFinished: "negotiation already finished"
            }
        }
    }
}

extension ByteBuffer {
    /// Reads one multistream message (`uvarint(len) ‖ text ‖ "\n"`) without the newline; nil when
    /// incomplete (reader index unchanged); throws on a malformed or over-long message.
    public mutating func readMultistreamMessage(maxLength: Int = Multistream.maxMessageLength) throws -> String? {
        let start = readerIndex
        let length: UInt64?
        do { length = try readUVarint() } catch { throw Multistream.Error.malformedMessage }
        guard let length else { return nil }
        guard length <= UInt64(maxLength) else { throw Multistream.Error.messageTooLong(Int(clamping: length)) }
        guard length >= 1 else { throw Multistream.Error.malformedMessage }
        guard let bytes = readBytes(length: Int(length)) else {
            moveReaderIndex(to: start)
            return nil
        }
        guard bytes.last == 0x0a, let text = String(validating: bytes.dropLast(), as: UTF8.self) else {
            throw Multistream.Error.malformedMessage
        }
        return text
    }

    /// Writes one multistream message; returns the bytes written.
    @discardableResult
    public mutating func writeMultistreamMessage(_ text: String) -> Int {
        writeUVarint(UInt64(text.utf8.count + 1)) + writeString(text) + writeInteger(UInt8(0x0a))
    }
}

/// What a negotiation step produced: bytes to send and, once done, the selected protocol.
/// Bytes after the final message stay in the caller's input buffer (pipelined application data).
public struct MultistreamStep: Equatable, Sendable {
    public var output: ByteBuffer?
    public var selected: String?

    public init(output: ByteBuffer? = nil, selected: String? = nil) {
        self.output = output
        self.selected = selected
    }
}
