//! The flat circuit: numbered nodes, devices with evaluated SI values, analyses.

use netlist::Span;

/// A circuit node. `NodeId(0)` is ground.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    pub const GROUND: NodeId = NodeId(0);
    pub fn is_ground(self) -> bool {
        self.0 == 0
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a device in [`Circuit::devices`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(pub u32);

impl DeviceId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A flat, elaborated circuit ready for the solver.
#[derive(Debug, Clone, PartialEq)]
pub struct Circuit {
    pub title: String,
    /// Node names indexed by [`NodeId`]; `nodes[0]` is `"0"` (ground). Numbered in order of first
    /// appearance in the netlist, as ngspice does. Internal subcircuit nodes are `x1.n2`.
    pub nodes: Vec<String>,
    pub devices: Vec<Device>,
    /// Analyses in netlist order.
    pub analyses: Vec<Analysis>,
    pub options: Options,
    /// `.ic v(node)=value` initial conditions.
    pub initial_conditions: Vec<(NodeId, f64)>,
    /// Non-fatal findings of elaboration (and the parser's warnings, passed through).
    pub warnings: Vec<Warning>,
    /// Measurement directives (`.cmrr`, `.xtalk`, `.hum`) in netlist order, names resolved.
    pub measurements: Vec<Measurement>,
    /// `.meas` cards in netlist order.
    pub meas: Vec<Meas>,
    /// `.four` cards in netlist order.
    pub four: Vec<Four>,
    /// `.print`/`.plot` cards in netlist order, names resolved (lines ngspice would drop are
    /// dropped with a warning).
    pub prints: Vec<Print>,
    /// The vectors `.save` asks for, in order without repeats; `None` (no `.save`, or
    /// `.save all`) keeps every node voltage and branch current.
    pub saves: Option<Vec<SaveTarget>>,
    /// Tolerances of R, C and L devices (`tol=` on their cards), in device order; used by
    /// [`Circuit::perturbed`] (see [`crate::montecarlo`]).
    pub tolerances: Vec<crate::montecarlo::Tolerance>,
    /// The `.mc` card, if any (the last one wins).
    pub monte_carlo: Option<crate::montecarlo::MonteCarlo>,
}

/// A vector named by `.save`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveTarget {
    /// `v(node)` (never ground).
    Voltage(NodeId),
    /// `i(element)`: the branch current of a V, L, E or H element.
    Current(DeviceId),
}

/// A non-fatal finding, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub span: Span,
    pub message: String,
}

/// One device instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    /// ngspice's name for it, lower-cased: `r1`, or `r.x1.r1` inside instance `x1`
    /// (`v.x1.x2.v3` when nested).
    pub name: String,
    /// The element card it came from.
    pub span: Span,
    pub kind: DeviceKind,
}

