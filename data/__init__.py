"""The register and the terminal's own data: plain Python + SQLite, no Textual."""
