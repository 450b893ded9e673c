"""İzlə — track a letter sent to Azerbaijan's State Customs Committee, in the terminal.

The wheel installs the application as one package: `izle.tui` (the shell, CLI and styles),
`izle.screens` and `izle.data`. In a source checkout those three folders sit at the top of the
repository, beside this one; extending `__path__` to the repository lets `import izle.tui` find
them there, so the checkout runs and tests exactly what the wheel would install.
"""

from pathlib import Path

__version__ = "0.2.0"

_CHECKOUT = Path(__file__).resolve().parent.parent
if not (Path(__file__).parent / "tui").is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
    __path__.append(str(_CHECKOUT))  # noqa: F821 — a package's own __path__
