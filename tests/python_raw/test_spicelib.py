"""spicelib reads balun's raw files exactly as it reads ngspice 39's.

For each of five example netlists (.op, .dc, .ac, .tran, .noise between them), this runs ngspice
(`ngspice -b -r`, ASCII with SPICE_ASCIIRAWFILE=1 and binary) and balun (`balun run --raw`,
`--raw-format ascii` and `binary`) and reads all four files with spicelib's `RawRead(...,
dialect="ngspice")`. balun's file must give the same plots in the same order, the same trace
names in the same order, the same number of points and the same values as ngspice's file of the
same layout: 1e-6 relative for op/dc/ac/noise (with a floor of 1e-12 of the vector's largest
magnitude), 0.5% of the vector's range for tran (balun's values interpolated at ngspice's time
points), the tolerances of the Rust parity tests.

spicelib 1.6.4 loops forever after the first plot of a multi-plot ASCII raw file as `ngspice -b
-r` writes it (ngspice's or balun's alike: the blank-line skipping at the end of
`PlotData._read_ascii_vector` only stops at an empty line, and `-r` writes none between plots).
The ASCII files are therefore cut into one file per plot (at each `Title:` line) and each piece
read on its own; the binary files are read whole.

Nothing here skips: a missing ngspice, balun binary or spicelib is a failure.
Run: `python -m pytest tests/python_raw` (after `cargo build --release`; `BALUN` names another
balun binary).
"""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from spicelib import RawRead

ROOT = Path(__file__).resolve().parents[2]
BALUN = Path(os.environ.get("BALUN", ROOT / "target" / "release" / "balun"))
# ngspice reads `.lib balun SECTION` from a file named `balun` beside the netlist: the built-in
# library as a file (kept current by tests/library.rs).
LIBRARY = ROOT / "tests" / "tran" / "balun"
# balun's own measurement cards, which ngspice rejects: left out of ngspice's copy.
BALUN_ONLY_CARDS = (".cmrr", ".xtalk", ".hum")

CASES = [
    "netlists/rc_lowpass.net",  # .op .ac (the README's first example)
    "netlists/diff_amp_cmrr.net",  # .ac, 60 vectors, balun's .cmrr cards
    "netlists/mic_opamp_in.net",  # .noise through `.lib balun opamps`
    "tests/parity/bjt_diffpair.net",  # .op .dc .ac, transistors
    "tests/tran/pulse_rlc.net",  # .tran
]

REL_TOL = 1e-6
ABS_FLOOR = 1e-12
TRAN_OF_RANGE = 0.005


