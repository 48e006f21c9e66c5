//! Device stamps: one file per device kind, each with the MNA equations in its doc comment.
//!
//! Sign conventions (ngspice's): a branch current flows into the device's first (`+`) terminal
//! from the circuit and out of its second; KCL rows sum currents *leaving* each node; an
//! independent current source's value flows from its `+` node through the source to its `-` node.
//! Adding a device kind means one new file here and one line in [`stamp`] and [`has_branch`].

mod capacitor;
mod cccs;
mod ccvs;
mod current_source;
pub mod diode;
mod inductor;
pub mod mtl;
mod mutual;
mod resistor;
pub mod tline;
mod vccs;
mod vcvs;
mod voltage_source;

use crate::mna::Stamper;
use circuit::{Circuit, DeviceKind};

/// Whether the device adds a branch-current unknown.
pub fn has_branch(kind: &DeviceKind) -> bool {
    matches!(
        kind,
        DeviceKind::VoltageSource { .. }
            | DeviceKind::Inductor { .. }
            | DeviceKind::Vcvs { .. }
            | DeviceKind::Ccvs { .. }
    )
}

/// The reported unknowns a device adds besides a branch current, by ngspice suffix
/// (`v(name#suffix)` in the output).
pub fn extra_unknowns(kind: &DeviceKind) -> &'static [&'static str] {
    match kind {
        DeviceKind::TLine { .. } => &tline::UNKNOWNS,
        DeviceKind::CoupledLine { line, .. } => mtl::unknowns(line.n),
        _ => &[],
    }
}

/// Whether the device adds an internal node (a diode with series resistance).
pub fn has_internal_node(kind: &DeviceKind) -> bool {
    matches!(kind, DeviceKind::Diode { model, .. } if model.rs_ohm > 0.0)
}

/// Stamps one device's linear equations (and registers nonlinear ones).
pub fn stamp(circuit: &Circuit, kind: &DeviceKind, st: &mut Stamper) {
    use DeviceKind::*;
    match kind {
        Resistor {
            a,
            b,
            resistance_ohm,
        } => resistor::stamp(*a, *b, *resistance_ohm, st),
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
        VoltageSource { pos, neg, .. } => voltage_source::stamp(*pos, *neg, st),
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
        Diode {
            anode,
            cathode,
            area,
            model,
        } => diode::stamp(*anode, *cathode, *area, model, circuit.options.temp_c, st),
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
        } => mtl::stamp(near, *ref_near, far, *ref_far, line, st),
    }
}
