//! `balun._balun`: the native half of the `balun` Python module (PyO3, built by maturin from the
//! repository root's `pyproject.toml`; the Python half is `python/balun/__init__.py`).
//!
//! Every function here reads a netlist (a file or text), runs the root package's facade
//! ([`balun::run`], [`balun::measurements`], [`balun::montecarlo`]) with the GIL released, so
//! Python threads simulate in parallel, and hands back plain Python values and numpy arrays:
//! complex128 for `.ac` vectors, float64 otherwise. Plots stay Rust values inside [`PlotData`],
//! which converts a vector when asked and draws the plot as SVG for notebooks.
//!
//! Errors: a netlist error becomes `balun.NetlistError` (file, line, column, message, and the
//! rendered diagnostic as its text), a failed simulation `balun.SimulationError`, a bad
//! argument or measurement `ValueError`.
//!
//! **Architecture invariant**: no simulation logic; conversion between the facade's values and
//! Python's only.

use balun::diagnostics::{Renderer, Style};
use balun::measurements::{self as m, CmrrRequest, HumRequest, Quantity};
use balun::montecarlo::{McOptions, Samples};
use balun::{Failure, Input};
use circuit::{Circuit, Distribution};
use measure::montecarlo::{McPlan, Stats};
use numpy::{Complex64, PyArray1, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use solver::{Data, Plot};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// A netlist as Python names it: a file path, or netlist text (named `<string>`).
#[derive(Clone)]
struct Source {
    file: Option<PathBuf>,
    text: String,
}

impl Source {
    fn new(source: String, is_file: bool) -> Source {
        if is_file {
            Source {
                file: Some(PathBuf::from(source)),
                text: String::new(),
            }
        } else {
            Source {
                file: None,
                text: source,
            }
        }
    }

    fn input(&self) -> Input<'_> {
        match &self.file {
            Some(path) => Input::File(path),
            None => Input::Text {
                name: Path::new("<string>"),
                text: &self.text,
            },
        }
    }
}

/// The Python exception for a failed run: `balun.NetlistError` when the error points into
/// the netlist (or the file cannot be read), else `balun.SimulationError`.
fn failure_error(py: Python<'_>, source: &Source, failure: &Failure) -> PyErr {
    let input = source.input();
    let rendered =
        Renderer::new(Style::Plain).error(input.name(), &failure.sources, &failure.error);
    let rendered = rendered.trim_end().to_string();
    let message = failure.error.to_string();
    let raised = (|| -> PyResult<PyErr> {
        let module = py.import("balun")?;
        if let balun::Error::Solve(_) = failure.error {
            let class = module.getattr("SimulationError")?;
            return Ok(PyErr::from_value(class.call1((rendered.clone(),))?));
        }
        let (file, line, column) = match failure.location() {
            Some((file, lc)) => (file, Some(lc.line), Some(lc.column)),
            None => (input.name().to_path_buf(), None, None),
        };
        let class = module.getattr("NetlistError")?;
        let e = class.call1((
            rendered.clone(),
            file.display().to_string(),
            line,
            column,
            message,
        ))?;
        Ok(PyErr::from_value(e))
    })();
    raised.unwrap_or_else(|e| e)
}

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn distribution(dist: Option<&str>) -> PyResult<Option<Distribution>> {
    dist.map(|d| {
        Distribution::from_name(d)
            .ok_or_else(|| value_error(format!("dist={d:?}: expected 'gauss' or 'uniform'")))
    })
    .transpose()
}

/// Seconds since the Unix epoch (as Python's `time.time()`).
fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// One plot of a run: a Rust [`Plot`], its key (`op`, `ac1`, ... as `balun run --csv` names its
/// files) and the title drawn above it.
#[pyclass(frozen, module = "balun._balun")]
struct PlotData {
    plot: Plot,
    #[pyo3(get)]
    key: String,
    #[pyo3(get)]
    title: String,
}

