// SPDX-License-Identifier: Apache-2.0
@testable import BridgeKeystore
import ChainCrypto
import Multiformats
import Testing

/// Peer ids against koinos.md §8.5 (P-256 keys derived from seeds by koinos-p2p, peer ids verified).
struct KeystorePeerIDTests {
    @Test(arguments: [
        ("73c7d460a6d52d8ca9beb92a5c7d1f763b7a8fa8a156ef0bfe4a8805325d309b", "QmRT2UJ9uPqmcjCWoxgFZU3AsaMaMqmJ3DaEHeWZFLJp9L"),
        ("ca0ee744f06de59993cbd85ace1e5675d22200a3cd031c9037b2e72c83e9ba30", "QmcWYgujghF1oJhisxSTGYNjzPGVtejEL8XU41AqmEJsRB"),
        ("ae047ead8fdcb2cdd8dc22cf3a4897b8cd4425b35600cf07be25c44833174b29", "QmT63MncPi6XGfKPmLRtcr6Mk8zvjBRweczJ544SB47uCi"),
    ])
    func koinosSeedKeysGiveTheirPublishedPeerIDs(privateKey: String, peerID: String) throws {
        let key = try P2PIdentityKey(type: .p256, rawRepresentation: ChainHex.decode(privateKey)!)
        #expect(key.peerID == peerID)
    }

    @Test func p256PublicKeyProtobufHasTheKoinosShape() throws {
        let key = try P2PIdentityKey(type: .p256, rawRepresentation: ChainHex.decode("73c7d460a6d52d8ca9beb92a5c7d1f763b7a8fa8a156ef0bfe4a8805325d309b")!)
        let encoded = key.libp2pPublicKey.protobufEncoded
        // koinos.md §1.2: DER is 91 bytes, the protobuf 95 and starts 08 03 12 5b 30 59 30 13.
        #expect(key.publicKeyData.count == 91)
        #expect(encoded.count == 95)
        #expect(Array(encoded.prefix(8)) == [0x08, 0x03, 0x12, 0x5B, 0x30, 0x59, 0x30, 0x13])
    }

    @Test func ed25519AndSecp256k1UseTheIdentityMultihash() throws {
        let ed = P2PIdentityKey.generate(type: .ed25519)
        let edID = Base58.decode(ed.peerID)!
        #expect(ed.peerID.hasPrefix("12D3KooW"))
        #expect(edID == [0x00, 0x24, 0x08, 0x01, 0x12, 0x20] + ed.publicKeyData)

        let secp = try P2PIdentityKey(type: .secp256k1, rawRepresentation: ChainHex.decode("bab7fd6e5bd624f4ea0c33f7e7219262a6fa93a945a8964d9f110148286b7b37")!)
        let secpID = Base58.decode(secp.peerID)!
        #expect(secp.peerID.hasPrefix("16Uiu2"))
        #expect(secpID == [0x00, 0x25, 0x08, 0x02, 0x12, 0x21] + ChainHex.decode("032921dd54fdd8fb5d2ab1a9928db7e9e08b34f8711a3332e0f1b36e71076b9cf2")!)
    }

    @Test func invalidIdentityKeysAreRejected() {
        #expect(throws: KeystoreError.self) { try P2PIdentityKey(type: .p256, rawRepresentation: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: KeystoreError.self) { try P2PIdentityKey(type: .secp256k1, rawRepresentation: [UInt8](repeating: 0xFF, count: 32)) }
        #expect(throws: KeystoreError.self) { try P2PIdentityKey(type: .ed25519, rawRepresentation: [1, 2, 3]) }
    }
}
