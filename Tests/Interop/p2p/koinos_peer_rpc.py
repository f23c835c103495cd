# SPDX-License-Identifier: Apache-2.0
"""Koinos peer RPC client (`/koinos/peerrpc/1.0.0`, go-libp2p-gorpc v0.5.0 over msgpack), koinos.md §1.5.

A call is one stream: the client writes ServiceID{Name, Method} then the argument map; the server
writes Response{Service, Error, ErrType} then the reply map (msgpack nil on error) and closes.
ugorji's default handle writes strings and byte slices alike with the legacy raw/str headers,
which is u-msgpack-python's compatibility mode; replies are decoded whether they use str or bin.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import trio
import umsgpack

from libp2p.custom_types import TProtocol

PROTOCOL = TProtocol("/koinos/peerrpc/1.0.0")
SERVICE = "PeerRPCService"
MAX_ANSWER_BYTES = 4 * 1024 * 1024

umsgpack.compatibility = True  # str and bytes both as raw (a0/da/db), as ugorji's default handle


class PeerRPCError(Exception):
    """The call failed: refused protocol, reset stream, bad answer, or the server's gorpc error."""


class PeerRPCTimeout(Exception):
    """No answer within the caller's timeout."""


@dataclass
class Answer:
    body: dict[str, Any]
    request_bytes: int
    answer_bytes: int


def encode_call(method: str, arguments: dict[str, Any] | None = None) -> bytes:
    return umsgpack.packb({"Name": SERVICE, "Method": method}) + umsgpack.packb(arguments or {})


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else ""


def _keys_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {_text(k): _keys_as_text(v) for k, v in value.items()}
    return value


def decode_answer(data: bytes) -> dict[str, Any] | None:
    """The reply map, or None while `data` does not yet hold both objects; raises PeerRPCError."""
    reader = io.BytesIO(data)
    try:
        response = umsgpack.unpack(reader)
        body = umsgpack.unpack(reader)
    except umsgpack.InsufficientDataException:
        return None
    except umsgpack.UnpackException as error:
        raise PeerRPCError(f"undecodable answer: {error!r}") from error
    response = _keys_as_text(response)
    if not isinstance(response, dict):
        raise PeerRPCError("answer header is not a map")
    error = _text(response.get("Error"))
    if error:
        raise PeerRPCError(f"server error (ErrType {response.get('ErrType', 0)}): {error}")
    body = _keys_as_text(body)
    if not isinstance(body, dict):
        raise PeerRPCError("reply body is not a map")
    return body


async def call(host, peer_id, method: str, arguments: dict[str, Any] | None = None, timeout: float = 6.0) -> Answer:
    """One call on a new stream; raises PeerRPCTimeout after `timeout` s, PeerRPCError on any failure."""
    request = encode_call(method, arguments)
    with trio.move_on_after(timeout):
        try:
            stream = await host.new_stream(peer_id, [PROTOCOL])
        except Exception as error:
            raise PeerRPCError(f"cannot open {PROTOCOL}: {error!r}") from error
        try:
            await stream.write(request)
            received = b""
            while True:
                body = decode_answer(received)
                if body is not None:
                    return Answer(body, len(request), len(received))
                try:
                    chunk = await stream.read(65536)
                except Exception:  # py-libp2p raises at the remote's FIN or reset
                    chunk = b""
                if not chunk:
                    raise PeerRPCError(f"stream ended after {len(received)} bytes, before a full answer")
                received += chunk
                if len(received) > MAX_ANSWER_BYTES:
                    raise PeerRPCError("answer larger than 4 MiB")
        finally:
            with trio.CancelScope(shield=True), trio.move_on_after(1):
                try:
                    await stream.close()
                except Exception:
                    pass
    raise PeerRPCTimeout(f"{method}: no answer within {timeout} s")


def reply_bytes(body: dict[str, Any], field: str) -> bytes:
    value = body.get(field)  # str and bin headers both decode to bytes in compatibility mode
    if not isinstance(value, bytes):
        raise PeerRPCError(f"reply field {field} is not bytes")
    return value


def reply_uint(body: dict[str, Any], field: str) -> int:
    value = body.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PeerRPCError(f"reply field {field} is not an unsigned integer")
    return value


def decode_request(data: bytes) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(service id, arguments), or None while `data` does not yet hold both; raises PeerRPCError."""
    reader = io.BytesIO(data)
    try:
        service, arguments = umsgpack.unpack(reader), umsgpack.unpack(reader)
    except umsgpack.InsufficientDataException:
        return None
    except umsgpack.UnpackException as error:
        raise PeerRPCError(f"undecodable request: {error!r}") from error
    service, arguments = _keys_as_text(service), _keys_as_text(arguments)
    if not isinstance(service, dict) or not isinstance(arguments, dict):
        raise PeerRPCError("request is not two maps")
    return service, arguments


def encode_answer(service: dict[str, Any], body: dict[str, Any] | None, error: str | None = None) -> bytes:
    """Response{Service, Error, ErrType} then the reply (nil on error), as gorpc writes them."""
    header: dict[str, Any] = {"Service": {"Name": _text(service.get("Name")), "Method": _text(service.get("Method"))}}
    if error:
        header["Error"] = error
        header["ErrType"] = 1
    return umsgpack.packb(header) + umsgpack.packb(None if error else body)


async def serve(stream, answer_for) -> None:
    """Answers one call on `stream`: `answer_for(method, arguments)` gives the reply map or raises
    PeerRPCError (its text becomes the gorpc error); a malformed or oversized request resets."""
    received = b""
    try:
        with trio.fail_after(10):
            while (request := decode_request(received)) is None:
                chunk = await stream.read(65536)
                if not chunk or len(received) + len(chunk) > 16 * 1024:
                    raise PeerRPCError("request incomplete or too large")
                received += chunk
        service, arguments = request
        if _text(service.get("Name")) != SERVICE:
            answer = encode_answer(service, None, f"rpc: can't find service {_text(service.get('Name'))}")
        else:
            try:
                answer = encode_answer(service, answer_for(_text(service.get("Method")), arguments))
            except PeerRPCError as error:
                answer = encode_answer(service, None, str(error))
        await stream.write(answer)
        await stream.close()
    except Exception:
        try:
            await stream.reset()
        except Exception:
            pass
