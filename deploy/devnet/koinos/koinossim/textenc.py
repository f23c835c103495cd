# SPDX-License-Identifier: Apache-2.0
"""Koinos JSON text encodings of bytes (koinos.md §6.2).

- base64url WITH '=' padding (Go `base64.URLEncoding`); unpadded input is rejected;
- base58 (bitcoin alphabet, no checksum added) for addresses and contract ids;
- `0x` + lowercase hex for block and transaction ids.
"""

import base64
import binascii
import re

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_B64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")


class TextEncodingError(ValueError):
    """A JSON string is not valid in the expected encoding."""


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    if not isinstance(text, str) or len(text) > 200:
        raise TextEncodingError("invalid base58 string")
    number = 0
    for char in text:
        if char not in _INDEX:
            raise TextEncodingError(f"invalid base58 character {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    if not isinstance(text, str) or len(text) % 4 or not _B64URL.match(text):
        raise TextEncodingError("invalid base64url string (padding required)")
    try:
        return base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError) as exc:
        raise TextEncodingError(f"invalid base64url string: {exc}") from None


def hexencode(data: bytes) -> str:
    return "0x" + data.hex()


def hexdecode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("0x"):
        raise TextEncodingError("hex string must start with 0x")
    try:
        return bytes.fromhex(text[2:])
    except ValueError:
        raise TextEncodingError("invalid hex string") from None


ENCODERS = {"b64": b64encode, "b58": b58encode, "hex": hexencode}
DECODERS = {"b64": b64decode, "b58": b58decode, "hex": hexdecode}
