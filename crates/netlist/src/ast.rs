//! The netlist AST: what the text says, with spans, before any evaluation.
//!
//! All names (elements, nodes, models, subcircuits, parameters, keywords) are stored lower-cased,
//! as SPICE is case-insensitive; file paths keep their case. Values are unevaluated [`Expr`]s:
//! a plain number `1.5k` is `Expr::Num(1500.0)`, `{2*rval}` is an expression tree, and a bare
//! parameter name used as a value (`R1 a b rval`) is `Expr::Var("rval")`.

use crate::span::Span;

/// A parsed netlist: the title line and the top-level cards, with `.include`/`.lib` already spliced in.
#[derive(Debug, Clone, PartialEq)]
pub struct Netlist {
    pub title: String,
    pub items: Vec<Item>,
    /// Non-fatal findings (unknown dot-cards, ignored `.control` blocks, ...).
    pub warnings: Vec<Warning>,
}

/// A non-fatal parse finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub span: Span,
    pub message: String,
}

/// A name as written (lower-cased) with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A positional word whose role (node, model name or value) is decided in elaboration: its
/// text as an identifier (when it is a plain word) and as a value (when it reads as one).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub ident: Option<Ident>,
    pub value: Option<Value>,
    pub span: Span,
}

/// A node reference. `0` and `gnd` are ground (the parser keeps the text; elaboration maps both to ground).
pub type Node = Ident;

/// A value: an unevaluated expression and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub expr: Expr,
    pub span: Span,
}

/// `name=value`, as in `.param`, `.subckt ... params:`, instance parameters, `.model` and `IC=`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub value: Value,
}

/// Expression tree of a `{...}` value or a `.param` right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    /// A parameter reference (lower-cased), or a named constant such as `pi`.
    Var(String),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `cond ? a : b`
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `name(args...)`, name lower-cased.
    Call(String, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `^` or `**`
    Pow,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// One card of the netlist. The large, rare cards are boxed so that a million elements take
/// the space of an element each.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Element(Element),
    Subckt(SubcktDef),
    /// `.param a=1 b={a*2}`
    Params(Vec<Param>),
    Model(ModelDef),
    Analysis(Box<Analysis>),
    /// `.options` / `.option` / `.opt`: `name=value` pairs and bare flags (flags get value 1).
    Options(Vec<Param>),
    /// `.global n1 n2`
    Global(Vec<Node>),
    /// `.ic v(n1)=1 v(n2)=0`
    Ic(Vec<(Node, Value)>),
    /// `.temp 27`
    Temp(Value),
    /// A measurement directive: `.cmrr`, `.xtalk`, `.hum`.
    Measure(Box<MeasureCard>),
    /// `.meas` / `.measure`: a post-processing measurement of an analysis's vectors.
    Meas(Box<MeasCard>),
    /// `.step param NAME ...`: run every analysis once per value of a parameter.
    Step(Box<StepCard>),
    /// `.four FREQ v(out) ...` (`.fourier`): Fourier analysis of the transient's last period.
    Four(Box<FourCard>),
    /// `.save v(out) i(v1) out all`: the vectors to keep (ngspice keeps all when there is none).
    Save(Vec<SaveItem>),
    /// `.mc N [seed=S] [dist=gauss|uniform]`: Monte Carlo over the element tolerances.
    MonteCarlo(Box<MonteCarloCard>),
    /// `.func name(a, b) {expr}` (ngspice) or `.func name(a, b) = expr` (PSpice).
    Func(FuncDef),
    /// `.print KIND OUT ...` / `.plot KIND OUT ...`: the columns ngspice's batch mode prints.
    Print(Box<PrintCard>),
    /// `.if (cond)`, `.elseif (cond)`, `.else`, `.endif`: a marker in the card list (ngspice
    /// handles them on the text, so they may enclose any cards). The parser checks that they
    /// pair up; elaboration keeps the cards of the branch taken.
    Conditional(Box<Conditional>),
}

/// One `.if`/`.elseif`/`.else`/`.endif` card.
#[derive(Debug, Clone, PartialEq)]
pub struct Conditional {
    pub kind: ConditionalKind,
    pub span: Span,
}

/// What a [`Conditional`] card is; a condition is true when it is not 0.
#[derive(Debug, Clone, PartialEq)]
pub enum ConditionalKind {
    If(Value),
    ElseIf(Value),
    Else,
    EndIf,
}

