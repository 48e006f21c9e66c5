#!/usr/bin/env bash
# Times balun against ngspice on the same RC ladder: whole process, output file included.
#
#   scripts/compare-ngspice.sh [N]        (default N = 10000 sections)
#
# Generates the ladder with scripts/gen-ladder.py (10 ohm / 1 nF per section,
# `.ac dec 50 1 1meg`: 301 points, N+1 nodes), builds balun in release mode, then
# runs each simulator RUNS times (default 5) and prints the median wall-clock time
# of each and the ratio balun/ngspice:
#   balun:   balun run LADDER.net --raw OUT.raw --quiet
#   ngspice: SPICE_ASCIIRAWFILE=1 ngspice -b -r OUT.raw LADDER.net
# Both write an ASCII raw file of the same size, so the comparison is like for like
# (set NGSPICE_BINARY_RAW=1 to let ngspice write its default binary raw file instead).
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

run_balun() { "$balun" run "$net" --raw "$work/balun.raw" --quiet; }
run_ngspice() {
    if [[ -n "${NGSPICE_BINARY_RAW:-}" ]]; then
        ngspice -b -r "$work/ngspice.raw" "$net"
    else
        SPICE_ASCIIRAWFILE=1 ngspice -b -r "$work/ngspice.raw" "$net"
    fi
}

b_times=(); n_times=()
for ((i = 1; i <= runs; i++)); do
    b_times+=("$(time_once run_balun)")
    n_times+=("$(time_once run_ngspice)")
    rm -f "$work/balun.raw" "$work/ngspice.raw"
done
b_med="$(median "${b_times[@]}")"
n_med="$(median "${n_times[@]}")"

# One more run of each to report the output sizes (and catch a run that wrote nothing).
run_balun >/dev/null 2>&1; run_ngspice >/dev/null 2>&1
b_size="$(stat -c %s "$work/balun.raw")"; n_size="$(stat -c %s "$work/ngspice.raw")"

echo "RC ladder, $n sections, .ac dec 50 1 1meg (301 points), median of $runs runs, whole process:"
printf '  balun   %8.3f s   (runs: %s; raw %s bytes)\n' "$b_med" "${b_times[*]}" "$b_size"
printf '  ngspice %8.3f s   (runs: %s; raw %s bytes)\n' "$n_med" "${n_times[*]}" "$n_size"
python3 -c "print(f'  ratio balun/ngspice: {$b_med / $n_med:.2f}x')"
