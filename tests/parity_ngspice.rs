//! Parity with ngspice 39 on linear circuits.
//!
//! Every netlist `tests/parity/NAME.net` has a committed reference `tests/parity/NAME.raw`,
//! written by ngspice 39 (`scripts/regen-parity.sh` runs
//! `SPICE_ASCIIRAWFILE=1 ngspice -b -r NAME.raw NAME.net` in `tests/parity`). Each case runs
//! balun's whole pipeline in-process ([`balun::simulate_file`]), reads the reference with
//! [`balun::output::raw::read_ascii`], and compares:
//!
//! - plots, matched by plot name and by order among plots of the same name (ngspice writes
//!   `.ac`, then `.dc`, then `.op`, whatever the netlist order, so the order *across* names is
//!   not compared; two `.dc` cards give two `DC transfer characteristic` plots, which ngspice
//!   writes in reverse netlist order: see [`compare_plots`]). A plot missing in balun, or an
//!   extra one, is a failure;
//! - vectors (the scale included), by name: the same set of names on both sides (a vector
//!   missing in balun, or one ngspice does not write, is a failure), the same number of points;
//! - every value, within the tolerance below.
//!
//! **Tolerance**: `|a - b| <= 1e-6 * |b| + 1e-12 * max_abs`, where `a` is balun's value, `b`
//! ngspice's, `|.|` the complex modulus and `max_abs` the largest `|b|` in ngspice's vector.
//! Why: the circuits are linear, so both simulators solve the very same MNA equations with
//! LU factorisation in double precision; the only differences are rounding (pivot order,
//! summation order), far below 1e-6 for these well-conditioned circuits. ngspice prints 16
//! significant digits, so the reference itself is exact to ~1e-16. The tiny absolute floor
//! covers values that are exactly zero in ngspice (a node at ground potential in `.op`, the
//! zero imaginary part of a real source) where balun may leave rounding noise of ~1e-17 of the
//! vector's scale. If a whole vector is zero (so `max_abs` is 0: e.g. an `.op` vector with its
//! single point exactly 0), the floor uses the largest value of the same unit (voltage or
//! current) in that plot instead, for the same reason.
//!
//! **ngspice quirks handled here**:
//! - the imaginary part of `frequency` in an AC plot is uninitialised memory (it changes from
//!   run to run: `2.07e+210`, `4.1e-258`, ...): only the real part of `frequency` is compared;
//! - names are lower-cased, the DC sweep scale is `v(v-sweep)` (`i(i-sweep)` for a current
//!   source), currents of elements inside subcircuits are `i(l.x1.lf)`, `i(e.x1.e1)`;
//! - ngspice 39 accepts only two inductors per `K` card, so `k_three_inductors.net` couples
//!   three inductors with three `K` cards.
//!
//! - ngspice writes same-type analyses in reverse netlist order (see [`compare_plots`]).
//!
//! **Findings** (for the solver engineer; the tolerance is not loosened for them):
//! - `transformer_receiver`, vector `i(vh1)` (copy 1, common-mode drive) at 10-16 Hz: the
//!   common-mode input current is ~4 pA, computed as (1 V - v(hot1))/600 ohm where
//!   1 - v(hot1) ~ 1.7e-9, a cancellation of ~170 dB through the k = 0.999 coupled pair.
//!   Against a 50-digit solution of the same MNA equations (mpmath), at 15.85 Hz (point 4):
//!   ngspice's v(hot1) is off by 4e-16 (2 ulp), balun's by 6e-14 (~250 ulp), so i(vh1) is off
//!   by 2.2e-7 relative in ngspice and 2.4e-5 in balun (v(sa1): 8.7e-8 vs 7.4e-6). With solver
//!   commit b124216 (faer `Lu`, pivoting at every point) the case passed at 9.4e-7 (94% of the
//!   tolerance, point 0); with the static-pivot refactorisation of deab4e7 (`lu.rs`,
//!   pivrel 1e-3) it fails at 1.006e-6, point 4: balun 2.7514726608e-12-3.0189719982e-12j,
//!   ngspice 2.7514227875e-12-3.0188893544e-12j. balun's LU loses about two digits more than
//!   ngspice's on this badly scaled matrix; one step of iterative refinement (residual in
//!   f64, one more solve with the same factors) should recover them.
//!
//! Run with `cargo test --release --test parity_ngspice -- --nocapture` to see the worst
//! relative difference of each case.

mod common;
use common::*;

