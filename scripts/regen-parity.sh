#!/usr/bin/env bash
# Regenerates the ngspice reference raw files for the parity tests.
#
# For every tests/parity/NAME.net this runs
#     SPICE_ASCIIRAWFILE=1 ngspice -b -r NAME.raw NAME.net
# from inside tests/parity (so `.include include/...` resolves the same way as
# when balun reads the file), and fails if ngspice reports an error or writes
# no raw file. The .raw files are committed: they are the expected data of
# tests/parity_ngspice.rs. Use ngspice 39 (the version the references were made
# with; the script warns on any other).
#
# Usage: scripts/regen-parity.sh [NAME ...]   (default: every netlist)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/parity"
cd "$dir"

if ! command -v ngspice >/dev/null 2>&1; then
    echo "regen-parity: ngspice not found on PATH" >&2
    exit 1
fi
version="$(ngspice --version 2>/dev/null | grep -o 'ngspice-[0-9]*' | head -n1 || true)"
if [[ "$version" != "ngspice-39" ]]; then
    echo "regen-parity: warning: references were made with ngspice-39, this is '${version:-unknown}'" >&2
fi

if [[ $# -gt 0 ]]; then
    names=("$@")
else
    names=()
    for f in *.net; do names+=("${f%.net}"); done
fi

status=0
for name in "${names[@]}"; do
    net="$name.net"
    raw="$name.raw"
    log="$(mktemp)"
    rm -f "$raw"
    # ngspice exits 0 even when it rejects a card, so check its log and the raw file.
    if ! SPICE_ASCIIRAWFILE=1 ngspice -b -r "$raw" "$net" >"$log" 2>&1 \
        || grep -Eqi '^(error|.*simulation interrupted|.*singular matrix|.*circuit not parsed)' "$log" \
        || [[ ! -s "$raw" ]]; then
        echo "regen-parity: FAILED $net" >&2
        sed 's/^/    /' "$log" >&2
        rm -f "$raw"
        status=1
    else
        echo "regen-parity: $raw ($(grep -c '^Plotname:' "$raw") plots)"
    fi
    rm -f "$log"
done
exit $status