fn array<'py>(py: Python<'py>, data: &Data) -> Bound<'py, PyAny> {
    match data {
        Data::Real(v) => PyArray1::from_slice(py, v).into_any(),
        Data::Complex(v) => {
            let v: Vec<Complex64> = v.iter().map(|z| Complex64::new(z.re, z.im)).collect();
            PyArray1::from_vec(py, v).into_any()
        }
    }
}

#[pymethods]
impl PlotData {
    /// ngspice's plot name (`AC Analysis`, ...).
    #[getter]
    fn name(&self) -> &str {
        &self.plot.name
    }

    /// `op`, `dc`, `ac`, `tran`, `noise` or `noise-total`.
    #[getter]
    fn kind(&self) -> &'static str {
        balun::output::plot_kind(&self.plot)
    }

    /// The sweep variable's name (`frequency`, `time`, ...), `None` for `.op`.
    #[getter]
    fn scale_name(&self) -> Option<&str> {
        self.plot.scale.as_ref().map(|s| s.name.as_str())
    }

    /// The vectors' names in order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.plot.vectors.iter().map(|v| v.name.clone()).collect()
    }

    /// The vectors' units (`V`, `A`, `Hz`, `s`, `V/rtHz`) in order.
    #[getter]
    fn units(&self) -> Vec<&'static str> {
        self.plot
            .vectors
            .iter()
            .map(|v| balun::output::unit_symbol(v.unit))
            .collect()
    }

    /// The sweep variable as a float64 array (the real part of a complex scale), `None` for
    /// `.op`.
    fn scale<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.plot.scale.as_ref().map(|s| match &s.data {
            Data::Complex(v) => PyArray1::from_vec(py, v.iter().map(|z| z.re).collect()).into_any(),
            data => array(py, data),
        })
    }

    /// Vector `index` as a numpy array.
    fn vector<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        let v = self
            .plot
            .vectors
            .get(index)
            .ok_or_else(|| value_error(format!("no vector {index}")))?;
        Ok(array(py, &v.data))
    }

    /// The plot drawn as SVG (as `balun run --plot out.svg` draws it); `vectors` picks them
    /// (default: the top-level node voltages). `None` for a single point (`.op`).
    #[pyo3(signature = (vectors=Vec::new()))]
    fn svg(&self, py: Python<'_>, vectors: Vec<String>) -> PyResult<Option<String>> {
        let options = balun::plot::PlotOptions {
            vectors,
            title: self.title.clone(),
            ..balun::plot::PlotOptions::default()
        };
        py.detach(|| balun::plot::svg(&self.plot, &options))
            .map_err(value_error)
    }
}

/// Wraps `plots` with their keys.
fn plot_list<'py>(py: Python<'py>, plots: Vec<Plot>, title: &str) -> PyResult<Bound<'py, PyList>> {
    let keys = balun::output::plot_keys(&plots);
    let items: Vec<PlotData> = plots
        .into_iter()
        .zip(keys)
        .map(|(plot, key)| PlotData {
            plot,
            key,
            title: title.to_string(),
        })
        .collect();
    PyList::new(py, items)
}

/// A Monte Carlo's samples for Python: `runs`, `seed`, `dist`, `shard` (`(start, end)` or
/// `None`), `labels` and `samples` (float64, one row per run, one column per label).
fn samples_dict<'py>(py: Python<'py>, s: &Samples) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("runs", s.plan.runs)?;
    d.set_item("seed", s.plan.seed)?;
    d.set_item("dist", s.plan.dist.as_str())?;
    d.set_item("shard", s.plan.shard)?;
    d.set_item("labels", &s.labels)?;
    let flat: Vec<f64> = s.values.iter().flatten().copied().collect();
    let array = PyArray1::from_vec(py, flat).reshape([s.values.len(), s.labels.len()])?;
    d.set_item("samples", array)?;
    Ok(d)
}