/// Devices with their parameters evaluated to SI units.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceKind {
    /// R: conductance 1/R between a and b; thermal noise 4kT/R (A^2/Hz) across it in `.noise`
    /// unless the instance has `noisy=0`.
    Resistor {
        a: NodeId,
        b: NodeId,
        resistance_ohm: f64,
        noisy: bool,
        /// ngspice's `ac=` resistance: the value `.ac` (and `.noise`'s small-signal matrix)
        /// uses instead of `resistance_ohm`; `None` when not given.
        ac_resistance_ohm: Option<f64>,
    },
    Capacitor {
        a: NodeId,
        b: NodeId,
        capacitance_f: f64,
        /// `IC=` initial voltage, used by `.tran ... uic`.
        ic_v: Option<f64>,
    },
    Inductor {
        a: NodeId,
        b: NodeId,
        inductance_h: f64,
        /// `IC=` initial current (a to b through the inductor).
        ic_a: Option<f64>,
    },
    /// Mutual inductance M = k*sqrt(L1*L2) between two inductors. A K card naming n inductors
    /// becomes one of these for every pair.
    MutualInductance { l1: DeviceId, l2: DeviceId, k: f64 },
    /// Independent voltage source: V(pos) - V(neg) = value; branch current flows pos -> neg inside
    /// the source (ngspice's sign: positive current enters `pos` from the circuit).
    VoltageSource {
        pos: NodeId,
        neg: NodeId,
        source: Source,
    },
    /// Independent current source: `value` amperes flow from `pos` through the source to `neg`.
    CurrentSource {
        pos: NodeId,
        neg: NodeId,
        source: Source,
    },
    /// E: V(pos,neg) = gain * V(ctrl_pos, ctrl_neg).
    Vcvs {
        pos: NodeId,
        neg: NodeId,
        ctrl_pos: NodeId,
        ctrl_neg: NodeId,
        gain: f64,
    },
    /// G: current gm * V(ctrl_pos, ctrl_neg) flows from pos through the source to neg.
    Vccs {
        pos: NodeId,
        neg: NodeId,
        ctrl_pos: NodeId,
        ctrl_neg: NodeId,
        transconductance_s: f64,
    },
    /// F: current gain * I(control) flows from pos through the source to neg.
    Cccs {
        pos: NodeId,
        neg: NodeId,
        /// The voltage source whose branch current controls this one.
        control: DeviceId,
        gain: f64,
    },
    /// H: V(pos,neg) = transresistance * I(control).
    Ccvs {
        pos: NodeId,
        neg: NodeId,
        control: DeviceId,
        transresistance_ohm: f64,
    },
    /// E, G, F or H with `POLY(n)`: the SPICE2 polynomial of the `controls` (node-pair
    /// voltages for E and G, voltage sources' branch currents for F and H) with `coefficients`
    /// `p0 p1 ...` in SPICE2's term order. A voltage output (E, H) forces `V(pos,neg)` to the
    /// polynomial through a branch current; a current output (G, F) drives it from `pos` through
    /// the source to `neg`. ngspice runs it as the XSPICE instance `a$poly$NAME`, which is the
    /// device's name here too (so its branch current is `i(a$poly$e1)`).
    Poly {
        pos: NodeId,
        neg: NodeId,
        voltage_output: bool,
        controls: Vec<PolyControl>,
        coefficients: Vec<f64>,
    },
    /// D: junction diode from anode to cathode; `area` scales IS, CJO (and divides RS).
    Diode {
        anode: NodeId,
        cathode: NodeId,
        area: f64,
        model: crate::DiodeModel,
    },
    /// Q: bipolar transistor (Gummel-Poon, ngspice level 1) between collector `c`, base `b`,
    /// emitter `e` and substrate `s` (ground when the card names none).
    Bjt(Box<BjtInstance>),
    /// M: MOSFET (levels 1-3) with drain, gate, source and bulk nodes.
    Mosfet {
        d: NodeId,
        g: NodeId,
        s: NodeId,
        b: NodeId,
        /// Boxed: the model's parameters would make every `DeviceKind` as large as this variant.
        model: Box<crate::MosModel>,
        instance: crate::MosInstance,
    },
    /// J: junction FET (ngspice level 1); `area` scales BETA, IS, CGS, CGD (and divides RD,
    /// RS); `m` multiplies the whole device. Its temperature is the instance's `temp=` if given,
    /// else the circuit's (`.temp`) plus `dtemp=`.
    Jfet {
        drain: NodeId,
        gate: NodeId,
        source: NodeId,
        area: f64,
        m: f64,
        off: bool,
        /// `ic=vds,vgs` (V), used only with `.tran ... uic` in ngspice; recorded.
        ic: Option<(f64, f64)>,
        temp_c: Option<f64>,
        dtemp_c: f64,
        model: crate::JfetModel,
    },
    /// S: voltage-controlled switch between `pos` and `neg`, controlled by
    /// `v(ctrl_pos) - v(ctrl_neg)`; `on` is the instance's initial-state flag.
    VSwitch {
        pos: NodeId,
        neg: NodeId,
        ctrl_pos: NodeId,
        ctrl_neg: NodeId,
        on: bool,
        model: crate::SwitchKind,
    },
    /// W: current-controlled switch between `pos` and `neg`, controlled by the branch current
    /// of `control` (a voltage source).
    CSwitch {
        pos: NodeId,
        neg: NodeId,
        control: DeviceId,
        on: bool,
        model: crate::SwitchModel,
    },
    /// T: lossless transmission line of characteristic impedance `z0_ohm` and one-way delay
    /// `td_s` between port 1 (`p1p`, `p1n`) and port 2 (`p2p`, `p2n`). The port current flows
    /// into the `+` terminal and out of the `-` terminal of the same port.
    TLine {
        p1p: NodeId,
        p1n: NodeId,
        p2p: NodeId,
        p2n: NodeId,
        z0_ohm: f64,
        td_s: f64,
    },
    /// P: multiconductor transmission line (ngspice's coupled line with a `CPL` model): N
    /// signal conductors `near[k]` -> `far[k]` over a reference conductor (`ref_near` at the
    /// near end, `ref_far` at the far end). Port currents flow into each signal terminal and
    /// out of that end's reference terminal.
    CoupledLine {
        near: Vec<NodeId>,
        ref_near: NodeId,
        far: Vec<NodeId>,
        ref_far: NodeId,
        /// Boxed: the matrices would make every `DeviceKind` as large as this variant.
        line: Box<MtlParams>,
    },
    /// O: lossy transmission line (ngspice's `LTRA` model) between port 1 (`p1p`, `p1n`) and
    /// port 2 (`p2p`, `p2n`); port currents flow into each `+` terminal and out of its `-`.
    LossyLine {
        p1p: NodeId,
        p1n: NodeId,
        p2p: NodeId,
        p2n: NodeId,
        /// Boxed: keeps `DeviceKind` small.
        line: Box<LtraLine>,
    },
    /// Y: ngspice's single lossy line (a `TXL` model) from `pos` (its input) to `neg` (its
    /// output), both over ground; its two branch currents flow into `pos` and into `neg`. The
    /// line is carried as the `LTRA` line of the same `R`, `L`, `C` and length (its DC and AC
    /// rows; the solver's `devices/txl.rs` gives it ngspice's TXL transient).
    Txl {
        pos: NodeId,
        neg: NodeId,
        /// Boxed: keeps `DeviceKind` small.
        line: Box<LtraLine>,
    },
    /// B (and `E`/`G` `VALUE=`/`TABLE`): a behavioural voltage or current source whose value is
    /// an expression of node voltages, branch currents, time and temperature.
    BSource(Box<crate::bexpr::BSource>),
}

