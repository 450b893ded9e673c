#!/usr/bin/env bash
# Re-extract every message from the code, merge into the az/ru/en catalogs, compile them.
# Run from anywhere; needs Babel (`pip install '.[test]'`). Then fill the new msgstr in each .po.
set -euo pipefail
cd "$(dirname "$0")/../.."
pybabel extract -F babel.cfg -k N_ -k NP_:1,2 -k ngettext:1,2 --no-location --omit-header --sort-output \
    -o data/locale/izle.pot . >/dev/null
pybabel update -i data/locale/izle.pot -d data/locale -D izle --no-fuzzy-matching --ignore-obsolete >/dev/null
pybabel compile -d data/locale -D izle --statistics
