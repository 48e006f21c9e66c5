#!/usr/bin/env python3
"""Writes the multiconductor-line (P element) test netlists in tests/mtl and runs ngspice on
the lumped references.

    scripts/gen-mtl-refs.py          (needs ngspice 39 on PATH; run from anywhere)

One 3-conductor line (per-unit-length matrices below, mutual L and C, series losses with a
common-return term R0, shunt conductance) between the same terminations, written twice:

- `exact_ac.net`, `tran_p.net`: balun's `P` element with a `CPL` model (balun runs these in
  tests/mtl.rs);
- `ladder_nN.net` (AC, N = 10, 40, 160) and `tran_ladder_n20.net`: the same line as a lumped pi
  ladder of N sections built from ngspice primitives: per section and conductor a 0 V ammeter,
  the inductor L_kk*len/N (K elements between conductors, k = L_kj/sqrt(L_kk L_jj)), H sources
  R_kj*len/N * i_j for the coupled resistance, the resistor R_kk*len/N; shunt C and G per
  section from the matrices (to ground: the row sums; between conductors: -C_kj, -G_kj), half of
  a section's shunt at each end. ngspice writes `ladder_nN.raw`, `tran_ladder_n20.raw` (ASCII).

`cpl_open_op.net` (written by hand, a conductor left open at both ends) is run by ngspice as it
is: tests/mtl.rs compares balun's operating point with `cpl_open_op.raw`.

tests/mtl.rs checks balun's exact `.ac` solution against the ladders (error falling as 1/N^2)
and balun's `.tran` ladder (`sections=20`) against ngspice's.
"""

import os
import subprocess
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "mtl")

N = 3
L = [[0.6e-6, 0.2e-6, 0.1e-6], [0.2e-6, 0.6e-6, 0.2e-6], [0.1e-6, 0.2e-6, 0.6e-6]]
C = [[80e-12, -20e-12, -5e-12], [-20e-12, 80e-12, -20e-12], [-5e-12, -20e-12, 80e-12]]
R = [[0.07, 0.02, 0.02], [0.02, 0.07, 0.02], [0.02, 0.02, 0.07]]
G = [[2e-6, -0.5e-6, 0.0], [-0.5e-6, 2e-6, -0.5e-6], [0.0, -0.5e-6, 2e-6]]
AC_LEN = 10.0
TRAN_LEN = 2.0


def tri(m):
    return " ".join(f"{m[i][j]:g}" for i in range(N) for j in range(i, N))


def terminations(drive):
    """Conductor 1 driven through 50 ohm, 2 and 3 loaded at the near end; all loaded far."""
    return [
        "* terminations",
        f"v1 in 0 {drive}",
        "rs in a1 50",
        "rn2 a2 0 100",
        "rn3 a3 0 1k",
        "rf1 b1 0 200",
        "rf2 b2 0 100",
        "rf3 b3 0 1k",
    ]


AC = ["dc 0 ac 1", ".ac dec 4 10k 10meg"]
TRAN = ["dc 0 pulse(0 1 1n 1n 1n 1 2)", ".tran 0.05n 60n 0 0.05n"]


def p_netlist(title, length, sections, kind):
    drive, analysis = kind
    sec = f" sections={sections}" if sections else ""
    return "\n".join(
        [title]
        + terminations(drive)
        + [
            f"p1 a1 a2 a3 0 b1 b2 b3 0 cable len={length}{sec}",
            ".model cable cpl",
            f"+ r={tri(R)}",
            f"+ l={tri(L)}",
            f"+ g={tri(G)}",
            f"+ c={tri(C)}",
            analysis,
            ".end",
            "",
        ]
    )


def ladder_netlist(title, length, n, kind):
    drive, analysis = kind
    out = [title] + terminations(drive)
    d = length / n

    def x(s, k):
        if s == 0:
            return f"a{k + 1}"
        if s == n:
            return f"b{k + 1}"
        return f"x{k + 1}_{s}"

    for s in range(n):
        for k in range(N):
            out.append(f"vam{k + 1}_{s} {x(s, k)} p{k + 1}_{s} 0")
            out.append(f"l{k + 1}_{s} p{k + 1}_{s} q{k + 1}_{s} {L[k][k] * d:.15g}")
            tail = f"q{k + 1}_{s}"
            for j in range(N):
                if j != k and R[k][j] != 0.0:
                    nxt = f"h{k + 1}{j + 1}_{s}"
                    out.append(f"h{k + 1}{j + 1}_{s} {tail} {nxt} vam{j + 1}_{s} {R[k][j] * d:.15g}")
                    tail = nxt
            out.append(f"r{k + 1}_{s} {tail} {x(s + 1, k)} {R[k][k] * d:.15g}")
        for k in range(N):
            for j in range(k + 1, N):
                kk = L[k][j] / (L[k][k] * L[j][j]) ** 0.5
                out.append(f"k{k + 1}{j + 1}_{s} l{k + 1}_{s} l{j + 1}_{s} {kk:.15g}")
    for s in range(n + 1):
        w = 0.5 if s in (0, n) else 1.0
        for k in range(N):
            cg = w * d * sum(C[k])
            gg = w * d * sum(G[k])
            out.append(f"cg{k + 1}_{s} {x(s, k)} 0 {cg:.15g}")
            if gg != 0.0:
                out.append(f"rg{k + 1}_{s} {x(s, k)} 0 {1.0 / gg:.15g}")
            for j in range(k + 1, N):
                cm = -w * d * C[k][j]
                gm = -w * d * G[k][j]
                if cm != 0.0:
                    out.append(f"cm{k + 1}{j + 1}_{s} {x(s, k)} {x(s, j)} {cm:.15g}")
                if gm != 0.0:
                    out.append(f"rm{k + 1}{j + 1}_{s} {x(s, k)} {x(s, j)} {1.0 / gm:.15g}")
    # Only the terminal voltages are compared: save those (and keep the raw files small).
    out += [".save v(a1) v(a2) v(a3) v(b1) v(b2) v(b3)", analysis, ".end", ""]
    return "\n".join(out)


def write(name, text):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(text)


def ngspice(name):
    env = dict(os.environ, SPICE_ASCIIRAWFILE="1")
    raw = name.replace(".net", ".raw")
    r = subprocess.run(["ngspice", "-b", "-r", raw, name], cwd=HERE, env=env, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(os.path.join(HERE, raw)):
        sys.exit(f"ngspice failed on {name}:\n{r.stdout}\n{r.stderr}")


def main():
    os.makedirs(HERE, exist_ok=True)
    write("exact_ac.net", p_netlist("3-conductor line, 10 m, exact AC (P element)", AC_LEN, None, AC))
    write("tran_p.net", p_netlist("3-conductor line, 2 m, step response (P element, 20 sections)", TRAN_LEN, 20, TRAN))
    for n in (10, 40, 160):
        name = f"ladder_n{n}.net"
        write(name, ladder_netlist(f"3-conductor line, 10 m, pi ladder of {n} sections", AC_LEN, n, AC))
        ngspice(name)
    write("tran_ladder_n20.net", ladder_netlist("3-conductor line, 2 m, pi ladder of 20 sections, step", TRAN_LEN, 20, TRAN))
    ngspice("tran_ladder_n20.net")
    # Written by hand (not by this script): a DC case of the P element itself.
    ngspice("cpl_open_op.net")


if __name__ == "__main__":
    main()
