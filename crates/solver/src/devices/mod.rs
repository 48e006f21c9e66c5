//! Device stamps: one file per device kind, each with the MNA equations in its doc comment.
//!
//! Sign conventions (ngspice's): a branch current flows into the device's first (`+`) terminal
//! from the circuit and out of its second; KCL rows sum currents *leaving* each node; an
//! independent current source's value flows from its `+` node through the source to its `-` node.
//! Adding a device kind means one new file here and one line in [`stamp`] (and in
//! [`has_branch`], [`internal_nodes`] or [`noise_rank`] when it has a branch current, internal
//! nodes or noise). A nonlinear device implements [`nonlinear::Nonlinear`], the only face the
//! analyses see.

pub mod bjt;
pub mod bsource;
mod capacitor;
mod cccs;
mod ccvs;
mod current_source;
pub mod diode;
mod inductor;
pub mod jfet;
pub mod limit;
pub mod ltra;
// MOSFET levels 2 and 3: their drain-current functions, called by `mosfet.rs`.
pub(crate) mod mos2;
pub(crate) mod mos3;
pub mod mosfet;
pub mod mtl;
mod mutual;
pub mod nonlinear;
pub mod poly;
pub(crate) mod reactive;
mod resistor;
pub mod switch;
pub mod tline;
pub mod txl;
mod vccs;
mod vcvs;
mod voltage_source;

use crate::mna::{Stamper, Unknowns};
use circuit::{Circuit, DeviceId, DeviceKind, NodeId, PolyControl, Source};

/// Boltzmann's constant (J/K), ngspice's `CONSTboltz`.
pub const BOLTZMANN: f64 = 1.380_648_52e-23;
/// Elementary charge (C), ngspice's `CHARGE`.
pub const CHARGE: f64 = 1.602_176_620_8e-19;
/// 0 C in kelvin.
pub const CELSIUS_TO_KELVIN: f64 = 273.15;
/// The smallest value whose logarithm ngspice takes (`N_MINLOG`).
pub const N_MINLOG: f64 = 1e-38;

/// One noise generator of a device for `.noise`: a current source between unknowns `a` and `b`
/// (`None` = ground) whose power spectral density is `density` (A^2/Hz). The generators of one
/// device are uncorrelated with each other and with every other device's.
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseSource {
    /// ngspice's suffix for the generator's vectors (`_thermal`, `_rs`, `_id`, `_1overf`).
    pub suffix: &'static str,
    pub a: Option<usize>,
    pub b: Option<usize>,
    pub density: NoiseDensity,
}

/// A noise generator's spectral density.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NoiseDensity {
    /// Frequency-independent: thermal `4kT G` or shot `2q|I|` (A^2/Hz).
    White(f64),
    /// Flicker: `coefficient / f` (A^2/Hz at 1 Hz).
    Flicker(f64),
}

impl NoiseDensity {
    /// The density at frequency `f` (A^2/Hz).
    pub fn at(self, f: f64) -> f64 {
        match self {
            NoiseDensity::White(s) => s,
            // A zero coefficient is no source at all, even at f = 0 (a `lin` grid from 0).
            NoiseDensity::Flicker(0.0) => 0.0,
            NoiseDensity::Flicker(k) => k / f,
        }
    }
}

/// The noise generators of a linear device (empty for a noiseless one: sources, controlled
/// sources, reactances, lines, `noisy=0` resistors); nonlinear devices give theirs through
/// [`nonlinear::Nonlinear::noise`]. `temp_k` is the circuit temperature.
pub fn noise_sources(
    circuit: &Circuit,
    unknowns: &Unknowns,
    device: DeviceId,
    temp_k: f64,
) -> Vec<NoiseSource> {
    match &circuit.devices[device.index()].kind {
        DeviceKind::Resistor {
            a,
            b,
            resistance_ohm,
            noisy,
            ..
        } => resistor::noise(
            unknowns.node(*a),
            unknowns.node(*b),
            *resistance_ohm,
            *noisy,
            temp_k,
        ),
        _ => Vec::new(),
    }
}

