#!/usr/bin/env python3
"""Writes the full-size netlists of the performance targets (issue 7), for benches/vs-ngspice.sh.

    benches/gen_netlists.py KIND N OUT.net

KIND:
  ac_ladder   RC ladder, N sections of 10 ohm / 1 nF, `.ac dec 50 1 1meg`, `.save` of the far end
  tran_ladder RC ladder, N sections, PULSE input, `.tran 10n 100u`, `.save` of the far end
  coupled     3-conductor coupled line, N sections: R + L per conductor, K between all three
              (the a-b and b-c couplings alternate per section, as a twist would), C between all
              and to ground, `.ac dec 20 10 100k`, `.save` of the middle conductor's far end
  parse       N elements (an R-C chain) and `.op`, for `balun check` (parse + elaborate only)
  opamp_tran  N copies (N = 1 for the row) of the 21-transistor 741-style op-amp of
              tests/tran/bjt_opamp_tran.net, each an inverting amplifier (gain -10) driven by the
              same 1 kHz sine, `.tran` of 20 ms (issue 14's transistor-level transient row)
  receiver_tran
              that 741-style op-amp (21 transistors) as the balanced receiver of
              tests/macromodels/receiver.inc (4 resistors, 2 V 1 kHz on each leg), `.tran` of 20 ms
  mm_classic_tran, mm_modern_tran
              the same receiver around the classic (c1_boyle_npn: Q pair, POLY sources, diodes) and
              the modern (m1_value_tanh: VALUE sources) macromodels of tests/macromodels, `.tran`
              of 20 ms at the 0.5 us step their parity tests use
  mc_receiver the 741 receiver with 1% resistors (`tol=1%`) and a `.cmrr` card, for
              `balun cmrr --mc 1000` (benches/mc_ngspice.py writes ngspice's 1000 netlists)
  rfi_receiver
              the discrete BJT-input receiver of netlists/rf_bjt_receiver.net, for `balun rfi` at
              10 MHz (benches/rfi_ngspice.py writes ngspice's brute-force transient)
Every netlist is plain SPICE that ngspice 39 reads as it is.
"""

import re
import sys
from pathlib import Path


def rc_ladder(n: int, source: str, analysis: str) -> list[str]:
    lines = [f"RC ladder, {n} sections of 10 ohm / 1 nF", f"V1 in 0 {source}"]
    prev = "in"
    for i in range(1, n + 1):
        lines += [f"R{i} {prev} n{i} 10", f"C{i} n{i} 0 1n"]
        prev = f"n{i}"
    return lines + [f".save v(n{n})", analysis]


def coupled(n: int) -> list[str]:
    lines = [f"3-conductor coupled ladder, {n} sections", "V1 a0 0 AC 1", "Rs2 b0 0 50", "Rs3 c0 0 50"]
    for i in range(1, n + 1):
        for c in "abc":
            lines += [f"R{c}{i} {c}{i - 1} {c}m{i} 0.01", f"L{c}{i} {c}m{i} {c}{i} 0.5u"]
        k_ab, k_bc = (0.6, 0.3) if i % 2 else (0.3, 0.6)
        lines += [
            f"Kab{i} La{i} Lb{i} {k_ab}",
            f"Kbc{i} Lb{i} Lc{i} {k_bc}",
            f"Kac{i} La{i} Lc{i} 0.2",
            f"Cab{i} a{i} b{i} 20p",
            f"Cbc{i} b{i} c{i} 20p",
            f"Cac{i} a{i} c{i} 10p",
        ]
        lines += [f"C{c}g{i} {c}{i} 0 30p" for c in "abc"]
    return lines + [f"Rl{c} {c}{n} 0 100" for c in "abc"] + [f".save v(b{n})", ".ac dec 20 10 100k"]


def parse(n: int) -> list[str]:
    lines = [f"{n} elements", "V1 n0 0 1"]
    half = max(1, (n - 2) // 2)
    for i in range(1, half + 1):
        lines += [f"R{i} n{i - 1} n{i} 1", f"C{i} n{i} 0 1p"]
    return lines + [f"Rend n{half} 0 1", ".op"]


def opamp_tran(n: int) -> list[str]:
    text = (ROOT / "tests/tran/bjt_opamp_tran.net").read_text()
    lines = [l for l in text.splitlines() if not re.match(r"\s*\.end\s*$", l, re.I)]
    if n == 1:
        return lines
    sys.exit("opamp_tran: only N = 1 is generated")


ROOT = Path(__file__).resolve().parent.parent


def opamp_741() -> list[str]:
    """The ua741 subcircuit and its models from tests/tran/bjt_opamp_tran.net."""
    lines = (ROOT / "tests/tran/bjt_opamp_tran.net").read_text().splitlines()
    start = next(i for i, l in enumerate(lines) if l.lower().startswith(".subckt"))
    end = next(i for i, l in enumerate(lines) if l.lower().startswith("vcc"))
    return lines[start:end]


def receiver(opamp: list[str], model: str, analysis: str, tol: str = "") -> list[str]:
    """tests/macromodels/receiver.inc around `model` (its lines in `opamp`), inlined."""
    inc = (ROOT / "tests/macromodels/receiver.inc").read_text().splitlines()
    body = [l for l in inc if not l.startswith("*")]
    if tol:
        body = [f"{l} tol={tol}" if re.match(r"r[1-4] ", l) else l for l in body]
    return [f"receiver around {model}", *opamp, *body, f"x1 inp inn vp vn out {model}",
            ".save v(out)", analysis]


def macromodel(name: str) -> list[str]:
    text = (ROOT / f"tests/macromodels/{name}.lib").read_text().splitlines()
    return [l for l in text if not re.match(r"\s*\.end\s*$", l, re.I)]


def rfi_receiver() -> list[str]:
    text = (ROOT / "netlists/rf_bjt_receiver.net").read_text().splitlines()
    return [l for l in text if not re.match(r"\s*\.end\s*$", l, re.I)]


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    makers = {
        "ac_ladder": lambda: rc_ladder(n, "AC 1", ".ac dec 50 1 1meg"),
        "tran_ladder": lambda: rc_ladder(n, "PULSE(0 1 0 1n 1n 10u 20u)", ".tran 10n 100u"),
        "coupled": lambda: coupled(n),
        "parse": lambda: parse(n),
        "opamp_tran": lambda: opamp_tran(n),
        "receiver_tran": lambda: receiver(opamp_741(), "ua741", ".tran 10u 20m 0 10u"),
        "mm_classic_tran": lambda: receiver(macromodel("c1_boyle_npn"), "c1_boyle_npn", ".tran 0.5u 20m"),
        "mm_modern_tran": lambda: receiver(macromodel("m1_value_tanh"), "m1_value_tanh", ".tran 0.5u 20m"),
        "mc_receiver": lambda: receiver(opamp_741(), "ua741", ".cmrr out vh vc\n.op", tol="1%"),
        "rfi_receiver": rfi_receiver,
    }
    if kind not in makers:
        sys.exit(f"unknown kind '{kind}'; expected one of {', '.join(makers)}")
    with open(out, "w") as f:
        f.write("\n".join(makers[kind]() + [".end", ""]))


if __name__ == "__main__":
    main()
