"""balun: a SPICE-style circuit simulator for balanced interconnects, from Python.

    >>> import balun
    >>> r = balun.run("netlists/rc_lowpass.net")
    >>> r["ac1"]["v(out)"]          # numpy complex128 array
    >>> r["ac1"].scale              # the frequencies, float64
    >>> balun.cmrr("netlists/rx_diffamp.net", imbalance=[0, 600]).to_pandas()

Results are the same numbers `balun run --json` writes, as numpy arrays: complex128 for `.ac`
vectors, float64 otherwise. Simulations release the GIL, so Python threads (or a Dask
cluster's workers) run them in parallel. Monte Carlo runs can be split into shards
(`mc_runs=range(i, j)`) computed anywhere and merged with :func:`merge_monte_carlo` into the
same samples, bit for bit, as one process computes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Iterable, Optional, Sequence, Union

import numpy as np

from . import _balun

__all__ = [
    "run",
    "read_raw",
    "cmrr",
    "xtalk",
    "hum",
    "compare",
    "thd",
    "rfi",
    "merge_monte_carlo",
    "stats",
    "Results",
    "Run",
    "Plot",
    "MonteCarlo",
    "Table",
    "NetlistError",
    "SimulationError",
]

__version__ = _balun.__version__

Source = Union[str, "os.PathLike[str]"]


class NetlistError(Exception):
    """An error in a netlist: where it is and what is wrong.

    ``str(e)`` is the diagnostic as ``balun run`` prints it (``file:line:column: error:
    message``, then the source line with a caret under the problem).
    """

    def __init__(self, rendered: str, file: str, line: Optional[int], column: Optional[int],
                 message: str):
        super().__init__(rendered)
        #: The file the error is in (``<string>`` for netlist text).
        self.file = file
        #: 1-based line, or ``None`` when the error has no place (an unreadable file).
        self.line = line
        #: 1-based column (in characters), or ``None``.
        self.column = column
        #: The message alone, without the place.
        self.message = message


class SimulationError(RuntimeError):
    """A simulation that failed to finish (no convergence, a singular matrix, ...)."""


def _source(source: Source) -> tuple[str, bool]:
    """(text or path, is_file): a path-like object or a one-line string is a file."""
    if isinstance(source, os.PathLike):
        return os.fspath(source), True
    if not isinstance(source, str):
        raise TypeError(f"expected a netlist path or text, not {type(source).__name__}")
    return source, "\n" not in source


def _numbers(values, what: str) -> list[float]:
    if values is None:
        return []
    if isinstance(values, (int, float, str)):
        values = [values]
    out = []
    for v in values:
        if isinstance(v, str):
            x = _balun.number(v)
            if x is None:
                raise ValueError(f"invalid {what} {v!r} (a number such as 600, 1k, 20k)")
            out.append(x)
        else:
            out.append(float(v))
    return out


def _params(params) -> list[tuple[str, float]]:
    if not params:
        return []
    return [(str(k).lower(), float(v)) for k, v in dict(params).items()]


def _shard(mc_runs) -> Optional[tuple[int, int]]:
    if mc_runs is None:
        return None
    if isinstance(mc_runs, range):
        if mc_runs.step != 1:
            raise ValueError("mc_runs: a range with step 1")
        return (mc_runs.start, mc_runs.stop)
    start, end = mc_runs
    return (int(start), int(end))


class Plot(Mapping):
    """One analysis's results: vector name -> numpy array.

    ``plot["v(out)"]`` (or ``plot["out"]``) is complex128 for ``.ac``, float64 otherwise;
    ``plot.scale`` is the sweep variable (frequency, time, swept source; ``None`` for ``.op``).
    In Jupyter a plot draws itself as balun's SVG figure.
    """

    def __init__(self, data):
        self._data = data
        self._names = data.names
        self._index = {n: i for i, n in enumerate(self._names)}
        self._cache: dict[int, np.ndarray] = {}

    #: ``op``, ``ac1``, ``dc2``, ... as ``balun run --csv`` names its files.
    key = property(lambda self: self._data.key)
    #: ngspice's plot name (``AC Analysis``).
    name = property(lambda self: self._data.name)
    #: ``op``, ``dc``, ``ac``, ``tran``, ``noise`` or ``noise-total``.
    kind = property(lambda self: self._data.kind)
    #: The sweep variable's name (``frequency``, ``time``), ``None`` for ``.op``.
    scale_name = property(lambda self: self._data.scale_name)

    @property
    def vectors(self) -> list[str]:
        """The vectors' names, in order (node voltages, then branch currents)."""
        return list(self._names)

    @property
    def units(self) -> dict[str, str]:
        """Each vector's unit (``V``, ``A``, ``Hz``, ``s``, ``V/rtHz``)."""
        return dict(zip(self._names, self._data.units))

    @property
    def scale(self) -> Optional[np.ndarray]:
        if -1 not in self._cache:
            self._cache[-1] = self._data.scale()
        return self._cache[-1]

    def _find(self, name: str) -> int:
        key = name.strip().lower()
        if key in self._index:
            return self._index[key]
        if "(" not in key and f"v({key})" in self._index:
            return self._index[f"v({key})"]
        raise KeyError(f"{name!r}: no such vector in {self.key} (there are {', '.join(self._names)})")

    def __getitem__(self, name: str) -> np.ndarray:
        i = self._find(name)
        if i not in self._cache:
            self._cache[i] = self._data.vector(i)
        return self._cache[i]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        points = len(self.scale) if self.scale is not None else 1
        return f"<balun.Plot {self.key}: {self.name}, {len(self)} vectors, {points} points>"

    def to_pandas(self):
        """A pandas DataFrame: a column per vector, indexed by the scale (needs pandas)."""
        import pandas as pd

        index = None
        if self.scale is not None:
            index = pd.Index(self.scale, name=self.scale_name)
        return pd.DataFrame({n: self[n] for n in self._names}, index=index)

    def svg(self, vectors: Optional[Sequence[str]] = None) -> Optional[str]:
        """The plot drawn as ``balun run --plot x.svg`` draws it (``None`` for ``.op``)."""
        return self._data.svg(list(vectors or []))

    def _repr_svg_(self) -> Optional[str]:
        return self.svg()