/// Where ngspice lists a device's noise: by kind as its device table does (`dev.c`: `bjt`
/// before `dio` before `jfet`, `mos1`-`mos3`, `res`, `sw`; the high bits), then by model for
/// kinds with model cards (a later `.model` first, as ngspice prepends models to its list);
/// `.noise` lists devices by this rank, equal ranks in reverse netlist order.
pub fn noise_rank(kind: &DeviceKind) -> u64 {
    let kind_rank = |r: u64| r << 48;
    match kind {
        DeviceKind::Bjt(_) => kind_rank(10),
        DeviceKind::CSwitch { .. } => kind_rank(21),
        DeviceKind::Diode { .. } => kind_rank(22),
        DeviceKind::Jfet { .. } => kind_rank(32),
        DeviceKind::Mosfet { model, .. } => {
            kind_rank(36 + u64::from(model.level))
                | ((1 << 48) - 1 - (model.card_order & ((1 << 48) - 1)))
        }
        DeviceKind::Resistor { .. } => kind_rank(40),
        DeviceKind::VSwitch { .. } => kind_rank(44),
        _ => u64::MAX,
    }
}

/// The `.model` card a device uses, for the devices whose noise ngspice lists model by model
/// (its models newest first, each model's instances newest first); `None` for the others.
pub fn noise_model(kind: &DeviceKind) -> Option<&str> {
    match kind {
        DeviceKind::Bjt(q) => Some(&q.model_key),
        _ => None,
    }
}

/// The source specification (DC, AC, transient waveform) of an independent source; `None` for
/// any other device.
pub fn independent_source(kind: &DeviceKind) -> Option<&Source> {
    match kind {
        DeviceKind::VoltageSource { source, .. } | DeviceKind::CurrentSource { source, .. } => {
            Some(source)
        }
        _ => None,
    }
}

/// Whether the device is an independent current source (a `.dc` sweep of one is named
/// `i(i-sweep)`).
pub fn is_current_source(kind: &DeviceKind) -> bool {
    matches!(kind, DeviceKind::CurrentSource { .. })
}

/// The branch current a device starts a `UIC` transient with (an inductor's `IC=`).
pub fn initial_branch_current(kind: &DeviceKind) -> Option<f64> {
    match kind {
        DeviceKind::Inductor { ic_a, .. } => *ic_a,
        _ => None,
    }
}

/// Where ngspice 39's setup numbers the branch current and reported unknowns of a device, which
/// is the order of its output vectors after the node voltages: by kind in the order of its device
/// table (`dev.c`: `asrc` (B), `ccvs` (H), `cpl` (P), `ind` (L), `tra` (T), `vcvs` (E), `vsrc`
/// (V)), then the XSPICE code models (`POLY(n)` E and H sources become `a$poly$...` instances,
/// an `E`/`G` `TABLE` a `pwl` instance),
/// equal ranks in reverse netlist order (ngspice prepends each instance to its list). Devices
/// with neither get `u32::MAX`.
pub fn setup_rank(kind: &DeviceKind) -> u32 {
    match kind {
        // An `E`/`G` `TABLE`'s transfer is ngspice's XSPICE `pwl` instance (`ae1`).
        DeviceKind::BSource(b) if matches!(b.expr, circuit::bexpr::BExpr::Table(..)) => 100,
        DeviceKind::BSource(_) => 1,
        DeviceKind::Cccs { .. } => 18,
        DeviceKind::Ccvs { .. } => 19,
        DeviceKind::CSwitch { .. } => 21,
        DeviceKind::CoupledLine { .. } => 20,
        DeviceKind::Inductor { .. } => 29,
        // ngspice's device table: ... ind, jfet, jfet2, ltra, mes, ...
        DeviceKind::LossyLine { .. } => 33,
        DeviceKind::TLine { .. } => 45,
        DeviceKind::Txl { .. } => 46,
        DeviceKind::Vcvs { .. } => 49,
        DeviceKind::VoltageSource { .. } => 50,
        DeviceKind::Poly { .. } => 100,
        _ => u32::MAX,
    }
}