/// The inverse of [`samples_dict`].
fn samples_from(d: &Bound<'_, PyDict>) -> PyResult<Samples> {
    let get = |k: &str| {
        d.get_item(k)?
            .ok_or_else(|| value_error(format!("Monte Carlo without '{k}'")))
    };
    let dist: String = get("dist")?.extract()?;
    let mut plan = McPlan::new(
        get("runs")?.extract()?,
        get("seed")?.extract()?,
        distribution(Some(&dist))?.unwrap_or(Distribution::Gauss),
    );
    if let Some((start, end)) = get("shard")?.extract::<Option<(usize, usize)>>()? {
        plan = plan.with_shard(start, end).map_err(value_error)?;
    }
    let labels: Vec<String> = get("labels")?.extract()?;
    let samples: numpy::PyReadonlyArray2<f64> = get("samples")?.extract()?;
    let view = samples.as_array();
    let rows: Vec<Vec<f64>> = view.rows().into_iter().map(|r| r.to_vec()).collect();
    if rows.len() != plan.indices().len() || view.ncols() != labels.len() {
        return Err(value_error(format!(
            "samples: expected {} runs of {} values",
            plan.indices().len(),
            labels.len()
        )));
    }
    Ok(Samples {
        plan,
        labels,
        values: rows,
    })
}

/// Elaborates `source` with `params`, with the GIL released.
fn load(py: Python<'_>, source: &Source, params: &[(String, f64)]) -> PyResult<Circuit> {
    py.detach(|| balun::elaborate(source.input(), params))
        .map(|e| e.circuit)
        .map_err(|f| failure_error(py, source, &f))
}

/// Monte Carlo options from Python's arguments.
fn mc_options(
    mc: Option<usize>,
    seed: Option<u64>,
    dist: Option<&str>,
    mc_runs: Option<(usize, usize)>,
) -> PyResult<McOptions> {
    Ok(McOptions {
        runs: mc,
        seed,
        dist: distribution(dist)?,
        shard: mc_runs,
    })
}

/// Runs a netlist: every analysis, the `.meas` cards, each `.step` run, and a Monte Carlo
/// when `mc` or a `.mc` card asks for one. Returns a dict: `title`, `warnings`, `runs` (each
/// `params`, `plots` as [`PlotData`], `meas` as `(name, value or None, error or None)`),
/// `monte_carlo` (see [`samples_dict`]) or `None`, `started`/`finished` (Unix time of the
/// GIL-free computation).
#[pyfunction]
#[pyo3(signature = (source, is_file, params=Vec::new(), mc=None, seed=None, dist=None, mc_runs=None, vectors=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn run<'py>(
    py: Python<'py>,
    source: String,
    is_file: bool,
    params: Vec<(String, f64)>,
    mc: Option<usize>,
    seed: Option<u64>,
    dist: Option<&str>,
    mc_runs: Option<(usize, usize)>,
    vectors: Vec<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let source = Source::new(source, is_file);
    let options = mc_options(mc, seed, dist, mc_runs)?;
    let started = now();
    let (sim, monte_carlo) = py
        .detach(|| {
            let control = solver::Control::new();
            let sim = balun::run(source.input(), &params, &control)?;
            let mc = options.plan(&sim.circuit).map_err(value_error_msg)?;
            let samples = match mc {
                None => None,
                Some(plan) => {
                    let nominal = sim.runs.first().map_or(&[][..], |r| r.meas.as_slice());
                    let (quantities, _) =
                        balun::montecarlo::run_quantities(&sim.plots, &vectors, nominal);
                    if quantities.is_empty() {
                        return Err(Outcome::Value(
                            "Monte Carlo: no .op, .ac or .meas output to summarise".into(),
                        ));
                    }
                    let s = balun::montecarlo::run_samples(&sim.circuit, &plan, &quantities, false)
                        .map_err(|e| Outcome::Value(e.to_string()))?;
                    Some(s)
                }
            };
            Ok((sim, samples))
        })
        .map_err(|e| match e {
            Outcome::Failure(f) => failure_error(py, &source, &f),
            Outcome::Value(message) => value_error(message),
        })?;
    let finished = now();
    let d = PyDict::new(py);
    let title = sim.circuit.title.clone();
    d.set_item("title", &title)?;
    let renderer = Renderer::new(Style::Plain);
    let warnings: Vec<String> = sim
        .warnings
        .iter()
        .map(|w| renderer.warning(&sim.sources, w).trim_end().to_string())
        .collect();
    d.set_item("warnings", warnings)?;
    let runs = PyList::empty(py);
    let mut plots = sim.plots.into_iter();
    for r in &sim.runs {
        let run = PyDict::new(py);
        run.set_item("params", &r.params)?;
        let these: Vec<Plot> = plots.by_ref().take(r.plots.len()).collect();
        let label = r.label();
        let run_title = if label.is_empty() {
            title.clone()
        } else {
            format!("{title} ({label})")
        };
        run.set_item("plots", plot_list(py, these, &run_title)?)?;
        let meas: Vec<(String, Option<f64>, Option<String>)> = r
            .meas
            .iter()
            .map(|m| match &m.outcome {
                Ok(v) => (m.name.clone(), Some(v.value), None),
                Err(e) => (m.name.clone(), None, Some(e.to_string())),
            })
            .collect();
        run.set_item("meas", meas)?;
        runs.append(run)?;
    }
    d.set_item("runs", runs)?;
    match &monte_carlo {
        Some(s) => d.set_item("monte_carlo", samples_dict(py, s)?)?,
        None => d.set_item("monte_carlo", py.None())?,
    }
    d.set_item("started", started)?;
    d.set_item("finished", finished)?;
    Ok(d)
}

