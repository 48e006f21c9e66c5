#!/usr/bin/env python3
"""Writes an RC ladder netlist of N sections, for benchmarks.

    scripts/gen-ladder.py N OUT.net

Each section is a 10 ohm series resistor and a 1 nF capacitor to ground
(R1 in n1 10 / C1 n1 0 1n, R2 n1 n2 10 / C2 n2 0 1n, ...), driven by
`V1 in 0 AC 1`, analysed with `.ac dec 50 1 1meg` (301 points). The netlist
has N+1 nodes and one branch current (i(v1)). benches/ac_ladder.rs builds the
same text in code (keep the two in step).
"""

import sys


def ladder(n: int) -> str:
    lines = [
        f"RC ladder, {n} sections of 10 ohm / 1 nF",
        "V1 in 0 AC 1",
    ]
    prev = "in"
    for i in range(1, n + 1):
        node = f"n{i}"
        lines.append(f"R{i} {prev} {node} 10")
        lines.append(f"C{i} {node} 0 1n")
        prev = node
    lines += [".ac dec 50 1 1meg", ".end", ""]
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        n = int(sys.argv[1])
    except ValueError:
        print(f"gen-ladder: N must be an integer, got {sys.argv[1]!r}", file=sys.stderr)
        return 2
    if n < 1:
        print("gen-ladder: N must be at least 1", file=sys.stderr)
        return 2
    with open(sys.argv[2], "w") as f:
        f.write(ladder(n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
