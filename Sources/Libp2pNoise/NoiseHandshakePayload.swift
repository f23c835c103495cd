// SPDX-License-Identifier: Apache-2.0
import Multiformats
import Primitives

/// `NoiseHandshakePayload { bytes identity_key = 1; bytes identity_sig = 2; NoiseExtensions extensions = 4; }`
/// with `NoiseExtensions { repeated bytes webtransport_certhashes = 1; repeated string stream_muxers = 2; }`.
/// Unknown fields are skipped.
public struct NoiseHandshakePayload: Equatable, Sendable {
    /// Prefix of the signed static-key message.
    public static let signaturePrefix = Array("noise-libp2p-static-key:".utf8)

    public var identityKey: [UInt8]
    public var identitySignature: [UInt8]
    /// nil when the sender sent no extensions; otherwise its `stream_muxers` list.
    public var streamMuxers: [String]?

    public init(identityKey: [UInt8], identitySignature: [UInt8], streamMuxers: [String]?) {
        self.identityKey = identityKey
        self.identitySignature = identitySignature
        self.streamMuxers = streamMuxers
    }

    public init(decoding bytes: [UInt8]) throws {
        var reader = ProtobufReader(bytes)
        var key: [UInt8] = []
        var signature: [UInt8] = []
        var muxers: [String]?
        do {
            while let (field, value) = try reader.next() {
                switch field {
                case 1: key = try value.requireBytes()
                case 2: signature = try value.requireBytes()
                case 4:
                    var extensions = ProtobufReader(try value.requireBytes())
                    var list = muxers ?? []
                    while let (extensionField, extensionValue) = try extensions.next() {
                        if extensionField == 2 { list.append(try extensionValue.requireString()) }
                    }
                    muxers = list
                default: continue
                }
            }
        } catch {
            throw NoiseError.invalidPayload("protobuf")
        }
        self.init(identityKey: key, identitySignature: signature, streamMuxers: muxers)
    }

    public func encoded() -> [UInt8] {
        var writer = ProtobufWriter(defaultValues: .written)
        writer.bytes(1, identityKey)
        writer.bytes(2, identitySignature)
        if let streamMuxers {
            var extensions = ProtobufWriter(defaultValues: .written)
            for muxer in streamMuxers { extensions.string(2, muxer) }
            writer.bytes(4, extensions.bytes)
        }
        return writer.bytes
    }
}
