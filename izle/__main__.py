"""`python -m izle`: the same as the `izle` command."""

from izle.tui.cli import main

main()
