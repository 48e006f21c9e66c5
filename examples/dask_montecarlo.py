"""A 1,000,000-run CMRR Monte Carlo sharded over a Dask cluster.

The difference amplifier of netlists/mc_diffamp.net (four 1% resistors, G = 1) is run a million
times with its resistors drawn at random; each Dask task computes one shard of runs
(``balun.cmrr(..., mc_runs=range(i, j))``) and the shards are merged in run order. Run ``i``'s
random stream depends only on the seed and ``i``, so the merged samples, and the statistics
printed, are bit for bit those of one process computing every run.

    python examples/dask_montecarlo.py                      # a LocalCluster on this machine
    python examples/dask_montecarlo.py --scheduler tcp://host:8786 --runs 10000000

The netlist travels to the workers as text (its ``.lib balun`` models are built in), so any
Dask cluster whose workers have ``balun`` installed runs it unchanged.
"""

from __future__ import annotations

import argparse
import pathlib
import time

import balun

NETLIST = pathlib.Path(__file__).resolve().parents[1] / "netlists" / "mc_diffamp.net"
FREQS_HZ = [60.0, 1e3, 10e3]


def shard(netlist: str, runs: int, seed: int, start: int, end: int) -> balun.MonteCarlo:
    """Runs ``start..end`` of a ``runs``-run CMRR Monte Carlo of ``netlist`` (text)."""
    return balun.cmrr(netlist, freq=FREQS_HZ, mc=runs, seed=seed, mc_runs=range(start, end))


def monte_carlo(client, netlist: str, runs: int, shard_runs: int, seed: int = 1) -> balun.MonteCarlo:
    """The whole Monte Carlo, one Dask task per ``shard_runs`` runs, merged in run order."""
    bounds = [(s, min(s + shard_runs, runs)) for s in range(0, runs, shard_runs)]
    futures = [client.submit(shard, netlist, runs, seed, s, e, pure=False) for s, e in bounds]
    return balun.merge_monte_carlo(client.gather(futures))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1_000_000)
    ap.add_argument("--shard", type=int, default=50_000, help="runs per Dask task")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster workers")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    args = ap.parse_args()

    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=args.workers, threads_per_worker=1))
    started = time.perf_counter()
    mc = monte_carlo(client, NETLIST.read_text(), args.runs, args.shard, args.seed)
    elapsed = time.perf_counter() - started
    print(f"{mc.runs} runs, seed {mc.seed}, {mc.dist}: {elapsed:.1f} s")
    print(f"{'quantity':<28} {'min':>8} {'5%':>8} {'median':>8} {'95%':>8} {'max':>8}")
    for label, s in mc.stats().items():
        print(f"{label:<28} {s['min']:8.2f} {s['p5']:8.2f} {s['median']:8.2f} "
              f"{s['p95']:8.2f} {s['max']:8.2f}")
    client.close()


if __name__ == "__main__":
    main()