/// One controlling quantity of a POLY source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolyControl {
    /// `V(pos) - V(neg)` (E, G).
    Voltage(NodeId, NodeId),
    /// The branch current of a voltage source (F, H).
    Current(DeviceId),
}

/// Most controls (the n of `POLY(n)`) a POLY source may have.
pub const MAX_POLY_CONTROLS: usize = 20;

/// A bipolar transistor instance (`Q` card): its nodes, instance parameters and model.
#[derive(Debug, Clone, PartialEq)]
pub struct BjtInstance {
    pub c: NodeId,
    pub b: NodeId,
    pub e: NodeId,
    /// Substrate node (ground when not given).
    pub s: NodeId,
    /// Emitter area factor `area` (default 1), base `areab` and collector `areac` area
    /// factors (default: `area`), parallel multiplier `m` (default 1).
    pub area: f64,
    pub areab: f64,
    pub areac: f64,
    pub m: f64,
    /// `off`: the junctions start at 0 V in the operating point.
    pub off: bool,
    /// `ic=vbe,vce` (V), used by `.tran ... uic`.
    pub ic_vbe: Option<f64>,
    pub ic_vce: Option<f64>,
    /// Device temperature (C): `temp=` if given, else the circuit's plus `dtemp=`.
    pub temp_c: Option<f64>,
    pub dtemp_c: f64,
    pub model: crate::BjtModel,
    /// Which `.model` card (its name and where it is written: `name@offset`), so that
    /// analyses can list instances model by model as ngspice does.
    pub model_key: String,
}

/// Most signal conductors a `P` line may have (the solver names two unknowns per conductor).
pub const MAX_LINE_CONDUCTORS: usize = 16;

/// Per-unit-length parameters of a multiconductor line, validated by elaboration: `l_h_per_m`
/// and `c_f_per_m` symmetric positive definite, `r_ohm_per_m` and `g_s_per_m` symmetric with
/// no negative diagonal entry, `length_m > 0`. Matrices are `n x n`, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct MtlParams {
    /// Number of signal conductors N.
    pub n: usize,
    pub r_ohm_per_m: Vec<f64>,
    pub l_h_per_m: Vec<f64>,
    pub g_s_per_m: Vec<f64>,
    pub c_f_per_m: Vec<f64>,
    pub length_m: f64,
    /// `sections=`: the transient ladder's section count; `None` chooses it (see the solver's
    /// `devices/mtl.rs`).
    pub sections: Option<usize>,
}

