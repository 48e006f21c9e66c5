#!/usr/bin/env bash
# balun against ngspice 39 on the full-size netlists of the performance targets (issue 7).
#
#   benches/vs-ngspice.sh            (RUNS=3 by default; ONLY=ac_ladder etc. to run one row)
#
# For each row it generates the netlist (benches/gen_netlists.py), then runs, alternately,
#   balun run NET --raw OUT.raw --raw-format binary -q
#   ngspice -b -r OUT.raw NET
# RUNS times each and prints the median wall time, the median user+system CPU time, the peak
# RSS of each and the ratios ngspice/balun. Both write a binary raw file of the one vector the
# netlist `.save`s, so the output work is the same. The parse row runs `balun check` only
# (ngspice has no parse-only mode). Honours CARGO_TARGET_DIR; needs ngspice, python3 and GNU time.
set -euo pipefail

runs="${RUNS:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
balun="$target/release/balun"
for tool in ngspice python3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { echo "vs-ngspice: $tool not found" >&2; exit 1; }
done
(cd "$root" && cargo build --release --quiet --bin balun)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prints "wall cpu rss_kb" for one run of "$@".
measure() {
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >/dev/null 2>&1
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-12s %9s | %9s %9s %8s | %9s %9s %8s | %7s %7s\n' \
    row size "balun s" "cpu s" "RSS MB" "ngspice s" "cpu s" "RSS MB" "wall x" "cpu x"
rows=("ac_ladder 100000" "coupled 20000" "tran_ladder 10000" "parse 1000000" "opamp_tran 1")
for row in "${rows[@]}"; do
    read -r kind n <<<"$row"
    [[ -n "${ONLY:-}" && "$ONLY" != "$kind" ]] && continue
    net="$work/$kind.net"
    python3 "$root/benches/gen_netlists.py" "$kind" "$n" "$net"
    : >"$work/b" ; : >"$work/n"
    for _ in $(seq "$runs"); do
        if [[ "$kind" == parse ]]; then
            measure "$balun" check "$net" -q >>"$work/b"
        else
            measure "$balun" run "$net" --raw "$work/b.raw" --raw-format binary -q >>"$work/b"
            measure ngspice -b -r "$work/n.raw" "$net" >>"$work/n"
        fi
    done
    bw=$(cut -d' ' -f1 "$work/b" | median); bc=$(cut -d' ' -f2 "$work/b" | median)
    bm=$(cut -d' ' -f3 "$work/b" | median)
    if [[ -s "$work/n" ]]; then
        nw=$(cut -d' ' -f1 "$work/n" | median); nc=$(cut -d' ' -f2 "$work/n" | median)
        nm=$(cut -d' ' -f3 "$work/n" | median)
        printf '%-12s %9s | %9s %9s %8d | %9s %9s %8d | %7.1f %7.1f\n' "$kind" "$n" \
            "$bw" "$bc" $((bm / 1024)) "$nw" "$nc" $((nm / 1024)) \
            "$(echo "$nw / $bw" | bc -l)" "$(echo "$nc / $bc" | bc -l)"
    else
        printf '%-12s %9s | %9s %9s %8d | %9s %9s %8s | %7s %7s\n' "$kind" "$n" \
            "$bw" "$bc" $((bm / 1024)) - - - - -
    fi
done
