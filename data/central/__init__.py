"""The central PostgreSQL register and the terminals' way to it (DESIGN §8, docs/central.md).

- `connection`: open a connection from a URL, and say why not without ever printing a password;
- `schema`: the central schema, as forward-only migrations (`izle central init`);
- `load`: `izle central import`, validated by the same importer as `izle import`, loaded by COPY;
- `sync`: `izle sync`, the local SQLite register brought up to date from the centre;
- `audit`: `izle audit push` and `izle audit verify --central`.

psycopg is imported here only, never on the TUI's way to its first screen.
"""
