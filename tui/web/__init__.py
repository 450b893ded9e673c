"""`izle serve`: the citizen flow in a browser, one `python -m izle` process per connection.

Built on textual-serve (imported only by `izle serve`, so the terminal's path stays light):
`limits` counts sessions, `pages` writes what the browser sees before a session starts,
`server` spawns and ends the per-connection processes.
"""