/// Why a GIL-free computation stopped.
enum Outcome {
    Failure(Box<Failure>),
    Value(String),
}

impl From<Box<Failure>> for Outcome {
    fn from(f: Box<Failure>) -> Self {
        Outcome::Failure(f)
    }
}

fn value_error_msg(message: String) -> Outcome {
    Outcome::Value(message)
}

/// Reads an ngspice raw file (ngspice's or balun's, ASCII or binary): its plots.
#[pyfunction]
fn read_raw<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyList>> {
    let bytes = std::fs::read(&path).map_err(|e| {
        PyErr::new::<pyo3::exceptions::PyOSError, _>(format!("{}: {e}", path.display()))
    })?;
    let plots = py
        .detach(|| balun::output::raw::read(&bytes))
        .map_err(|e| value_error(format!("{}: {e}", path.display())))?;
    let title = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    plot_list(py, plots, &title)
}

/// The statistics of `samples` (non-finite values counted apart): the dict of
/// `balun run --json`'s `stats`, or `None` when no value is finite.
#[pyfunction]
fn stats<'py>(
    py: Python<'py>,
    samples: numpy::PyReadonlyArray1<'py, f64>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let samples = samples.as_array().to_vec();
    let Some(s) = Stats::of(&samples) else {
        return Ok(None);
    };
    let d = PyDict::new(py);
    d.set_item("n", s.n)?;
    d.set_item("non_finite", s.non_finite)?;
    for (k, v) in [
        ("min", s.min),
        ("p5", s.p5),
        ("median", s.median),
        ("p95", s.p95),
        ("max", s.max),
        ("mean", s.mean),
        ("std", s.std),
    ] {
        d.set_item(k, v)?;
    }
    Ok(Some(d))
}

/// Monte Carlo shards (dicts as [`run`] returns them) put back in run order.
#[pyfunction]
fn merge_samples<'py>(
    py: Python<'py>,
    shards: Vec<Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let shards = shards
        .iter()
        .map(samples_from)
        .collect::<PyResult<Vec<_>>>()?;
    let merged = py.detach(|| Samples::merge(shards)).map_err(value_error)?;
    samples_dict(py, &merged)
}

/// A Monte Carlo from `balun run --json` text (the whole document or its `monte_carlo`).
#[pyfunction]
fn samples_from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(value_error)?;
    let mc = doc.get("monte_carlo").unwrap_or(&doc);
    samples_dict(py, &Samples::from_json(mc).map_err(value_error)?)
}