/// A lossy line's model, validated by elaboration: the parameters are finite, none negative,
/// `length_m > 0`, and `kind` is the special case they make.
#[derive(Debug, Clone, PartialEq)]
pub struct LtraLine {
    pub model: crate::LtraModel,
    pub kind: crate::LtraKind,
    pub length_m: f64,
    /// Instance `V1 I1 V2 I2`: the port voltages and currents a `UIC` transient starts from.
    pub initial: [f64; 4],
}

impl DeviceKind {
    /// Whether the device adds a branch-current unknown, written `i(name)` in the plots.
    pub fn has_branch(&self) -> bool {
        matches!(
            self,
            DeviceKind::VoltageSource { .. }
                | DeviceKind::Inductor { .. }
                | DeviceKind::Vcvs { .. }
                | DeviceKind::Ccvs { .. }
                | DeviceKind::Poly {
                    voltage_output: true,
                    ..
                }
        ) || matches!(self, DeviceKind::BSource(b) if b.voltage)
    }

    /// Whether ngspice 39 runs this device as an XSPICE code-model instance (an `A` device):
    /// `POLY` sources (`spice2poly`), `E`/`G` `TABLE` (`pwl`) and PSpice `VSWITCH` switches
    /// with `VON`/`VOFF` (`pswitch`). With any of these in the circuit ngspice lowers TRTOL to
    /// 1 (`cktdojob.c`), and so does [`Options::apply_code_model_trtol`].
    pub fn is_code_model(&self) -> bool {
        match self {
            DeviceKind::Poly { .. } => true,
            DeviceKind::VSwitch { model, .. } => matches!(model, crate::SwitchKind::Smooth(_)),
            DeviceKind::BSource(b) => b.expr.uses_table(),
            _ => false,
        }
    }

    /// The nodes this device connects to (for topology checks and listings).
    pub fn terminals(&self) -> Vec<NodeId> {
        use DeviceKind::*;
        match self {
            Resistor { a, b, .. } | Capacitor { a, b, .. } | Inductor { a, b, .. } => vec![*a, *b],
            MutualInductance { .. } => vec![],
            Diode { anode, cathode, .. } => vec![*anode, *cathode],
            Bjt(q) => vec![q.c, q.b, q.e, q.s],
            Mosfet { d, g, s, b, .. } => vec![*d, *g, *s, *b],
            Jfet {
                drain,
                gate,
                source,
                ..
            } => vec![*drain, *gate, *source],
            VSwitch {
                pos,
                neg,
                ctrl_pos,
                ctrl_neg,
                ..
            } => vec![*pos, *neg, *ctrl_pos, *ctrl_neg],
            CSwitch { pos, neg, .. } | Txl { pos, neg, .. } => vec![*pos, *neg],
            TLine {
                p1p, p1n, p2p, p2n, ..
            }
            | LossyLine {
                p1p, p1n, p2p, p2n, ..
            } => vec![*p1p, *p1n, *p2p, *p2n],
            CoupledLine {
                near,
                ref_near,
                far,
                ref_far,
                ..
            } => near
                .iter()
                .chain([ref_near])
                .chain(far)
                .chain([ref_far])
                .copied()
                .collect(),
            BSource(b) => vec![b.pos, b.neg],
            VoltageSource { pos, neg, .. }
            | CurrentSource { pos, neg, .. }
            | Cccs { pos, neg, .. }
            | Ccvs { pos, neg, .. } => vec![*pos, *neg],
            Poly {
                pos, neg, controls, ..
            } => {
                let mut nodes = vec![*pos, *neg];
                for c in controls {
                    if let PolyControl::Voltage(p, n) = c {
                        nodes.extend([*p, *n]);
                    }
                }
                nodes
            }
            Vcvs {
                pos,
                neg,
                ctrl_pos,
                ctrl_neg,
                ..
            }
            | Vccs {
                pos,
                neg,
                ctrl_pos,
                ctrl_neg,
                ..
            } => vec![*pos, *neg, *ctrl_pos, *ctrl_neg],
        }
    }
}

/// An independent source's value in each analysis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    /// DC value (V or A), used by `.op` and `.dc`.
    pub dc: f64,
    /// AC magnitude (V or A); 0 when the source has no AC part.
    pub ac_mag: f64,
    /// AC phase in degrees.
    pub ac_phase_deg: f64,
    /// Transient waveform; `None` means constant `dc`.
    pub tran: Option<Waveform>,
    /// Whether the card gave an `AC` part (even `ac 0`): ngspice's `.pz` opens such a V source
    /// and shorts one without.
    pub ac_given: bool,
    /// The RF port of a `V` source (`portnum`): `None` for an ordinary source.
    pub port: Option<RfPort>,
}