/// `.print KIND OUT ...` or `.plot KIND OUT ... [(lo,hi)]`: the outputs ngspice's batch mode
/// prints for every plot of one analysis kind, in this order. Names are checked, and forms
/// (`vdb`, `vp`, ...) judged, in elaboration; `.plot`'s scale keywords (`linear`, `xlog`, `ylog`,
/// `loglog`) and trailing limits `(lo,hi)` are dropped here, as ngspice drops them.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintCard {
    /// `.plot` rather than `.print` (ngspice draws an ASCII chart; balun prints the table).
    pub plot: bool,
    /// The analysis kind as written: `op`, `dc`, `ac`, `tran`, `noise`, ...
    pub analysis: Ident,
    pub outputs: Vec<PrintOutput>,
    pub span: Span,
}

/// One output of a `.print`/`.plot` card: a bare name (`out`) or a call (`v(a)`, `v(a,b)`,
/// `vdb(out)`, `i(vx)`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct PrintOutput {
    /// The function (`v`, `vdb`, `i`, ...), lower-cased; `None` for a bare name.
    pub func: Option<Ident>,
    /// The names inside the parentheses (one or two), or the bare name.
    pub args: Vec<Ident>,
    /// The whole output as written.
    pub span: Span,
}

/// `.func NAME(ARG, ...) {BODY}`: a user function, expanded where it is called (as ngspice
/// expands it, like a macro): each argument replaces its name in the body, except inside
/// `v(...)`/`i(...)`, whose names are nodes and elements. The body is parsed as a behavioural
/// expression (raw names in `v()`/`i()`), so it may be used in `.param`s, values and B sources.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncDef {
    pub name: Ident,
    pub args: Vec<Ident>,
    pub body: Value,
    pub span: Span,
}

/// `.mc N [seed=S] [dist=gauss|uniform]` (balun's own card): `N` runs with every toleranced
/// element (`R1 a b 10k tol=1%`) drawn at random; `dist` is the default distribution of
/// elements that do not name one. Values are checked when the circuit is elaborated.
#[derive(Debug, Clone, PartialEq)]
pub struct MonteCarloCard {
    pub runs: Value,
    pub seed: Option<Value>,
    /// The word after `dist=` (`gauss` or `uniform`), kept as written.
    pub dist: Option<Ident>,
    pub span: Span,
}

/// One vector named by `.save`.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveItem {
    /// `all`: every node voltage and branch current.
    All(Span),
    /// `v(node)` or a bare `node`.
    Voltage(Node),
    /// `i(element)`: the branch current of a V, L, E or H element.
    Current(Ident),
}

/// `.meas[ure] ac|dc|tran NAME FUNCTION ...` (ngspice's forms).
#[derive(Debug, Clone, PartialEq)]
pub struct MeasCard {
    pub analysis: MeasAnalysis,
    /// The result's name (lower-cased).
    pub name: Ident,
    pub kind: MeasKind,
    pub span: Span,
}

/// Which analysis a `.meas` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasAnalysis {
    Ac,
    Dc,
    Tran,
}

/// What a `.meas` computes.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasKind {
    /// `find EXPR at=X`
    FindAt { expr: MeasExpr, at: Value },
    /// `find EXPR when COND`
    FindWhen { expr: MeasExpr, when: MeasCond },
    /// `when COND`: the scale value (time, frequency, sweep) where COND holds.
    When(MeasCond),
    /// `max|min|avg|rms|pp|integ|max_at|min_at EXPR [from=X] [to=X]`
    Stat {
        func: MeasStat,
        expr: MeasExpr,
        from: Option<Value>,
        to: Option<Value>,
    },
    /// `trig ... targ ...`: the scale distance from the trigger to the target.
    TrigTarg { trig: MeasTrig, targ: MeasTrig },
    /// `param='expr'`: an expression of `.param`s and other measures' results.
    Param(Value),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasStat {
    Max,
    Min,
    /// Scale value at the maximum.
    MaxAt,
    /// Scale value at the minimum.
    MinAt,
    Avg,
    Rms,
    Pp,
    Integ,
}

/// A vector expression in a `.meas`.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasExpr {
    /// `v(a)`, `v(a,b)`, `vdb(a)`, `vm(a)`, `vp(a)`, `vr(a)`, `vi(a)`, `i(vx)` (and `idb`,
    /// `im`, `ip`, `ir`, `ii`); a bare node name `out` is `v(out)`. `func` is lower-cased.
    Probe {
        func: String,
        args: Vec<Ident>,
        span: Span,
    },
    /// `par('expression')`: an expression of probes (`v(a)`, `vdb(a)`, `i(vx)`), parameters
    /// and numbers.
    Par(Value),
}

