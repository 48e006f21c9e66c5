#!/usr/bin/env bash
# Regenerates the ngspice reference raw files for the parity tests.
#
# For every tests/parity/NAME.net (tests/parity_ngspice.rs) and every
# tests/tran/NAME.net (tests/parity_tran.rs; not tests/tran/pending/) and every
# tests/noise/NAME.net (tests/parity_noise.rs) and every tests/pspice/NAME.net and
# tests/pspice_tran/NAME.net (PSpice-style models, tests/parity_ngspice.rs and
# tests/parity_tran.rs: those directories' .spiceinit sets ngbehavior=ps for ngspice) this runs
#     SPICE_ASCIIRAWFILE=1 ngspice -b -r NAME.raw NAME.net
# from inside the netlist's directory (so `.include include/...` resolves the
# same way as when balun reads the file), and fails if ngspice reports an error
# or writes no raw file. The .raw files are committed: they are the expected
# data of the parity tests. Use ngspice 39 (the version the references were
# made with; the script warns on any other).
#
# tests/tran/balun is the built-in library as ngspice reads it (for netlists
# saying `.lib balun SECTION`); refresh it first with
#     BALUN_WRITE_LIB=1 cargo test --release --test library committed_library_file_is_current
#
# Usage: scripts/regen-parity.sh [NAME ...]   (default: every netlist)
#   A NAME is looked up in tests/parity, then in tests/tran; write tran/NAME
#   (or parity/NAME, tran/pending/NAME) to choose the directory explicitly.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dirs=(parity tran noise pspice pspice_tran)

if ! command -v ngspice >/dev/null 2>&1; then
    echo "regen-parity: ngspice not found on PATH" >&2
    exit 1
fi
version="$(ngspice --version 2>/dev/null | grep -o 'ngspice-[0-9]*' | head -n1 || true)"
if [[ "$version" != "ngspice-39" ]]; then
    echo "regen-parity: warning: references were made with ngspice-39, this is '${version:-unknown}'" >&2
fi

# Each target is DIR/NAME, DIR being one of ${dirs[*]} under tests/.
targets=()
if [[ $# -gt 0 ]]; then
    for arg in "$@"; do
        if [[ "$arg" == */* ]]; then
            targets+=("$arg")
            continue
        fi
        found=""
        for d in "${dirs[@]}"; do
            if [[ -f "$root/tests/$d/$arg.net" ]]; then found="$d/$arg"; break; fi
        done
        if [[ -z "$found" ]]; then
            echo "regen-parity: no tests/{${dirs[*]// /,}}/$arg.net" >&2
            exit 1
        fi
        targets+=("$found")
    done
else
    for d in "${dirs[@]}"; do
        for f in "$root/tests/$d"/*.net; do
            [[ -e "$f" ]] || continue
            name="$(basename "$f" .net)"
            targets+=("$d/$name")
        done
    done
fi

status=0
for target in "${targets[@]}"; do
    dir="$root/tests/${target%/*}"
    name="${target##*/}"
    net="$name.net"
    raw="$name.raw"
    log="$(mktemp)"
    rm -f "$dir/$raw"
    # ngspice exits 0 even when it rejects a card, so check its log and the raw file.
    if ! (cd "$dir" && SPICE_ASCIIRAWFILE=1 ngspice -b -r "$raw" "$net") >"$log" 2>&1 \
        || grep -Eqi '^(error|.*simulation interrupted|.*singular matrix|.*circuit not parsed|.*timestep too small)' "$log" \
        || [[ ! -s "$dir/$raw" ]]; then
        echo "regen-parity: FAILED ${target}.net" >&2
        sed 's/^/    /' "$log" >&2
        rm -f "$dir/$raw"
        status=1
    else
        echo "regen-parity: ${target}.raw ($(grep -c '^Plotname:' "$dir/$raw") plots)"
    fi
    rm -f "$log"
done
exit $status