/// The voltage sources (or other branch owners) whose branch currents a device reads, in the
/// order ngspice's setup looks them up (its `CKTfndBranch` creates a branch that does not exist
/// yet, so a controlled source's controlling branch is numbered with it: see
/// [`setup_rank`]).
pub fn controlling_branches(kind: &DeviceKind) -> Vec<DeviceId> {
    fn branches(e: &circuit::bexpr::BExpr, out: &mut Vec<DeviceId>) {
        use circuit::bexpr::BExpr;
        match e {
            BExpr::Branch(d) => out.push(*d),
            BExpr::Num(_) | BExpr::Node(_) | BExpr::Time | BExpr::Temper | BExpr::Hertz => {}
            BExpr::Unary(_, a) | BExpr::Table(a, _) => branches(a, out),
            BExpr::Binary(_, a, b) => {
                branches(a, out);
                branches(b, out);
            }
            BExpr::Ternary(c, a, b) => {
                branches(c, out);
                branches(a, out);
                branches(b, out);
            }
        }
    }
    match kind {
        DeviceKind::Cccs { control, .. }
        | DeviceKind::Ccvs { control, .. }
        | DeviceKind::CSwitch { control, .. } => vec![*control],
        DeviceKind::Poly { controls, .. } => controls
            .iter()
            .filter_map(|c| match c {
                PolyControl::Current(d) => Some(*d),
                PolyControl::Voltage(..) => None,
            })
            .collect(),
        DeviceKind::BSource(b) => {
            let mut out = Vec::new();
            branches(&b.expr, &mut out);
            out
        }
        _ => Vec::new(),
    }
}

/// The reported unknowns a device adds besides a branch current, by ngspice suffix
/// (`v(name#suffix)` in the output).
pub fn extra_unknowns(kind: &DeviceKind) -> &'static [&'static str] {
    match kind {
        DeviceKind::TLine { .. } => &tline::UNKNOWNS,
        DeviceKind::CoupledLine { line, .. } => mtl::unknowns(line.n),
        DeviceKind::LossyLine { .. } => &ltra::UNKNOWNS,
        DeviceKind::Txl { .. } => &txl::UNKNOWNS,
        DeviceKind::VoltageSource { source, .. } if source.port.is_some() => {
            &voltage_source::PORT_UNKNOWNS
        }
        _ => &[],
    }
}

/// Whether `.pz` opens the device's branch (forces its current to 0), as ngspice 39's
/// `VSRCpzLoad` does with a V source that has an AC value; a V source without one stays a
/// short. (I sources, open in `.pz` too, stamp nothing anyway.)
pub fn pz_opens_branch(kind: &DeviceKind) -> bool {
    matches!(kind, DeviceKind::VoltageSource { source, .. } if source.ac_given)
}

/// The RF port of a V source with `portnum` (for `.sp`); `None` for any other device.
pub fn rf_port(kind: &DeviceKind) -> Option<(NodeId, NodeId, circuit::RfPort)> {
    match kind {
        DeviceKind::VoltageSource { pos, neg, source } => source.port.map(|p| (*pos, *neg, p)),
        _ => None,
    }
}

/// The internal nodes a device adds (solved for, not reported), by ngspice suffix: a diode
/// with series resistance has its junction's anode behind RS (`d1#internal`).
pub fn internal_nodes(kind: &DeviceKind) -> Vec<&'static str> {
    match kind {
        DeviceKind::Diode { model, .. } if model.rs_ohm > 0.0 => vec!["internal"],
        DeviceKind::Bjt(q) => bjt::internal_nodes(&q.model),
        DeviceKind::Mosfet {
            model, instance, ..
        } => {
            let (drain, source) = mosfet::internal_nodes(model, instance);
            [(drain, "drain"), (source, "source")]
                .into_iter()
                .filter_map(|(has, name)| has.then_some(name))
                .collect()
        }
        DeviceKind::Jfet { model, .. } => jfet::internal_nodes(model),
        _ => Vec::new(),
    }
}