class Run(Mapping):
    """One run of the analyses (one ``.step`` point): plot key -> :class:`Plot`."""

    def __init__(self, raw: dict):
        #: ``.step`` parameter values of this run (empty without ``.step``).
        self.params: dict[str, float] = dict(raw["params"])
        self._plots = {p.key: Plot(p) for p in raw["plots"]}
        #: ``.meas`` results: name -> value (``None`` when the measure failed).
        self.meas: dict[str, Optional[float]] = {n: v for n, v, _ in raw["meas"]}
        #: Why a ``.meas`` failed: name -> message.
        self.meas_errors: dict[str, str] = {n: e for n, _, e in raw["meas"] if e is not None}

    def __getitem__(self, key: str) -> Plot:
        return self._plots[key]

    def __iter__(self):
        return iter(self._plots)

    def __len__(self) -> int:
        return len(self._plots)

    def __repr__(self) -> str:
        return f"<balun.Run {self.params} plots={list(self._plots)}>"


class Results(Run):
    """A simulation's results: plot key (``op``, ``dc1``, ``ac1``, ``tran1``, ``noise1``) ->
    :class:`Plot`, with ``.meas`` values; with ``.step``, these are the first run's and every
    run is in ``runs``.
    """

    def __init__(self, raw: dict):
        runs = [Run(r) for r in raw["runs"]]
        first = raw["runs"][0] if raw["runs"] else {"params": [], "plots": [], "meas": []}
        super().__init__(first)
        #: The netlist's title line.
        self.title: str = raw["title"]
        #: Parser and elaboration warnings, rendered as ``balun run`` prints them.
        self.warnings: list[str] = raw["warnings"]
        #: Every run: one per ``.step`` point (one without ``.step``).
        self.runs: list[Run] = runs
        mc = raw.get("monte_carlo")
        #: The Monte Carlo (``mc=`` or a ``.mc`` card), else ``None``.
        self.monte_carlo: Optional[MonteCarlo] = MonteCarlo(mc) if mc is not None else None
        #: Unix times at which the (GIL-free) computation started and finished.
        self.started: float = raw.get("started", float("nan"))
        self.finished: float = raw.get("finished", float("nan"))

    def __repr__(self) -> str:
        return f"<balun.Results {self.title!r}: {', '.join(self)}>"


