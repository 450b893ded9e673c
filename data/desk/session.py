"""The person logged in at a terminal."""

from __future__ import annotations

from dataclasses import dataclass, field

from izle.data.identities import Identity
from izle.data.letters import Agency


@dataclass
class Session:
    """The person logged in at this terminal, and what they have done in this session."""

    identity: Identity
    agency: Agency | None = None
    # Whose letters this session may list and open from the list: a citizen's own FIN; for an
    # operator, the applicant whose FIN and surname the caller stated (None before a search).
    applicant: str | None = None
    misses: int = 0
    miss_times: list[float] = field(default_factory=list)
