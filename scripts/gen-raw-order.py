#!/usr/bin/env python3
"""Regenerates tests/raw_order/: the order in which ngspice 39 writes the plots of one run.

For every ordered selection of the analyses .op, .dc, .ac, .tran and .noise (325 netlists, each
analysis at most once, in every netlist order) and for a few netlists with several cards of one
kind, this runs `ngspice -b -r OUT.raw` on the RC circuit below and records the `Plotname:`
lines of the raw file, in order, in tests/raw_order/orders.txt:

    ac,op => AC Analysis|Operating Point

tests/raw_order.rs runs balun on the same netlists and expects the same sequences. It also
writes tests/raw_order/all.net with ngspice's ASCII and binary raw files of it (all.raw,
all.bin), whose headers tests/raw_order.rs compares with balun's byte by byte.

Usage: scripts/gen-raw-order.py   (needs ngspice 39 on PATH)
"""
import itertools
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "raw_order")

# The circuit and one card per analysis kind; tests/raw_order.rs has the same text.
CIRCUIT = "v1 in 0 dc 1 ac 1 sin(0 1 1k)\nr1 in out 1k\nc1 out 0 1u\n"
CARDS = {
    "op": ".op",
    "dc": ".dc v1 0 1 0.5",
    "ac": ".ac dec 2 10 1k",
    "tran": ".tran 0.1m 1m",
    "noise": ".noise v(out) v1 dec 2 10 1k",
    # second cards of a kind, told apart by their number of points
    "dc2": ".dc v1 0 2 0.5",
    "ac2": ".ac lin 3 10 1k",
    "tran2": ".tran 0.1m 1m 0.5m",
    "noise2": ".noise v(out) v1 lin 3 10 1k",
}
EXTRA = [
    ["ac2", "ac"],
    ["ac", "ac2", "op", "dc", "dc2"],
    ["noise", "noise2", "ac", "ac2"],
    ["tran2", "op", "tran", "noise2", "dc2", "ac", "dc"],
]


def netlist(keys):
    return "order " + ",".join(keys) + "\n" + CIRCUIT + "".join(CARDS[k] + "\n" for k in keys) + ".end\n"


def plotnames(raw):
    """`NAME (POINTS)` of every plot, in order (the header lines only: the files are ASCII)."""
    lines = raw.decode().split("\n")
    names = [l[len("Plotname: "):] for l in lines if l.startswith("Plotname: ")]
    points = [l[len("No. Points: "):].strip() for l in lines if l.startswith("No. Points: ")]
    return [f"{n} ({p})" for n, p in zip(names, points)]


def ngspice(text, ascii_raw=True):
    with tempfile.TemporaryDirectory() as d:
        net = os.path.join(d, "c.net")
        raw = os.path.join(d, "c.raw")
        with open(net, "w") as f:
            f.write(text)
        env = dict(os.environ)
        if ascii_raw:
            env["SPICE_ASCIIRAWFILE"] = "1"
        else:
            env.pop("SPICE_ASCIIRAWFILE", None)
        p = subprocess.run(["ngspice", "-b", "-r", raw, net], env=env, capture_output=True, cwd=d)
        if p.returncode != 0 or not os.path.exists(raw):
            sys.exit(f"ngspice failed on:\n{text}\n{p.stderr.decode()}")
        with open(raw, "rb") as f:
            return f.read()


def main():
    version = subprocess.run(["ngspice", "--version"], capture_output=True).stdout.decode()
    if "ngspice-39" not in version:
        print("gen-raw-order: warning: the references were made with ngspice-39", file=sys.stderr)
    os.makedirs(OUT, exist_ok=True)
    cases = []
    kinds = ["op", "dc", "ac", "tran", "noise"]
    for k in range(1, len(kinds) + 1):
        cases.extend(list(p) for p in itertools.permutations(kinds, k))
    cases.extend(EXTRA)
    lines = []
    for keys in cases:
        names = plotnames(ngspice(netlist(keys)))
        lines.append(",".join(keys) + " => " + "|".join(names))
    with open(os.path.join(OUT, "orders.txt"), "w") as f:
        f.write("# Written by scripts/gen-raw-order.py with ngspice 39: netlist order => plot order.\n")
        f.write("".join(l + "\n" for l in lines))
    every = ["noise", "tran", "dc", "ac", "op"]
    text = netlist(every)
    with open(os.path.join(OUT, "all.net"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "all.raw"), "wb") as f:
        f.write(ngspice(text))
    with open(os.path.join(OUT, "all.bin"), "wb") as f:
        f.write(ngspice(text, ascii_raw=False))
    print(f"gen-raw-order: {len(cases)} netlists")


main()