/// `LHS=RHS [rise|fall|cross=N|last] [td=T]`, or for `trig`/`targ`: `LHS val=V ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasCond {
    pub lhs: MeasExpr,
    pub rhs: MeasRhs,
    pub edge: MeasEdge,
    pub td: Option<Value>,
}

/// The right-hand side of a crossing condition.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasRhs {
    Value(Value),
    Expr(MeasExpr),
}

/// Which crossing counts.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasEdge {
    /// None given: the first crossing in either direction.
    First,
    Rise(MeasCount),
    Fall(MeasCount),
    Cross(MeasCount),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MeasCount {
    N(Value),
    Last,
}

/// A `trig` or `targ` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasTrig {
    /// `trig at=X`
    At(Value),
    /// `trig EXPR val=V [td=T] [rise|fall|cross=N]`
    When(Box<MeasCond>),
}

/// `.four FREQ OUT1 [OUT2 ...]` (any word starting `.four`, as ngspice reads it): the
/// harmonics of each output over the last period of the fundamental `FREQ` of the transient.
/// Outputs are `.meas` vectors (`v(out)`, `v(a,b)`, `i(v1)`, a bare node name).
#[derive(Debug, Clone, PartialEq)]
pub struct FourCard {
    pub freq: Value,
    pub outputs: Vec<MeasExpr>,
    pub span: Span,
}

/// `.step [param] NAME list v1 v2 ... | [lin] start stop step | dec|oct start stop n`.
#[derive(Debug, Clone, PartialEq)]
pub struct StepCard {
    pub param: Ident,
    pub sweep: StepSweep,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepSweep {
    List(Vec<Value>),
    Lin {
        start: Value,
        stop: Value,
        step: Value,
    },
    /// `dec` (points per decade) or `oct` (points per octave).
    Log {
        variation: AcVariation,
        start: Value,
        stop: Value,
        points: Value,
    },
}

/// The output of `.tf` and `.sens`: a node voltage `v(out[,ref])` or the branch current
/// `i(vsrc)` of a V source (or any element with a branch current).
#[derive(Debug, Clone, PartialEq)]
pub enum AnalysisOutput {
    Voltage(OutputRef),
    Current(Ident),
}

/// An output named by a measurement directive: `out`, `v(out)`, or `v(a,b)` (`v(a) - v(b)`).
#[derive(Debug, Clone, PartialEq)]
pub struct OutputRef {
    pub pos: Node,
    pub neg: Option<Node>,
    pub span: Span,
}

/// Measurement directives (balun's own cards; ngspice ignores them with a warning).
#[derive(Debug, Clone, PartialEq)]
pub enum MeasureCard {
    /// `.cmrr OUT HOTSRC COLDSRC [imbalance=dZ]`: CMRR of the receiver driven by the two
    /// independent V sources, at the `.ac` frequencies; `imbalance` (ohm) is a source-impedance
    /// imbalance inserted in either leg (the worse leg is reported).
    Cmrr {
        out: OutputRef,
        hot: Ident,
        cold: Ident,
        imbalance: Option<Value>,
        span: Span,
    },
    /// `.xtalk SRC1 OUT1 SRC2 OUT2 [SRC3 OUT3 ...]`: crosstalk matrix between the channels.
    Xtalk {
        channels: Vec<(Ident, OutputRef)>,
        span: Span,
    },
    /// `.hum OUT SIGNALSRC INTERFERENCESRC`: interference at the output relative to signal.
    Hum {
        out: OutputRef,
        signal: Ident,
        interference: Ident,
        span: Span,
    },
}

/// `.subckt NAME ports... [params: a=1 b=2]` ... `.ends`
#[derive(Debug, Clone, PartialEq)]
pub struct SubcktDef {
    pub name: Ident,
    pub ports: Vec<Node>,
    /// Default parameter values from the `.subckt` line.
    pub params: Vec<Param>,
    /// Cards inside, including nested `.subckt` definitions.
    pub items: Vec<Item>,
    pub span: Span,
}

/// `.model NAME TYPE (p1=v1 p2=v2 ...)` (parentheses optional).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDef {
    pub name: Ident,
    /// Device type, lower-cased: `d`, `npn`, `r`, ...
    pub kind: Ident,
    pub params: Vec<Param>,
    /// Parameters given more than one value (a `CPL` model's matrices, `l=1u 0.2u 1u`), in
    /// card order; such a parameter is not also in `params`.
    pub vectors: Vec<ParamVector>,
    pub span: Span,
}