use balun::solver::{Plot, Vector};
use num_complex::Complex64;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Relative tolerance (see the module docs).
const REL_TOL: f64 = 1e-6;
/// Absolute floor, as a fraction of the vector's largest magnitude (see the module docs).
const ABS_FLOOR: f64 = 1e-12;
/// At most this many failing points are listed per vector (the count of the rest is given).
const MAX_POINTS_LISTED: usize = 10;

fn parity_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("parity")
}

/// One case per netlist, so a failure names the netlist. `every_netlist_has_a_case` checks
/// that this list and the `.net` files in `tests/parity` agree.
macro_rules! parity_cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let report = run_case(stringify!($name));
                println!("{}", report.summary_line());
                if !report.passed() {
                    panic!("{}", report.failure_text());
                }
            }
        )*

        const CASES: &[&str] = &[$(stringify!($name)),*];
    };
}

parity_cases!(
    ac_lin_twin_t,
    ac_dec_partial_decades,
    ac_oct_lc_ladder,
    bjt_ce_temp,
    bjt_classab,
    bjt_diffpair,
    bjt_opamp,
    bjt_pnp_substrate,
    bridge_dc_nested,
    bsrc_current_branch,
    bsrc_log_from_zero,
    bsrc_nonlinear,
    bsrc_pwl_function,
    bsrc_subckt,
    bsrc_table,
    bsrc_value,
    cccs_f,
    dc_temp_sweep,
    ccvs_h,
    current_source_network,
    diffamp_cm,
    diffamp_dm,
    diode_temperature,
    func_macros,
    inductor_geometry,
    mos1_diffpair,
    mos1_diffpair_85c,
    mos1_inverter,
    mos2_diffpair,
    mos2_inverter,
    mos3_diffpair,
    mos3_inverter,
    divider_op_dc,
    netlist_compat,
    empty_netlist_op,
    headphone_shared_return,
    jfet_diffpair,
    jfet_follower,
    jfet_pjf_rdrs,
    jfet_temp_instance,
    k_three_inductors,
    lib_sections,
    ltra_audio_cable,
    ltra_balanced_pair,
    ltra_rg_line,
    txl_dc,
    mixed_devices,
    ds_opamps,
    mm_c1_boyle_npn,
    mm_c2_pnp_classb,
    mm_c3_jfet_boyle,
    mm_c4_adi_polezero,
    mm_c5_darlington_hlim,
    mm_c6_cmos_twostage,
    mm_m1_value_tanh,
    mm_m2_bsrc_switch,
    numparam_one_arg,
    op_gmin_stepping_latch,
    op_mos2_gmin_stepping,
    op_gmin_stepping_zener,
    passive_models,
    poly_cubic,
    resistor_ac_value,
    poly_mult,
    poly_opamp,
    pz_bridged_t,
    pz_diode_bias,
    pz_lc_ladder,
    pz_sallen_key,
    rc_lowpass_ac_dec,
    rlc_bandpass_ac_dec,
    save_vectors,
    sens_current_dc,
    sens_diffamp,
    sens_diffamp_ac,
    sens_passives_ac,
    source_distof,
    source_keywords,
    sp_coax_ladder,
    sp_splitter_mixed_z0,
    subckt_nested_params,
    switch_csw,
    switch_schmitt,
    temper_expressions,
    syntax_suffixes_include,
    tf_diffamp,
    tf_nonlinear,
    thevenin_op_ac,
    tline_mismatch,
    transformer_receiver,
    vccs_g,
    vcvs_e,
);

/// The worst point of a case: relative difference (floor included) and where it was.
#[derive(Debug, Clone)]
struct Worst {
    rel: f64,
    place: String,
}

/// Outcome of comparing one netlist.
#[derive(Debug)]
struct Report {
    case: String,
    /// A failure before any comparison (balun error, unreadable raw file).
    setup_error: Option<String>,
    mismatches: Vec<String>,
    values_compared: usize,
    worst: Option<Worst>,
}

impl Report {
    fn new(case: &str) -> Report {
        Report {
            case: case.to_string(),
            setup_error: None,
            mismatches: Vec::new(),
            values_compared: 0,
            worst: None,
        }
    }

    fn passed(&self) -> bool {
        self.setup_error.is_none() && self.mismatches.is_empty()
    }