/// Stamps one device's linear equations (and registers nonlinear ones).
pub fn stamp(circuit: &Circuit, kind: &DeviceKind, st: &mut Stamper) {
    use DeviceKind::*;
    match kind {
        Resistor {
            a,
            b,
            resistance_ohm,
            ac_resistance_ohm,
            ..
        } => resistor::stamp(*a, *b, *resistance_ohm, *ac_resistance_ohm, st),
        Capacitor {
            a,
            b,
            capacitance_f,
            ..
        } => capacitor::stamp(*a, *b, *capacitance_f, st),
        Inductor {
            a, b, inductance_h, ..
        } => inductor::stamp(*a, *b, *inductance_h, st),
        MutualInductance { l1, l2, k } => mutual::stamp(circuit, *l1, *l2, *k, st),
        VoltageSource { pos, neg, source } => {
            voltage_source::stamp(*pos, *neg, source.port.map(|p| p.z0_ohm), st)
        }
        CurrentSource { pos, neg, .. } => current_source::stamp(*pos, *neg, st),
        Vcvs {
            pos,
            neg,
            ctrl_pos,
            ctrl_neg,
            gain,
        } => vcvs::stamp(*pos, *neg, *ctrl_pos, *ctrl_neg, *gain, st),
        Vccs {
            pos,
            neg,
            ctrl_pos,
            ctrl_neg,
            transconductance_s,
        } => vccs::stamp(*pos, *neg, *ctrl_pos, *ctrl_neg, *transconductance_s, st),
        Cccs {
            pos,
            neg,
            control,
            gain,
        } => cccs::stamp(*pos, *neg, *control, *gain, st),
        Ccvs {
            pos,
            neg,
            control,
            transresistance_ohm,
        } => ccvs::stamp(*pos, *neg, *control, *transresistance_ohm, st),
        Poly {
            pos,
            neg,
            voltage_output,
            controls,
            coefficients,
        } => poly::stamp(*pos, *neg, *voltage_output, controls, coefficients, st),
        Diode {
            anode,
            cathode,
            area,
            model,
        } => diode::stamp(
            *anode,
            *cathode,
            *area,
            model,
            circuit.options.temp_c,
            circuit.options.tnom_c,
            st,
        ),
        Bjt(q) => bjt::stamp(q, circuit.options.temp_c, circuit.options.tnom_c, st),
        Mosfet {
            d,
            g,
            s,
            b,
            model,
            instance,
        } => mosfet::stamp([*d, *g, *s, *b], model, instance, &circuit.options, st),
        Jfet {
            drain,
            gate,
            source,
            area,
            m,
            off,
            temp_c,
            dtemp_c,
            model,
            ..
        } => jfet::stamp(
            jfet::JfetNodes {
                drain: *drain,
                gate: *gate,
                source: *source,
            },
            *area,
            *m,
            *off,
            temp_c.unwrap_or(circuit.options.temp_c + dtemp_c) + CELSIUS_TO_KELVIN,
            model,
            circuit.options.tnom_c,
            st,
        ),
        VSwitch {
            pos,
            neg,
            ctrl_pos,
            ctrl_neg,
            on,
            model,
        } => match model {
            circuit::SwitchKind::Hysteresis(model) => switch::stamp(
                *pos,
                *neg,
                switch::SwitchControl::Voltage(*ctrl_pos, *ctrl_neg),
                *on,
                model,
                circuit.options.gmin,
                st,
            ),
            circuit::SwitchKind::Smooth(model) => {
                switch::stamp_smooth(*pos, *neg, *ctrl_pos, *ctrl_neg, model, st)
            }
        },
        CSwitch {
            pos,
            neg,
            control,
            on,
            model,
        } => switch::stamp(
            *pos,
            *neg,
            switch::SwitchControl::Current(*control),
            *on,
            model,
            circuit.options.gmin,
            st,
        ),
        TLine {
            p1p,
            p1n,
            p2p,
            p2n,
            z0_ohm,
            td_s,
        } => tline::stamp(
            [*p1p, *p1n, *p2p, *p2n],
            *z0_ohm,
            *td_s,
            circuit.options.gmin,
            st,
        ),
        CoupledLine {
            near,
            ref_near,
            far,
            ref_far,
            line,
        } => mtl::stamp(
            near,
            *ref_near,
            far,
            *ref_far,
            line,
            circuit.options.gmin,
            st,
        ),
        LossyLine {
            p1p,
            p1n,
            p2p,
            p2n,
            line,
        } => ltra::stamp([*p1p, *p1n, *p2p, *p2n], line, &circuit.options, st),
        Txl { pos, neg, line } => txl::stamp(*pos, *neg, line, &circuit.options, st),
        BSource(b) => bsource::stamp(b, circuit.options.temp_c, st),
    }
}

/// ngspice's relative perturbation of a parameter in `.sens` (`Sens_Delta`; `Sens_Abs_Delta`
/// when the parameter is 0): the sensitivity is a one-sided finite difference of the device's
/// equations with this step, divided by it.
pub const SENS_DELTA: f64 = 1e-6;

/// The step by which `.sens` perturbs a parameter of value `value`.
pub fn sens_step(value: f64) -> f64 {
    if value != 0.0 {
        value * SENS_DELTA
    } else {
        SENS_DELTA
    }
}

