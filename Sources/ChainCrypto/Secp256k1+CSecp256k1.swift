// SPDX-License-Identifier: Apache-2.0
internal import CSecp256k1

/// The only file that calls libsecp256k1.
extension Secp256k1 {
    /// One context for the process: created once, randomised, then only read (thread-safe).
    nonisolated(unsafe) private static let context: OpaquePointer = {
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        var seed = SecureRandom.bytes(32)
        _ = secp256k1_context_randomize(ctx, &seed)
        return ctx
    }()

    static func isValidSecret(_ secret: [UInt8]) -> Bool {
        secp256k1_ec_seckey_verify(context, secret) == 1
    }

    static func publicKey(of key: PrivateKey) -> PublicKey {
        var pubkey = secp256k1_pubkey()
        let ok = secp256k1_ec_pubkey_create(context, &pubkey, key.rawRepresentation)
        precondition(ok == 1, "a validated secret always has a public key")
        return serialize(&pubkey)
    }

    static func parsePublicKey(_ bytes: [UInt8]) throws -> ([UInt8], [UInt8]) {
        guard bytes.count == 33 || bytes.count == 65 else { throw Error.invalidPublicKey }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(context, &pubkey, bytes, bytes.count) == 1 else { throw Error.invalidPublicKey }
        let key = serialize(&pubkey)
        return (key.compressed, key.uncompressed)
    }

    private static func serialize(_ pubkey: inout secp256k1_pubkey) -> PublicKey {
        var compressed = [UInt8](repeating: 0, count: 33)
        var uncompressed = [UInt8](repeating: 0, count: 65)
        var length = 33
        secp256k1_ec_pubkey_serialize(context, &compressed, &length, &pubkey, UInt32(SECP256K1_EC_COMPRESSED))
        length = 65
        secp256k1_ec_pubkey_serialize(context, &uncompressed, &length, &pubkey, UInt32(SECP256K1_EC_UNCOMPRESSED))
        return PublicKey(compressed: compressed, uncompressed: uncompressed)
    }

    static func sign(digest: [UInt8], key: PrivateKey) throws -> RecoverableSignature {
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(context, &signature, digest, key.rawRepresentation, nil, nil) == 1 else {
            throw Error.invalidPrivateKey
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recid, &signature)
        return try RecoverableSignature(r: Array(compact[0..<32]), s: Array(compact[32..<64]), recoveryID: Int(recid))
    }

    static func recover(signature: RecoverableSignature, digest: [UInt8]) throws -> PublicKey {
        var parsed = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &parsed, signature.compact, Int32(signature.recoveryID)) == 1
        else { throw Error.invalidSignature }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &pubkey, &parsed, digest) == 1 else { throw Error.recoveryFailed }
        return serialize(&pubkey)
    }

    static func verify(signature: [UInt8], digest: [UInt8], key: PublicKey) -> Bool {
        var parsed = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(context, &parsed, signature) == 1 else { return false }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(context, &pubkey, key.compressed, 33) == 1 else { return false }
        return secp256k1_ecdsa_verify(context, &parsed, digest, &pubkey) == 1
    }

    /// DER encoding of a 64-byte r ‖ s signature (libp2p secp256k1 identity signatures).
    public static func derEncode(compact: [UInt8]) -> [UInt8]? {
        var parsed = secp256k1_ecdsa_signature()
        guard compact.count == 64, secp256k1_ecdsa_signature_parse_compact(context, &parsed, compact) == 1 else { return nil }
        var der = [UInt8](repeating: 0, count: 72)
        var length = 72
        guard secp256k1_ecdsa_signature_serialize_der(context, &der, &length, &parsed) == 1 else { return nil }
        return Array(der.prefix(length))
    }

    /// r ‖ s from a DER signature, normalised to low-S; nil when malformed.
    public static func derDecode(_ der: [UInt8]) -> [UInt8]? {
        var parsed = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_der(context, &parsed, der, der.count) == 1 else { return nil }
        var normalized = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_normalize(context, &normalized, &parsed)
        parsed = normalized
        var compact = [UInt8](repeating: 0, count: 64)
        secp256k1_ecdsa_signature_serialize_compact(context, &compact, &parsed)
        return compact
    }

    /// Plain (non-recoverable) low-S signature, r ‖ s, over a 32-byte digest.
    public static func signCompact(digest: [UInt8], key: PrivateKey) throws -> [UInt8] {
        try key.signRecoverable(digest: digest).compact
    }
}
