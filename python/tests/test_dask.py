"""examples/dask_montecarlo.py on a 2-worker LocalCluster at 10,000 runs: the merged shards
equal the single-process Monte Carlo bit for bit (samples and statistics)."""

import importlib.util

import numpy as np
import pytest

import balun

distributed = pytest.importorskip("dask.distributed")


def load_example(root):
    spec = importlib.util.spec_from_file_location(
        "dask_montecarlo", root / "examples" / "dask_montecarlo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sharded_on_two_workers_equals_one_process(root):
    example = load_example(root)
    netlist = example.NETLIST.read_text()
    runs = 10_000
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        merged = example.monte_carlo(client, netlist, runs, shard_runs=1_500, seed=1)
        assert len(client.scheduler_info()["workers"]) == 2
    single = balun.cmrr(example.NETLIST, freq=example.FREQS_HZ, mc=runs, seed=1)
    assert (merged.runs, merged.shard, merged.labels) == (runs, None, single.labels)
    assert merged.samples.shape == (runs, 3)
    assert np.array_equal(merged.samples.view(np.uint64), single.samples.view(np.uint64))
    assert merged.stats() == single.stats()
    # The CMRR spread of 1% resistors (tests/montecarlo.rs derives it): median near 53 dB.
    assert abs(merged.stats()["CMRR dB at 1 kHz, 0 ohm"]["median"] - 53.0) < 1.0
