"""The balun Python module against the balun command line and ngspice 39.

Expected values: `balun run --json` / `balun cmrr --json` on the same netlist (the Python
module and the CLI share one facade, so the numbers must be identical bit for bit: JSON floats
are written in shortest round-trip form and read back exactly), and ngspice 39's own raw files
(tests/parity/*.raw, made by scripts/regen-parity.sh).
"""

import json
import subprocess
import threading

import numpy as np
import pytest

import balun

# op + ac, noise (two plots), tran, nested dc: every plot kind balun writes.
JSON_NETLISTS = [
    "netlists/rc_lowpass.net",
    "netlists/mic_xfmr_in.net",
    "tests/tran/diode_bridge.net",
    "tests/parity/bridge_dc_nested.net",
]


def cli_json(balun_cli, root, tmp_path, *args):
    out = tmp_path / "out.json"
    subprocess.run([balun_cli, *args, "-q", "--json", str(out)], cwd=root, check=True)
    return json.loads(out.read_text())


def json_array(values):
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def assert_same(actual, re, im=None):
    """Exact equality (NaN only where JSON has null)."""
    actual = np.asarray(actual)
    if im is None:
        assert actual.dtype == np.float64
        np.testing.assert_array_equal(actual, json_array(re))
    else:
        assert actual.dtype == np.complex128
        np.testing.assert_array_equal(actual.real, json_array(re))
        np.testing.assert_array_equal(actual.imag, json_array(im))


@pytest.mark.parametrize("net", JSON_NETLISTS)
def test_every_plot_and_vector_equals_balun_run_json(balun_cli, root, tmp_path, net):
    doc = cli_json(balun_cli, root, tmp_path, "run", net)
    r = balun.run(root / net)
    assert r.title == doc["title"]
    # The keys are the --csv file stems, in analysis order.
    kinds = [p["kind"] for p in doc["plots"]]
    expected_keys = []
    for i, k in enumerate(kinds):
        n = kinds[: i + 1].count(k)
        expected_keys.append("op" if k == "op" and kinds.count("op") == 1 else f"{k}{n}")
    assert list(r) == expected_keys
    assert len(doc["plots"]) >= 1
    for key, p in zip(r, doc["plots"]):
        plot = r[key]
        assert plot.name == p["name"]
        assert plot.vectors == [v["name"] for v in p["vectors"]]
        if p["scale"] is None:
            assert plot.scale is None
        else:
            assert plot.scale_name == p["scale"]["name"]
            assert_same(plot.scale, p["scale"]["re"])
        for v in p["vectors"]:
            assert_same(plot[v["name"]], v["re"], v.get("im"))
            assert plot.units[v["name"]] == v["unit"]


def test_aliases_pandas_and_notebook_svg(root):
    r = balun.run(str(root / "netlists/rc_lowpass.net"))
    ac = r["ac1"]
    assert ac["out"] is ac["v(out)"]
    df = ac.to_pandas()
    assert list(df.columns) == ac.vectors and len(df) == len(ac.scale) == 101
    svg = ac._repr_svg_()
    assert svg.startswith("<svg") and "v(out)" in svg
    assert r["op"]._repr_svg_() is None  # a single point has nothing to draw
    with pytest.raises(KeyError, match="no such vector"):
        ac["nope"]


def test_text_params_and_step_runs():
    text = (
        "divider\n.param r2=1k\nV1 in 0 DC 10\nR1 in out 1k\nR2 out 0 {r2}\n"
        ".step param r2 list 1k 3k\n.op\n.dc V1 0 10 5\n.meas dc vout find v(out) at=10\n.end\n"
    )
    r = balun.run(text)
    # 10 V * R2 / (R1 + R2): 5 V and 7.5 V.
    assert [run["op"]["out"][0] for run in r.runs] == [5.0, 7.5]
    assert [run.params for run in r.runs] == [{"r2": 1000.0}, {"r2": 3000.0}]
    assert [run.meas["vout"] for run in r.runs] == [5.0, 7.5]
    plain = balun.run(text.replace(".step param r2 list 1k 3k\n", ""), params={"r2": 9000})
    assert plain["op"]["out"][0] == 9.0
    assert plain.meas == {"vout": 9.0}


