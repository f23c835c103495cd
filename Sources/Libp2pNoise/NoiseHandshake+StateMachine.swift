// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import Multiformats

/// What the handshake produced.
public struct NoiseHandshakeResult: Sendable {
    public let remotePublicKey: Libp2pPublicKey
    public let remotePeerID: PeerID
    /// The muxer agreed through the Noise extensions (both sides listed muxers), or nil when a
    /// multistream round must negotiate it.
    public let inlinedMuxer: String?
    /// Cipher for the bytes we send.
    public let sendCipher: NoiseCipherState
    /// Cipher for the bytes we receive.
    public let receiveCipher: NoiseCipherState
}

/// The next thing the connection must do.
public enum NoiseHandshakeAction: Sendable {
    case send([UInt8])
    case sendAndComplete([UInt8], NoiseHandshakeResult)
    case complete(NoiseHandshakeResult)
}

/// Noise XX (`-> e` ; `<- e, ee, s, es` ; `-> s, se`) with the libp2p payload, as a pure state
/// machine over Noise messages (without the 2-byte length frame). The X25519 static key is fresh
/// per handshake. Both sides send their `stream_muxers` extension; the muxer is inlined only
/// when the remote sent one too, so the decision is the same on both ends.
public struct NoiseHandshakeStateMachine: Sendable {
    public enum Role: Sendable { case initiator, responder }

    private enum State: Sendable {
        case initial
        case initiatorSentE
        case responderAwaitingE
        case responderSentS
        case finished
        case failed
    }

    public let role: Role
    private let identity: Libp2pPrivateKey
    private let expectedRemotePeer: PeerID?
    private let muxers: [String]
    private var symmetric = NoiseSymmetricState()
    private var state: State
    private let staticSecret: [UInt8]
    private let staticPublic: [UInt8]
    private var ephemeralSecret: [UInt8] = []
    private var remoteEphemeral: [UInt8] = []
    private var remoteStatic: [UInt8] = []
    private var remotePayload: NoiseHandshakePayload?

    /// - Parameters:
    ///   - expectedRemotePeer: the dialed peer id (initiator); the handshake fails on mismatch.
    ///   - muxers: our `stream_muxers` extension (empty → no extensions sent).
    public init(role: Role, identity: Libp2pPrivateKey, expectedRemotePeer: PeerID? = nil, muxers: [String] = ["/yamux/1.0.0"]) {
        self.role = role
        self.identity = identity
        self.expectedRemotePeer = expectedRemotePeer
        self.muxers = muxers
        staticSecret = Sodium.randomBytes(32)
        staticPublic = try! Sodium.x25519PublicKey(secret: staticSecret)
        state = role == .initiator ? .initial : .responderAwaitingE
    }

    /// The initiator's first message (its ephemeral key); nil for the responder.
    public mutating func start() throws -> [UInt8]? {
        guard role == .initiator, case .initial = state else { return nil }
        ephemeralSecret = Sodium.randomBytes(32)
        let ephemeralPublic = try Sodium.x25519PublicKey(secret: ephemeralSecret)
        symmetric.mixHash(ephemeralPublic)
        let payload = try symmetric.encryptAndHash([])
        state = .initiatorSentE
        return ephemeralPublic + payload
    }

    /// Processes one received Noise message.
    public mutating func receive(_ message: [UInt8]) throws -> NoiseHandshakeAction {
        guard message.count <= NoiseCipherState.maxMessageLength else { throw NoiseError.messageTooLarge(message.count) }
        do {
            switch state {
            case .responderAwaitingE: return try responderReadMessage1(message)
            case .initiatorSentE: return try initiatorReadMessage2(message)
            case .responderSentS: return try responderReadMessage3(message)
            case .initial, .finished, .failed: throw NoiseError.unexpectedMessage
            }
        } catch {
            state = .failed
            throw error
        }
    }

    // MARK: messages

    private mutating func responderReadMessage1(_ message: [UInt8]) throws -> NoiseHandshakeAction {
        guard message.count >= 32 else { throw NoiseError.malformedMessage("message 1 shorter than 32 bytes") }
        remoteEphemeral = Array(message.prefix(32))
        symmetric.mixHash(remoteEphemeral)
        _ = try symmetric.decryptAndHash(Array(message.dropFirst(32)))  // payload ignored (must be empty per spec)
        ephemeralSecret = Sodium.randomBytes(32)
        let ephemeralPublic = try Sodium.x25519PublicKey(secret: ephemeralSecret)
        symmetric.mixHash(ephemeralPublic)
        symmetric.mixKey(try dh(ephemeralSecret, remoteEphemeral))
        let encryptedStatic = try symmetric.encryptAndHash(staticPublic)
        symmetric.mixKey(try dh(staticSecret, remoteEphemeral))
        let payload = try symmetric.encryptAndHash(try ownPayload().encoded())
        state = .responderSentS
        return .send(ephemeralPublic + encryptedStatic + payload)
    }

