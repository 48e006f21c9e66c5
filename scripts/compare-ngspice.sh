#!/usr/bin/env bash
# Times balun against ngspice on the same RC ladder: whole process, output file included.
#
#   scripts/compare-ngspice.sh [N]        (default N = 10000 sections)
#
# Generates the ladder with scripts/gen-ladder.py (10 ohm / 1 nF per section,
# `.ac dec 50 1 1meg`: 301 points, N+1 nodes), builds balun in release mode, then
# runs each of these RUNS times (default 5), interleaved, and prints the median
# wall-clock time of each and the ratio balun/ngspice per raw format:
#   balun ascii:    balun run LADDER.net --raw OUT.raw --quiet
#   ngspice ascii:  SPICE_ASCIIRAWFILE=1 ngspice -b -r OUT.raw LADDER.net
#   balun binary:   balun run LADDER.net --raw OUT.raw --raw-format binary --quiet
#   ngspice binary: ngspice -b -r OUT.raw LADDER.net        (ngspice's default)
# Each pair writes the same layout and (values aside) the same bytes, so each
# comparison is like for like. FORMATS=ascii or FORMATS=binary runs one pair only.
# Honours CARGO_TARGET_DIR. Needs ngspice and python3 on PATH.
set -euo pipefail

n="${1:-10000}"
runs="${RUNS:-5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
balun="$target/release/balun"

for tool in ngspice python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "compare-ngspice: $tool not found on PATH" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
net="$work/ladder$n.net"
python3 "$root/scripts/gen-ladder.py" "$n" "$net"

echo "compare-ngspice: building balun (release)" >&2
(cd "$root" && cargo build --release --quiet --bin balun)

# Wall-clock seconds of one run of "$@" (stdout and stderr discarded; fails if the command does).
time_once() {
    local start end
    start="$(date +%s.%N)"
    if ! "$@" >/dev/null 2>"$work/stderr"; then
        echo "compare-ngspice: command failed: $*" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    end="$(date +%s.%N)"
    python3 -c "print(f'{$end - $start:.4f}')"
}

median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.4f}")' "$@"; }

formats="${FORMATS:-ascii binary}"

# run NAME FORMAT: one run of balun or ngspice writing FORMAT to $work/NAME-FORMAT.raw.
run() {
    local out="$work/$1-$2.raw"
    case "$1-$2" in
        balun-ascii) "$balun" run "$net" --raw "$out" --quiet ;;
        balun-binary) "$balun" run "$net" --raw "$out" --raw-format binary --quiet ;;
        ngspice-ascii) SPICE_ASCIIRAWFILE=1 ngspice -b -r "$out" "$net" ;;
        ngspice-binary) env -u SPICE_ASCIIRAWFILE ngspice -b -r "$out" "$net" ;;
    esac
}

declare -A times
for ((i = 1; i <= runs; i++)); do
    for f in $formats; do
        for sim in balun ngspice; do
            times[$sim-$f]+="$(time_once run "$sim" "$f") "
            rm -f "$work/$sim-$f.raw"
        done
    done
done

echo "RC ladder, $n sections, .ac dec 50 1 1meg (301 points), median of $runs runs, whole process:"
for f in $formats; do
    for sim in balun ngspice; do
        # One more run to report the output size (and catch a run that wrote nothing).
        run "$sim" "$f" >/dev/null 2>&1
        size="$(stat -c %s "$work/$sim-$f.raw")"
        # shellcheck disable=SC2086
        med="$(median ${times[$sim-$f]})"
        eval "med_${sim}_$f=$med"
        printf '  %-7s %-6s %8.3f s   (runs: %s; raw %s bytes)\n' "$sim" "$f" "$med" "${times[$sim-$f]% }" "$size"
    done
    b="med_balun_$f"; g="med_ngspice_$f"
    python3 -c "print(f'  ratio balun/ngspice ($f): {${!b} / ${!g}:.2f}x')"
done
