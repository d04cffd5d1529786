#!/bin/sh
# tests/static/tidy-one.sh FILE... -- clang-tidy over FILEs with the build's flags (xargs runs it).
# CHECKS and FLAGS come from the environment (tests/static/run.sh).
exec clang-tidy -quiet --checks="$CHECKS" --warnings-as-errors='*' "$@" -- $FLAGS