/// A `V` source with `portnum N` (ngspice's RF port): an ideal source behind a series
/// resistance `z0_ohm` (internal node `NAME#res`), excited one port at a time by `.sp`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfPort {
    /// The port number, from 1.
    pub num: u32,
    /// Reference impedance and series resistance (ohm), 50 when not given.
    pub z0_ohm: f64,
}

/// Transient waveforms with every field filled in (ngspice's defaults applied by elaboration
/// where they do not depend on the analysis; `None` fields default to TSTEP/TSTOP at run time).
#[derive(Debug, Clone, PartialEq)]
pub enum Waveform {
    Sin {
        offset: f64,
        amplitude: f64,
        freq_hz: Option<f64>,
        delay_s: f64,
        damping_per_s: f64,
        phase_deg: f64,
    },
    Pulse {
        v1: f64,
        v2: f64,
        delay_s: f64,
        rise_s: Option<f64>,
        fall_s: Option<f64>,
        width_s: Option<f64>,
        period_s: Option<f64>,
    },
    Pwl {
        /// (time, value) pairs, times non-decreasing.
        points: Vec<(f64, f64)>,
        /// `r=` repeat start time.
        repeat_from_s: Option<f64>,
        /// `td=` delay.
        delay_s: f64,
    },
    Exp {
        v1: f64,
        v2: f64,
        rise_delay_s: f64,
        rise_tau_s: Option<f64>,
        fall_delay_s: Option<f64>,
        fall_tau_s: Option<f64>,
    },
    /// `SFFM(VO VA FC MDI FS PHASEC PHASES)` in ngspice 39's order: carrier FC, signal FS
    /// (both default to 1/TSTOP when omitted or 0).
    Sffm {
        offset: f64,
        amplitude: f64,
        carrier_hz: Option<f64>,
        modulation_index: f64,
        signal_hz: Option<f64>,
        carrier_phase_deg: f64,
        signal_phase_deg: f64,
    },
    /// `AM(VA VO MF FC TD PHASEC PHASES)` (ngspice 39: MF defaults to 1/TSTOP; both sines take
    /// PHASES, PHASEC is read and unused).
    Am {
        amplitude: f64,
        offset: f64,
        modulation_hz: Option<f64>,
        carrier_hz: f64,
        delay_s: f64,
        phase_deg: f64,
    },
    /// `TRNOISE(NA TS NALPHA NAMP RTSAM RTSCAPT RTSEMT)`: white noise of RMS `NA` sampled every
    /// `TS` (linear between samples), 1/f^NALPHA noise of amplitude NAMP, random telegraph
    /// noise of amplitude RTSAM with mean capture/emission times; plus the source's DC value.
    TrNoise {
        white_rms: f64,
        step_s: f64,
        alpha: f64,
        flicker_amp: f64,
        rts_amp: f64,
        rts_capture_s: f64,
        rts_emission_s: f64,
        /// The card's `DC` value, added to the noise (0 when none is given).
        dc: f64,
        /// The source's own random stream, a hash of its name (mixed with `.options seed`
        /// by the transient).
        stream: u64,
    },
    /// `TRRANDOM(TYPE TS TD PARAM1 PARAM2)`: a new random value every TS after TD, held.
    TrRandom {
        kind: RandomKind,
        step_s: f64,
        delay_s: f64,
        param1: f64,
        param2: f64,
        dc: f64,
        stream: u64,
    },
}

/// The distribution of a `TRRANDOM` source (its TYPE argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RandomKind {
    /// 1: uniform in `[-PARAM1, PARAM1) + PARAM2`.
    Uniform,
    /// 2: Gaussian, standard deviation PARAM1, mean PARAM2.
    Gaussian,
    /// 3: exponential with mean PARAM1, plus PARAM2.
    Exponential,
    /// 4: Poisson with lambda PARAM1, plus PARAM2.
    Poisson,
}

