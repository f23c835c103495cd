# SPDX-License-Identifier: Apache-2.0
"""Pure checks of the test peers' Koinos pieces, no sockets: P-256 keys against the spec's
vector (libp2p.md A.2), the gorpc msgpack bytes of koinos.md §1.5, and the error score (§1.7).
Run: Tests/Interop/p2p/test (unittest with the venv's interpreter)."""

from __future__ import annotations

import base64
import unittest

import umsgpack
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import serialization

import koinos_blocks
import koinos_peer_rpc as peer_rpc
import koinos_scores as scores
import p256
from libp2p.crypto.serialization import deserialize_private_key, deserialize_public_key
from libp2p.peer.id import ID

SPEC_KEY = bytes.fromhex(
    "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3"
    "161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62")
GET_CHAIN_ID = bytes.fromhex("82a44e616d65ae5065657252504353657276696365a64d6574686f64aa476574436861696e494480")
MAINNET_REPLY = bytes.fromhex(
    "81a75365727669636582a44e616d65ae5065657252504353657276696365a64d6574686f64aa476574436861696e4944"
    "81a24944da00221220592bf18654fd07fdf5d500cde3e8402ecf7f81fa5dde8f14527b08bba8805f48")


class P256Keys(unittest.TestCase):
    def test_spec_vector_peer_id_and_round_trip(self):
        key = deserialize_public_key(SPEC_KEY)
        self.assertIsInstance(key, p256.ECDSAP256PublicKey)
        self.assertEqual(key.serialize(), SPEC_KEY)
        self.assertEqual(ID.from_pubkey(key).to_base58(), "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk")

    def test_signatures_are_der_over_sha256_and_checked(self):
        pair = p256.create_new_key_pair(bytes(31) + b"\x01")
        self.assertEqual(pair.private_key.impl.private_numbers().private_value, 2)  # (1 mod (n-1)) + 1
        signature = pair.private_key.sign(b"noise payload")
        self.assertEqual(signature[0], 0x30)  # ASN.1 SEQUENCE (r, s)
        self.assertTrue(pair.public_key.verify(b"noise payload", signature))
        self.assertFalse(pair.public_key.verify(b"other payload", signature))
        self.assertFalse(pair.public_key.verify(b"noise payload", signature[:-1]))
        self.assertFalse(pair.public_key.verify(b"noise payload", b"\x00"))
        restored = deserialize_private_key(pair.private_key.serialize())
        self.assertEqual(restored.get_public_key(), pair.public_key)

    def test_other_curves_are_refused(self):
        k1 = ec.generate_private_key(ec.SECP256K1()).public_key()
        der = k1.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        with self.assertRaises(ValueError):
            p256.ECDSAP256PublicKey.from_bytes(der)
        with self.assertRaises(ValueError):
            p256.ECDSAP256PublicKey.from_bytes(b"\x30\x03garbage")


class PeerRPCWire(unittest.TestCase):
    def test_request_bytes_match_the_spec(self):
        self.assertEqual(peer_rpc.encode_call("GetChainID"), GET_CHAIN_ID)

    def test_mainnet_reply_decodes_and_partial_waits(self):
        body = peer_rpc.decode_answer(MAINNET_REPLY)
        self.assertEqual(peer_rpc.reply_bytes(body, "ID").hex(), MAINNET_REPLY[-34:].hex())
        self.assertIsNone(peer_rpc.decode_answer(MAINNET_REPLY[:-1]))

    def test_served_answers_round_trip(self):
        service, arguments = peer_rpc.decode_request(GET_CHAIN_ID)
        self.assertEqual((service, arguments), ({"Name": b"PeerRPCService", "Method": b"GetChainID"}, {}))
        self.assertIsNone(peer_rpc.decode_request(GET_CHAIN_ID[:-1]))
        self.assertEqual(peer_rpc.encode_answer(service, {"ID": MAINNET_REPLY[-34:]}), MAINNET_REPLY)
        with self.assertRaisesRegex(peer_rpc.PeerRPCError, "not served"):
            peer_rpc.decode_answer(peer_rpc.encode_answer(service, None, "rpc: GetBlocks is not served"))

    def test_error_shape_and_bad_fields_raise(self):
        header = {"Service": {"Name": "PeerRPCService", "Method": "GetHeadBlock"}, "Error": "internal error", "ErrType": 1}
        with self.assertRaisesRegex(peer_rpc.PeerRPCError, "internal error"):
            peer_rpc.decode_answer(umsgpack.packb(header) + b"\xc0")
        with self.assertRaises(peer_rpc.PeerRPCError):
            peer_rpc.decode_answer(b"\xc1\xc1")
        body = peer_rpc.decode_answer(umsgpack.packb({"Service": {}}) + umsgpack.packb({"Height": -1, "ID": 5}))
        with self.assertRaises(peer_rpc.PeerRPCError):
            peer_rpc.reply_uint(body, "Height")
        with self.assertRaises(peer_rpc.PeerRPCError):
            peer_rpc.reply_bytes(body, "ID")


