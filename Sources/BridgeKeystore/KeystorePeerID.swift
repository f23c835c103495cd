// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// libp2p peer ids, computed here so the keystore does not wait for `Multiformats`.
///
/// TODO: switch to `Multiformats.PeerID` once that target lands; the vectors in
/// `KeystorePeerIDTests` must keep passing.
///
/// libp2p peer-ids spec: the peer id is a multihash of the protobuf `PublicKey { Type(1), Data(2) }`.
/// "If the length of the serialized bytes is less than or equal to 42, use the identity multihash,
/// otherwise compute the SHA-256 multihash." It is written in base58btc.
enum KeystorePeerID {
    /// Protobuf `PublicKey` bytes: field 1 varint key type, field 2 length-delimited data.
    static func publicKeyProtobuf(keyType: P2PKeyType, publicKeyData: [UInt8]) -> [UInt8] {
        [0x08, keyType.libp2pKeyType, 0x12] + varint(UInt64(publicKeyData.count)) + publicKeyData
    }

    static func peerID(keyType: P2PKeyType, publicKeyData: [UInt8]) -> String {
        let encoded = publicKeyProtobuf(keyType: keyType, publicKeyData: publicKeyData)
        let multihash: [UInt8] =
            encoded.count <= 42
            ? [0x00] + varint(UInt64(encoded.count)) + encoded  // identity multihash
            : [0x12, 0x20] + SHA256Digest.hash(encoded)  // sha2-256 multihash
        return Base58.encode(multihash)
    }

    /// Unsigned LEB128 varint (multiformats unsigned-varint).
    static func varint(_ value: UInt64) -> [UInt8] {
        var out = [UInt8]()
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }
}
