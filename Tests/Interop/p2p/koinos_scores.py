# SPDX-License-Identifier: Apache-2.0
"""Koinos' peer error score (koinos-p2p defaults, koinos.md §1.7), pure: no I/O, time passed in.

Scores are kept per remote IP and decay exponentially with a 30 minute half-life. A peer whose
IP reaches 100,000 is disconnected; new connections from an IP at 50,000 or more are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HALF_LIFE_S = 30 * 60
DISCONNECT_AT = 100_000
REFUSE_AT = 50_000

# Points per error (internal/options/error_handler_options.go defaults).
PROTOCOL_MISMATCH = 200_000
CHAIN_ID_MISMATCH = 200_000
PEER_RPC_ERROR = 5_000
PEER_RPC_TIMEOUT = 3_500


@dataclass
class _Entry:
    score: float
    updated: float


@dataclass
class ErrorScores:
    half_life_s: float = HALF_LIFE_S
    entries: dict[str, _Entry] = field(default_factory=dict)

    def score(self, ip: str, now: float) -> float:
        entry = self.entries.get(ip)
        if entry is None:
            return 0.0
        return entry.score * 0.5 ** (max(0.0, now - entry.updated) / self.half_life_s)

    def add(self, ip: str, points: int, now: float) -> float:
        """Adds `points` to the decayed score of `ip`; returns the new score."""
        score = self.score(ip, now) + points
        self.entries[ip] = _Entry(score, now)
        return score

    def must_disconnect(self, ip: str, now: float) -> bool:
        return self.score(ip, now) >= DISCONNECT_AT

    def refuses(self, ip: str, now: float) -> bool:
        return self.score(ip, now) >= REFUSE_AT
