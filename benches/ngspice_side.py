#!/usr/bin/env python3
"""ngspice's side of the Monte Carlo and RF rows of benches/vs-ngspice.sh.

    benches/ngspice_side.py mc-write MC_NET DIR RUNS    one netlist per run in DIR
    benches/ngspice_side.py mc-summary DIR              CMRR statistics of the runs' logs
    benches/ngspice_side.py rfi-net RFI_NET F VPK OUT   brute-force transient netlist
    benches/ngspice_side.py rfi-shift OUT.txt F         the transient's DC shift of v(out)

Monte Carlo: ngspice 39 has no tolerances on R cards and computes one circuit per run, so each
run is its own netlist and its own process (as a user scripting ngspice would do it). The netlist
is `mc_receiver` of gen_netlists.py with every `tol=1%` resistor drawn as balun draws it by
default (gauss, tol = 3 sigma; Python's own generator, so the runs are other samples of the same
distribution) and its receiver instantiated twice, once driven differentially (hot +1/2, cold
-1/2) and once in common mode (both +1), each AC analysis printing both outputs;
CMRR = |v(outd)| / |v(outc)| at 50 Hz, 1 kHz and 10 kHz.

RF: the receiver of `rfi_receiver` with a differential carrier of VPK peak at F on its line
sources (`vh`, `vc`), the transient tests/rfi.rs compares balun's perturbation with: 40 carrier
periods at period/256 with reltol=1e-6 vntol=1e-9 abstol=1e-15, v(out) averaged over the last
10 periods (trapezoidal rule on the points ngspice writes with `wrdata` beside the netlist)
minus its value at t = 0 (the operating point), as tests/rfi.rs does with balun's transient.
"""

import math
import random
import re
import statistics
import sys
from pathlib import Path

FREQS = ("50", "1k", "10k")


def mc_write(net: Path, out: Path, runs: int) -> None:
    lines = net.read_text().splitlines()
    sub_start = next(i for i, l in enumerate(lines) if l.lower().startswith(".subckt"))
    sub_end = next(i for i, l in enumerate(lines) if l.lower().startswith(".ends")) + 1
    opamp = lines[sub_start:sub_end]
    models = [l for l in lines[sub_end:] if l.startswith((".model", "+"))]
    body = [l for l in lines[sub_end:] if re.match(r"(r|c|v|x)\w* ", l, re.I)]
    rng = random.Random(1)
    out.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        rx = [".subckt rx hot cold out"]
        for l in body:
            f = l.split()
            if f[0].lower() in ("vh", "vc"):
                continue
            if "tol=1%" in f:
                value = float(f[3].replace("k", "e3"))
                value *= 1 + 0.01 / 3 * rng.gauss(0, 1)
                rx.append(f"{f[0]} {f[1]} {f[2]} {value!r}")
            else:
                rx.append(l)
        rx.append(".ends rx")
        text = [
            f"mc run {run}",
            *opamp,
            *models,
            *rx,
            "vhd hd 0 dc 0.05 ac 0.5",
            "vcd cd 0 dc -0.05 ac -0.5",
            "xd hd cd outd rx",
            "vhc hc 0 dc 0.05 ac 1",
            "vcc2 cc 0 dc -0.05 ac 1",
            "xc hc cc outc rx",
            ".control",
            *(f"ac lin 1 {f} {f}\nprint mag(v(outd)) mag(v(outc))" for f in FREQS),
            ".endc",
            ".end",
        ]
        (out / f"run{run:04}.net").write_text("\n".join(text) + "\n")


def mc_summary(out: Path) -> None:
    cmrr = {f: [] for f in FREQS}
    for log in sorted(out.glob("run*.log")):
        text = log.read_text()
        dms = re.findall(r"^mag\(v\(outd\)\) = (\S+)", text, re.M)
        cms = re.findall(r"^mag\(v\(outc\)\) = (\S+)", text, re.M)
        for f, dm, cm in zip(FREQS, dms, cms):
            cmrr[f].append(20 * math.log10(float(dm) / float(cm)))
    for f, v in cmrr.items():
        print(f"{f:>4} Hz: {len(v)} runs, CMRR median {statistics.median(v):.2f} dB, "
              f"mean {statistics.mean(v):.2f} dB, sd {statistics.stdev(v):.2f} dB")


def rfi_net(net: Path, f: float, vpk: float, out: Path) -> None:
    period = 1 / f
    text = []
    for l in net.read_text().splitlines():
        name = l.split()[0].lower() if l.split() else ""
        if name == "vh":
            l = f"vh hot 0 dc 0 sin(0 {vpk / 2} {f})"
        elif name == "vc":
            l = f"vc cold 0 dc 0 sin(0 {-vpk / 2} {f})"
        elif name in (".cmrr", ".op", ".end"):
            continue
        text.append(l)
    text += [
        ".options reltol=1e-6 vntol=1e-9 abstol=1e-15",
        ".control",
        f"tran {period / 256} {40 * period} 0 {period / 256}",
        f"wrdata {out.with_suffix('.txt')} v(out)",
        ".endc",
        ".end",
    ]
    out.write_text("\n".join(text) + "\n")


def rfi_shift(data: Path, f: float) -> None:
    rows = [tuple(map(float, l.split())) for l in data.read_text().splitlines() if l.strip()]
    t, v = [r[0] for r in rows], [r[1] for r in rows]
    t0, t1 = 30 / f, 40 / f
    area = 0.0
    for i in range(1, len(t)):
        if t[i] <= t0:
            continue
        ta, va = t[i - 1], v[i - 1]
        if ta < t0:
            w = (t0 - ta) / (t[i] - ta)
            ta, va = t0, va + w * (v[i] - va)
        area += 0.5 * (va + v[i]) * (t[i] - ta)
    print(f"{area / (t1 - t0) - v[0]:.4e}")


def main() -> None:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "mc-write":
        mc_write(Path(args[0]), Path(args[1]), int(args[2]))
    elif cmd == "mc-summary":
        mc_summary(Path(args[0]))
    elif cmd == "rfi-net":
        rfi_net(Path(args[0]), float(args[1]), float(args[2]), Path(args[3]))
    elif cmd == "rfi-shift":
        rfi_shift(Path(args[0]), float(args[1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
