// SPDX-License-Identifier: Apache-2.0
import Primitives

/// Errors raised by the gossipsub codec, router and driver.
public enum GossipsubError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a valid protobuf encoding of the expected message.
    case malformedProtobuf(String)
    /// A length-prefixed frame announced more than the configured limit (1 MiB by default).
    case frameTooLarge(length: UInt64, limit: Int)
    /// A length prefix was not a valid unsigned varint.
    case malformedLengthPrefix
    /// Publishing needs a signer under StrictSign, and the topic must be non-empty.
    case cannotPublish(String)
    /// A plugin with this name, protocol or topic is already registered.
    case duplicateRegistration(String)
    /// The service is not running (or has shut down).
    case notRunning
    /// The local validator rejected or ignored a message we tried to publish.
    case publishRejected(String)

    public var description: String {
        switch self {
        case .malformedProtobuf(let why): "malformed gossipsub protobuf: \(why)"
        case .frameTooLarge(let length, let limit): "gossipsub frame of \(length) bytes exceeds \(limit)"
        case .malformedLengthPrefix: "malformed gossipsub length prefix"
        case .cannotPublish(let why): "cannot publish: \(why)"
        case .duplicateRegistration(let what): "already registered: \(what)"
        case .notRunning: "gossipsub is not running"
        case .publishRejected(let why): "local validation refused the message: \(why)"
        }
    }
}

extension GossipsubError {
    /// The gossipsub error of a failure of the one protobuf reader (`Primitives.ProtobufReader`).
    init(decoding error: ProtobufDecodingError) {
        self = .malformedProtobuf(error.description)
    }
}