/// CMRR of a receiver: without a Monte Carlo, a dict of columns (`imbalance_ohm`, `freq_hz`,
/// `adm_db`, `acm_db`, `cmrr_db`, `worse_leg`), one row per imbalance and frequency; with one,
/// the samples dict (a quantity per imbalance and frequency).
#[pyfunction]
#[pyo3(signature = (source, is_file, out=None, hot=None, cold=None, imbalance=Vec::new(), freq=Vec::new(), params=Vec::new(), mc=None, seed=None, dist=None, mc_runs=None))]
#[allow(clippy::too_many_arguments)]
fn cmrr<'py>(
    py: Python<'py>,
    source: String,
    is_file: bool,
    out: Option<String>,
    hot: Option<String>,
    cold: Option<String>,
    imbalance: Vec<f64>,
    freq: Vec<f64>,
    params: Vec<(String, f64)>,
    mc: Option<usize>,
    seed: Option<u64>,
    dist: Option<&str>,
    mc_runs: Option<(usize, usize)>,
) -> PyResult<Bound<'py, PyDict>> {
    let source = Source::new(source, is_file);
    let c = load(py, &source, &params)?;
    let request = CmrrRequest {
        out,
        hot,
        cold,
        imbalance_ohm: imbalance,
    };
    let options = mc_options(mc, seed, dist, mc_runs)?;
    if let Some(plan) = options.plan(&c).map_err(value_error)? {
        let freqs = m::spot_or(&freq);
        let samples = py
            .detach(|| {
                let (setup, imbalances) = request.resolve(&c).map_err(|e| e.to_string())?;
                balun::montecarlo::cmrr_samples(&c, &setup, &freqs, &imbalances, &plan, false)
                    .map(|s| balun::montecarlo::cmrr_table(plan, &freqs, &s))
                    .map_err(|e| e.to_string())
            })
            .map_err(value_error)?;
        return samples_dict(py, &samples);
    }
    let freqs = m::frequencies(&c, &freq);
    let results = py
        .detach(|| m::cmrr(&c, &request, &freqs))
        .map_err(value_error)?;
    let rows = results
        .iter()
        .flat_map(|(dz, pts)| pts.iter().map(move |p| (*dz, p)));
    let d = PyDict::new(py);
    let col = |f: &dyn Fn(f64, &measure::cmrr::CmrrPoint) -> f64| -> Vec<f64> {
        rows.clone().map(|(dz, p)| f(dz, p)).collect()
    };
    d.set_item("imbalance_ohm", PyArray1::from_vec(py, col(&|dz, _| dz)))?;
    d.set_item("freq_hz", PyArray1::from_vec(py, col(&|_, p| p.freq_hz)))?;
    d.set_item("adm_db", PyArray1::from_vec(py, col(&|_, p| p.adm_db())))?;
    d.set_item("acm_db", PyArray1::from_vec(py, col(&|_, p| p.acm_db())))?;
    d.set_item("cmrr_db", PyArray1::from_vec(py, col(&|_, p| p.cmrr_db())))?;
    let legs: Vec<&str> = rows.map(|(_, p)| p.leg.as_str()).collect();
    d.set_item("worse_leg", legs)?;
    Ok(d)
}

/// Crosstalk: `channels` (source names), `freq_hz` and `db[frequency, victim, aggressor]`
/// (victim output / aggressor output with only the aggressor driven; NaN on the diagonal).
#[pyfunction]
#[pyo3(signature = (source, is_file, channels=Vec::new(), freq=Vec::new(), params=Vec::new()))]
fn xtalk<'py>(
    py: Python<'py>,
    source: String,
    is_file: bool,
    channels: Vec<String>,
    freq: Vec<f64>,
    params: Vec<(String, f64)>,
) -> PyResult<Bound<'py, PyDict>> {
    let source = Source::new(source, is_file);
    let c = load(py, &source, &params)?;
    let freqs = m::frequencies(&c, &freq);
    let (names, x) = py
        .detach(|| m::xtalk(&c, &channels, &freqs))
        .map_err(value_error)?;
    let n = names.len();
    let mut db = Vec::with_capacity(freqs.len() * n * n);
    for fi in 0..freqs.len() {
        for v in 0..n {
            for ag in 0..n {
                db.push(if v == ag { f64::NAN } else { x.db(fi, v, ag) });
            }
        }
    }
    let d = PyDict::new(py);
    d.set_item("channels", names)?;
    d.set_item("freq_hz", PyArray1::from_slice(py, &freqs))?;
    d.set_item(
        "db",
        PyArray1::from_vec(py, db).reshape([freqs.len(), n, n])?,
    )?;
    Ok(d)
}