/// Analyses with evaluated arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Analysis {
    Op,
    /// Nested DC sweep; `sweeps[0]` is the inner (fastest) loop, as in ngspice.
    Dc {
        sweeps: Vec<DcSweep>,
    },
    Ac {
        variation: AcVariation,
        /// Points per decade/octave, or total points for `lin`.
        points: usize,
        fstart_hz: f64,
        fstop_hz: f64,
    },
    /// `.noise`: output noise at `out` and noise referred to the independent source `source`.
    Noise {
        out: OutputNodes,
        source: DeviceId,
        variation: AcVariation,
        points: usize,
        fstart_hz: f64,
        fstop_hz: f64,
        /// Every how many points the per-device contributions are written (0: never).
        pts_per_summary: usize,
    },
    Tran {
        tstep_s: f64,
        tstop_s: f64,
        tstart_s: f64,
        tmax_s: Option<f64>,
        uic: bool,
    },
    /// `.pz`: poles and/or zeros of `v(output)` over the input (a current into `input.pos`, or
    /// the voltage `v(input)`).
    Pz {
        input: OutputNodes,
        output: OutputNodes,
        kind: PzInput,
        which: PzWhich,
    },
    /// `.sp`: S-, Y- and Z-parameters between the RF ports (V sources with `portnum`).
    Sp {
        variation: AcVariation,
        points: usize,
        fstart_hz: f64,
        fstop_hz: f64,
    },
    /// `.tf`: the small-signal DC transfer function from the independent source `source` to
    /// `out`, with the input resistance seen by the source and the output resistance at `out`.
    Tf {
        out: AnalysisOutput,
        source: DeviceId,
        /// The output as ngspice names it in `output_impedance_at_v(out[,ref])`: `v(out)` or
        /// `v(out,ref)` as written (lower-case); unused for a current output.
        out_name: String,
    },
    /// `.sens`: the sensitivity of `out` to every device parameter, at DC (`ac: None`) or at
    /// each frequency of `ac`.
    Sens {
        out: AnalysisOutput,
        ac: Option<FreqGrid>,
    },
}

/// What `.tf` and `.sens` measure: a voltage difference or the branch current of an element
/// that has one (V, L, E, H).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisOutput {
    Voltage(OutputNodes),
    Current(DeviceId),
}

/// A frequency grid `dec|oct|lin N fstart fstop`, evaluated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreqGrid {
    pub variation: AcVariation,
    pub points: usize,
    pub fstart_hz: f64,
    pub fstop_hz: f64,
}

pub use netlist::{PzInput, PzWhich};

#[derive(Debug, Clone, PartialEq)]
pub struct DcSweep {
    /// What the sweep varies.
    pub target: DcTarget,
    pub start: f64,
    pub stop: f64,
    pub step: f64,
}

/// What a `.dc` sweep varies.
#[derive(Debug, Clone, PartialEq)]
pub enum DcTarget {
    /// An independent V or I source's DC value.
    Source(DeviceId),
    /// The circuit temperature in C (`.dc temp`), as ngspice's `TEMP_CODE` sweep: the circuit
    /// elaborated again at each of the sweep's [`DcSweep::values`], in order (its models,
    /// `temper` expressions and R/C/L temperature coefficients evaluated there). Those
    /// circuits' own `.dc temp` sweeps hold no circuits.
    Temperature(Vec<Circuit>),
}

impl DcSweep {
    /// The values the sweep takes, accumulated as ngspice accumulates them: from `start`,
    /// `+= step` until `sign(step) (value - stop) > 1000 f64::EPSILON`.
    pub fn values(&self) -> Vec<f64> {
        let mut out = Vec::new();
        let mut v = self.start;
        let sign = if self.step < 0.0 { -1.0 } else { 1.0 };
        while sign * (v - self.stop) <= f64::EPSILON * 1e3 {
            out.push(v);
            v += self.step;
            if self.step == 0.0 {
                break;
            }
        }
        out
    }

    /// The swept source, or `None` for a temperature sweep.
    pub fn source(&self) -> Option<DeviceId> {
        match self.target {
            DcTarget::Source(d) => Some(d),
            DcTarget::Temperature(_) => None,
        }
    }
}

pub use netlist::AcVariation;

