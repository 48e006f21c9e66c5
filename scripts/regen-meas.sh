#!/usr/bin/env bash
# Regenerates ngspice's .meas results for tests/meas_parity.rs.
#
# For every tests/meas/NAME.net this runs `ngspice -b NAME.net` inside tests/meas and
# writes tests/meas/NAME.ngspice: ngspice's result lines (`name = value ...`) and its
# failure lines (` .meas ... failed!`), nothing else. Use ngspice 39 (the version the
# references were made with; the script warns on any other).
#
# Usage: scripts/regen-meas.sh [NAME ...]   (default: every netlist)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/meas"
command -v ngspice >/dev/null 2>&1 || { echo "regen-meas: ngspice not found on PATH" >&2; exit 1; }
version="$(ngspice --version 2>/dev/null | grep -o 'ngspice-[0-9]*' | head -n1 || true)"
if [[ "$version" != "ngspice-39" ]]; then
    echo "regen-meas: warning: references were made with ngspice-39, this is '${version:-unknown}'" >&2
fi
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
    for f in "$dir"/*.net; do names+=("$(basename "$f" .net)"); done
fi
cd "$dir"
for name in "${names[@]}"; do
    out="$(ngspice -b "$name.net" 2>&1)" || { echo "regen-meas: ngspice failed on $name.net" >&2; echo "$out" >&2; exit 1; }
    if grep -q "fatal error" <<<"$out"; then
        echo "regen-meas: ngspice crashed on $name.net" >&2; exit 1
    fi
    grep -E '^[a-z0-9_]+ +=|^ \.meas.* failed!$' <<<"$out" >"$name.ngspice"
    echo "regen-meas: $name.ngspice ($(wc -l <"$name.ngspice") lines)"
done