/// Hum: columns `freq_hz`, `signal_gain_db`, `interference_gain_db`, `relative_db`.
#[pyfunction]
#[pyo3(signature = (source, is_file, out=None, signal=None, interference=None, freq=Vec::new(), params=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn hum<'py>(
    py: Python<'py>,
    source: String,
    is_file: bool,
    out: Option<String>,
    signal: Option<String>,
    interference: Option<String>,
    freq: Vec<f64>,
    params: Vec<(String, f64)>,
) -> PyResult<Bound<'py, PyDict>> {
    let source = Source::new(source, is_file);
    let c = load(py, &source, &params)?;
    let freqs = m::frequencies(&c, &freq);
    let request = HumRequest {
        out,
        signal,
        interference,
    };
    let pts = py
        .detach(|| m::hum(&c, &request, &freqs))
        .map_err(value_error)?;
    let col = |f: &dyn Fn(&measure::interference::InterferencePoint) -> f64| {
        PyArray1::from_vec(py, pts.iter().map(f).collect())
    };
    let d = PyDict::new(py);
    d.set_item("freq_hz", col(&|p| p.freq_hz))?;
    d.set_item(
        "signal_gain_db",
        col(&|p| 20.0 * p.signal_gain.norm().log10()),
    )?;
    d.set_item(
        "interference_gain_db",
        col(&|p| 20.0 * p.interference_gain.norm().log10()),
    )?;
    d.set_item("relative_db", col(&|p| p.relative_db()))?;
    Ok(d)
}

