#!/usr/bin/env bash
# balun against ngspice 39 on the full-size netlists of the performance targets (issues 7, 17).
#
#   benches/vs-ngspice.sh            (RUNS=3 by default; ONLY=ac_ladder etc. to run one row)
#
# For each row it generates the netlist (benches/gen_netlists.py), then runs, alternately,
#   balun run NET --raw OUT.raw --raw-format binary -q
#   ngspice -b -r OUT.raw NET
# RUNS times each and prints the median wall time, the median user+system CPU time, the peak
# RSS of each and the ratios ngspice/balun. Both write a binary raw file of the one vector the
# netlist `.save`s, so the output work is the same. The parse row runs `balun check` only
# (ngspice has no parse-only mode). Rows that are not one `run` on each side:
#   floor        ../shared/bench/floor_rc_ladder_ac.c (gcc -O3 -fcx-limited-range), the
#                hand-written single-core floor of the ac_ladder row, in the balun columns
#   mc_receiver  balun cmrr NET --freq 50,1k,10k --mc MC_RUNS (default 1000) against one ngspice
#                process per run (benches/ngspice_side.py writes the netlists, untimed); both
#                sides' CMRR statistics are printed after the table
#   rfi_receiver balun rfi NET --freq 10meg --mode dm --level 0.02 against ngspice's brute-force
#                transient of the same carrier (40 periods); both DC shifts printed after the table
# Honours CARGO_TARGET_DIR; needs ngspice, python3, gcc and GNU time.
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

# Prints "wall cpu rss_kb" for one run of "$@" (whatever its exit status: ngspice -b exits with
# 1 after a .control block's analyses).
measure() {
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$work/time" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}

# a / b, with times under the 0.01 s resolution of GNU time counted as 0.01 s.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / (b < 0.01 ? 0.01 : b) }'; }

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-12s %9s | %9s %9s %8s | %9s %9s %8s | %7s %7s\n' \
    row size "balun s" "cpu s" "RSS MB" "ngspice s" "cpu s" "RSS MB" "wall x" "cpu x"
mc_runs="${MC_RUNS:-1000}"
notes="$work/notes"
: >"$notes"
rows=("ac_ladder 100000" "floor 100000" "coupled 20000" "tran_ladder 10000" "parse 1000000"
    "opamp_tran 1" "receiver_tran 1" "mm_classic_tran 1" "mm_modern_tran 1"
    "mc_receiver $mc_runs" "rfi_receiver 1")
for row in "${rows[@]}"; do
    read -r kind n <<<"$row"
    [[ -n "${ONLY:-}" && "$ONLY" != "$kind" ]] && continue
    net="$work/$kind.net"
    [[ "$kind" != floor ]] && python3 "$root/benches/gen_netlists.py" "$kind" "$n" "$net"
    : >"$work/b" ; : >"$work/n"
    case "$kind" in
        floor)
            gcc -O3 -fcx-limited-range -o "$work/floor" "$root/../shared/bench/floor_rc_ladder_ac.c" -lm ;;
        mc_receiver)
            python3 "$root/benches/ngspice_side.py" mc-write "$net" "$work/mc" "$n"
            printf 'for f in %s/mc/run*.net; do ngspice -b "$f" >"${f%%.net}.log" 2>&1; done\n' \
                "$work" >"$work/mc.sh" ;;
        rfi_receiver)
            python3 "$root/benches/ngspice_side.py" rfi-net "$net" 10e6 0.02 "$work/rfi_ng.net" ;;
    esac
    for _ in $(seq "$runs"); do
        case "$kind" in
            parse) measure "$balun" check "$net" -q >>"$work/b" ;;
            floor) measure "$work/floor" "$n" >>"$work/b" ;;
            mc_receiver)
                measure "$balun" cmrr "$net" --freq 50,1k,10k --mc "$n" >>"$work/b"
                measure bash "$work/mc.sh" >>"$work/n" ;;
            rfi_receiver)
                measure "$balun" rfi "$net" --freq 10meg --mode dm --level 0.02 >>"$work/b"
                measure ngspice -b "$work/rfi_ng.net" >>"$work/n" ;;
            *)
                measure "$balun" run "$net" --raw "$work/b.raw" --raw-format binary -q >>"$work/b"
                measure ngspice -b -r "$work/n.raw" "$net" >>"$work/n" ;;
        esac
    done
    case "$kind" in
        mc_receiver)
            { echo "mc_receiver, balun:"
              "$balun" cmrr "$net" --freq 50,1k,10k --mc "$n" | sed -n '/^frequency/,/^10 kHz/p'
              echo "mc_receiver, ngspice ($n processes):"
              python3 "$root/benches/ngspice_side.py" mc-summary "$work/mc"; } >>"$notes" ;;
        rfi_receiver)
            { printf 'rfi_receiver at 10 MHz, 20 mVp differential: DC shift of v(out) balun %s V' \
                  "$("$balun" rfi "$net" --freq 10meg --mode dm --level 0.02 |
                      awk '$1 == "10" && $2 == "MHz" { print $3 }')"
              printf ', ngspice transient %s V\n' \
                  "$(python3 "$root/benches/ngspice_side.py" rfi-shift "$work/rfi_ng.txt" 10e6)"
            } >>"$notes" ;;
    esac
    bw=$(cut -d' ' -f1 "$work/b" | median); bc=$(cut -d' ' -f2 "$work/b" | median)
    bm=$(cut -d' ' -f3 "$work/b" | median)
    if [[ -s "$work/n" ]]; then
        nw=$(cut -d' ' -f1 "$work/n" | median); nc=$(cut -d' ' -f2 "$work/n" | median)
        nm=$(cut -d' ' -f3 "$work/n" | median)
        printf '%-12s %9s | %9s %9s %8d | %9s %9s %8d | %7.1f %7.1f\n' "$kind" "$n" \
            "$bw" "$bc" $((bm / 1024)) "$nw" "$nc" $((nm / 1024)) \
            "$(ratio "$nw" "$bw")" "$(ratio "$nc" "$bc")"
    else
        printf '%-12s %9s | %9s %9s %8d | %9s %9s %8s | %7s %7s\n' "$kind" "$n" \
            "$bw" "$bc" $((bm / 1024)) - - - - -
    fi
done
cat "$notes"