/// `name=v1 v2 ...`: a model parameter with several values.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamVector {
    pub name: Ident,
    pub values: Vec<Value>,
}

/// An analysis card.
#[derive(Debug, Clone, PartialEq)]
pub enum Analysis {
    /// `.op`
    Op { span: Span },
    /// `.dc SRC start stop step [SRC2 start2 stop2 step2]`; the first sweep is the inner loop.
    Dc { sweeps: Vec<DcSweep>, span: Span },
    /// `.ac dec|oct|lin N fstart fstop`
    Ac {
        variation: AcVariation,
        points: Value,
        fstart: Value,
        fstop: Value,
        span: Span,
    },
    /// `.noise v(out[,ref]) SRC dec|oct|lin N fstart fstop [pts_per_summary]`: output noise at
    /// `v(out,ref)` and noise referred to the input source `SRC`.
    Noise {
        output: OutputRef,
        source: Ident,
        variation: AcVariation,
        points: Value,
        fstart: Value,
        fstop: Value,
        /// Every how many points the per-device contributions are written (0/absent: never).
        pts_per_summary: Option<Value>,
        span: Span,
    },
    /// `.tf OUTPUT SRC`: DC transfer function from the independent source `SRC` to `OUTPUT`,
    /// with the input and output resistances, at the operating point.
    Tf {
        output: AnalysisOutput,
        source: Ident,
        span: Span,
    },
    /// `.sens OUTPUT [ac dec|oct|lin N fstart fstop]`: sensitivities of `OUTPUT` to every
    /// device parameter, at DC or (with `ac`) over a frequency grid.
    Sens {
        output: AnalysisOutput,
        ac: Option<(AcVariation, Value, Value, Value)>,
        span: Span,
    },
    /// `.pz in+ in- out+ out- cur|vol pol|zer|pz`: poles and/or zeros of the transfer function
    /// from the input port (a current into it, or a voltage across it) to the output voltage.
    Pz {
        input: [Node; 2],
        output: [Node; 2],
        kind: PzInput,
        which: PzWhich,
        span: Span,
    },
    /// `.sp dec|oct|lin N fstart fstop [donoise]`: S-parameters between the V sources that have
    /// a `portnum`.
    Sp {
        variation: AcVariation,
        points: Value,
        fstart: Value,
        fstop: Value,
        donoise: Option<Value>,
        span: Span,
    },
    /// `.tran tstep tstop [tstart [tmax]] [uic]`
    Tran {
        tstep: Value,
        tstop: Value,
        tstart: Option<Value>,
        tmax: Option<Value>,
        uic: bool,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DcSweep {
    /// The swept independent source (`v1`, `i2`).
    pub source: Ident,
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

/// The input of `.pz`: a current driven into `in+` (out of `in-`), or a voltage across them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PzInput {
    Cur,
    Vol,
}

/// What `.pz` finds: poles, zeros or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PzWhich {
    Poles,
    Zeros,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcVariation {
    Dec,
    Oct,
    Lin,
}

/// An element line. `name` is the full element name lower-cased (`r1`, `xamp`).
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub name: Ident,
    pub kind: ElementKind,
    /// The whole card (all continuation lines).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind {
    /// `Rname n+ n- value [r=value] [other=value...]`. R, C and L accept `tol=` (a fraction
    /// or a percentage: `tol=1%` is read as `0.01`) and `dist=gauss|uniform` for Monte Carlo.
    Resistor {
        nodes: [Node; 2],
        /// The value, positional or `r=`; `None` when a `.model` gives it.
        value: Option<Value>,
        /// The `.model` name written after the value (or instead of it).
        model: Option<Ident>,
        params: Vec<Param>,
    },
    /// `Cname n+ n- value [ic=v0]`
    Capacitor {
        nodes: [Node; 2],
        /// The value, positional or `c=`; `None` when a `.model` gives it.
        value: Option<Value>,
        /// The `.model` name written after the value (or instead of it).
        model: Option<Ident>,
        params: Vec<Param>,
    },
    /// `Lname n+ n- value [ic=i0]`
    Inductor {
        nodes: [Node; 2],
        /// The value, positional or `i=`; `None` when a `.model` gives it.
        value: Option<Value>,
        /// The `.model` name written after the value (or instead of it).
        model: Option<Ident>,
        params: Vec<Param>,
    },
    /// `Kname L1 L2 [L3 ...] k`
    Coupling { inductors: Vec<Ident>, k: Value },
    /// `Vname n+ n- [[DC] v] [AC mag [phase]] [SIN(...)|PULSE(...)|PWL(...)|EXP(...)]`
    VoltageSource {
        nodes: [Node; 2],
        /// Boxed: the largest variant by far, and rare next to R, L and C.
        source: Box<SourceSpec>,
    },
    /// `Iname n+ n- ...` (same forms as V; current flows from n+ through the source to n-)
    CurrentSource {
        nodes: [Node; 2],
        source: Box<SourceSpec>,
    },
    /// `Ename n+ n- nc+ nc- gain`
    Vcvs { nodes: [Node; 4], gain: Value },
    /// `Gname n+ n- nc+ nc- transconductance`
    Vccs { nodes: [Node; 4], gain: Value },
    /// `Fname n+ n- Vctrl gain`
    Cccs {
        nodes: [Node; 2],
        control: Ident,
        gain: Value,
    },
    /// `Hname n+ n- Vctrl transresistance`
    Ccvs {
        nodes: [Node; 2],
        control: Ident,
        gain: Value,
    },
    /// SPICE2's polynomial sources: `Ename|Gname n+ n- POLY(n) nc1+ nc1- ... ncn+ ncn- p0 p1 ...`
    /// (`controls` are the 2n node names) and `Fname|Hname n+ n- POLY(n) v1 ... vn p0 p1 ...`
    /// (`controls` are the n voltage sources); the element's letter says which.
    Poly {
        nodes: [Node; 2],
        /// The `n` of `POLY(n)`.
        dimension: usize,
        controls: Vec<Ident>,
        coefficients: Vec<Value>,
    },
    /// `Xname nodes... SUBCKT [params:] [a=1 ...]`
    Instance {
        nodes: Vec<Node>,
        subckt: Ident,
        params: Vec<Param>,
    },
    /// `Dname anode cathode model [area] [params]`
    Diode {
        nodes: [Node; 2],
        model: Ident,
        area: Option<Value>,
        params: Vec<Param>,
    },
    /// `Qname nc nb ne [ns] model [area] [off] [ic=vbe,vce] [name=value...]`. Whether the
    /// fourth word is the substrate node or the model depends on which models exist, so the
    /// words after the three nodes are kept as written (`words`, 1 to 3 of them) and elaboration
    /// resolves them as ngspice does: the fourth is the model if a model of that name exists,
    /// else the substrate node followed by the model; a word after the model is the area.
    Bjt {
        nodes: [Node; 3],
        words: Vec<Word>,
        off: bool,
        /// `ic=vbe[,vce]`.
        ic: Vec<Value>,
        params: Vec<Param>,
    },
    /// `Mname nd ng ns nb model [l=..] [w=..] [ad=..] [as=..] [pd=..] [ps=..] [nrd=..]
    /// [nrs=..] [m=..] [off] [ic=vds,vgs,vbs] [temp=..]`
    Mosfet {
        nodes: [Node; 4],
        model: Ident,
        /// `off` given (anywhere after the model name).
        off: bool,
        /// The values of `ic=vds[,vgs[,vbs]]`, in order.
        ic: Vec<Value>,
        /// The other `name=value` parameters.
        params: Vec<Param>,
    },
    /// `Jname drain gate source model [area] [off] [ic=vds,vgs] [area=..] [m=..] [temp=..]
    /// [dtemp=..]`
    Jfet {
        nodes: [Node; 3],
        model: Ident,
        area: Option<Value>,
        off: bool,
        /// `ic=vds,vgs`: the values given (one or two).
        ic: Vec<Value>,
        params: Vec<Param>,
    },
    /// `Sname n+ n- nc+ nc- model [on|off]`
    VSwitch {
        nodes: [Node; 4],
        model: Ident,
        /// `Some(true)` for `on`, `Some(false)` for `off`.
        on: Option<bool>,
    },
    /// `Wname n+ n- vcontrol model [on|off]`
    CSwitch {
        nodes: [Node; 2],
        control: Ident,
        model: Ident,
        on: Option<bool>,
    },
    /// `Tname p1+ p1- p2+ p2- z0=.. td=.. | f=.. [nl=..]`
    TLine {
        nodes: [Node; 4],
        params: Vec<Param>,
    },
    /// `Bname n+ n- V=expr | I=expr` (braces optional, as ngspice accepts: `V=v(a)*2`), and the
    /// PSpice forms ngspice translates into B sources: `E|Gname n+ n- VALUE={expr}` and
    /// `E|Gname n+ n- TABLE {expr} = (x1,y1) (x2,y2) ...`.
    Behavioral {
        nodes: [Node; 2],
        /// `V=` and `E`: the expression is a voltage; `I=` and `G`: a current.
        voltage: bool,
        form: BehavioralForm,
        /// The expression (`v(a)`, `v(a,b)`, `i(vx)` are calls of `v`/`i` on raw names).
        expr: Value,
        /// Every word of the expression with where it is written (for messages about a name).
        names: Vec<Ident>,
        /// The expression as written (for messages at run time).
        text: String,
    },
    /// `Pname in1 .. inN ref1 out1 .. outN ref2 MODEL [len=l] [sections=n]`: ngspice's coupled
    /// multiconductor line (a `CPL` model); `nodes` are all `2N+2` nodes in card order.
    CoupledLine {
        nodes: Vec<Node>,
        model: Ident,
        params: Vec<Param>,
    },
    /// `Oname p1+ p1- p2+ p2- MODEL`: ngspice's lossy transmission line (an `LTRA` model).
    LossyLine {
        nodes: [Node; 4],
        model: Ident,
        params: Vec<Param>,
    },
    /// `Yname in gnd1 out gnd2 MODEL [len=l]`: ngspice's single lossy line (a `TXL` model; a
    /// `CPL` model makes it a one-conductor `P` line, as in ngspice).
    Txl {
        nodes: [Node; 4],
        model: Ident,
        params: Vec<Param>,
    },
}

/// Which card a behavioural source was written as.
#[derive(Debug, Clone, PartialEq)]
pub enum BehavioralForm {
    /// `B ... V=`/`I=`.
    B,
    /// `E`/`G ... VALUE={expr}`.
    Value,
    /// `E`/`G ... TABLE {expr} = (x, y) ...`: the points as written.
    Table(Vec<(Value, Value)>),
}

/// What an independent source produces in each analysis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceSpec {
    /// DC value (`DC 1`, or a bare leading value); `None` means 0 (or the transient value at t=0).
    pub dc: Option<Value>,
    /// `AC mag [phase_deg]`; `AC` alone means magnitude 1.
    pub ac: Option<AcSpec>,
    pub tran: Option<TranSpec>,
    /// Where a `DISTOF1`/`DISTOF2` part (the inputs of ngspice's `.disto`, which balun does not
    /// have) was read and skipped, for a warning.
    pub distof: Option<Span>,
    /// The RF port keywords of a `V` source (`portnum 1 z0 50 pwr 1m freq 1g phase 0`).
    pub port: PortSpec,
}

