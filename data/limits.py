"""How much guessing a person gets: the limits a desk (data/desk/) enforces, set by the
settings. A module of its own so the settings are built without loading the desk."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How much guessing a person gets. All in the settings; seconds for every window."""

    session_misses: int = 5            # a citizen's misses in one session before it ends
    person_misses: int = 20            # misses per person within `person_window` …
    person_window: float = 24 * 3600   # … before their lookups are refused until it passes
    slow_from: int = 3                 # from this many recent misses on, every answer waits
    slow_max: float = 8.0              # … doubling per miss, at most this long
    burst_misses: int = 3              # an operator's misses within `burst_window` are flagged
    burst_window: float = 600.0
    lock_misses: int = 12              # an operator's misses within `lock_window` lock lookups
    lock_window: float = 3600.0
    miss_answer: float = 0.05          # every miss is answered this long after it was asked
    page_size: int = 50                # letters per page of a list ("my letters", an applicant's)
    # The JSON interface (`izle lookup --json`): a caller_id is a person (person_misses, the
    # slow-down); requests without one share one budget; the calling system has one overall.
    api_misses: int = 600              # misses per `api_window` of one calling system
    anonymous_misses: int = 60         # misses per `api_window` of requests without caller_id
    api_window: float = 3600.0
