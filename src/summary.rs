//! The circuit summary printed by `balun check`: title, node count, elements by type, analyses.

use circuit::{AcVariation, Analysis, Circuit, DeviceKind};
use std::fmt::Write;

/// Element types in the order they are listed, with their SPICE letter.
const KINDS: [(&str, &str); 19] = [
    ("R", "resistors"),
    ("C", "capacitors"),
    ("L", "inductors"),
    ("K", "couplings (inductor pairs)"),
    ("V", "voltage sources"),
    ("I", "current sources"),
    ("E", "VCVS"),
    ("G", "VCCS"),
    ("F", "CCCS"),
    ("H", "CCVS"),
    ("D", "diodes"),
    ("Q", "bipolar transistors"),
    ("M", "MOSFETs"),
    ("J", "JFETs"),
    ("S", "voltage-controlled switches"),
    ("W", "current-controlled switches"),
    ("T", "transmission lines"),
    ("O", "lossy transmission lines"),
    ("B", "behavioural sources"),
];

fn letter(kind: &DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Resistor { .. } => "R",
        DeviceKind::Capacitor { .. } => "C",
        DeviceKind::Inductor { .. } => "L",
        DeviceKind::MutualInductance { .. } => "K",
        DeviceKind::VoltageSource { .. } => "V",
        DeviceKind::CurrentSource { .. } => "I",
        DeviceKind::Vcvs { .. } => "E",
        DeviceKind::Vccs { .. } => "G",
        DeviceKind::Cccs { .. } => "F",
        DeviceKind::Ccvs { .. } => "H",
        DeviceKind::Poly {
            voltage_output,
            controls,
            ..
        } => {
            let by_current = matches!(controls.first(), Some(circuit::PolyControl::Current(_)));
            match (voltage_output, by_current) {
                (true, false) => "E",
                (false, false) => "G",
                (false, true) => "F",
                (true, true) => "H",
            }
        }
        DeviceKind::Diode { .. } => "D",
        DeviceKind::Bjt(_) => "Q",
        DeviceKind::Mosfet { .. } => "M",
        DeviceKind::Jfet { .. } => "J",
        DeviceKind::VSwitch { .. } => "S",
        DeviceKind::CSwitch { .. } => "W",
        DeviceKind::TLine { .. } => "T",
        DeviceKind::CoupledLine { .. } => "P",
        DeviceKind::LossyLine { .. } => "O",
        DeviceKind::Txl { .. } => "Y",
        DeviceKind::BSource(_) => "B",
    }
}

/// Multi-line summary of an elaborated circuit (subcircuits already flattened).
pub fn summarize(circuit: &Circuit) -> String {
    let mut s = String::new();
    let nodes = circuit.node_count().saturating_sub(1);
    let _ = writeln!(s, "title:    {}", circuit.title);
    let _ = writeln!(s, "nodes:    {nodes} (plus ground)");
    let _ = writeln!(s, "elements: {}", circuit.devices.len());
    for (l, name) in KINDS {
        let n = circuit
            .devices
            .iter()
            .filter(|d| letter(&d.kind) == l)
            .count();
        if n > 0 {
            let _ = writeln!(s, "  {l}  {n:>5}  {name}");
        }
    }
    let _ = writeln!(s, "analyses: {}", circuit.analyses.len());
    for a in &circuit.analyses {
        let _ = writeln!(s, "  {}", describe(circuit, a));
    }
    if !circuit.meas.is_empty() {
        let names: Vec<&str> = circuit.meas.iter().map(|m| m.name.as_str()).collect();
        let _ = writeln!(s, "measures: {} ({})", names.len(), names.join(", "));
    }
    s
}

fn variation_name(v: AcVariation) -> &'static str {
    match v {
        AcVariation::Dec => "dec",
        AcVariation::Oct => "oct",
        AcVariation::Lin => "lin",
    }
}

