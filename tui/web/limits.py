"""How many browser sessions may run at once, in all and per client address.

Plain Python (no aiohttp): the server asks before it starts a process and tells when it ends.
"""

from __future__ import annotations

import ipaddress
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

BUSY = "busy"                  # every session slot is taken
TOO_MANY_HERE = "per-address"  # this client address already has its share


def default_max_sessions() -> int:
    """Four sessions per CPU: a session is an idle Textual process most of the time."""
    return max(2, 4 * (os.cpu_count() or 1))


@dataclass
class SessionLimits:
    max_sessions: int
    per_address: int
    _by_address: Counter = field(default_factory=Counter)

    @property
    def active(self) -> int:
        return sum(self._by_address.values())

    def refusal(self, address: str) -> str | None:
        """Why one more session for `address` may not start now, or None when it may."""
        if self.active >= self.max_sessions:
            return BUSY
        if self._by_address[address] >= self.per_address:
            return TOO_MANY_HERE
        return None

    def acquire(self, address: str) -> str | None:
        """Take a slot for `address`; returns the refusal instead when there is none."""
        if reason := self.refusal(address):
            return reason
        self._by_address[address] += 1
        return None

    def release(self, address: str) -> None:
        self._by_address[address] -= 1
        if self._by_address[address] <= 0:
            del self._by_address[address]


def client_address(peer: str | None, headers: Mapping[str, str]) -> str:
    """The browser's address: the peer's, or the proxy's report of it when the peer is loopback.

    Behind a reverse proxy on the same machine every peer is 127.0.0.1, so the per-address cap
    would count all citizens as one; the proxy's `X-Forwarded-For` (its last entry, the one the
    proxy itself appended) is believed only from a loopback peer, never from the internet.
    """
    peer = peer or "unknown"
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        loopback = False
    forwarded = headers.get("X-Forwarded-For", "").split(",")[-1].strip()
    if loopback and forwarded:
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return peer
