"""İzlə as the tests build it (fixed clock, seeded randomness), run in a real terminal:
`python3 -m tests.run_fixed REGISTER [citizen|operator] [KEYMAP]`."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import izle_app


def main(register: str, mode: str = "citizen") -> None:
    izle_app(Path(register), mode=mode).run()


if __name__ == "__main__":
    main(*sys.argv[1:])