    fn note(&mut self, rel: f64, place: impl FnOnce() -> String) {
        self.values_compared += 1;
        if self.worst.as_ref().is_none_or(|w| rel > w.rel) {
            self.worst = Some(Worst {
                rel,
                place: place(),
            });
        }
    }

    fn summary_line(&self) -> String {
        let status = if self.passed() { "ok  " } else { "FAIL" };
        match (&self.setup_error, &self.worst) {
            (Some(e), _) => format!("parity {status} {:<26} error: {e}", self.case),
            (None, Some(w)) => format!(
                "parity {status} {:<26} {:>6} values, worst relative difference {:.3e} at {}{}",
                self.case,
                self.values_compared,
                w.rel,
                w.place,
                if self.mismatches.is_empty() {
                    String::new()
                } else {
                    format!(", {} mismatches", self.mismatches.len())
                }
            ),
            (None, None) => format!(
                "parity {status} {:<26} no values compared, {} mismatches",
                self.case,
                self.mismatches.len()
            ),
        }
    }

    fn failure_text(&self) -> String {
        let mut s = format!("ngspice parity failed for {}.net\n", self.case);
        if let Some(e) = &self.setup_error {
            let _ = writeln!(s, "  {e}");
        }
        for m in &self.mismatches {
            let _ = writeln!(s, "  {m}");
        }
        if let Some(w) = &self.worst {
            let _ = writeln!(
                s,
                "  worst relative difference {:.3e} at {} (tolerance {REL_TOL:e} relative + {ABS_FLOOR:e} x max|vector|)",
                w.rel, w.place
            );
        }
        s
    }
}

/// Runs balun on `tests/parity/{case}.net` and compares with `tests/parity/{case}.raw`.
fn run_case(case: &str) -> Report {
    run_case_in(&parity_dir(), case)
}

fn pspice_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("pspice")
}