/// One analysis as a card-like line, values in engineering notation.
pub fn describe(circuit: &Circuit, analysis: &Analysis) -> String {
    let num = spice_number;
    match analysis {
        Analysis::Op => ".op".to_string(),
        Analysis::Dc { sweeps } => {
            let parts: Vec<String> = sweeps
                .iter()
                .map(|sw| {
                    let name = match sw.source() {
                        Some(d) => circuit
                            .devices
                            .get(d.index())
                            .map_or("?", |d| d.name.as_str()),
                        None => "temp",
                    };
                    format!("{name} {} {} {}", num(sw.start), num(sw.stop), num(sw.step))
                })
                .collect();
            format!(".dc {}", parts.join(" "))
        }
        Analysis::Ac {
            variation,
            points,
            fstart_hz,
            fstop_hz,
        } => {
            format!(
                ".ac {} {points} {} {}",
                variation_name(*variation),
                num(*fstart_hz),
                num(*fstop_hz)
            )
        }
        Analysis::Noise {
            out,
            source,
            variation,
            points,
            fstart_hz,
            fstop_hz,
            ..
        } => {
            let out = voltage_name(circuit, out);
            let src = circuit
                .devices
                .get(source.index())
                .map_or("?", |d| d.name.as_str());
            format!(
                ".noise {out} {src} {} {points} {} {}",
                variation_name(*variation),
                num(*fstart_hz),
                num(*fstop_hz)
            )
        }
        Analysis::Tran {
            tstep_s, tstop_s, ..
        } => format!(".tran {} {}", num(*tstep_s), num(*tstop_s)),
        Analysis::Pz {
            input,
            output,
            kind,
            which,
        } => {
            let node = |n: circuit::NodeId| {
                circuit
                    .nodes
                    .get(n.index())
                    .map_or("?", |s| s.as_str())
                    .to_string()
            };
            let kind = match kind {
                circuit::PzInput::Cur => "cur",
                circuit::PzInput::Vol => "vol",
            };
            let which = match which {
                circuit::PzWhich::Poles => "pol",
                circuit::PzWhich::Zeros => "zer",
                circuit::PzWhich::Both => "pz",
            };
            format!(
                ".pz {} {} {} {} {kind} {which}",
                node(input.pos),
                node(input.neg),
                node(output.pos),
                node(output.neg)
            )
        }
        Analysis::Sp {
            variation,
            points,
            fstart_hz,
            fstop_hz,
        } => format!(
            ".sp {} {points} {} {}",
            variation_name(*variation),
            num(*fstart_hz),
            num(*fstop_hz)
        ),
        Analysis::Tf {
            out,
            source,
            out_name,
        } => {
            let name = |d: &circuit::DeviceId| {
                circuit
                    .devices
                    .get(d.index())
                    .map_or("?", |d| d.name.as_str())
            };
            let out = match out {
                circuit::AnalysisOutput::Voltage(_) => out_name.clone(),
                circuit::AnalysisOutput::Current(d) => format!("i({})", name(d)),
            };
            format!(".tf {out} {}", name(source))
        }
        Analysis::Sens { out, ac } => {
            let out = match out {
                circuit::AnalysisOutput::Voltage(o) => voltage_name(circuit, o),
                circuit::AnalysisOutput::Current(d) => format!(
                    "i({})",
                    circuit
                        .devices
                        .get(d.index())
                        .map_or("?", |d| d.name.as_str())
                ),
            };
            match ac {
                None => format!(".sens {out}"),
                Some(g) => format!(
                    ".sens {out} ac {} {} {} {}",
                    variation_name(g.variation),
                    g.points,
                    num(g.fstart_hz),
                    num(g.fstop_hz)
                ),
            }
        }
    }
}

/// `v(pos)` or `v(pos,neg)`.
fn voltage_name(circuit: &Circuit, out: &circuit::OutputNodes) -> String {
    let node = |n: circuit::NodeId| circuit.nodes.get(n.index()).map_or("?", |s| s.as_str());
    if out.neg.is_ground() {
        format!("v({})", node(out.pos))
    } else {
        format!("v({},{})", node(out.pos), node(out.neg))
    }
}

/// A number as one would write it in a netlist: `10`, `100k`, `1meg`, `2.2n`, `0.001` -> `1m`.
pub fn spice_number(x: f64) -> String {
    const PREFIXES: [(i32, &str); 9] = [
        (-15, "f"),
        (-12, "p"),
        (-9, "n"),
        (-6, "u"),
        (-3, "m"),
        (0, ""),
        (3, "k"),
        (6, "meg"),
        (9, "g"),
    ];
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let e3 = ((x.abs().log10() / 3.0).floor() as i32 * 3).clamp(-15, 9);
    let mantissa = x / 10f64.powi(e3);
    // Six significant digits are plenty for a summary; drop trailing zeros.
    let mut m = format!("{mantissa:.6}");
    while m.ends_with('0') {
        m.pop();
    }
    if m.ends_with('.') {
        m.pop();
    }
    let prefix = PREFIXES
        .iter()
        .find(|(e, _)| *e == e3)
        .map_or("", |(_, p)| p);
    format!("{m}{prefix}")
}

#[cfg(test)]
mod tests {
    use super::spice_number;

    #[test]
    fn numbers_as_in_netlists() {
        assert_eq!(spice_number(10.0), "10");
        assert_eq!(spice_number(100e3), "100k");
        assert_eq!(spice_number(1e6), "1meg");
        assert_eq!(spice_number(2.2e-9), "2.2n");
        assert_eq!(spice_number(-0.5), "-500m");
        assert_eq!(spice_number(0.0), "0");
    }
}
