#!/usr/bin/env bash
# Regenerates the ngspice reference data of the MOSFET level-2 and level-3 drain-current unit
# tests (crates/solver/src/devices/mos2.rs and mos3.rs): runs ngspice 39 on mos2_dc.cir,
# mos3_dc.cir and mos23_pmos_dc.cir and writes their ASCII raw files beside them (committed:
# the unit tests read them with include_str!, so they run without ngspice).
#
# Usage: crates/solver/tests/data/regen-mos23.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v ngspice >/dev/null 2>&1 || { echo "regen-mos23: ngspice not found on PATH" >&2; exit 1; }
version="$(ngspice --version 2>/dev/null | grep -o 'ngspice-[0-9]*' | head -n1 || true)"
[[ "$version" == "ngspice-39" ]] || echo "regen-mos23: warning: the data were made with ngspice-39, this is '${version:-unknown}'" >&2
cd "$here"
for name in mos2_dc mos3_dc mos23_pmos_dc; do
    log="$(mktemp)"
    if ! SPICE_ASCIIRAWFILE=1 ngspice -b -r "$name.raw" "$name.cir" >"$log" 2>&1 || grep -qi error "$log"; then
        cat "$log" >&2
        rm -f "$log"
        echo "regen-mos23: ngspice failed on $name.cir" >&2
        exit 1
    fi
    rm -f "$log"
    # The Date line changes on every run; keep the committed file stable.
    sed -i 's/^Date: .*/Date: (regen-mos23.sh)/' "$name.raw"
    echo "wrote $here/$name.raw"
done