class ErrorScore(unittest.TestCase):
    def test_thresholds_and_half_life(self):
        table = scores.ErrorScores()
        for _ in range(19):
            table.add("127.0.0.1", scores.PEER_RPC_ERROR, 0.0)
        self.assertFalse(table.must_disconnect("127.0.0.1", 0.0))
        self.assertTrue(table.refuses("127.0.0.1", 0.0))
        table.add("127.0.0.1", scores.PEER_RPC_ERROR, 0.0)
        self.assertTrue(table.must_disconnect("127.0.0.1", 0.0))
        self.assertAlmostEqual(table.score("127.0.0.1", scores.HALF_LIFE_S), 50_000)
        self.assertFalse(table.refuses("127.0.0.1", scores.HALF_LIFE_S + 1))
        self.assertEqual(table.score("127.0.0.2", 0.0), 0)

    def test_chain_id_mismatch_alone_disconnects(self):
        table = scores.ErrorScores()
        table.add("127.0.0.1", scores.CHAIN_ID_MISMATCH, 10.0)
        self.assertTrue(table.must_disconnect("127.0.0.1", 10.0))
        self.assertTrue(table.refuses("127.0.0.1", 10.0 + 1.9 * scores.HALF_LIFE_S))  # ~1 h blocked



class BlockChecks(unittest.TestCase):
    """koinos.md §8.3's koilib block header: its id is the sha2-256 multihash of the header bytes."""

    @staticmethod
    def _field(number: int, value) -> bytes:
        def varint(n: int) -> bytes:
            out = b""
            while n >= 0x80:
                out += bytes([(n & 0x7F) | 0x80])
                n >>= 7
            return out + bytes([n])
        if isinstance(value, int):
            return varint(number << 3) + varint(value)
        return varint(number << 3 | 2) + varint(len(value)) + value

    def header(self, height: int = 123, previous: bytes | None = None) -> bytes:
        f = self._field
        previous = previous if previous is not None else bytes.fromhex(
            "12203c7c767900e472ada19b5acd4e46af8a33911b282eb29003048c83061673c5b4")
        return (f(1, previous) + f(2, height) + f(3, 1646252907250)
                + f(4, base64.urlsafe_b64decode("EiBBZoKzt9IK39bRSFl1AGroqsP0vxG67jQifTEpYbjrdQ=="))
                + f(5, base64.urlsafe_b64decode("EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ=="))
                + f(6, bytes.fromhex("00a70062bf4e531669ded37037fa2d377defb998883c5a1138")))

    def block(self, header: bytes, block_id: bytes | None = None) -> bytes:
        return self._field(1, block_id or koinos_blocks.multihash(header)) + self._field(2, header)

    def test_koilib_header_hashes_to_its_id(self):
        ids = koinos_blocks.check_blocks([self.block(self.header())], 123, None)
        self.assertEqual(ids[0].hex(), "1220b86711a6ecd9c4fff1488a9a1df1db6047425f5de80b396a40f1c29cfb6d0790")

    def test_chained_blocks_pass_and_bad_ones_fail(self):
        first = self.block(self.header(123))
        first_id = koinos_blocks.check_blocks([first], 123, None)[0]
        second = self.block(self.header(124, previous=first_id))
        self.assertEqual(len(koinos_blocks.check_blocks([first, second], 123, None)), 2)
        bad = [
            ([self.block(self.header(), block_id=b"\x12\x20" + bytes(32))], 123),  # id not the header's hash
            ([first], 124),  # wrong height
            ([first, self.block(self.header(124))], 123),  # previous is not the block before
            ([first[:-3]], 123),  # truncated
        ]
        for blocks, start in bad:
            with self.assertRaises(koinos_blocks.BlockError):
                koinos_blocks.check_blocks(blocks, start, None)

if __name__ == "__main__":
    unittest.main()
