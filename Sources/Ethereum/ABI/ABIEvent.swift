// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// An event definition: its canonical signature, topic0 and a decoder for its logs.
public struct ABIEvent: Sendable, Hashable {
    /// One event parameter.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var type: ABIType
        public var indexed: Bool

        public init(_ name: String, _ type: ABIType, indexed: Bool = false) {
            self.name = name
            self.type = type
            self.indexed = indexed
        }
    }

    public let name: String
    public let parameters: [Parameter]
    /// keccak256 of the canonical signature (32 bytes).
    public let topic0: [UInt8]

    public init(name: String, parameters: [Parameter]) {
        self.name = name
        self.parameters = parameters
        self.topic0 = Keccak256.hash(Array("\(name)(\(parameters.map(\.type.description).joined(separator: ",")))".utf8))
    }

    /// `Name(type1,type2,…)`.
    public var signature: String { "\(name)(\(parameters.map(\.type.description).joined(separator: ",")))" }

    /// Decodes a log of this event into values in parameter order.
    ///
    /// Throws `malformedABI` when topic0 differs, the topic count is wrong or the data is malformed.
    public func decode(topics: [[UInt8]], data: [UInt8]) throws -> [ABIValue] {
        let indexed = parameters.filter(\.indexed)
        guard topics.first == topic0 else { throw EthereumDecodingError.malformedABI("topic0 is not \(signature)") }
        guard topics.count == 1 + indexed.count else {
            throw EthereumDecodingError.malformedABI("expected \(1 + indexed.count) topics, got \(topics.count)")
        }
        var topicValues = try zip(indexed, topics.dropFirst()).map { try ABIDecoder.decodeTopic($0.type, word: $1) }.makeIterator()
        var dataValues = try ABIDecoder.decode(parameters.filter { !$0.indexed }.map(\.type), from: data).makeIterator()
        return parameters.map { p in (p.indexed ? topicValues.next() : dataValues.next())! }
    }
}