class MonteCarlo:
    """A Monte Carlo's samples (or one shard's): a row per run, a column per quantity.

    ``runs`` is the size of the whole Monte Carlo, ``shard`` the ``(start, end)`` computed here
    (``None`` for all). ``mc["CMRR dB at 1 kHz, 0 ohm"]`` is one quantity's column.
    """

    def __init__(self, raw: dict):
        self._raw = raw
        self.runs: int = raw["runs"]
        self.seed: int = raw["seed"]
        self.dist: str = raw["dist"]
        self.shard: Optional[tuple[int, int]] = tuple(raw["shard"]) if raw["shard"] else None
        self.labels: list[str] = list(raw["labels"])
        self.samples: np.ndarray = np.asarray(raw["samples"], dtype=np.float64)

    @classmethod
    def from_json(cls, source: Union[str, "os.PathLike[str]", dict]) -> "MonteCarlo":
        """Reads ``balun run --json`` output (a file, its text or the parsed document)."""
        if isinstance(source, dict):
            text = json.dumps(source)
        elif isinstance(source, os.PathLike) or (isinstance(source, str) and "{" not in source):
            with open(source, encoding="utf-8") as f:
                text = f.read()
        else:
            text = source
        return cls(_balun.samples_from_json(text))

    @property
    def run_indices(self) -> range:
        start, end = self.shard or (0, self.runs)
        return range(start, end)

    def __getitem__(self, label: str) -> np.ndarray:
        return self.samples[:, self.labels.index(label)]

    def stats(self) -> dict[str, Optional[dict]]:
        """Per quantity: n, non_finite, min, p5, median, p95, max, mean, std (as ``balun``
        prints them), or ``None`` when no run gave a finite value."""
        return {label: stats(self.samples[:, i]) for i, label in enumerate(self.labels)}

    def to_pandas(self):
        """The samples as a DataFrame indexed by run number (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.samples, columns=self.labels,
                            index=pd.RangeIndex(self.run_indices.start, self.run_indices.stop,
                                                name="run"))

    def _as_raw(self) -> dict:
        return {"runs": self.runs, "seed": self.seed, "dist": self.dist, "shard": self.shard,
                "labels": self.labels, "samples": np.ascontiguousarray(self.samples)}

    def __repr__(self) -> str:
        which = f"runs {self.shard[0]}..{self.shard[1]} of {self.runs}" if self.shard else f"{self.runs} runs"
        return f"<balun.MonteCarlo {which}, seed {self.seed}, {self.dist}, {len(self.labels)} quantities>"


def merge_monte_carlo(shards: Iterable[Union[MonteCarlo, str, "os.PathLike[str]", dict]]) -> MonteCarlo:
    """Shards of one Monte Carlo (same runs, seed, distribution and quantities; from
    ``mc_runs=`` or ``balun run --mc N --runs i..j --json``) put back in run order. Shards
    covering every run give exactly the samples, and so the statistics, of the whole run."""
    pieces = [s if isinstance(s, MonteCarlo) else MonteCarlo.from_json(s) for s in shards]
    return MonteCarlo(_balun.merge_samples([p._as_raw() for p in pieces]))


def stats(samples) -> Optional[dict]:
    """The statistics balun reports of ``samples`` (non-finite values counted apart)."""
    return _balun.stats(np.ascontiguousarray(samples, dtype=np.float64).reshape(-1))


class Table(dict):
    """Columns (name -> numpy array or list), one row per measured point."""

    def to_pandas(self):
        """The table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame({k: v for k, v in self.items() if np.ndim(v) == 1})


def run(source: Source, *, params: Optional[dict] = None, mc: Optional[int] = None,
        seed: Optional[int] = None, dist: Optional[str] = None, mc_runs=None,
        vectors: Optional[Sequence[str]] = None) -> Results:
    """Runs a netlist (a path, or netlist text) as ``balun run`` does.

    ``params`` replaces ``.param`` values. ``mc`` (or a ``.mc`` card) adds a Monte Carlo of the
    ``.op`` values, ``.ac`` magnitudes at the spot frequencies (of ``vectors``, default the
    top-level node voltages) and ``.meas`` results; ``mc_runs=range(i, j)`` computes only those
    runs (a shard).
    """
    text, is_file = _source(source)
    raw = _balun.run(text, is_file, _params(params), mc, seed, dist, _shard(mc_runs),
                     list(vectors or []))
    return Results(raw)


def read_raw(path: Union[str, "os.PathLike[str]"]) -> Results:
    """Reads an ngspice raw file (ngspice's own or balun's ``--raw``, ASCII or binary)."""
    plots = _balun.read_raw(os.fspath(path))
    return Results({"title": os.path.basename(os.fspath(path)), "warnings": [],
                    "runs": [{"params": [], "plots": plots, "meas": []}], "monte_carlo": None})


def cmrr(source: Source, *, out: Optional[str] = None, hot: Optional[str] = None,
         cold: Optional[str] = None, imbalance=None, freq=None, params: Optional[dict] = None,
         mc: Optional[int] = None, seed: Optional[int] = None, dist: Optional[str] = None,
         mc_runs=None) -> Union[Table, MonteCarlo]:
    """CMRR as ``balun cmrr`` measures it (names default to the ``.cmrr`` card).

    Returns a :class:`Table` with a row per imbalance and frequency (``imbalance_ohm``,
    ``freq_hz``, ``adm_db``, ``acm_db``, ``cmrr_db``, ``worse_leg``), or with ``mc`` (or a ``.mc``
    card) a :class:`MonteCarlo` with a quantity per imbalance and frequency (spot frequencies
    unless ``freq``).
    """
    text, is_file = _source(source)
    raw = _balun.cmrr(text, is_file, out, hot, cold, _numbers(imbalance, "imbalance"),
                      _numbers(freq, "frequency"), _params(params), mc, seed, dist,
                      _shard(mc_runs))
    if "labels" in raw:
        return MonteCarlo(raw)
    return Table(raw)