/// `balun compare`: for `cmrr`, `xtalk` and `hum`, columns `circuit`, `imbalance_ohm` (NaN
/// without), `freq_hz` and `db` (and `hum_dbv` for hum), one row per circuit, imbalance and
/// frequency; for `noise`, one row per circuit with the audio-band summary.
#[pyfunction]
#[pyo3(signature = (sources, measure="cmrr", imbalance=Vec::new(), freq=Vec::new(), rs=150.0))]
fn compare<'py>(
    py: Python<'py>,
    sources: Vec<(String, bool, String)>,
    measure: &str,
    imbalance: Vec<f64>,
    freq: Vec<f64>,
    rs: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let quantity = Quantity::from_name(measure).ok_or_else(|| {
        value_error(format!(
            "measure={measure:?}: expected 'cmrr', 'xtalk', 'hum' or 'noise'"
        ))
    })?;
    if matches!(quantity, Quantity::Thd | Quantity::Drive | Quantity::Rfi) {
        return Err(value_error(format!(
            "measure={measure:?} is not a compare column: use balun.thd or balun.rfi on each \
             netlist (drive: the command line's compare --measure drive)"
        )));
    }
    let freqs = m::spot_or(&freq);
    let d = PyDict::new(py);
    let mut circuits = Vec::new();
    for (text, is_file, name) in sources {
        let source = Source::new(text, is_file);
        circuits.push((load(py, &source, &[])?, name));
    }
    if quantity == Quantity::Noise {
        let rows = py
            .detach(|| {
                circuits
                    .iter()
                    .map(|(c, _)| m::noise(c, rs))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(value_error)?;
        let col = |f: &dyn Fn(&measure::noise::NoiseSummary) -> f64| {
            PyArray1::from_vec(py, rows.iter().map(f).collect())
        };
        d.set_item(
            "circuit",
            circuits.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item("gain_1k_db", col(&|s| 20.0 * s.gain_1k.log10()))?;
        d.set_item("ein_dbu", col(&|s| s.ein_dbu()))?;
        d.set_item("ein_a_dbu", col(&|s| s.ein_a_dbu()))?;
        d.set_item("ein_dbv", col(&|s| s.ein_dbv()))?;
        d.set_item("ein_a_dbv", col(&|s| s.ein_a_dbv()))?;
        d.set_item("noise_figure_db", col(&|s| s.noise_figure_db()))?;
        return Ok(d);
    }
    let rows = py
        .detach(|| {
            let mut rows = Vec::new();
            for (c, name) in &circuits {
                rows.extend(m::compare_rows(c, name, quantity, &imbalance, &freqs)?);
            }
            Ok::<_, measure::MeasureError>(rows)
        })
        .map_err(value_error)?;
    let cells = rows
        .iter()
        .flat_map(|r| (0..freqs.len()).map(move |fi| (r, fi)));
    d.set_item(
        "circuit",
        cells
            .clone()
            .map(|(r, _)| r.circuit.clone())
            .collect::<Vec<_>>(),
    )?;
    let col = |f: &dyn Fn(&m::CompareRow, usize) -> f64| {
        PyArray1::from_vec(py, cells.clone().map(|(r, fi)| f(r, fi)).collect())
    };
    d.set_item(
        "imbalance_ohm",
        col(&|r, _| r.imbalance_ohm.unwrap_or(f64::NAN)),
    )?;
    d.set_item("freq_hz", col(&|_, fi| freqs[fi]))?;
    d.set_item("db", col(&|r, fi| r.db[fi]))?;
    if quantity == Quantity::Hum {
        d.set_item(
            "hum_dbv",
            col(&|r, fi| r.hum_dbv.as_ref().map_or(f64::NAN, |h| h[fi])),
        )?;
    }
    Ok(d)
}

/// THD against level (`balun thd`): a row per level with `level` (as written), `amplitude`
/// (V peak), `level_dbu`, `fundamental` (V peak), `thd_percent`, `thd_db` and `h2_dbc` ...
/// `h9_dbc` (the `.four` card's harmonics).
#[pyfunction]
#[pyo3(signature = (source, is_file, out=None, sources=Vec::new(), freq=None, level=Vec::new(), params=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn thd<'py>(
    py: Python<'py>,
    source: String,
    is_file: bool,
    out: Option<String>,
    sources: Vec<String>,
    freq: Option<String>,
    level: Vec<String>,
    params: Vec<(String, f64)>,
) -> PyResult<Bound<'py, PyDict>> {
    let source = Source::new(source, is_file);
    let c = load(py, &source, &params)?;
    let levels = level
        .iter()
        .map(|l| measure::thd::parse_level(l))
        .collect::<Result<Vec<_>, _>>()
        .map_err(value_error)?;
    let points = py
        .detach(|| {
            let (s, levels) = m::thd_setup(&c, out.as_deref(), &sources, freq.as_deref(), &levels)?;
            measure::thd::sweep(&c, &s, &levels)
        })
        .map_err(value_error)?;
    let d = PyDict::new(py);
    let col = |f: &dyn Fn(&measure::thd::ThdPoint) -> f64| {
        PyArray1::from_vec(py, points.iter().map(f).collect())
    };
    d.set_item(
        "level",
        points
            .iter()
            .map(|p| p.level.label.clone())
            .collect::<Vec<_>>(),
    )?;
    d.set_item("amplitude", col(&|p| p.level.amplitude))?;
    d.set_item("level_dbu", col(&|p| p.level.dbu()))?;
    d.set_item("fundamental", col(&|p| p.fourier.fundamental()))?;
    d.set_item("thd_percent", col(&|p| p.fourier.thd_percent))?;
    d.set_item("thd_db", col(&|p| p.fourier.thd_db()))?;
    let rows = points.first().map_or(0, |p| p.fourier.harmonics.len());
    for k in 2..rows {
        d.set_item(
            format!("h{k}_dbc"),
            col(&|p| p.fourier.harmonics.get(k).map_or(f64::NAN, |h| h.dbc())),
        )?;
    }
    Ok(d)
}

