from izle.tui.cli import main

main()
