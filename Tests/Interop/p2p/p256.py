# SPDX-License-Identifier: Apache-2.0
"""ECDSA P-256 identity keys for py-libp2p 0.8.1, as go-libp2p (and so Koinos nodes) use them.

py-libp2p has no ECDSA (KeyType 3) keys. go-libp2p's are: public key Data = DER
SubjectPublicKeyInfo (91 bytes for P-256), private key Data = SEC1 DER (x509.MarshalECPrivateKey),
signatures = ASN.1 DER (r, s) over SHA-256 of the message. The peer id of the 95-byte
PublicKey protobuf is its sha2-256 multihash (`Qm…`), which py-libp2p's ID.from_pubkey already
computes for keys over 42 bytes.

`register()` adds these classes to py-libp2p's key deserialization tables (Noise identity
payloads, identify, pubsub `key` fields, peer ids with embedded keys) and to the signed peer
record reader. Built on the pinned `cryptography` package only.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from libp2p.crypto import serialization as libp2p_serialization
from libp2p.crypto.keys import KeyPair, KeyType, PrivateKey, PublicKey
from libp2p.crypto.pb import crypto_pb2

# The P-256 group order n.
CURVE_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class ECDSAP256PublicKey(PublicKey):
    def __init__(self, impl: ec.EllipticCurvePublicKey) -> None:
        if not isinstance(impl.curve, ec.SECP256R1):
            raise ValueError(f"ECDSA key on {impl.curve.name}, not P-256")
        self.impl = impl

    def to_bytes(self) -> bytes:
        return self.impl.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    @classmethod
    def from_bytes(cls, data: bytes) -> "ECDSAP256PublicKey":
        key = serialization.load_der_public_key(bytes(data))
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise ValueError("KeyType ECDSA data is not an elliptic-curve public key")
        return cls(key)

    def get_type(self) -> KeyType:
        return KeyType.ECDSA

    def verify(self, data: bytes, signature: bytes) -> bool:
        try:
            self.impl.verify(bytes(signature), bytes(data), ec.ECDSA(hashes.SHA256()))
            return True
        except (InvalidSignature, ValueError):
            return False


class ECDSAP256PrivateKey(PrivateKey):
    def __init__(self, impl: ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(impl.curve, ec.SECP256R1):
            raise ValueError(f"ECDSA key on {impl.curve.name}, not P-256")
        self.impl = impl

    @classmethod
    def new(cls, secret: bytes | None = None) -> "ECDSAP256PrivateKey":
        """A random key, or the scalar (secret mod (n − 1)) + 1 when `secret` is given."""
        if secret is None:
            return cls(ec.generate_private_key(ec.SECP256R1()))
        scalar = int.from_bytes(secret, "big") % (CURVE_ORDER - 1) + 1
        return cls(ec.derive_private_key(scalar, ec.SECP256R1()))

    def to_bytes(self) -> bytes:
        return self.impl.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> "ECDSAP256PrivateKey":
        key = serialization.load_der_private_key(bytes(data), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("KeyType ECDSA data is not an elliptic-curve private key")
        return cls(key)

    def get_type(self) -> KeyType:
        return KeyType.ECDSA

    def sign(self, data: bytes) -> bytes:
        return self.impl.sign(bytes(data), ec.ECDSA(hashes.SHA256()))

    def get_public_key(self) -> PublicKey:
        return ECDSAP256PublicKey(self.impl.public_key())


def create_new_key_pair(secret: bytes | None = None) -> KeyPair:
    private_key = ECDSAP256PrivateKey.new(secret)
    return KeyPair(private_key, private_key.get_public_key())


_registered = False


def register() -> None:
    """Teaches py-libp2p to read KeyType 3 keys wherever it deserializes keys (idempotent)."""
    global _registered
    if _registered:
        return
    libp2p_serialization.key_type_to_public_key_deserializer[KeyType.ECDSA.value] = ECDSAP256PublicKey.from_bytes
    libp2p_serialization.key_type_to_private_key_deserializer[KeyType.ECDSA.value] = ECDSAP256PrivateKey.from_bytes

    # Signed peer records (identify field 8) read their key through their own table.
    from libp2p.peer import envelope

    original = envelope.pub_key_from_protobuf

    def pub_key_from_protobuf(pb_key: crypto_pb2.PublicKey) -> PublicKey:
        if pb_key.Type == crypto_pb2.KeyType.ECDSA:
            return ECDSAP256PublicKey.from_bytes(pb_key.Data)
        return original(pb_key)

    envelope.pub_key_from_protobuf = pub_key_from_protobuf
    _registered = True


register()