def run(cmd, cwd, env=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{p.stdout}\n{p.stderr}"


def make_files(case, tmp):
    """ngspice's and balun's raw files of `case`: {(simulator, layout): path}."""
    assert shutil.which("ngspice"), "ngspice is not installed"
    assert BALUN.is_file(), f"no balun binary at {BALUN} (cargo build --release)"
    src = ROOT / case
    net = tmp / src.name
    text = src.read_text()
    net.write_text(text)
    ng_net = tmp / ("ngspice_" + src.name)
    ng_net.write_text(
        "".join(
            l for l in text.splitlines(keepends=True) if not l.lstrip().lower().startswith(BALUN_ONLY_CARDS)
        )
    )
    shutil.copy(LIBRARY, tmp / "balun")
    files = {}
    for layout in ("ascii", "binary"):
        env = dict(os.environ)
        env.pop("SPICE_ASCIIRAWFILE", None)
        if layout == "ascii":
            env["SPICE_ASCIIRAWFILE"] = "1"
        out = tmp / f"ngspice_{layout}.raw"
        run(["ngspice", "-b", "-r", out.name, ng_net.name], tmp, env)
        assert out.is_file(), f"ngspice wrote no {layout} raw file for {case}"
        files["ngspice", layout] = out
        out = tmp / f"balun_{layout}.raw"
        run([BALUN, "run", net.name, "--raw", out.name, "--raw-format", layout, "-q"], tmp)
        files["balun", layout] = out
    return files


def split_plots(path):
    """An ASCII raw file cut into one file per plot (see the module docs); the pieces' paths."""
    data = path.read_bytes()
    starts = [0] + [i + 1 for i in range(len(data)) if data.startswith(b"\nTitle: ", i)]
    pieces = []
    for k, (a, b) in enumerate(zip(starts, starts[1:] + [len(data)])):
        piece = path.with_name(f"{path.stem}.plot{k}.raw")
        piece.write_bytes(data[a:b])
        pieces.append(piece)
    return pieces


def read_plots(path, layout):
    """spicelib's plots of a raw file: [(plot name, [(trace name, values)])]."""
    paths = split_plots(path) if layout == "ascii" else [path]
    plots = []
    for p in paths:
        raw = RawRead(p, traces_to_read="*", dialect="ngspice", verbose=False)
        for plot in raw.plots:
            traces = [(n, np.asarray(plot.get_wave(n))) for n in plot.get_trace_names()]
            plots.append((plot.get_plot_name(), traces))
    return plots


def interpolate(ts, ys, t):
    if np.iscomplexobj(ys):
        return np.interp(t, ts, ys.real) + 1j * np.interp(t, ts, ys.imag)
    return np.interp(t, ts, ys)


def compare_values(label, name, ours, theirs, time_ours, time_theirs, plot_max):
    if time_theirs is not None:
        # .tran: different time points are allowed; 0.5% of ngspice's range.
        at = interpolate(time_ours, ours, time_theirs)
        span = np.ptp(theirs.real) if len(theirs) else 0.0
        if span > 0:
            tol = TRAN_OF_RANGE * span
        else:
            floor = 1e-12 if name.lower().startswith("i(") else 1e-6
            tol = 1e-9 * np.max(np.abs(theirs)) + floor
        worst = np.max(np.abs(at - theirs)) if len(theirs) else 0.0
        assert worst <= tol, f"{label} {name}: worst difference {worst:.3e} > {tol:.3e}"
        return
    assert len(ours) == len(theirs), f"{label} {name}: {len(ours)} points, ngspice {len(theirs)}"
    if name.lower() == "frequency":
        # ngspice writes garbage as the frequency's imaginary part.
        ours, theirs = ours.real, theirs.real
    scale = np.max(np.abs(theirs)) if len(theirs) else 0.0
    if scale == 0:
        scale = plot_max
    diff = np.abs(ours - theirs)
    bound = REL_TOL * np.abs(theirs) + ABS_FLOOR * scale
    bad = np.nonzero(~(diff <= bound))[0]
    assert len(bad) == 0, (
        f"{label} {name}: {len(bad)} points differ, first at {bad[0]}: "
        f"balun {ours[bad[0]]} ngspice {theirs[bad[0]]}"
    )


@pytest.mark.parametrize("layout", ["ascii", "binary"])
@pytest.mark.parametrize("case", CASES)
def test_spicelib_reads_balun_as_ngspice(case, layout, tmp_path):
    files = make_files(case, tmp_path)
    theirs = read_plots(files["ngspice", layout], layout)
    ours = read_plots(files["balun", layout], layout)
    assert [p[0] for p in ours] == [p[0] for p in theirs], "plot names and order"
    for (name, t_traces), (_, o_traces) in zip(theirs, ours):
        label = f"{case} ({layout}) '{name}'"
        assert [n for n, _ in o_traces] == [n for n, _ in t_traces], f"{label}: trace names"
        is_tran = name == "Transient Analysis"
        time_t = t_traces[0][1].real if is_tran else None
        time_o = o_traces[0][1].real if is_tran else None
        plot_max = max((np.max(np.abs(v)) for _, v in t_traces[1:] if len(v)), default=0.0)
        for (n, tv), (_, ov) in zip(t_traces, o_traces):
            if is_tran and n == "time":
                assert ov[0] == tv[0] and abs(ov[-1] - tv[-1]) <= 1e-9 * abs(tv[-1]), f"{label}: time range"
                continue
            compare_values(label, n, ov, tv, time_o, time_t, plot_max)


def test_the_first_plot_is_ngspices():
    """The issue's example: spicelib's first plot of rc_lowpass is the AC sweep, 101 points of v(out)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        files = make_files("netlists/rc_lowpass.net", Path(d))
        raw = RawRead(files["balun", "binary"], traces_to_read="*", dialect="ngspice", verbose=False)
        assert raw.get_plot_name() == "AC Analysis"
        assert len(raw.get_wave("v(out)")) == 101
        assert raw.get_trace_names()[0] == "frequency"