/// Simulator options (`.options`, `.temp`), with ngspice's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub temp_c: f64,
    pub tnom_c: f64,
    pub gmin: f64,
    pub reltol: f64,
    pub abstol: f64,
    pub vntol: f64,
    pub chgtol: f64,
    pub trtol: f64,
    /// DC iteration limit (ITL1).
    pub itl1: u32,
    /// Transient iteration limit per time point (ITL4).
    pub itl4: u32,
    pub method: IntegrationMethod,
    /// Maximum order for Gear (1 or 2).
    pub maxord: u32,
    /// MOSFET length, width, drain and source areas when an instance gives none
    /// (`.options defl defw defad defas`; m, m, m^2, m^2).
    pub defl_m: f64,
    pub defw_m: f64,
    pub defad_m2: f64,
    pub defas_m2: f64,
    /// `.four`: rows of the harmonics table, the DC row included (`.options nfreqs`, 10).
    pub nfreqs: u32,
    /// `.four`: points the last period is interpolated onto (`.options fourgridsize`, 200).
    pub fourgridsize: u32,
    /// `.four`: degree of the interpolating polynomials, 0 for none, using the transient's
    /// own points (`.options polydegree`, 1).
    pub polydegree: u32,
    /// `.options seed=N`: the seed of the transient noise sources' random streams.
    pub seed: u64,
    /// ngspice options the netlist sets that balun accepts without applying, in card order.
    pub ignored: Vec<String>,
}

impl Options {
    /// ngspice 39's rule for circuits holding XSPICE code-model instances (see
    /// [`DeviceKind::is_code_model`]): "Reducing trtol to 1 for xspice 'A' devices"
    /// (`cktdojob.c`), whatever `.options trtol` says, so that the truncation-error control
    /// takes smaller steps. A TRTOL already at or below 1 is kept.
    pub fn apply_code_model_trtol(&mut self, has_code_models: bool) {
        if has_code_models && self.trtol > 1.0 {
            self.trtol = 1.0;
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            temp_c: 27.0,
            tnom_c: 27.0,
            gmin: 1e-12,
            reltol: 1e-3,
            abstol: 1e-12,
            vntol: 1e-6,
            chgtol: 1e-14,
            trtol: 7.0,
            itl1: 100,
            itl4: 10,
            method: IntegrationMethod::Trapezoidal,
            maxord: 2,
            defl_m: 100e-6,
            defw_m: 100e-6,
            defad_m2: 0.0,
            defas_m2: 0.0,
            nfreqs: 10,
            fourgridsize: 200,
            polydegree: 1,
            seed: 1,
            ignored: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationMethod {
    Trapezoidal,
    Gear,
}

impl Circuit {
    /// Number of nodes including ground.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Finds a device by its ngspice name (lower-case).
    pub fn device(&self, name: &str) -> Option<DeviceId> {
        self.devices
            .iter()
            .position(|d| d.name == name)
            .map(|i| DeviceId(i as u32))
    }

    /// Finds a node by name (lower-case; `gnd` and `0` are ground).
    pub fn node(&self, name: &str) -> Option<NodeId> {
        if name == "gnd" {
            return Some(NodeId::GROUND);
        }
        self.nodes
            .iter()
            .position(|n| n == name)
            .map(|i| NodeId(i as u32))
    }
}

/// An output probed by a measurement: `v(pos) - v(neg)` (`neg` is ground for a single node).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputNodes {
    pub pos: NodeId,
    pub neg: NodeId,
}

/// A measurement directive with its names resolved to ids (top-level names only).
#[derive(Debug, Clone, PartialEq)]
pub enum Measurement {
    /// `.cmrr OUT HOT COLD [imbalance=dZ]`: `hot`/`cold` are independent voltage sources.
    Cmrr {
        out: OutputNodes,
        hot: DeviceId,
        cold: DeviceId,
        /// Source-impedance imbalance to insert (ohm), if given.
        imbalance_ohm: Option<f64>,
        span: Span,
    },
    /// `.xtalk SRC1 OUT1 SRC2 OUT2 ...`: (source, output) per channel.
    Crosstalk {
        channels: Vec<(DeviceId, OutputNodes)>,
        span: Span,
    },
    /// `.hum OUT SIGNAL INTERFERENCE`.
    Interference {
        out: OutputNodes,
        signal: DeviceId,
        interference: DeviceId,
        span: Span,
    },
}

pub use netlist::{MeasAnalysis, MeasStat};

/// A `.meas` card with its names resolved to the solver's vector names and its values evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Meas {
    /// The result's name (lower-cased).
    pub name: String,
    pub analysis: MeasAnalysis,
    pub kind: MeasKind,
    pub span: Span,
}

/// A `.four FREQ OUT...` card: the harmonics of each output over the transient's last period
/// of `fundamental_hz` (computed by `measure::four`).
#[derive(Debug, Clone, PartialEq)]
pub struct Four {
    pub fundamental_hz: f64,
    /// (name as ngspice prints it, e.g. `v(out)`, the vector expression).
    pub outputs: Vec<(String, VecExpr)>,
    pub span: Span,
}

/// A `.print`/`.plot` card: the columns ngspice 39's batch mode prints for every plot of one
/// analysis kind, in card order.
#[derive(Debug, Clone, PartialEq)]
pub struct Print {
    pub analysis: PrintAnalysis,
    /// `.plot` (ngspice draws it as an ASCII chart; balun prints it as a table).
    pub plot: bool,
    pub outputs: Vec<PrintOutput>,
    pub span: Span,
}

/// The analysis kind a `.print` card names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrintAnalysis {
    Op,
    Dc,
    Ac,
    Tran,
}