def xtalk(source: Source, *, channels: Optional[Sequence[str]] = None, freq=None,
          params: Optional[dict] = None) -> Table:
    """Crosstalk as ``balun xtalk`` measures it: ``channels`` (``"SRC:OUT"`` each, default the
    ``.xtalk`` card). Returns ``channels`` (source names), ``freq_hz`` and ``db`` with shape
    (frequency, victim, aggressor); ``to_pandas()`` gives one row per pair and frequency."""
    text, is_file = _source(source)
    raw = _balun.xtalk(text, is_file, list(channels or []), _numbers(freq, "frequency"),
                       _params(params))
    return _XtalkTable(raw)


class _XtalkTable(Table):
    def to_pandas(self):
        import pandas as pd

        names, f, db = self["channels"], self["freq_hz"], self["db"]
        rows = [(f[i], names[v], names[a], db[i, v, a])
                for i in range(len(f)) for v in range(len(names)) for a in range(len(names)) if v != a]
        return pd.DataFrame(rows, columns=["freq_hz", "victim", "aggressor", "db"])


def hum(source: Source, *, out: Optional[str] = None, signal: Optional[str] = None,
        interference: Optional[str] = None, freq=None, params: Optional[dict] = None) -> Table:
    """Hum as ``balun hum`` measures it (names default to the ``.hum`` card): ``freq_hz``,
    ``signal_gain_db``, ``interference_gain_db``, ``relative_db``."""
    text, is_file = _source(source)
    return Table(_balun.hum(text, is_file, out, signal, interference,
                            _numbers(freq, "frequency"), _params(params)))


def thd(source: Source, *, out: Optional[str] = None, sources: Optional[Sequence[str]] = None,
        freq=None, level=None, params: Optional[dict] = None) -> Table:
    """THD against drive level as ``balun thd`` measures it.

    ``level``: levels as the CLI writes them (``"0dBu"``, ``"-10dBV"``, ``"2Vrms"``, or a peak
    amplitude, a number); default the netlist's own amplitude. Returns a :class:`Table` with a
    row per level: ``level``, ``amplitude`` (V peak), ``level_dbu``, ``fundamental`` (V peak),
    ``thd_percent``, ``thd_db`` and ``h2_dbc`` ... ``h9_dbc``.
    """
    text, is_file = _source(source)
    levels = [level] if isinstance(level, (str, int, float)) else list(level or [])
    freq_text = None if freq is None else str(freq)
    return Table(_balun.thd(text, is_file, out, list(sources or []), freq_text,
                            [str(x) for x in levels], _params(params)))


def rfi(source: Source, *, out: Optional[str] = None, hot: Optional[str] = None,
        cold: Optional[str] = None, freq=None, mode: str = "cm", level: float = 0.1,
        depth: float = 0.3, fmod: float = 1e3, params: Optional[dict] = None) -> Table:
    """RF immunity as ``balun rfi`` measures it (names default to the ``.cmrr`` card).

    Returns a :class:`Table` with a row per carrier frequency (default 1 MHz ... 1.8 GHz):
    ``freq_hz``, ``shift_v``, ``shift_rti_v``, ``emirr_db`` (at ``level`` V peak),
    ``carrier_out_vpk`` and ``demod_dbv`` (the 1 kHz tone of an AM carrier of depth ``depth``).
    """
    text, is_file = _source(source)
    return Table(_balun.rfi(text, is_file, out, hot, cold, _numbers(freq, "frequency"), mode,
                            float(level), float(depth), float(fmod), _params(params)))


def compare(sources: Iterable[Source], *, measure: str = "cmrr", imbalance=None, freq=None,
            rs: Union[float, str] = 150.0) -> Table:
    """``balun compare``: one row per circuit (file stem), imbalance and frequency (``circuit``,
    ``imbalance_ohm``, ``freq_hz``, ``db``, and ``hum_dbv`` for hum); for ``noise`` one row per
    circuit with its audio-band noise summary (source resistance ``rs``)."""
    items = []
    for i, s in enumerate(sources):
        text, is_file = _source(s)
        name = os.path.splitext(os.path.basename(text))[0] if is_file else f"netlist{i + 1}"
        items.append((text, is_file, name))
    return Table(_balun.compare(items, measure, _numbers(imbalance, "imbalance"),
                                _numbers(freq, "frequency"), _numbers(rs, "source resistance")[0]))