    private mutating func initiatorReadMessage2(_ message: [UInt8]) throws -> NoiseHandshakeAction {
        guard message.count >= 32 + 48 + 16 else { throw NoiseError.malformedMessage("message 2 too short") }
        remoteEphemeral = Array(message.prefix(32))
        symmetric.mixHash(remoteEphemeral)
        symmetric.mixKey(try dh(ephemeralSecret, remoteEphemeral))
        remoteStatic = try symmetric.decryptAndHash(Array(message[32..<80]))
        symmetric.mixKey(try dh(ephemeralSecret, remoteStatic))
        let payload = try NoiseHandshakePayload(decoding: try symmetric.decryptAndHash(Array(message[80...])))
        let verified = try verify(payload)
        let encryptedStatic = try symmetric.encryptAndHash(staticPublic)
        symmetric.mixKey(try dh(staticSecret, remoteEphemeral))
        let ownPayloadCiphertext = try symmetric.encryptAndHash(try ownPayload().encoded())
        let (toResponder, toInitiator) = symmetric.split()
        state = .finished
        let result = NoiseHandshakeResult(
            remotePublicKey: verified, remotePeerID: verified.peerID,
            inlinedMuxer: try inlinedMuxer(initiatorList: muxers, responderList: payload.streamMuxers),
            sendCipher: toResponder, receiveCipher: toInitiator)
        return .sendAndComplete(encryptedStatic + ownPayloadCiphertext, result)
    }

    private mutating func responderReadMessage3(_ message: [UInt8]) throws -> NoiseHandshakeAction {
        guard message.count >= 48 + 16 else { throw NoiseError.malformedMessage("message 3 too short") }
        remoteStatic = try symmetric.decryptAndHash(Array(message.prefix(48)))
        symmetric.mixKey(try dh(ephemeralSecret, remoteStatic))
        let payload = try NoiseHandshakePayload(decoding: try symmetric.decryptAndHash(Array(message.dropFirst(48))))
        let verified = try verify(payload)
        let (toResponder, toInitiator) = symmetric.split()
        state = .finished
        let result = NoiseHandshakeResult(
            remotePublicKey: verified, remotePeerID: verified.peerID,
            inlinedMuxer: try inlinedMuxer(initiatorList: payload.streamMuxers, responderList: muxers),
            sendCipher: toInitiator, receiveCipher: toResponder)
        return .complete(result)
    }

    // MARK: helpers

    private func dh(_ secret: [UInt8], _ publicKey: [UInt8]) throws -> [UInt8] {
        do { return try Sodium.x25519(secret: secret, peerPublicKey: publicKey) } catch {
            throw NoiseError.malformedMessage("invalid X25519 point")
        }
    }

    private func ownPayload() throws -> NoiseHandshakePayload {
        let signature = try identity.sign(NoiseHandshakePayload.signaturePrefix + staticPublic)
        return NoiseHandshakePayload(
            identityKey: identity.publicKey.protobufEncoded, identitySignature: signature,
            streamMuxers: muxers.isEmpty ? nil : muxers)
    }

    private func verify(_ payload: NoiseHandshakePayload) throws -> Libp2pPublicKey {
        let key: Libp2pPublicKey
        do { key = try Libp2pPublicKey(protobufEncoded: payload.identityKey) } catch {
            throw NoiseError.invalidPayload("identity key: \(error)")
        }
        guard key.verify(signature: payload.identitySignature, data: NoiseHandshakePayload.signaturePrefix + remoteStatic) else {
            throw NoiseError.invalidSignature
        }
        if let expectedRemotePeer, !expectedRemotePeer.matches(key) {
            throw NoiseError.peerIDMismatch(expected: expectedRemotePeer.description, actual: key.peerID.description)
        }
        return key
    }

    /// Inlined only when both sides listed muxers: the initiator's first choice the responder also lists.
    private func inlinedMuxer(initiatorList: [String]?, responderList: [String]?) throws -> String? {
        guard let initiatorList, let responderList, !muxers.isEmpty else { return nil }
        guard let chosen = initiatorList.first(where: responderList.contains) else {
            throw NoiseError.noCommonMuxer(initiatorList)
        }
        return chosen
    }
}
