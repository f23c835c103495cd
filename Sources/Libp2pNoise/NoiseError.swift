// SPDX-License-Identifier: Apache-2.0

/// Why a Noise handshake or transport frame was rejected. Each one ends that connection only.
public enum NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    case unexpectedMessage
    case malformedMessage(String)
    case decryptionFailed
    case invalidPayload(String)
    case invalidSignature
    case peerIDMismatch(expected: String, actual: String)
    case noCommonMuxer([String])
    case messageTooLarge(Int)
    case nonceExhausted

    public var description: String {
        switch self {
        case .unexpectedMessage: "unexpected Noise message for the handshake state"
        case .malformedMessage(let why): "malformed Noise message: \(why)"
        case .decryptionFailed: "Noise decryption failed"
        case .invalidPayload(let why): "invalid Noise handshake payload: \(why)"
        case .invalidSignature: "Noise identity signature does not verify"
        case .peerIDMismatch(let expected, let actual): "remote peer is \(actual), expected \(expected)"
        case .noCommonMuxer(let muxers): "no common stream muxer in \(muxers)"
        case .messageTooLarge(let size): "Noise message of \(size) bytes exceeds 65535"
        case .nonceExhausted: "Noise nonce exhausted"
        }
    }
}
