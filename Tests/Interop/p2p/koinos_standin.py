#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A Koinos-node stand-in on py-libp2p 0.8.1: treats every new peer as koinos-p2p does (koinos.md §1.4).

It has an ECDSA P-256 identity (as Koinos nodes; `--key-type`), answers identify with protocol
version `koinos/p2p/1.0.0`, listens on 127.0.0.1 and dials the loopback multiaddrs given with
`--connect`, and answers GetChainID (`--chain-id`) and GetHeadBlock (`--head-height`, `--head-id`)
itself, so a relay can run the Koinos handshake on it. For each connected peer (either direction) it runs `koinos_session.PeerSession`:
identify version check, GetChainID against `--chain-id`, then GetHeadBlock every `--heartbeat`
with Koinos' per-IP error score (koinos_scores.py); with `--sync-blocks`, the sync loop's GetBlocks
(our head is `--head-height`'s, 0 by default). It exits after `--run-for` seconds.

stdout, one JSON object per line: listening {peer_id, addrs}; connected {peer_id, ip, direction};
refused {peer_id, ip, score} (IP score ≥ 50,000); identify {peer_id, protocol_version};
answer {peer_id, method, ok, id_hex, height, error, timeout, ms}; handshake {peer_id, outcome};
blocks {peer_id, ok, start, count, last_id_hex, bytes, error, ms} (with --sync-blocks);
score {peer_id, ip, added, score, reason}; disconnecting {peer_id, reason, score};
disconnected {peer_id, reason, connected_s}; served {method} (a call it answered); error {where, error}; summary {peers: [...]} last.
"""

from __future__ import annotations

import argparse
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
from libp2p.crypto.x25519 import create_new_key_pair as new_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.identity.identify import identify as identify_module
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_PROTOCOL
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_PROTOCOL
from libp2p.stream_muxer.yamux.yamux import Yamux

import koinos_peer_rpc
import koinos_scores
import p256
from koinos_session import PeerSession, Settings


def emit(event: str, **fields: Any) -> None:
    try:
        sys.stdout.write(json.dumps({"event": event, **fields}, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os._exit(0)


def loopback_ip(address: multiaddr.Multiaddr) -> str:
    names = [p.name for p in address.protocols()]
    ip = address.value_for_protocol("ip4") if "ip4" in names else address.value_for_protocol("ip6")
    if not ipaddress.ip_address(ip).is_loopback:
        raise SystemExit(f"refusing non-loopback address {address}")
    return ip


def remote_ip(conn) -> str:
    """The remote IP of a connection (Koinos keys scores by it); 'unknown' when py-libp2p cannot tell."""
    layer = conn.muxed_conn
    for _ in range(4):
        get = getattr(layer, "get_remote_address", None)
        if get is not None:
            try:
                address = get()
                if address:
                    return str(address[0])
            except Exception:
                pass
        layer = getattr(layer, "secured_conn", None) or getattr(layer, "conn", None)
        if layer is None:
            break
    return "unknown"


class StandIn(INotifee):
    def __init__(self, host, settings: Settings, nursery: trio.Nursery):
        self.host = host
        self.settings = settings
        self.nursery = nursery
        self.scores = koinos_scores.ErrorScores()
        self.sessions: dict[str, PeerSession] = {}
        self.scopes: dict[str, trio.CancelScope] = {}

    async def connected(self, network, conn) -> None:
        peer_id = conn.muxed_conn.peer_id
        name, ip = str(peer_id), remote_ip(conn)
        direction = getattr(getattr(conn, "_direction", None), "name", "unknown").lower()
        if self.scores.refuses(ip, time.monotonic()):
            emit("refused", peer_id=name, ip=ip, score=round(self.scores.score(ip, time.monotonic())))
            self.nursery.start_soon(self.host.disconnect, peer_id)
            return
        active = self.sessions.get(name)
        if active is not None and active.disconnected_at is None:
            return  # a second connection to a peer already in a session
        emit("connected", peer_id=name, ip=ip, direction=direction)
        session = PeerSession(peer_id, ip, self.settings, self.host, self.scores, emit)
        self.sessions[name] = session
        scope = trio.CancelScope()
        self.scopes[name] = scope
        self.nursery.start_soon(self.run_session, session, scope)

    async def run_session(self, session: PeerSession, scope: trio.CancelScope) -> None:
        with scope:
            try:
                await session.run()
            except Exception as error:
                emit("error", where=f"session {session.name}", error=repr(error))

    async def disconnected(self, network, conn) -> None:
        name = str(conn.muxed_conn.peer_id)
        session = self.sessions.get(name)
        if session is None or session.disconnected_at is not None or network.get_connections(conn.muxed_conn.peer_id):
            return
        session.disconnected_at = time.monotonic()
        session.disconnect_reason = session.disconnect_reason or "connection closed by the peer"
        self.scopes[name].cancel()
        emit("disconnected", peer_id=name, reason=session.disconnect_reason,
             connected_s=round(session.disconnected_at - session.connected_at, 3))

    async def opened_stream(self, network, stream) -> None:
        pass

    async def closed_stream(self, network, stream) -> None:
        pass

    async def listen(self, network, maddr) -> None:
        pass

    async def listen_close(self, network, maddr) -> None:
        pass


def peer_rpc_answers(args):
    """The stand-in's own peer-RPC answers, so relays can run the Koinos handshake on it."""
    chain_id = bytes.fromhex(args.chain_id)
    head_id = bytes.fromhex(args.head_id) if args.head_id else b"\x12\x20" + bytes(32)

    def answer_for(method: str, arguments: dict) -> dict:
        emit("served", method=method)
        if method == "GetChainID":
            return {"ID": chain_id}
        if method == "GetHeadBlock":
            return {"ID": head_id, "Height": args.head_height}
        raise koinos_peer_rpc.PeerRPCError(f"rpc: {method} is not served by this stand-in")
    return answer_for


async def dial(host, address: str, attempts: int = 3) -> None:
    """Dials `address`, trying again after 1 s on failure (Koinos nodes re-dial their peers too)."""
    for attempt in range(1, attempts + 1):
        try:
            with trio.fail_after(10):
                await host.connect(info_from_p2p_addr(multiaddr.Multiaddr(address)))
            return
        except Exception as error:
            emit("error", where=f"dial {address}", attempt=attempt, error=repr(error))
            await trio.sleep(1)


async def run(args) -> int:
    for address in args.connect or []:
        loopback_ip(multiaddr.Multiaddr(address))
    listen = multiaddr.Multiaddr(f"/ip4/{args.host}/tcp/{args.port}")
    loopback_ip(listen)
    # What a Koinos node says in identify (koinos.md §1.1); read by py-libp2p at each answer.
    identify_module.PROTOCOL_VERSION = "koinos/p2p/1.0.0"
    identify_module.AGENT_VERSION = "koinos-standin/py-libp2p-0.8.1"
    seed = bytes.fromhex(args.seed_hex) if args.seed_hex else None
    key_pair = p256.create_new_key_pair(seed) if args.key_type == "p256" else ed25519_keys.create_new_key_pair(seed)
    host = new_host(
        key_pair=key_pair,
        sec_opt={NOISE_PROTOCOL: NoiseTransport(key_pair, noise_privkey=new_x25519_key_pair().private_key)},
        muxer_opt={TProtocol(YAMUX_PROTOCOL): Yamux},
    )
    answer_for = peer_rpc_answers(args)

    async def serve_peer_rpc(stream) -> None:
        await koinos_peer_rpc.serve(stream, answer_for)

    host.set_stream_handler(koinos_peer_rpc.PROTOCOL, serve_peer_rpc)
    settings = Settings(chain_id=bytes.fromhex(args.chain_id), heartbeat=args.heartbeat, rpc_timeout=args.rpc_timeout,
                        sync_blocks=args.sync_blocks)
    started = time.monotonic()
    async with host.run(listen_addrs=[listen]), trio.open_nursery() as nursery:
        standin = StandIn(host, settings, nursery)
        host.get_network().register_notifee(standin)
        peer_id = host.get_id().to_string()
        emit("listening", peer_id=peer_id, key_type=args.key_type, chain_id_hex=args.chain_id,
             addrs=[str(a) if "/p2p/" in str(a) else f"{a}/p2p/{peer_id}" for a in host.get_addrs()])
        for address in args.connect or []:
            nursery.start_soon(dial, host, address)
        await trio.sleep(max(0.0, args.run_for - (time.monotonic() - started)))
        emit("summary", run_s=round(time.monotonic() - started, 3),
             peers=[session.summary() for session in standin.sessions.values()])
        nursery.cancel_scope.cancel()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chain-id", required=True, help="our chain id, hex multihash (34 bytes, 1220…)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = ephemeral)")
    parser.add_argument("--connect", action="append", help="loopback multiaddr with /p2p/ to dial (repeatable)")
    parser.add_argument("--key-type", choices=["p256", "ed25519"], default="p256")
    parser.add_argument("--seed-hex", help="32-byte hex secret for a deterministic identity")
    parser.add_argument("--head-height", type=int, default=0, help="height our GetHeadBlock answers")
    parser.add_argument("--head-id", help="block id (hex multihash) our GetHeadBlock answers (default: zeros)")
    parser.add_argument("--heartbeat", type=float, default=0.5, help="seconds between GetHeadBlock calls")
    parser.add_argument("--rpc-timeout", type=float, default=6.0, help="peer RPC timeout, seconds (Koinos: 6)")
    parser.add_argument("--sync-blocks", action="store_true",
                        help="sync from peers whose head is above ours with GetBlocks, checking each block")
    parser.add_argument("--run-for", type=float, default=70.0, help="seconds to run before the summary and exit")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    sys.exit(trio.run(run, args))


if __name__ == "__main__":
    main()