impl PrintAnalysis {
    /// The word of the card (`op`, `dc`, `ac`, `tran`).
    pub fn word(self) -> &'static str {
        match self {
            PrintAnalysis::Op => "op",
            PrintAnalysis::Dc => "dc",
            PrintAnalysis::Ac => "ac",
            PrintAnalysis::Tran => "tran",
        }
    }
}

/// One column of a `.print` card: `plus - minus` (solver vector names, `v(in)`, `i(v1)`; `None`
/// is 0 V), then `part` of it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintOutput {
    /// The column's name as ngspice 39 prints it: `v(out)`, `out`, `v(in)-v(mid)`, `-v(a)`,
    /// `v1#branch`, `vdb(out)`, `db(v(in)-v(mid))`, `ph(v(a))`.
    pub name: String,
    pub plus: Option<String>,
    pub minus: Option<String>,
    pub part: PrintPart,
    pub span: Span,
}

/// What a `.print` column shows of its (complex, in AC) value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintPart {
    /// The value itself (`v(a)`, `i(vx)`): complex in AC.
    Value,
    /// `vm`: `|z|`.
    Mag,
    /// `vdb`: `20 log10 |z|`.
    Db,
    /// `vp`: `atan2(im, re)` in radians (0 for real data, as ngspice's `ph`).
    Phase,
    /// `vr`: the real part.
    Real,
    /// `vi`: the imaginary part (of real data, the value itself, as ngspice's `imag`).
    Imag,
}

/// What a `.meas` computes (ngspice's semantics: see `measure::meas`).
#[derive(Debug, Clone, PartialEq)]
pub enum MeasKind {
    FindAt {
        expr: VecExpr,
        at: f64,
    },
    FindWhen {
        expr: VecExpr,
        when: Crossing,
    },
    When(Crossing),
    Stat {
        func: MeasStat,
        expr: VecExpr,
        from: Option<f64>,
        to: Option<f64>,
    },
    TrigTarg {
        trig: Trigger,
        targ: Trigger,
    },
    /// `param='expr'`: evaluated after the vector measures of its analysis, its free names
    /// being other measures' results (the `.param`s are already folded into numbers).
    Param {
        expr: netlist::Expr,
        span: Span,
    },
}

/// `lhs` crossing `rhs` (a value or another vector), the `edge`-th time, not before `td`.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub lhs: VecExpr,
    pub rhs: VecExpr,
    pub edge: Edge,
    /// Delay (tran only): points before it are ignored. 0 when not given.
    pub td: f64,
}

/// Which crossing counts: `First` = the first in either direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    First,
    Rise(Count),
    Fall(Count),
    Cross(Count),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// The n-th (from 1).
    N(u32),
    Last,
}

/// A `trig`/`targ` clause: a fixed scale value or a crossing.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    At(f64),
    When(Crossing),
}

/// An expression over a plot's vectors, evaluated point by point in complex arithmetic; a
/// `.meas` uses the real part of the result (ngspice's default for AC vectors), so `vdb`,
/// `vm`, `vp` select dB, magnitude and phase (radians, as ngspice 39 reports `vp`).
#[derive(Debug, Clone, PartialEq)]
pub enum VecExpr {
    Const(f64),
    /// A vector of the plot by its solver name: `v(out)`, `i(v1)`.
    Vector(String),
    Unary(VecFunc, Box<VecExpr>),
    Binary(VecOp, Box<VecExpr>, Box<VecExpr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VecFunc {
    Neg,
    /// `|z|`
    Mag,
    /// `20 log10 |z|`
    Db,
    /// `atan2(im, re)` in radians
    Phase,
    Real,
    Imag,
    Sqrt,
    Exp,
    Ln,
    Log10,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VecOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}