/// `portnum N [z0 R] [pwr P] [freq F] [phase DEG]` on a `V` card (ngspice's RF port); all
/// absent when the source is not a port.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PortSpec {
    pub num: Option<Value>,
    pub z0: Option<Value>,
    pub pwr: Option<Value>,
    pub freq: Option<Value>,
    pub phase: Option<Value>,
}

impl PortSpec {
    /// Whether any port keyword was given.
    pub fn is_empty(&self) -> bool {
        self.num.is_none()
            && self.z0.is_none()
            && self.pwr.is_none()
            && self.freq.is_none()
            && self.phase.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcSpec {
    pub mag: Option<Value>,
    pub phase_deg: Option<Value>,
}

/// A transient waveform, arguments in the order SPICE gives them, omitted trailing ones absent.
#[derive(Debug, Clone, PartialEq)]
pub enum TranSpec {
    /// `SIN(VO VA FREQ TD THETA PHASE)`
    Sin(Vec<Value>),
    /// `PULSE(V1 V2 TD TR TF PW PER)`
    Pulse(Vec<Value>),
    /// `PWL(t1 v1 t2 v2 ...) [r=t] [td=t]`
    Pwl {
        points: Vec<Value>,
        params: Vec<Param>,
    },
    /// `EXP(V1 V2 TD1 TAU1 TD2 TAU2)`
    Exp(Vec<Value>),
    /// `SFFM(VO VA FC MDI FS PHASEC PHASES)`
    Sffm(Vec<Value>),
    /// `AM(VA VO MF FC TD PHASEC PHASES)`
    Am(Vec<Value>),
    /// `TRNOISE(NA TS NALPHA NAMP RTSAM RTSCAPT RTSEMT)`
    TrNoise(Vec<Value>),
    /// `TRRANDOM(TYPE TS TD PARAM1 PARAM2)`
    TrRandom(Vec<Value>),
}
