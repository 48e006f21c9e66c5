#!/usr/bin/env bash
# Regenerates ngspice's .print tables for tests/print_parity.rs.
#
# ngspice prints .print tables only on stdout and only without a raw file (`-r` makes it skip
# them: ".print line ignored since rawfile was produced"). For every tests/print/NAME.net this
# runs `ngspice -b NAME.net` twice in a scratch copy of tests/print and writes:
# - tests/print/NAME.ngspice: the tables as ngspice printed them (its numbers are `%e` with 6
#   decimals), from the first table's title to the end of the last table, with each table's date
#   replaced by DATE; the test compares balun's `--print-style ngspice` text with it;
# - tests/print/NAME.ngspice15: the same with `set numdgt=15` in a `.spiceinit` (15 decimals),
#   whose values the test compares with balun's at the parity tolerances.
# Use ngspice 39 (the version the references were made with; the script warns on any other).
#
# Usage: scripts/regen-print.sh [NAME ...]   (default: every netlist)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/print"
command -v ngspice >/dev/null 2>&1 || { echo "regen-print: ngspice not found on PATH" >&2; exit 1; }
version="$(ngspice --version 2>/dev/null | grep -o 'ngspice-[0-9]*' | head -n1 || true)"
if [[ "$version" != "ngspice-39" ]]; then
    echo "regen-print: warning: references were made with ngspice-39, this is '${version:-unknown}'" >&2
fi
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
    for f in "$dir"/*.net; do names+=("$(basename "$f" .net)"); done
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# The tables: from the line before the first dated line (the title) to the line before
# "Total analysis time", dates replaced.
tables() {
    sed -E 's/  [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]{4}$/  DATE/' |
        awk '/^Total analysis time/ { exit }
             { line[NR] = $0 }
             /  DATE$/ && !start { start = NR - 1 }
             END { if (start) for (i = start; i <= NR; i++) if (i in line) print line[i] }' |
        sed '/^Total analysis time/,$d'
}
for name in "${names[@]}"; do
    for digits in 6 15; do
        work="$scratch/$digits"
        mkdir -p "$work"
        cp "$dir/$name.net" "$work/"
        rm -f "$work/.spiceinit"
        suffix=""
        if [[ $digits == 15 ]]; then
            echo "set numdgt=15" >"$work/.spiceinit"
            suffix="15"
        fi
        out="$(cd "$work" && ngspice -b "$name.net" 2>/dev/null)" || {
            echo "regen-print: ngspice failed on $name.net" >&2; exit 1; }
        tables <<<"$out" >"$dir/$name.ngspice$suffix"
        if [[ ! -s "$dir/$name.ngspice$suffix" ]]; then
            echo "regen-print: no .print table in ngspice's output for $name.net" >&2; exit 1
        fi
    done
    echo "regen-print: $name.ngspice, $name.ngspice15 ($(grep -c '^Index' "$dir/$name.ngspice") pages)"
done