def parse_ascii_raw(path):
    """ngspice's ASCII raw format, read independently of balun: [(plotname, names, arrays)]."""
    plots = []
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        header = {}
        while not lines[i].startswith("Variables:"):
            key, _, value = lines[i].partition(":")
            header[key] = value.strip()
            i += 1
        nvars, npoints = int(header["No. Variables"]), int(header["No. Points"])
        names = [lines[i + 1 + k].split()[1] for k in range(nvars)]
        i += 1 + nvars
        assert lines[i].startswith("Values:")
        i += 1
        complex_ = "complex" in header["Flags"]
        tokens = []
        while len(tokens) < nvars * npoints:
            fields = lines[i].split()
            tokens.append(fields[-1])
            i += 1
        if complex_:
            vals = [complex(*map(float, t.split(","))) for t in tokens]
        else:
            vals = [float(t) for t in tokens]
        data = np.array(vals).reshape(npoints, nvars).T
        plots.append((header["Plotname"], names, data))
        while i < len(lines) and not lines[i].strip():
            i += 1
    return plots


@pytest.mark.parametrize("case", ["ac_lin_twin_t", "bridge_dc_nested"])
def test_read_raw_equals_ngspice_values(root, case):
    path = root / "tests/parity" / f"{case}.raw"
    expected = parse_ascii_raw(path)
    got = balun.read_raw(path)
    assert len(got) == len(expected)
    for plot, (name, names, data) in zip(got.values(), expected):
        assert plot.name == name
        assert [plot.scale_name] + plot.vectors == names
        # The scale of an AC plot is real (ngspice writes it with a zero imaginary part).
        np.testing.assert_array_equal(plot.scale, data[0].real)
        for k, v in enumerate(plot.vectors, start=1):
            col = data[k] if np.iscomplexobj(plot[v]) else data[k].real
            np.testing.assert_array_equal(plot[v], col)


def test_netlist_errors_carry_file_line_and_column(root):
    text = "t\nV1 in 0 DC 10\nR1 in out {nope*2}\nR2 out 0 1k\n.op\n"
    with pytest.raises(balun.NetlistError) as e:
        balun.run(text)
    assert (e.value.file, e.value.line, e.value.column) == ("<string>", 3, 11)
    assert e.value.message == "unknown parameter 'nope'"
    assert str(e.value).splitlines()[0] == "<string>:3:11: error: unknown parameter 'nope'"
    assert "^^^^^^^^" in str(e.value)

    path = root / "tests/bad/bad_number.net"
    with pytest.raises(balun.NetlistError) as e:
        balun.run(path)
    assert (e.value.file, e.value.line, e.value.column) == (str(path), 3, 11)
    assert e.value.message == "invalid number '2*x'"

    with pytest.raises(balun.NetlistError) as e:
        balun.run(root / "tests/bad/no_such_file.net")
    assert e.value.line is None and "no_such_file.net" in str(e.value)


def ladder(sections):
    """An RC ladder with a 12,000-point AC sweep: long enough (tenths of a second) that two
    runs started together overlap if they can."""
    cards = ["rc ladder", "V1 n0 0 AC 1"]
    for k in range(sections):
        cards.append(f"R{k} n{k} n{k + 1} 1k")
        cards.append(f"C{k} n{k + 1} 0 1n")
    cards += [".ac dec 3000 1 10k", ".end", ""]
    return "\n".join(cards)


def test_two_threads_simulate_concurrently():
    text = ladder(300)
    results = [None, None]
    barrier = threading.Barrier(2)

    def work(i):
        barrier.wait()
        results[i] = balun.run(text)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = results
    # started/finished are taken inside the GIL-free section: with the GIL held the two
    # sections could only follow one another. Both started before either finished.
    assert max(a.started, b.started) < min(a.finished, b.finished), (
        a.started, a.finished, b.started, b.finished)
    np.testing.assert_array_equal(a["ac1"]["v(n300)"], b["ac1"]["v(n300)"])


