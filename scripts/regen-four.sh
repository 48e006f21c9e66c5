#!/usr/bin/env bash
# Regenerates ngspice's .four results for tests/four_parity.rs.
#
# ngspice prints .four tables only on stdout and only without a raw file (`-r` makes it skip
# them: ".fourier line ignored since rawfile was produced"). For every tests/four/NAME.net
# this runs `ngspice -b NAME.net` inside tests/four and writes tests/four/NAME.ngspice: each
# "Fourier analysis for ..." block (heading, summary line, table) as ngspice printed it, with the
# spaces that pad its last column removed, nothing else. Use ngspice 39 (the version the
# references were made with; the script warns on any other).
#
# Usage: scripts/regen-four.sh [NAME ...]   (default: every netlist)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/four"
command -v ngspice >/dev/null 2>&1 || { echo "regen-four: ngspice not found on PATH" >&2; exit 1; }
version="$(ngspice --version 2>/dev/null | grep -o 'ngspice-[0-9]*' | head -n1 || true)"
if [[ "$version" != "ngspice-39" ]]; then
    echo "regen-four: warning: references were made with ngspice-39, this is '${version:-unknown}'" >&2
fi
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
    for f in "$dir"/*.net; do names+=("$(basename "$f" .net)"); done
fi
cd "$dir"
for name in "${names[@]}"; do
    out="$(ngspice -b "$name.net" 2>&1)" || { echo "regen-four: ngspice failed on $name.net" >&2; echo "$out" >&2; exit 1; }
    if grep -q "fatal error" <<<"$out"; then
        echo "regen-four: ngspice crashed on $name.net" >&2; exit 1
    fi
    # A block runs from its heading to the first blank line after its table's rows.
    awk '/^Fourier analysis for /{on=1; rows=0}
         on { sub(/[ \t]+$/, ""); print
              if ($0 ~ /^ [0-9]/) rows=1
              else if (rows && $0 == "") on=0 }' <<<"$out" >"$name.ngspice"
    blocks="$(grep -c '^Fourier analysis for ' "$name.ngspice" || true)"
    [[ "$blocks" -gt 0 ]] || { echo "regen-four: no Fourier table in ngspice's output for $name.net" >&2; exit 1; }
    echo "regen-four: $name.ngspice ($blocks tables)"
done
