#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Interop peer for the Swift libp2p stack, built on py-libp2p 0.8.1 (TCP, Noise, yamux).

It listens on 127.0.0.1 and/or dials loopback multiaddrs, serves echo protocols, ping and
identify (py-libp2p's own), joins gossipsub topics with StrictSign, and is driven through stdin.
stdout: one JSON object per line (events); stderr: logs.

Events: listening {peer_id, addrs, key_type, topics}; connected {peer_id, direction, security,
muxer}; disconnected {peer_id}; peer_topics {topic, peers}; mesh {topic, peers};
message {topic, from, seqno_hex, data, data_hex, msg_id_hex, has_signature, has_key};
published {topic, data_hex}; echo {protocol, peer_id, bytes} (served echo finished);
result {cmd, ok, ...} (answer to a stdin command); error {where, error}; eof {}.

stdin lines: a JSON object with "cmd" is a command, anything else is published (as in --input):
  {"cmd":"connect","addr":"/ip4/127.0.0.1/tcp/P/p2p/ID"}
  {"cmd":"ping","peer":ID,"count":3}                -> result {rtts_ms}
  {"cmd":"identify","peer":ID}                      -> result {protocol_version, agent_version, protocols, listen_addrs, observed_addr, public_key_hex}
  {"cmd":"echo","peer":ID,"protocol":P,"size":N}    -> result {bytes, matches}
  {"cmd":"open","peer":ID,"protocol":P}             -> result ok=false with the error when refused
  {"cmd":"publish","topic":T,"data":S | "data_hex":H}
  {"cmd":"quit"}
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import ipaddress
import json
import logging
import os
import sys
import time
from typing import Any

import multiaddr
import trio

from libp2p import new_host
from libp2p.abc import INotifee
from libp2p.crypto import ed25519 as ed25519_keys
from libp2p.crypto import secp256k1 as secp256k1_keys
from libp2p.custom_types import TProtocol
from libp2p.identity.identify.identify import parse_identify_response
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.pubsub.gossipsub import GossipSub
from libp2p.pubsub.pubsub import Pubsub, get_peer_and_seqno_msg_id
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_PROTOCOL
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.crypto.x25519 import create_new_key_pair as new_x25519_key_pair
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_PROTOCOL
from libp2p.stream_muxer.yamux.yamux import Yamux
from libp2p.tools.anyio_service import background_trio_service

import p256  # ECDSA P-256 keys (KeyType 3), registered with py-libp2p on import

log = logging.getLogger("p2p-interop-peer")


def emit(event: str, **fields: Any) -> None:
    try:
        sys.stdout.write(json.dumps({"event": event, **fields}, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os._exit(0)


def require_loopback(address: str) -> None:
    ma = multiaddr.Multiaddr(address)
    names = [p.name for p in ma.protocols()]
    ip = ma.value_for_protocol("ip4") if "ip4" in names else ma.value_for_protocol("ip6")
    if not ipaddress.ip_address(ip).is_loopback:
        raise SystemExit(f"refusing non-loopback address {address}")


def key_pair_for(kind: str, seed_hex: str | None):
    seed = bytes.fromhex(seed_hex) if seed_hex else None
    if kind == "ed25519":
        return ed25519_keys.create_new_key_pair(seed)
    if kind == "secp256k1":
        return secp256k1_keys.create_new_key_pair(seed)
    if kind == "p256":
        return p256.create_new_key_pair(seed)
    raise SystemExit(f"unsupported key type {kind}")


def message_id_function(kind: str):
    if kind == "koinos":
        return lambda m: base64.b64encode(hashlib.sha256(m.data).digest()).rstrip(b"=")
    return get_peer_and_seqno_msg_id


def deterministic_payload(size: int) -> bytes:
    return bytes((i * 31 + 7) & 0xFF for i in range(size))


class ConnectionEvents(INotifee):
    async def opened_stream(self, network, stream) -> None:
        pass

    async def closed_stream(self, network, stream) -> None:
        pass

    async def connected(self, network, conn) -> None:
        try:
            meta = conn.get_interop_metadata()
        except Exception as error:  # diagnostics only
            meta = {"error": repr(error)}
        direction = getattr(conn, "_direction", None)
        emit("connected", peer_id=str(conn.muxed_conn.peer_id),
             direction=getattr(direction, "name", str(direction)).lower(),
             security=meta.get("security_protocol"), muxer=meta.get("muxer_protocol"))

    async def disconnected(self, network, conn) -> None:
        emit("disconnected", peer_id=str(conn.muxed_conn.peer_id))

    async def listen(self, network, maddr) -> None:
        pass

    async def listen_close(self, network, maddr) -> None:
        pass


async def read_to_end(stream, limit: int) -> bytes:
    data = b""
    while len(data) <= limit:
        try:
            chunk = await stream.read(65536)
        except EOFError:
            break
        if not chunk:
            break
        data += chunk
    return data


async def read_exactly(stream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = await stream.read(size - len(data))
        if not chunk:
            raise EOFError("stream closed")
        data += chunk
    return data


class Commands:
    def __init__(self, host, pubsub, default_topic: str | None):
        self.host = host
        self.pubsub = pubsub
        self.default_topic = default_topic

    async def run(self, request: dict) -> dict:
        cmd = request["cmd"]
        with trio.fail_after(request.get("timeout", 15)):
            handler = getattr(self, "cmd_" + cmd, None)
            if handler is None:
                raise ValueError(f"unknown command {cmd}")
            return await handler(request)

    async def cmd_connect(self, request):
        require_loopback(request["addr"])
        info = info_from_p2p_addr(multiaddr.Multiaddr(request["addr"]))
        await self.host.connect(info)
        return {"peer_id": str(info.peer_id)}

    async def cmd_ping(self, request):
        stream = await self.host.new_stream(ID.from_base58(request["peer"]), [TProtocol("/ipfs/ping/1.0.0")])
        rtts = []
        for _ in range(int(request.get("count", 1))):
            payload = os.urandom(32)
            started = time.monotonic()
            await stream.write(payload)
            echo = await read_exactly(stream, 32)
            if echo != payload:
                raise ValueError("ping payload mismatch")
            rtts.append(round((time.monotonic() - started) * 1000, 3))
        await stream.close()
        return {"rtts_ms": rtts}

    async def cmd_identify(self, request):
        stream = await self.host.new_stream(ID.from_base58(request["peer"]), [TProtocol("/ipfs/id/1.0.0")])
        raw = await read_to_end(stream, 64 * 1024)
        info = parse_identify_response(raw)
        return {
            "protocol_version": info.protocol_version,
            "agent_version": info.agent_version,
            "protocols": list(info.protocols),
            "listen_addrs": [str(multiaddr.Multiaddr(a)) for a in info.listen_addrs],
            "observed_addr": str(multiaddr.Multiaddr(info.observed_addr)) if info.observed_addr else None,
            "public_key_hex": info.public_key.hex(),
        }

    async def cmd_echo(self, request):
        stream = await self.host.new_stream(ID.from_base58(request["peer"]), [TProtocol(request["protocol"])])
        payload = deterministic_payload(int(request["size"]))
        for offset in range(0, len(payload), 16384):
            await stream.write(payload[offset:offset + 16384])
        await stream.close()
        echoed = await read_to_end(stream, len(payload) + 1)
        return {"bytes": len(echoed), "matches": echoed == payload, "protocol": stream.get_protocol()}

    async def cmd_ping_flood(self, request):
        """An attacker (issue 19 H1): opens `streams` ping streams and writes pings without reading
        the echoes until each stream stalls (no write completes for `stall` s), is reset, or sent
        `limit` bytes. Returns the bytes each stream sent."""
        peer = ID.from_base58(request["peer"])
        count = int(request.get("streams", 4))
        limit = int(request.get("limit", 4 << 20))
        stall = float(request.get("stall", 1.0))
        chunk = b"\x42" * 16384
        sent = [0] * count

        async def flood(index: int) -> None:
            stream = await self.host.new_stream(peer, [TProtocol("/ipfs/ping/1.0.0")])
            try:
                while sent[index] < limit:
                    with trio.move_on_after(stall) as scope:
                        await stream.write(chunk)
                    if scope.cancelled_caught:
                        break
                    sent[index] += len(chunk)
            except Exception:
                pass
            finally:
                with trio.move_on_after(2):
                    try:
                        await stream.reset()
                    except Exception:
                        pass

        async with trio.open_nursery() as nursery:
            for index in range(count):
                nursery.start_soon(flood, index)
        return {"sent": sent}

    async def cmd_open(self, request):
        stream = await self.host.new_stream(ID.from_base58(request["peer"]), [TProtocol(request["protocol"])])
        await stream.reset()
        return {"protocol": request["protocol"]}

    async def cmd_publish(self, request):
        topic = request.get("topic", self.default_topic)
        data = bytes.fromhex(request["data_hex"]) if "data_hex" in request else request.get("data", "").encode()
        await self.pubsub.publish(topic, data)
        emit("published", topic=topic, data_hex=data.hex())
        return {"topic": topic}


async def stdin_lines():
    stream = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
    pending = b""
    while True:
        chunk = await stream.receive_some(65536)
        if not chunk:
            if pending:
                yield pending.decode("utf-8", "replace")
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield line.decode("utf-8", "replace").rstrip("\r")


async def run(args) -> int:
    for address in args.connect or []:
        require_loopback(address)
    if not ipaddress.ip_address(args.host).is_loopback:
        raise SystemExit("refusing a non-loopback listen address")
    key_pair = key_pair_for(args.key_type, args.seed_hex)
    host = new_host(
        key_pair=key_pair,
        sec_opt={NOISE_PROTOCOL: NoiseTransport(key_pair, noise_privkey=new_x25519_key_pair().private_key)},
        muxer_opt={TProtocol(YAMUX_PROTOCOL): Yamux},
    )
    gossipsub = GossipSub(
        protocols=[TProtocol("/meshsub/1.1.0"), TProtocol("/meshsub/1.0.0")],
        degree=args.D, degree_low=args.Dlo, degree_high=args.Dhi,
        heartbeat_initial_delay=0.1, heartbeat_interval=args.heartbeat,
        gossip_window=3, gossip_history=5, time_to_live=60,
    )
    id_function = message_id_function(args.msg_id)
    pubsub = Pubsub(host, gossipsub, strict_signing=True, msg_id_constructor=id_function)
    host.get_network().register_notifee(ConnectionEvents())

    for protocol in args.echo or []:
        async def echo(stream, protocol=protocol) -> None:
            total = 0
            try:
                while True:
                    try:
                        chunk = await stream.read(65536)
                    except EOFError:
                        chunk = b""
                    if not chunk:
                        break
                    total += len(chunk)
                    await stream.write(chunk)
                await stream.close()
            except Exception as error:
                emit("error", where=f"echo {protocol}", error=repr(error))
            emit("echo", protocol=protocol, peer_id=str(stream.muxed_conn.peer_id), bytes=total)
        host.set_stream_handler(TProtocol(protocol), echo)

    listen = multiaddr.Multiaddr(f"/ip4/{args.host}/tcp/{args.port}")
    commands = Commands(host, pubsub, args.topic[0] if args.topic else None)
    async with host.run(listen_addrs=[listen]), trio.open_nursery() as nursery:
        async with background_trio_service(pubsub), background_trio_service(gossipsub):
            await pubsub.wait_until_ready()
            subscriptions = {topic: await pubsub.subscribe(topic) for topic in args.topic or []}
            peer_id = host.get_id().to_string()
            emit("listening", peer_id=peer_id, key_type=args.key_type, topics=args.topic or [],
                 addrs=[str(a) if "/p2p/" in str(a) else f"{a}/p2p/{peer_id}" for a in host.get_addrs()])

            async def deliver(topic, subscription):
                while True:
                    message = await subscription.get()
                    try:
                        text = message.data.decode("utf-8")
                    except UnicodeDecodeError:
                        text = None
                    emit("message", topic=topic, data=text, data_hex=message.data.hex(),
                         seqno_hex=message.seqno.hex(), msg_id_hex=bytes(id_function(message)).hex(),
                         has_signature=bool(message.signature), has_key=bool(message.key),
                         **{"from": str(ID(message.from_id))})

            async def watch_topics():
                last_peers: dict = {}
                last_mesh: dict = {}
                while True:
                    for topic in args.topic or []:
                        peers = sorted(str(p) for p in pubsub.peer_topics.get(topic, set()))
                        if peers != last_peers.get(topic):
                            last_peers[topic] = peers
                            emit("peer_topics", topic=topic, peers=peers)
                        mesh = sorted(str(p) for p in gossipsub.mesh.get(topic, set()))
                        if mesh != last_mesh.get(topic):
                            last_mesh[topic] = mesh
                            emit("mesh", topic=topic, peers=mesh)
                    await trio.sleep(0.1)

            async def command(request):
                try:
                    emit("result", cmd=request["cmd"], ok=True, **await commands.run(request))
                except BaseException as error:  # report and keep serving (trio.Cancelled is re-raised)
                    if isinstance(error, trio.Cancelled):
                        raise
                    emit("result", cmd=request.get("cmd"), ok=False, error=repr(error))

            async def read_stdin():
                async for line in stdin_lines():
                    if not line.strip():
                        continue
                    request = None
                    if line.lstrip().startswith("{"):
                        try:
                            request = json.loads(line)
                        except ValueError:
                            request = None
                    if isinstance(request, dict) and request.get("cmd") == "quit":
                        break
                    if isinstance(request, dict) and "cmd" in request:
                        nursery.start_soon(command, request)
                    elif args.topic:
                        data = bytes.fromhex(line.strip()) if args.input == "hex" else line.encode()
                        if isinstance(request, dict):
                            data = bytes.fromhex(request["data_hex"]) if "data_hex" in request else request.get("data", "").encode()
                        nursery.start_soon(command, {"cmd": "publish", "topic": (request or {}).get("topic", args.topic[0]), "data_hex": data.hex()})
                emit("eof")
                await trio.sleep(args.linger)
                nursery.cancel_scope.cancel()

            for topic, subscription in subscriptions.items():
                nursery.start_soon(deliver, topic, subscription)
            if args.topic:
                nursery.start_soon(watch_topics)
            for address in args.connect or []:
                nursery.start_soon(command, {"cmd": "connect", "addr": address})
            nursery.start_soon(read_stdin)
            with trio.move_on_after(args.run_for):
                await trio.sleep_forever()
            nursery.cancel_scope.cancel()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = ephemeral)")
    parser.add_argument("--connect", action="append", help="loopback multiaddr with /p2p/ to dial (repeatable)")
    parser.add_argument("--key-type", choices=["ed25519", "secp256k1", "p256"], default="ed25519")
    parser.add_argument("--seed-hex", help="32-byte hex secret for a deterministic identity")
    parser.add_argument("--topic", action="append", help="gossipsub topic to join (repeatable)")
    parser.add_argument("--msg-id", choices=["default", "koinos"], default="default")
    parser.add_argument("--D", type=int, default=6)
    parser.add_argument("--Dlo", type=int, default=4)
    parser.add_argument("--Dhi", type=int, default=12)
    parser.add_argument("--heartbeat", type=float, default=1.0)
    parser.add_argument("--input", choices=["text", "hex"], default="text")
    parser.add_argument("--echo", action="append", help="serve an echo handler for this protocol (repeatable)")
    parser.add_argument("--linger", type=float, default=0.5, help="seconds to stay up after stdin closes")
    parser.add_argument("--run-for", type=float, default=120.0, help="hard limit on the run time, seconds")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    sys.exit(trio.run(run, args))


if __name__ == "__main__":
    main()