def test_cmrr_and_compare_equal_the_cli(balun_cli, root):
    net = root / "netlists/rx_diffamp.net"
    out = subprocess.run([balun_cli, "cmrr", str(net), "--imbalance", "0,600", "--json"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    t = balun.cmrr(net, imbalance=[0, "600"])
    points = [(r["imbalance_ohm"], p) for r in doc["results"] for p in r["points"]]
    assert len(t["cmrr_db"]) == len(points) > 0
    np.testing.assert_array_equal(t["imbalance_ohm"], [dz for dz, _ in points])
    np.testing.assert_array_equal(t["freq_hz"], [p["freq_hz"] for _, p in points])
    np.testing.assert_array_equal(t["cmrr_db"], json_array([p["cmrr_db"] for _, p in points]))
    assert t["worse_leg"] == [p["worse_leg"] for _, p in points]
    assert len(t.to_pandas()) == len(points)

    nets = [root / "netlists/cable_hum_coax_unbal.net", root / "netlists/cable_hum_stp_xfmr.net"]
    out = subprocess.run([balun_cli, "compare", *map(str, nets), "--measure", "hum", "--json"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    t = balun.compare(nets, measure="hum")
    assert t["circuit"] == [r["circuit"] for r in doc["rows"] for _ in doc["freqs_hz"]]
    np.testing.assert_array_equal(t["db"], json_array([x for r in doc["rows"] for x in r["db"]]))
    np.testing.assert_array_equal(
        t["hum_dbv"], json_array([x for r in doc["rows"] for x in r["hum_dbv"]]))


def test_thd_and_rfi_equal_the_cli(balun_cli, root):
    """balun.thd and balun.rfi return what `balun thd --json` and `balun rfi --json` print."""
    net = root / "netlists/thd_receiver.net"
    out = subprocess.run([balun_cli, "thd", str(net), "--level", "0dBu,+24dBu", "--json"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    t = balun.thd(net, level=["0dBu", "+24dBu"])
    assert t["level"] == ["0dBu", "+24dBu"]
    np.testing.assert_array_equal(t["amplitude"], [p["amplitude"] for p in doc["points"]])
    np.testing.assert_array_equal(
        t["thd_percent"], [p["fourier"]["thd_percent"] for p in doc["points"]])
    # +24 dBu needs 17.4 V peak from +-15 V rails: clipped, about 10 % THD.
    assert t["thd_percent"][0] < 0.01 < 5 < t["thd_percent"][1] < 15
    assert "h3_dbc" in t and len(t.to_pandas()) == 2

    net = root / "netlists/rf_bjt_receiver.net"
    out = subprocess.run([balun_cli, "rfi", str(net), "--freq", "1meg,100meg", "--json"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    t = balun.rfi(net, freq=["1meg", "100meg"])
    np.testing.assert_array_equal(t["freq_hz"], [1e6, 1e8])
    np.testing.assert_array_equal(t["emirr_db"], [p["emirr_db"] for p in doc["points"]])
    np.testing.assert_array_equal(t["demod_dbv"], [p["demod_dbv"] for p in doc["points"]])
    with pytest.raises(ValueError, match="expected 'cm' or 'dm'"):
        balun.rfi(net, mode="both")


def test_monte_carlo_shards_merge_into_the_whole_run(balun_cli, root, tmp_path):
    net = "netlists/mc_diffamp.net"
    whole = cli_json(balun_cli, root, tmp_path, "run", net, "--mc", "60")["monte_carlo"]
    shards = []
    for start, end in [(0, 25), (25, 60)]:
        path = tmp_path / f"shard{start}.json"
        subprocess.run([balun_cli, "run", net, "--mc", "60", "--runs", f"{start}..{end}",
                        "-q", "--json", str(path)], cwd=root, check=True)
        shards.append(path)
    merged = balun.merge_monte_carlo(reversed(shards))
    assert merged.shard is None and merged.runs == 60
    for i, q in enumerate(whole["quantities"]):
        assert merged.labels[i] == q["label"]
        np.testing.assert_array_equal(merged.samples[:, i], json_array(q["samples"]))
        assert merged.stats()[q["label"]] == q["stats"]
    # The Python module's shard is the CLI's, bit for bit.
    py = balun.run(root / net, mc=60, mc_runs=range(25, 60)).monte_carlo
    assert py.shard == (25, 60)
    np.testing.assert_array_equal(py.samples, balun.MonteCarlo.from_json(shards[1]).samples)
    with pytest.raises(ValueError, match="do not join"):
        balun.merge_monte_carlo([shards[0], shards[0]])
