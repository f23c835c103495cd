# SPDX-License-Identifier: Apache-2.0
"""What a Koinos node does to every new peer (koinos.md §1.4), on py-libp2p: one `PeerSession`.

1. Protocol version from identify, asked every 50 ms for up to 5 s: `koinos/p2p/` + semver is
   accepted, any other non-empty string is a protocol mismatch (200,000 → disconnect), nothing
   is tolerated as 0.0.0.
2. GetChainID (6 s timeout): an error or another chain id is a chain-id mismatch (200,000 →
   disconnect; the IP is then refused while its score stays at 50,000 or more).
3. GetHeadBlock every heartbeat: an error adds 5,000, a timeout 3,500; at 100,000 the peer is
   disconnected.
4. With `sync_blocks`, the sync loop: when the peer's head is above what we hold, GetBlocks from
   our height + 1 (at most 500, on the peer's head), each block checked (`koinos_blocks`); an
   error or a bad block is a peer-RPC error (5,000).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import trio

from libp2p.custom_types import TProtocol
from libp2p.identity.identify.identify import parse_identify_response

import koinos_blocks
import koinos_peer_rpc as peer_rpc
import koinos_scores as scores

IDENTIFY = TProtocol("/ipfs/id/1.0.0")
VERSION_PATTERN = re.compile(r"^koinos/p2p/v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$")


@dataclass
class Settings:
    chain_id: bytes
    heartbeat: float = 0.5
    rpc_timeout: float = 6.0
    version_wait: float = 5.0
    sync_blocks: bool = False
    block_batch: int = 500


@dataclass
class PeerSession:
    peer_id: Any
    ip: str
    settings: Settings
    host: Any
    error_scores: scores.ErrorScores
    emit: Callable[..., None]
    connected_at: float = field(default_factory=time.monotonic)
    disconnected_at: float | None = None
    protocol_version: str | None = None
    handshake: str = "pending"
    disconnect_reason: str | None = None
    calls: dict[str, int] = field(default_factory=lambda: {"GetChainID": 0, "GetHeadBlock": 0})
    answered: dict[str, int] = field(default_factory=lambda: {"GetChainID": 0, "GetHeadBlock": 0})
    errors: int = 0
    timeouts: int = 0
    last_head: dict[str, Any] | None = None
    synced_height: int = 0
    synced_id: bytes | None = None
    blocks_received: int = 0

    @property
    def name(self) -> str:
        return str(self.peer_id)

    def summary(self) -> dict[str, Any]:
        end = self.disconnected_at or time.monotonic()
        return {
            "peer_id": self.name, "ip": self.ip, "connected_s": round(end - self.connected_at, 3),
            "protocol_version": self.protocol_version, "handshake": self.handshake,
            "calls": self.calls, "answered": self.answered, "errors": self.errors, "timeouts": self.timeouts,
            "score": round(self.error_scores.score(self.ip, time.monotonic())),
            "disconnect_reason": self.disconnect_reason, "last_head": self.last_head,
            "synced_height": self.synced_height, "blocks_received": self.blocks_received,
        }

    async def run(self) -> None:
        """The handshake, then GetHeadBlock every heartbeat until the peer is dropped or cancelled."""
        version = await self.read_protocol_version()
        self.protocol_version = version
        self.emit("identify", peer_id=self.name, protocol_version=version)
        if version and not VERSION_PATTERN.match(version):
            await self.punish(scores.PROTOCOL_MISMATCH, f"protocol mismatch: identify protocol version {version!r}")
            return
        if not await self.check_chain_id():
            return
        self.handshake = "ok"
        self.emit("handshake", peer_id=self.name, outcome="ok", protocol_version=version or "0.0.0")
        while True:
            await self.get_head_block()
            if self.disconnect_reason:
                return
            if self.settings.sync_blocks and self.last_head and self.last_head["height"] > self.synced_height:
                await self.get_blocks()
                if self.disconnect_reason:
                    return
            await trio.sleep(self.settings.heartbeat)

    async def read_protocol_version(self) -> str:
        deadline = time.monotonic() + self.settings.version_wait
        while True:
            try:
                with trio.fail_after(max(0.05, deadline - time.monotonic())):
                    stream = await self.host.new_stream(self.peer_id, [IDENTIFY])
                    raw = b""
                    while len(raw) <= 64 * 1024:
                        try:
                            chunk = await stream.read(65536)
                        except Exception:
                            chunk = b""
                        if not chunk:
                            break
                        raw += chunk
                    return parse_identify_response(raw).protocol_version or ""
            except Exception as error:  # includes trio.TooSlowError
                if time.monotonic() + 0.05 >= deadline:
                    self.emit("identify_failed", peer_id=self.name, error=repr(error))
                    return ""
                await trio.sleep(0.05)

    async def check_chain_id(self) -> bool:
        self.calls["GetChainID"] += 1
        started = time.monotonic()
        try:
            answer = await peer_rpc.call(self.host, self.peer_id, "GetChainID", timeout=self.settings.rpc_timeout)
            chain_id = peer_rpc.reply_bytes(answer.body, "ID")
        except (peer_rpc.PeerRPCError, peer_rpc.PeerRPCTimeout) as error:
            self.emit("answer", peer_id=self.name, method="GetChainID", ok=False, error=str(error), ms=_ms(started))
            await self.punish(scores.CHAIN_ID_MISMATCH, f"chain id mismatch: GetChainID failed: {error}")
            return False
        self.answered["GetChainID"] += 1
        self.emit("answer", peer_id=self.name, method="GetChainID", ok=True, id_hex=chain_id.hex(), ms=_ms(started))
        if chain_id != self.settings.chain_id:
            await self.punish(scores.CHAIN_ID_MISMATCH,
                              f"chain id mismatch: peer {chain_id.hex()}, ours {self.settings.chain_id.hex()}")
            return False
        return True

    async def get_head_block(self) -> None:
        self.calls["GetHeadBlock"] += 1
        started = time.monotonic()
        try:
            answer = await peer_rpc.call(self.host, self.peer_id, "GetHeadBlock", timeout=self.settings.rpc_timeout)
            head = {"id_hex": peer_rpc.reply_bytes(answer.body, "ID").hex(), "height": peer_rpc.reply_uint(answer.body, "Height")}
        except peer_rpc.PeerRPCTimeout as error:
            self.timeouts += 1
            self.emit("answer", peer_id=self.name, method="GetHeadBlock", ok=False, timeout=True, error=str(error), ms=_ms(started))
            await self.punish(scores.PEER_RPC_TIMEOUT, "peer rpc timeouts")
            return
        except peer_rpc.PeerRPCError as error:
            self.errors += 1
            self.emit("answer", peer_id=self.name, method="GetHeadBlock", ok=False, error=str(error), ms=_ms(started))
            await self.punish(scores.PEER_RPC_ERROR, "peer rpc errors")
            return
        self.answered["GetHeadBlock"] += 1
        self.last_head = head
        self.emit("answer", peer_id=self.name, method="GetHeadBlock", ok=True, ms=_ms(started), **head)

    async def get_blocks(self) -> None:
        head_id, head_height = bytes.fromhex(self.last_head["id_hex"]), self.last_head["height"]
        start, count = self.synced_height + 1, min(self.settings.block_batch, head_height - self.synced_height)
        self.calls["GetBlocks"] = self.calls.get("GetBlocks", 0) + 1
        started = time.monotonic()
        try:
            answer = await peer_rpc.call(self.host, self.peer_id, "GetBlocks", {
                "HeadBlockID": head_id, "StartBlockHeight": start, "NumBlocks": count}, timeout=self.settings.rpc_timeout)
            blocks = answer.body.get("Blocks")
            if not isinstance(blocks, list) or len(blocks) != count or not all(isinstance(b, bytes) for b in blocks):
                raise peer_rpc.PeerRPCError(f"GetBlocks answered {type(blocks).__name__}, not {count} blocks")
            ids = koinos_blocks.check_blocks(blocks, start, self.synced_id)
        except (peer_rpc.PeerRPCError, peer_rpc.PeerRPCTimeout, koinos_blocks.BlockError) as error:
            self.errors += 1
            self.emit("blocks", peer_id=self.name, ok=False, start=start, count=count, error=str(error), ms=_ms(started))
            await self.punish(scores.PEER_RPC_ERROR, f"GetBlocks: {error}")
            return
        self.answered["GetBlocks"] = self.answered.get("GetBlocks", 0) + 1
        self.blocks_received += len(ids)
        self.synced_height, self.synced_id = start + len(ids) - 1, ids[-1]
        self.emit("blocks", peer_id=self.name, ok=True, start=start, count=count, last_id_hex=ids[-1].hex(),
                  bytes=sum(len(b) for b in blocks), ms=_ms(started))

    async def punish(self, points: int, reason: str) -> None:
        """Adds `points` to the IP's score; at the disconnect threshold, drops the peer with `reason`."""
        now = time.monotonic()
        score = self.error_scores.add(self.ip, points, now)
        self.emit("score", peer_id=self.name, ip=self.ip, added=points, score=round(score), reason=reason)
        if self.error_scores.must_disconnect(self.ip, now):
            self.handshake = "ok" if self.handshake == "ok" else "refused"
            self.disconnect_reason = reason
            self.emit("disconnecting", peer_id=self.name, reason=reason, score=round(score))
            with trio.move_on_after(5):
                await self.host.disconnect(self.peer_id)


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 3)