/// PSpice-style cases: `tests/pspice`, whose `.spiceinit` puts ngspice 39 in its PSpice mode
/// (`set ngbehavior=ps`) for the reference run; balun reads the same netlists unchanged. One
/// test per netlist (`test => "netlist"`), and `PSPICE_CASES` lists the netlists.
macro_rules! pspice_cases {
    ($($(#[$doc:meta])* $test:ident => $case:literal),* $(,)?) => {
        $(
            $(#[$doc])*
            #[test]
            fn $test() {
                let report = run_case_in(&pspice_dir(), $case);
                println!("{}", report.summary_line());
                if !report.passed() {
                    panic!("{}", report.failure_text());
                }
            }
        )*

        const PSPICE_CASES: &[&str] = &[$($case),*];
    };
}

pspice_cases!(
    /// `VSWITCH` with `VON`/`VOFF` (ngspice's `pswitch` code model: log-cubic resistance, its AC
    /// gains with their sign quirk, XSPICE's input limiting and forward-difference Jacobian) and
    /// with `VT`/`VH` (an `SW` switch), in a subcircuit from an included library.
    pspice_switch_vswitch => "switch_vswitch",
    /// The PSpice dialect of vendor model files: `PARAMS:` with commas on `.SUBCKT` and `X` lines,
    /// `+PARAMS:` on a continuation line, `.FUNC` in both forms, `IF`/`LIMIT` in `.PARAM` and
    /// `VALUE`, `TABLE`, a `VSWITCH` model named `X1:S_VSWITCH_1` defined after its use, `;`
    /// comments; `.op`, `.dc` across the limits and `.ac`.
    pspice_dialect => "pspice_dialect",
    /// Our modern-style op-amp model m3_claw_table (tests/macromodels: PARAMS:, .FUNC, LIMIT,
    /// IF, a TABLE of I(), SW switches) in the balanced receiver, its offset given as
    /// `PARAMS:VOS=40U`.
    pspice_mm_m3_claw_table => "mm_m3_claw_table",
    /// Our modern-style op-amp model m4_gwl_blocks (tests/macromodels: subcircuits taking
    /// PARAMS:, `PARAMS:GAIN=1M` without a blank, LIMIT, IF, B sources with I(), PSpice's VT,
    /// a TABLE current limit, VSWITCH switches named `X1:S_VSWITCH_1`) in the balanced receiver.
    pspice_mm_m4_gwl_blocks => "mm_m4_gwl_blocks",
    /// An `AKO:` model (the base's parameters, then its own) and PSpice's single `&` and `|`
    /// in `.PARAM` expressions, in a subcircuit of an included library; `.op` and `.dc`.
    pspice_ako_logic => "pspice_ako_logic",
);

/// Files as LTspice and Windows editors write them: `pspice_dialect.net` as UTF-16LE with a
/// byte-order mark and CRLF line ends, its library as UTF-16BE with a BOM, read transparently
/// (ngspice 39 reads only 8-bit text, so the reference is its run on the UTF-8 originals).
#[test]
fn pspice_dialect_utf16_crlf() {
    let dir = temp_dir("parity", "utf16");
    let utf16 = |text: &str, le: bool| -> Vec<u8> {
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.replace('\n', "\r\n").encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    };
    let src = pspice_dir();
    for (name, le) in [("pspice_dialect.net", true), ("pspice_dialect.inc", false)] {
        let text = std::fs::read_to_string(src.join(name)).expect("read the UTF-8 original");
        std::fs::write(dir.join(name), utf16(&text, le)).expect("write the UTF-16 copy");
    }
    std::fs::copy(
        src.join("pspice_dialect.raw"),
        dir.join("pspice_dialect.raw"),
    )
    .expect("copy the reference");
    let report = run_case_in(&dir, "pspice_dialect");
    println!("{}", report.summary_line());
    if !report.passed() {
        panic!("{}", report.failure_text());
    }
}

#[test]
fn every_pspice_netlist_has_a_case() {
    assert_cases_match_netlists(
        &pspice_dir(),
        PSPICE_CASES,
        "PSPICE_CASES in tests/parity_ngspice.rs",
    );
}

/// Runs balun on `{dir}/{case}.net` and compares with `{dir}/{case}.raw`.
fn run_case_in(dir: &Path, case: &str) -> Report {
    let mut report = Report::new(case);
    let net = dir.join(format!("{case}.net"));
    let raw = dir.join(format!("{case}.raw"));

    let text = match std::fs::read_to_string(&raw) {
        Ok(t) => t,
        Err(e) => {
            report.setup_error = Some(format!(
                "cannot read {} ({e}); run scripts/regen-parity.sh",
                raw.display()
            ));
            return report;
        }
    };
    let expected = match balun::output::raw::read_ascii(&text) {
        Ok(p) => p,
        Err(e) => {
            report.setup_error = Some(format!("cannot parse {}: {e}", raw.display()));
            return report;
        }
    };
    // A panic in balun (a broken invariant, or a `todo!()`) fails this case only, with its
    // message, and still lets `summary_of_all_cases` report the other cases.
    let run = std::panic::catch_unwind(|| balun::simulate_file(&net));
    let actual = match run {
        Ok(Ok((_circuit, plots))) => plots,
        Ok(Err((e, _sources))) => {
            report.setup_error = Some(format!("balun failed on {}: {e}", net.display()));
            return report;
        }
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(non-string panic payload)");
            report.setup_error = Some(format!("balun panicked on {}: {msg}", net.display()));
            return report;
        }
    };
    compare_plots(&mut report, &expected, &actual);
    report
}

/// Matches plots by name and, among plots of the same name, by netlist order, then compares
/// each pair.
///
/// ngspice 39 quirk: it writes its plots grouped by analysis type (all `.ac`, then all `.dc`,
/// then all `.op`, whatever the netlist order) and, within one type, in *reverse* netlist
/// order: `.ac dec 1 ..`, `.ac dec 2 ..`, `.ac dec 3 ..` come out as the dec 3, dec 2, dec 1
/// plots (checked by hand with ngspice 39; `divider_op_dc.net` has two `.dc` cards). balun
/// writes its plots in netlist order (`balun::Simulation::plots`). So the k-th balun plot of
/// a name is compared with the k-th ngspice plot of that name counted from the end of the raw
/// file.
fn compare_plots(report: &mut Report, expected: &[Plot], actual: &[Plot]) {
    let mut names: Vec<&str> = Vec::new();
    for p in expected.iter().chain(actual) {
        if !names.contains(&p.name.as_str()) {
            names.push(&p.name);
        }
    }
    for name in names {
        // ngspice's plots of this name, back in netlist order.
        let exp: Vec<&Plot> = expected.iter().filter(|p| p.name == name).rev().collect();
        let act: Vec<&Plot> = actual.iter().filter(|p| p.name == name).collect();
        for k in 0..exp.len().max(act.len()) {
            let label = if exp.len().max(act.len()) > 1 {
                format!("{name} #{} in netlist order", k + 1)
            } else {
                name.to_string()
            };
            match (exp.get(k), act.get(k)) {
                (Some(e), Some(a)) => compare_plot(report, &label, e, a),
                (Some(_), None) => report
                    .mismatches
                    .push(format!("plot '{label}': missing in balun's results")),
                (None, Some(_)) => report
                    .mismatches
                    .push(format!("plot '{label}': balun writes it, ngspice does not")),
                (None, None) => unreachable!("k < max(len)"),
            }
        }
    }
}

/// Scale and vectors of a plot, by name, in order.
fn all_vectors(plot: &Plot) -> Vec<&Vector> {
    plot.scale.iter().chain(plot.vectors.iter()).collect()
}

fn fmt_c(z: Complex64) -> String {
    if z.im == 0.0 {
        format!("{:.16e}", z.re)
    } else {
        format!("{:.16e}{:+.16e}j", z.re, z.im)
    }
}

fn compare_plot(report: &mut Report, label: &str, expected: &Plot, actual: &Plot) {
    let exp_vecs = all_vectors(expected);
    let act_vecs = all_vectors(actual);
    // balun's names as its raw file writes them (`transfer_function` as
    // `v(transfer_function)`), which is how ngspice's raw file names them; case aside
    // (ngspice writes `.tf`'s `v(Transfer_function)`, `v(output_impedance_at_V(out))`).
    let raw_name = |v: &Vector| balun::output::raw::raw_name(v).to_lowercase();
    // A name may repeat (a `Y` line's two branch currents are both `i(y1)`): the k-th vector
    // of a name in ngspice's plot is compared with the k-th of that name in balun's.
    let mut act_by_name: HashMap<String, Vec<&Vector>> = HashMap::new();
    for v in act_vecs.iter().rev() {
        act_by_name.entry(raw_name(v)).or_default().push(*v);
    }

    // Floor for all-zero vectors: the largest magnitude of the same unit in the plot.
    let mut unit_max: HashMap<&str, f64> = HashMap::new();
    for v in &exp_vecs {
        let m = unit_max.entry(v.unit.raw_name()).or_insert(0.0);
        *m = m.max(max_abs(v));
    }

    for ev in &exp_vecs {
        let Some(av) = act_by_name
            .get_mut(&ev.name.to_lowercase())
            .and_then(|same| same.pop())
        else {
            report.mismatches.push(format!(
                "plot '{label}' vector '{}': missing in balun (balun has: {})",
                ev.name,
                act_vecs
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            continue;
        };
        let n = ev.data.len();
        if av.data.len() != n {
            report.mismatches.push(format!(
                "plot '{label}' vector '{}': ngspice has {n} points, balun {}",
                ev.name,
                av.data.len()
            ));
            continue;
        }
        let mut scale = max_abs(ev);
        if scale == 0.0 {
            scale = unit_max.get(ev.unit.raw_name()).copied().unwrap_or(0.0);
        }
        let floor = ABS_FLOOR * scale;
        let mut failing = 0usize;
        for i in 0..n {
            let b = value_at(ev, i);
            let a = value_at(av, i);
            let diff = (a - b).norm();
            // Pass iff diff <= REL_TOL*|b| + floor, i.e. rel <= REL_TOL with this rel.
            let denom = b.norm() + floor / REL_TOL;
            let rel = if diff == 0.0 {
                0.0
            } else if denom > 0.0 {
                diff / denom
            } else {
                f64::INFINITY
            };
            report.note(rel, || format!("'{label}' {}[{i}]", ev.name));
            // Written so that a NaN in balun's result fails too.
            let within = diff <= REL_TOL * b.norm() + floor;
            if !within {
                failing += 1;
                if failing <= MAX_POINTS_LISTED {
                    report.mismatches.push(format!(
                        "plot '{label}' vector '{}' point {i}: balun {} ngspice {} (relative difference {rel:.3e})",
                        ev.name,
                        fmt_c(a),
                        fmt_c(b)
                    ));
                }
            }
        }
        if failing > MAX_POINTS_LISTED {
            report.mismatches.push(format!(
                "plot '{label}' vector '{}': ... and {} more failing points (of {n})",
                ev.name,
                failing - MAX_POINTS_LISTED
            ));
        }
    }
    for av in &act_vecs {
        if !exp_vecs
            .iter()
            .any(|ev| ev.name.to_lowercase() == raw_name(av))
        {
            report.mismatches.push(format!(
                "plot '{label}' vector '{}': balun writes it, ngspice does not",
                av.name
            ));
        }
    }
}

#[test]
fn every_netlist_has_a_case() {
    assert_cases_match_netlists(
        &parity_dir(),
        CASES,
        "the parity_cases! list in tests/parity_ngspice.rs",
    );
}

/// Prints one line per case and the worst relative difference overall (`--nocapture`).
/// The per-case tests are the ones that fail; this one only reports, so that one balun bug
/// is not reported twice.
#[test]
fn summary_of_all_cases() {
    let reports: Vec<Report> = CASES.iter().map(|c| run_case(c)).collect();
    let mut out = String::from("\nngspice parity summary\n");
    for r in &reports {
        let _ = writeln!(out, "  {}", r.summary_line());
    }
    let failed = reports.iter().filter(|r| !r.passed()).count();
    let worst = reports
        .iter()
        .filter_map(|r| r.worst.as_ref().map(|w| (r, w)))
        .max_by(|a, b| a.1.rel.total_cmp(&b.1.rel));
    match worst {
        Some((r, w)) => {
            let _ = writeln!(
                out,
                "  worst relative difference overall: {:.3e} ({}.net, {}); {failed} of {} cases fail",
                w.rel,
                r.case,
                w.place,
                reports.len()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  nothing compared; {failed} of {} cases fail",
                reports.len()
            );
        }
    }
    println!("{out}");
}

// ---------------------------------------------------------------------------------------
// Are the committed references what ngspice writes today?
// ---------------------------------------------------------------------------------------

/// A raw file's lines with the run-dependent parts removed: the `Date:` line is dropped and,
/// on the first line of each point (`INDEX<TAB><TAB>scale[,imag]`), the imaginary part of the
/// scale (ngspice's uninitialised `frequency` imaginary part) is cut off.
fn raw_lines_for_comparison(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with("Date:"))
        .map(|l| {
            let starts_point = l.split('\t').next().is_some_and(|first| {
                !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit())
            }) && l.contains("\t\t");
            match (starts_point, l.find(',')) {
                (true, Some(comma)) => l[..comma].to_string(),
                _ => l.to_string(),
            }
        })
        .collect()
}

/// Numbers compare within 1e-12 relative rather than as text, so that a different libm
/// (last-digit differences in exp/log10 of the sweep points) does not fail the check; that is
/// still six orders of magnitude tighter than the parity tolerance, so a stale reference (a
/// netlist edited without regenerating) is always caught. Everything else must be identical.
fn raw_line_matches(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    let fields = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect()
    };
    let (e, a) = (fields(expected), fields(actual));
    e.len() == a.len()
        && e.iter().zip(&a).all(|(x, y)| {
            x == y
                || match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
                    _ => false,
                }
        })
}