/// RF immunity (`balun rfi`): a row per carrier frequency with `freq_hz`, `shift_v`,
/// `shift_rti_v`, `emirr_db`, `carrier_out_vpk` and `demod_dbv`.
#[pyfunction]
#[pyo3(signature = (source, is_file, out=None, hot=None, cold=None, freq=Vec::new(), mode="cm", level=0.1, depth=0.3, fmod=1e3, params=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn rfi<'py>(
    py: Python<'py>,
    source: String,
    is_file: bool,
    out: Option<String>,
    hot: Option<String>,
    cold: Option<String>,
    freq: Vec<f64>,
    mode: &str,
    level: f64,
    depth: f64,
    fmod: f64,
    params: Vec<(String, f64)>,
) -> PyResult<Bound<'py, PyDict>> {
    let mode = match mode {
        "cm" => measure::rfi::Mode::Cm,
        "dm" => measure::rfi::Mode::Dm,
        _ => return Err(value_error(format!("mode={mode:?}: expected 'cm' or 'dm'"))),
    };
    let source = Source::new(source, is_file);
    let c = load(py, &source, &params)?;
    let freqs = if freq.is_empty() {
        measure::rfi::RF_FREQUENCIES_HZ.to_vec()
    } else {
        freq
    };
    let points = py
        .detach(|| {
            let (cm, _) = m::cmrr_setup(&c, out.as_deref(), hot.as_deref(), cold.as_deref())?;
            let setup = measure::rfi::RfiSetup {
                hot: cm.hot,
                cold: cm.cold,
                out: cm.out,
                mode,
                level_vpk: level,
                depth,
                fmod_hz: fmod,
            };
            measure::rfi::rfi(&c, &setup, &freqs)
        })
        .map_err(value_error)?;
    let d = PyDict::new(py);
    let col = |f: &dyn Fn(&measure::rfi::RfiPoint) -> f64| {
        PyArray1::from_vec(py, points.iter().map(f).collect())
    };
    d.set_item("freq_hz", col(&|p| p.freq_hz))?;
    d.set_item("shift_v", col(&|p| p.shift_v))?;
    d.set_item("shift_rti_v", col(&|p| p.shift_rti_v))?;
    d.set_item("emirr_db", col(&|p| p.emirr_db(level)))?;
    d.set_item("carrier_out_vpk", col(&|p| p.carrier_out_vpk))?;
    d.set_item("demod_dbv", col(&|p| p.demod_dbv()))?;
    Ok(d)
}

/// A SPICE number (`1k`, `10meg`, `2.2u`), `None` when it is not one.
#[pyfunction]
fn number(text: &str) -> Option<f64> {
    netlist::parse_number(text.trim()).filter(|v| v.is_finite())
}

#[pymodule]
fn _balun(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PlotData>()?;
    module.add_function(wrap_pyfunction!(run, module)?)?;
    module.add_function(wrap_pyfunction!(number, module)?)?;
    module.add_function(wrap_pyfunction!(read_raw, module)?)?;
    module.add_function(wrap_pyfunction!(stats, module)?)?;
    module.add_function(wrap_pyfunction!(merge_samples, module)?)?;
    module.add_function(wrap_pyfunction!(samples_from_json, module)?)?;
    module.add_function(wrap_pyfunction!(cmrr, module)?)?;
    module.add_function(wrap_pyfunction!(xtalk, module)?)?;
    module.add_function(wrap_pyfunction!(hum, module)?)?;
    module.add_function(wrap_pyfunction!(compare, module)?)?;
    module.add_function(wrap_pyfunction!(thd, module)?)?;
    module.add_function(wrap_pyfunction!(rfi, module)?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
