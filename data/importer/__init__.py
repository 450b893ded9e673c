"""`izle import`: load the agency's records (CSV or JSON Lines) into the register.

One file is one transaction (`BEGIN IMMEDIATE ... COMMIT`): a killed import, even `kill -9`,
leaves the register as it was (SQLite's WAL ignores uncommitted frames), and readers such as a
running TUI keep reading the last committed register meanwhile, never blocked.

Every row is validated; a good row is upserted (the same file twice changes nothing, a changed
row updates its record), a bad one is refused and reported with its line in the file (the CSV
header is line 1) and column. A row is the full record: an optional column the file leaves out
or empty is stored empty. Control characters are stripped and reported as a warning.

Messages are English msgids with `{placeholders}`; the CLI translates them. A PIN is never
part of a message.

Speed (DESIGN §6: 1M letters within 3x the sqlite3 shell's `.import`) comes from facts
measured here (benchmarks/bench_import.py):
- binding `None` costs Python's sqlite3 an adapter lookup: empty values are bound as '' and
  turned into NULL by a CASE, and columns that are never empty are bound bare;
- many rows go into one INSERT statement (numbered parameters, the time stamp bound once);
- a bulk load into an empty letters table drops its indexes and rebuilds them once (a sort
  beats a million random B-tree inserts, whose statement journal is costly too), with
  SQLite's sorter set for it: keys in one buffer, sorted in 2 MB runs, a helper thread
  (writing.sorting_in_runs), and the key indexes led by the number (register v5);
- letters take a quick path (cached dates, one dict look-up for unit and executor, C-speed
  `isprintable` for controls; an agency code and a status are one shared str each, which
  marshal sends as references); the cyclic GC is off while millions of tuples come and go;
- on two CPUs, a second process validates most of a big file while this one validates the
  first 22 % and then writes every row (parallel.py).
benchmarks/import_stages.py times each stage alone; RESULTS.md has the figures.

The package, one idea a module: `kinds` (columns, findings), `reading` (files to rows),
`validating` (rows to values), `batches`, `parallel` (the second validating process),
`writing` (upserts), `run` (one file, one transaction).
"""

from izle.data.importer.kinds import KINDS, FileProblem, ImportResult, Problem
from izle.data.importer.reading import Part, split_point
from izle.data.importer.run import import_file
from izle.data.importer.source import Source
from izle.data.importer.validating import _ASCII_KEY, _iso_date

__all__ = ["KINDS", "FileProblem", "ImportResult", "Part", "Problem", "import_file",
           "split_point", "Source", "_ASCII_KEY", "_iso_date"]