#[test]
fn ngspice_references_are_current() {
    if !ngspice_available() {
        if std::env::var_os("CI").is_some() {
            panic!("ngspice is not on PATH but CI is set: the parity references cannot be checked (install ngspice 39)");
        }
        println!("ngspice_references_are_current: ngspice not on PATH, skipped (set CI to make this fail)");
        return;
    }
    let dir = parity_dir();
    let tmp = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-parity-refs");
    std::fs::create_dir_all(&tmp).expect("create temp dir");

    let mut problems = Vec::new();
    let pspice = pspice_dir();
    let all = (CASES.iter().map(|&c| (&dir, c))).chain(PSPICE_CASES.iter().map(|&c| (&pspice, c)));
    for (dir, case) in all {
        let (committed, fresh) = match committed_and_fresh_raw(dir, &tmp, case) {
            Ok(texts) => texts,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let (c, f) = (
            raw_lines_for_comparison(&committed),
            raw_lines_for_comparison(&fresh),
        );
        if c.len() != f.len() {
            problems.push(format!(
                "{case}: committed raw has {} lines, ngspice now writes {}",
                c.len(),
                f.len()
            ));
            continue;
        }
        if let Some((i, (cl, fl))) = c
            .iter()
            .zip(&f)
            .enumerate()
            .find(|(_, (cl, fl))| !raw_line_matches(cl, fl))
        {
            problems.push(format!(
                "{case}: first difference at line {} (Date line excluded): committed {cl:?}, ngspice now {fl:?}",
                i + 1
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        problems.is_empty(),
        "committed ngspice references are stale; run scripts/regen-parity.sh:\n  {}",
        problems.join("\n  ")
    );
    println!("ngspice_references_are_current: all references match ngspice");
}