/// One parameter ngspice 39's `.sens` reports for a device.
#[derive(Debug, Clone, PartialEq)]
pub struct SensParam {
    /// The vector name after the device name: `""` for the principal value (`r1`), `_m` for
    /// an instance parameter (`r1_m`), `:bv_max` for a model parameter (`r1:bv_max`).
    pub suffix: &'static str,
    /// The parameter's value (the perturbation is [`sens_step`] of it).
    pub value: f64,
    /// The device with the parameter perturbed by that step; `None` when the parameter does
    /// not enter the device's equations in this analysis (its sensitivity is 0).
    pub perturbed: Option<DeviceKind>,
    /// The device as ngspice 39 leaves it after restoring the parameter, when that is not
    /// as it was: its `K` asks the coupling for `M = k sqrt(L1 L2)` and sets it back to that
    /// value, so from the next frequency on the coupling is `M`.
    pub left: Option<DeviceKind>,
}

/// Where ngspice's `.sens` lists a device kind (the order of its device table, `dev.c`:
/// `cap`, `cccs`, `ccvs`, `ind`, `mut`, `isrc`, `res`, `vccs`, `vcvs`, `vsrc`) and the
/// parameters it reports for one device, as ngspice 39 lists them (its parameter tables'
/// settable, queried real parameters; `ac`-only ones in `.sens ... ac` only), with their
/// values and perturbed devices. `ac` is the AC form; `first_point` whether this is its first
/// frequency (ngspice 39 quirk: perturbing a resistor's `ac` resistance at the first frequency
/// leaves it "given", so from the second frequency on the resistance no longer changes the
/// AC conductance and its AC sensitivity is 0). `None`: a kind whose parameters balun does not
/// report (nonlinear devices, lines, switches, behavioural and POLY sources).
///
/// The values assume what elaboration folds into a device's value (`m`, `scale`, temperature
/// coefficients) is 1: ngspice's `m` and `scale` sensitivities are those of m = scale = 1.
pub fn sens_params(
    circuit: &Circuit,
    kind: &DeviceKind,
    ac: bool,
    first_point: bool,
) -> Option<(u32, Vec<SensParam>)> {
    use DeviceKind::*;
    let p = |suffix, value: f64, perturbed| SensParam {
        suffix,
        value,
        perturbed,
        left: None,
    };
    let none = |suffix| p(suffix, 0.0, None);
    // The value grown by one step (`up`) or divided by (1 + relative step) (`down`: a
    // multiplier `m` that divides the value).
    let up = |v: f64| v + sens_step(v);
    let down = |v: f64| v / (1.0 + SENS_DELTA);
    Some(match kind {
        Capacitor {
            a,
            b,
            capacitance_f,
            ic_v,
        } => {
            let c = |value| {
                Some(Capacitor {
                    a: *a,
                    b: *b,
                    capacitance_f: value,
                    ic_v: *ic_v,
                })
            };
            let mut v = vec![none(":bv_max")];
            if ac {
                v.push(p("", *capacitance_f, c(up(*capacitance_f))));
                v.push(none("_w"));
            }
            v.push(p("_m", 1.0, c(up(*capacitance_f))));
            v.push(none("_bv_max"));
            v.push(p("_scale", 1.0, c(up(*capacitance_f))));
            (1, v)
        }
        Cccs {
            pos,
            neg,
            control,
            gain,
        } => (
            2,
            vec![p(
                "_gain",
                *gain,
                Some(Cccs {
                    pos: *pos,
                    neg: *neg,
                    control: *control,
                    gain: up(*gain),
                }),
            )],
        ),
        Ccvs {
            pos,
            neg,
            control,
            transresistance_ohm,
        } => (
            3,
            vec![p(
                "_gain",
                *transresistance_ohm,
                Some(Ccvs {
                    pos: *pos,
                    neg: *neg,
                    control: *control,
                    transresistance_ohm: up(*transresistance_ohm),
                }),
            )],
        ),
        Inductor {
            a,
            b,
            inductance_h,
            ic_a,
        } => {
            let l = |value| {
                Some(Inductor {
                    a: *a,
                    b: *b,
                    inductance_h: value,
                    ic_a: *ic_a,
                })
            };
            let mut v = Vec::new();
            if ac {
                v.push(none(":mu"));
                v.push(p("", *inductance_h, l(up(*inductance_h))));
            }
            v.push(p("_m", 1.0, l(down(*inductance_h))));
            v.push(p("_scale", 1.0, l(up(*inductance_h))));
            (4, v)
        }
        MutualInductance { l1, l2, k } if ac => {
            // ngspice 39 quirk (`MUTask` returns `MUTfactor` for `k`): the value perturbed is
            // M = k sqrt(L1 L2), written back as the coupling.
            let inductance = |d: &DeviceId| match circuit.devices[d.index()].kind {
                Inductor { inductance_h, .. } => inductance_h,
                _ => 0.0,
            };
            let m = k * (inductance(l1) * inductance(l2)).abs().sqrt();
            let coupling = |k| MutualInductance {
                l1: *l1,
                l2: *l2,
                k,
            };
            (
                5,
                vec![SensParam {
                    suffix: "",
                    value: m,
                    perturbed: Some(coupling(up(m))),
                    left: Some(coupling(m)),
                }],
            )
        }
        MutualInductance { .. } => (5, Vec::new()),
        CurrentSource { pos, neg, source } => {
            let i = |source| {
                Some(CurrentSource {
                    pos: *pos,
                    neg: *neg,
                    source,
                })
            };
            let mut v = vec![
                p(
                    "",
                    source.dc,
                    i(circuit::Source {
                        dc: up(source.dc),
                        ..source.clone()
                    }),
                ),
                // `m` multiplies both the DC and the AC value.
                p(
                    "_m",
                    1.0,
                    i(circuit::Source {
                        dc: source.dc * (1.0 + SENS_DELTA),
                        ac_mag: source.ac_mag * (1.0 + SENS_DELTA),
                        ..source.clone()
                    }),
                ),
            ];
            if ac {
                v.push(p(
                    "_acmag",
                    source.ac_mag,
                    i(circuit::Source {
                        ac_mag: up(source.ac_mag),
                        ..source.clone()
                    }),
                ));
            }
            (6, v)
        }
        Resistor {
            a,
            b,
            resistance_ohm,
            ac_resistance_ohm,
            noisy,
        } => {
            let r = |value, ac_value| {
                Some(Resistor {
                    a: *a,
                    b: *b,
                    resistance_ohm: value,
                    ac_resistance_ohm: ac_value,
                    noisy: *noisy,
                })
            };
            // A given `ac=` resistance is the one `.ac` uses: the value's own perturbation then
            // leaves the AC matrix alone, and `_ac` perturbs it (ngspice's `acresGiven`).
            let ac_value = ac_resistance_ohm.unwrap_or(*resistance_ohm);
            let grown = r(up(*resistance_ohm), *ac_resistance_ohm);
            let mut v = vec![
                none(":bv_max"),
                none(":lf"),
                none(":wf"),
                none(":ef"),
                p(
                    "",
                    *resistance_ohm,
                    if !ac || first_point {
                        grown.clone()
                    } else {
                        None
                    },
                ),
            ];
            if ac {
                v.push(p("_ac", ac_value, r(*resistance_ohm, Some(up(ac_value)))));
            }
            v.extend([
                none("_l"),
                none("_w"),
                p(
                    "_m",
                    1.0,
                    r(down(*resistance_ohm), ac_resistance_ohm.map(down)),
                ),
                none("_bv_max"),
                p(
                    "_scale",
                    1.0,
                    r(up(*resistance_ohm), ac_resistance_ohm.map(up)),
                ),
            ]);
            (7, v)
        }
        Vccs {
            pos,
            neg,
            ctrl_pos,
            ctrl_neg,
            transconductance_s,
        } => (
            8,
            vec![p(
                "_gain",
                *transconductance_s,
                Some(Vccs {
                    pos: *pos,
                    neg: *neg,
                    ctrl_pos: *ctrl_pos,
                    ctrl_neg: *ctrl_neg,
                    transconductance_s: up(*transconductance_s),
                }),
            )],
        ),
        Vcvs {
            pos,
            neg,
            ctrl_pos,
            ctrl_neg,
            gain,
        } => (
            9,
            vec![p(
                "_gain",
                *gain,
                Some(Vcvs {
                    pos: *pos,
                    neg: *neg,
                    ctrl_pos: *ctrl_pos,
                    ctrl_neg: *ctrl_neg,
                    gain: up(*gain),
                }),
            )],
        ),
        VoltageSource { pos, neg, source } => {
            let vs = |source| {
                Some(VoltageSource {
                    pos: *pos,
                    neg: *neg,
                    source,
                })
            };
            let mut v = vec![p(
                "",
                source.dc,
                vs(circuit::Source {
                    dc: up(source.dc),
                    ..source.clone()
                }),
            )];
            if ac {
                v.push(p(
                    "_acmag",
                    source.ac_mag,
                    vs(circuit::Source {
                        ac_mag: up(source.ac_mag),
                        ..source.clone()
                    }),
                ));
            }
            (10, v)
        }
        _ => return None,
    })
}
