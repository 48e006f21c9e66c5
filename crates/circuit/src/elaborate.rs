//! Elaboration proper: parameters, subcircuit expansion, node numbering, devices, analyses.
//!
//! ngspice 39 facts this follows (each checked by running `ngspice -b -r out.raw` with
//! `SPICE_ASCIIRAWFILE=1` and reading the variable names):
//! - Internal node `n2` of instance `x1` is `x1.n2`; inside `x1`'s nested instance `x2` it is
//!   `x1.x2.m`. Element `r1` inside `x1` is `r.x1.r1`; `v3` inside `x1`→`x2` is `v.x1.x2.v3`
//!   (raw file variable `i(v.x1.x2.v3)`).
//! - `0` and `gnd` are ground everywhere (also inside subcircuits); `.global` nodes keep their
//!   name unprefixed.
//! - Nodes are numbered in order of first appearance in the *expanded* deck: an `X` line is
//!   replaced in place by its subcircuit's elements, and the `X` line's own node list does not
//!   count. E.g. `V1 in 0`, `X1 in out sub1` (whose first element is `R1 b n2`), `R9 out 0`
//!   gives `in, out, x1.n2, ...` while with `R1 a n2` first it gives `in, x1.n2, ..., out`.
//! - An element's value with no DC part but a transient waveform has, for `.op`, the
//!   waveform's value at t = 0: `PULSE(2 5 1m)` → 2, `SIN(1 2 1k)` → 1,
//!   `SIN(1 2 1k 0 0 90)` → 3, `EXP(3 4 ..)` → 3, `PWL(1m 8 2m 9)` → 8.
//! - `R = 0` is replaced by 1 mΩ (`V1 1 0 1; R2 1 2 0; R3 2 0 1k` gives
//!   v(2) = 0.999999000001); any other value, negative included, is used as given. `C = 0`,
//!   `L = 0`, negative `C` and `L` are accepted.
//! - Waveform times given as 0 (PULSE tr/tf/pw/per, SIN freq, EXP tau1/td2/tau2) mean
//!   "use the default" (`vsrcload.c`), so they are mapped to `None` like omitted ones.
//!   Checked with `.tran 0.5u 10u`: `PULSE(0 1 0 0 0 0 0)` rises over 0.5u (TSTEP) and stays
//!   high (PW = TSTOP); `SIN(0 1 0)` has period TSTOP.
//! - EXP's rise delay TD1, omitted or 0, is TSTEP in ngspice 39 (`EXP(0 1 0 1u)` stays 0 until
//!   t = TSTEP). [`Waveform::Exp::rise_delay_s`] is an `f64`, so elaboration stores 0.0 and the
//!   solver must read `rise_delay_s == 0.0` as TSTEP, exactly as ngspice reads its coefficient.

use crate::expr::fmt_num;
use crate::params::Params;
use crate::suggest::did_you_mean;
use crate::*;
use compact_str::CompactString;
use netlist::{
    AcSpec, Element, ElementKind, Ident, Item, ModelDef, Param, SourceSpec, Span, SubcktDef,
    TranSpec, Value,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

#[path = "directives.rs"]
mod directives;
#[path = "elements/mod.rs"]
mod elements;
#[path = "meas.rs"]
mod meas;
#[path = "print.rs"]
mod print;
#[path = "pzsp.rs"]
mod pzsp;
#[path = "tolerances.rs"]
mod tolerances;
pub(crate) use meas::step_points;

/// Deepest subcircuit nesting accepted.
pub(crate) const MAX_DEPTH: usize = 100;

/// Resistance used for `R = 0`, as ngspice does.
const ZERO_RESISTANCE_OHM: f64 = 1e-3;

pub(crate) fn elaborate(
    netlist: &netlist::Netlist,
    sources: Option<&netlist::Sources>,
    overrides: &[(String, f64)],
) -> Result<Circuit, ElabError> {
    let resolved;
    let netlist = if crate::conditional::present(&netlist.items) {
        resolved = crate::conditional::resolve(netlist, overrides)?;
        &resolved
    } else {
        netlist
    };
    let mut circuit = elaborate_at(netlist, sources, overrides, None)?;
    // A `.dc temp` sweep runs the circuit elaborated at each of its temperatures.
    for a in &mut circuit.analyses {
        if let Analysis::Dc { sweeps } = a {
            for s in sweeps.iter_mut() {
                let values = s.values();
                if let DcTarget::Temperature(at) = &mut s.target {
                    for t in values {
                        at.push(elaborate_at(netlist, sources, overrides, Some(t))?);
                    }
                }
            }
        }
    }
    Ok(circuit)
}

/// [`elaborate`] at the circuit temperature `temp_c` (C) instead of the netlist's `.temp`
/// when given (a point of a `.dc temp` sweep, whose circuits are then left empty).
fn elaborate_at(
    netlist: &netlist::Netlist,
    sources: Option<&netlist::Sources>,
    overrides: &[(String, f64)],
    temp_c: Option<f64>,
) -> Result<Circuit, ElabError> {
    let mut elab = Elab::new(netlist, sources);
    elab.temp_override = temp_c;
    elab.run(netlist, overrides)?;
    // The title line of the top-level file (file 0), for findings about the whole netlist.
    let title = Span::new(netlist::FileId(0), 0, netlist.title.len());
    if elab.devices.is_empty() {
        // ngspice 39 runs the analyses on the empty (0 x 0) system and writes their plots with
        // only the scale (an operating point with no vectors); so does balun, with a warning.
        elab.warn(
            title,
            "no circuit: the netlist has no elements (its first line is the title, not an \
             element); the analyses write empty plots"
                .to_string(),
        );
    }
    if elab.analyses.is_empty() {
        // ngspice runs nothing either (and says so); this is not an error, so `balun check`
        // and `balun run` of a netlist under construction still succeed.
        elab.warn(
            title,
            "no analysis cards (.op, .dc, .ac, .tran): nothing to simulate".to_string(),
        );
    }
    Ok(elab.finish(netlist))
}

/// The subcircuit definitions visible from one body (lexical scoping of definitions).
struct Env<'a> {
    defs: HashMap<&'a str, Def<'a>>,
    /// `.model` cards of this body.
    models: HashMap<&'a str, &'a ModelDef>,
    parent: Option<usize>,
}

#[derive(Clone, Copy)]
struct Def<'a> {
    def: &'a SubcktDef,
    /// The environment of the definition's own body.
    body_env: usize,
}

/// Where the cards being expanded sit.
struct Ctx<'a> {
    /// `""` at top level, `x1`, `x1.x2` inside instances.
    path: String,
    /// Port name → the instance's actual (expanded) node name.
    ports: HashMap<&'a str, String>,
    env: usize,
}

/// An expanded element name: where it was first defined and, for a device, its index.
#[derive(Debug, Clone, Copy)]
struct Named {
    span: Span,
    /// Index in `devices`; `None` for an `X` instance and a `K` card of one pair (whose
    /// device is found by the coupling fixups, not by name).
    device: Option<usize>,
}

/// A reference to be resolved once every element is known.
enum Fixup {
    /// F/H: the device at `device` is controlled by the element named `target` (expanded).
    Control {
        device: usize,
        target: String,
        written: Ident,
        element: String,
    },
    /// B source: the `v()` and `i()` names of the expression of the device at `device`.
    Behavioral {
        device: usize,
        /// The element as written (`e1` for the `be1` of `E1 ... VALUE=`), for messages.
        element: String,
        refs: Vec<(elements::bsource::BRef, Ident)>,
    },
    /// F/H POLY: control `k` of the device at `device` is the element named `target`.
    PolyControl {
        device: usize,
        k: usize,
        target: String,
        written: Ident,
        element: String,
    },
    /// K pair: the device at `device` couples `l1` and `l2` (expanded names).
    Coupling {
        device: usize,
        inductors: [(String, Ident); 2],
        element: String,
    },
}

struct Elab<'a> {
    sources: Option<&'a netlist::Sources>,
    params: Params,
    envs: Vec<Env<'a>>,
    globals: HashSet<String>,
    nodes: Vec<String>,
    /// Node name → id. Keys are `CompactString`s, inline up to 24 bytes: a lookup in a
    /// million-node map then touches the table only, not a heap string as well.
    node_ids: HashMap<CompactString, NodeId>,
    /// Nodes numbered where a behavioural expression first reads them (as ngspice numbers the
    /// nodes of a `B` line's `v()` when it parses the line) that no element terminal has
    /// connected yet; one left at the fixup is an unknown node.
    expr_only_nodes: HashSet<NodeId>,
    devices: Vec<Device>,
    /// Expanded element names including `X` instances: where each was first defined and its
    /// device. One map for both (a million-element netlist has a million names).
    names: HashMap<CompactString, Named>,
    fixups: Vec<Fixup>,
    /// R, C, L values to scale by their temperature factor once `.temp`/`.options` are known:
    /// (device index, coefficients, instance `temp=`, instance `dtemp=`).
    passive_temps: Vec<(usize, PassiveTemp, Option<f64>, f64)>,
    warnings: Vec<Warning>,
    /// Instances being expanded: (definition address, subckt name).
    stack: Vec<(usize, String)>,
    analyses: Vec<Analysis>,
    measurements: Vec<Measurement>,
    /// `.save` targets so far; `save_all` once a `.save all` is seen.
    saves: Vec<SaveTarget>,
    save_all: bool,
    tolerances: Vec<Tolerance>,
    monte_carlo: Option<MonteCarlo>,
    meas: Vec<Meas>,
    four: Vec<Four>,
    prints: Vec<Print>,
    options: Options,
    initial_conditions: Vec<(NodeId, f64)>,
    /// The circuit temperature (C) of one point of a `.dc temp` sweep, replacing `.temp`.
    temp_override: Option<f64>,
}

impl<'a> Elab<'a> {
    fn new(netlist: &'a netlist::Netlist, sources: Option<&'a netlist::Sources>) -> Self {
        // Sized for the top level (each element adds about one node): growing these maps and
        // vectors a million elements long costs more than filling them.
        let elements = netlist
            .items
            .iter()
            .filter(|i| matches!(i, Item::Element(_)))
            .count();
        let mut node_ids = HashMap::with_capacity_and_hasher(elements + 1, Default::default());
        node_ids.insert(CompactString::const_new("0"), NodeId::GROUND);
        let mut nodes = Vec::with_capacity(elements + 1);
        nodes.push("0".to_string());
        let mut elab = Elab {
            sources,
            params: Params::new(),
            envs: Vec::new(),
            globals: HashSet::default(),
            nodes,
            node_ids,
            expr_only_nodes: HashSet::default(),
            devices: Vec::with_capacity(elements),
            names: HashMap::with_capacity_and_hasher(elements, Default::default()),
            fixups: Vec::new(),
            passive_temps: Vec::new(),
            warnings: netlist
                .warnings
                .iter()
                .map(|w| Warning {
                    span: w.span,
                    message: w.message.clone(),
                })
                .collect(),
            stack: Vec::new(),
            analyses: Vec::new(),
            measurements: Vec::new(),
            saves: Vec::new(),
            save_all: false,
            tolerances: Vec::new(),
            monte_carlo: None,
            meas: Vec::new(),
            four: Vec::new(),
            prints: Vec::new(),
            options: Options::default(),
            initial_conditions: Vec::new(),
            temp_override: None,
        };
        elab.build_env(&netlist.items, None);
        elab.collect_globals(&netlist.items);
        elab
    }

    fn warn(&mut self, span: Span, message: String) {
        self.warnings.push(Warning { span, message });
    }

    /// `path:line:col` when the sources are known, else the byte offset.
    fn locate(&self, span: Span) -> String {
        match self.sources {
            Some(s) if (span.file.0 as usize) < s.files.len() => s.locate(span),
            _ => format!("byte {} of file #{}", span.start, span.file.0),
        }
    }

    fn build_env(&mut self, items: &'a [Item], parent: Option<usize>) -> usize {
        let id = self.envs.len();
        self.envs.push(Env {
            defs: HashMap::default(),
            models: HashMap::default(),
            parent,
        });
        let scope = self.params.add_func_scope(parent, items);
        debug_assert_eq!(scope, id, "function scopes are numbered as environments");
        for item in items {
            if let Item::Model(m) = item {
                self.envs[id].models.insert(m.name.name.as_str(), m);
            }
            if let Item::Subckt(def) = item {
                let body_env = self.build_env(&def.items, Some(id));
                let name = def.name.name.as_str();
                if let Some(old) = self.envs[id].defs.get(name) {
                    let first = self.locate(old.def.span);
                    self.warn(
                        def.name.span,
                        format!(
                            "subcircuit '{name}' is defined again (first at {first}); \
                             this later definition is used"
                        ),
                    );
                }
                self.envs[id].defs.insert(name, Def { def, body_env });
            }
        }
        id
    }

    fn collect_globals(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Global(nodes) => {
                    for n in nodes {
                        self.globals.insert(n.name.clone());
                    }
                }
                Item::Subckt(def) => self.collect_globals(&def.items),
                _ => {}
            }
        }
    }

    /// The `.model` named `name` visible from `env` (inner definitions shadow outer ones).
    fn find_model(&self, env: usize, name: &str) -> Option<&'a ModelDef> {
        let mut e = Some(env);
        while let Some(i) = e {
            if let Some(m) = self.envs[i].models.get(name) {
                return Some(*m);
            }
            e = self.envs[i].parent;
        }
        None
    }

    fn find_def(&self, env: usize, name: &str) -> Option<Def<'a>> {
        let mut e = Some(env);
        while let Some(i) = e {
            if let Some(d) = self.envs[i].defs.get(name) {
                return Some(*d);
            }
            e = self.envs[i].parent;
        }
        None
    }

    /// Defines the `.param` cards of `items` (not of nested definitions) in the innermost
    /// frame, lazily.
    fn define_params(&mut self, items: &[Item]) {
        for item in items {
            if let Item::Params(list) = item {
                for p in list {
                    if self.params.defined_here(&p.name.name) && self.params.depth() == 1 {
                        self.warn(
                            p.name.span,
                            format!(
                                "parameter '{}' is defined again; the later value is used",
                                p.name.name
                            ),
                        );
                    }
                    self.params
                        .define_lazy(&p.name.name, p.value.expr.clone(), p.value.span);
                }
            }
        }
    }

    fn eval(&mut self, v: &Value) -> Result<f64, ElabError> {
        self.params.eval(&v.expr, v.span)
    }

    fn run(
        &mut self,
        netlist: &'a netlist::Netlist,
        overrides: &[(String, f64)],
    ) -> Result<(), ElabError> {
        self.define_params(&netlist.items);
        // `.step` values replace the global definitions, so every expression using them
        // (element values, other `.param`s) sees the stepped value.
        for (name, value) in overrides {
            if !self.params.defined_here(name) {
                let span = Span::new(netlist::FileId(0), 0, netlist.title.len());
                return Err(ElabError::Expr {
                    span,
                    message: format!("parameter '{name}' is not defined by a .param card"),
                });
            }
            self.params.define_value(name, *value);
        }
        // `temper` is the circuit temperature (C) wherever a value is an expression, as
        // ngspice 39 re-evaluates such values at the analysis temperature
        // (`inp_evaluate_temper`); a `.param temper` of the netlist's own wins.
        if !self.params.defined_here("temper") {
            let t = match self.temp_override {
                Some(t) => t,
                None => self.circuit_temperature(&netlist.items)?,
            };
            self.params.define_value("temper", t);
        }
        self.params.force_innermost()?;
        let ctx = Ctx {
            path: String::new(),
            ports: HashMap::default(),
            env: 0,
        };
        self.expand(&netlist.items, &ctx)?;
        self.resolve_fixups()?;
        for item in &netlist.items {
            self.control_card(item)?;
        }
        if let Some(t) = self.temp_override {
            self.options.temp_c = t;
        }
        self.drop_prints_without_analysis();
        self.apply_passive_temps();
        let has_code_models = self.devices.iter().any(|d| d.kind.is_code_model());
        self.options.apply_code_model_trtol(has_code_models);
        Ok(())
    }

    /// The circuit temperature (C) the top-level `.temp` and `.options temp=` cards set (the
    /// last one wins, as when they are applied in order), or the default, 27 C.
    fn circuit_temperature(&mut self, items: &[Item]) -> Result<f64, ElabError> {
        let mut t = self.options.temp_c;
        for item in items {
            match item {
                Item::Temp(v) => t = self.eval(v)?,
                Item::Options(list) => {
                    for p in list.iter().filter(|p| p.name.name == "temp") {
                        t = self.eval(&p.value)?;
                    }
                }
                _ => {}
            }
        }
        Ok(t)
    }

    fn finish(self, netlist: &netlist::Netlist) -> Circuit {
        let saves = (!self.save_all && !self.saves.is_empty()).then(|| {
            // A `.meas` needs its vectors whatever `.save` says (ngspice saves them too).
            let mut saves = self.saves.clone();
            let needed = meas::saved_by(
                &self.meas,
                &self.four,
                &self.prints,
                |name| self.node_ids.get(name).copied(),
                |name| self.device_index(name),
                &self.devices,
            );
            for target in needed {
                if !saves.contains(&target) {
                    saves.push(target);
                }
            }
            saves
        });
        Circuit {
            title: netlist.title.clone(),
            nodes: self.nodes,
            devices: self.devices,
            analyses: self.analyses,
            options: self.options,
            initial_conditions: self.initial_conditions,
            warnings: self.warnings,
            measurements: self.measurements,
            tolerances: self.tolerances,
            monte_carlo: self.monte_carlo,
            saves,
            meas: self.meas,
            four: self.four,
            prints: self.prints,
        }
    }

    // ---------------------------------------------------------------- names and nodes

    /// ngspice's name for element `name` in `ctx`: `r1`, or `r.x1.r1` inside instance `x1`.
    fn device_name(ctx: &Ctx, name: &str) -> String {
        if ctx.path.is_empty() {
            name.to_string()
        } else {
            let first = name.chars().next().unwrap_or('?');
            format!("{first}.{}.{name}", ctx.path)
        }
    }

    fn node_name(&self, ctx: &Ctx, name: &str) -> String {
        self.node_name_ref(ctx, name).into_owned()
    }

    /// The flat name of node `name` as seen from `ctx`; borrowed unless it is a subcircuit's
    /// internal node (so looking up the nodes of top-level elements allocates nothing).
    fn node_name_ref<'n>(&self, ctx: &'n Ctx, name: &'n str) -> std::borrow::Cow<'n, str> {
        use std::borrow::Cow;
        if name == "0" || name == "gnd" {
            Cow::Borrowed("0")
        } else if self.globals.contains(name) {
            Cow::Borrowed(name)
        } else if let Some(actual) = ctx.ports.get(name) {
            Cow::Borrowed(actual.as_str())
        } else if ctx.path.is_empty() {
            Cow::Borrowed(name)
        } else {
            Cow::Owned(format!("{}.{name}", ctx.path))
        }
    }

    fn node(&mut self, ctx: &Ctx, n: &netlist::Node) -> NodeId {
        let name = self.node_name_ref(ctx, &n.name);
        if let Some(id) = self.node_ids.get(name.as_ref()) {
            if !self.expr_only_nodes.is_empty() {
                self.expr_only_nodes.remove(id);
            }
            return *id;
        }
        let id = NodeId(self.nodes.len() as u32);
        self.node_ids.insert(CompactString::from(name.as_ref()), id);
        self.nodes.push(name.into_owned());
        id
    }

    fn register_name(&mut self, name: &str, span: Span) -> Result<(), ElabError> {
        // One probe of the map: the name is inserted unless it is already there.
        match self.names.entry(CompactString::from(name)) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(Named { span, device: None });
                Ok(())
            }
            std::collections::hash_map::Entry::Occupied(first) => {
                let first = first.get().span;
                Err(ElabError::Duplicate {
                    span,
                    name: name.to_string(),
                    first: self.locate(first),
                })
            }
        }
    }

    /// The device of expanded element name `name` (none for `X` instances and one-pair `K`s).
    pub(super) fn device_index(&self, name: &str) -> Option<usize> {
        self.names.get(name).and_then(|n| n.device)
    }

    /// Every (expanded name, device index) of an element that is a device.
    pub(super) fn devices_by_name(&self) -> impl Iterator<Item = (&str, usize)> {
        self.names
            .iter()
            .filter_map(|(n, named)| named.device.map(|i| (n.as_str(), i)))
    }

    fn push_device(&mut self, name: String, span: Span, kind: DeviceKind) -> usize {
        let index = self.devices.len();
        match self.names.get_mut(name.as_str()) {
            Some(named) => named.device = Some(index),
            None => {
                let device = Some(index);
                self.names
                    .insert(CompactString::from(name.as_str()), Named { span, device });
            }
        }
        self.devices.push(Device { name, span, kind });
        index
    }

    // ---------------------------------------------------------------- expansion

    fn expand(&mut self, items: &'a [Item], ctx: &Ctx<'a>) -> Result<(), ElabError> {
        for item in items {
            match item {
                Item::Element(e) => self.element(e, ctx)?,
                Item::Analysis(_)
                | Item::Options(_)
                | Item::Ic(_)
                | Item::Temp(_)
                | Item::Save(_)
                | Item::Print(_)
                | Item::MonteCarlo(_)
                    if !ctx.path.is_empty() =>
                {
                    let span = match item {
                        Item::Analysis(a) => analysis_span(a),
                        Item::Save(list) => list.first().map_or_else(Span::default, save_span),
                        Item::Options(p) => p.first().map_or_else(Span::default, |p| p.name.span),
                        Item::Ic(list) => list.first().map_or_else(Span::default, |(n, _)| n.span),
                        Item::Temp(v) => v.span,
                        Item::MonteCarlo(mc) => mc.span,
                        Item::Print(p) => p.span,
                        _ => Span::default(),
                    };
                    self.warn(
                        span,
                        "control card inside a subcircuit is ignored".to_string(),
                    );
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn element(&mut self, e: &'a Element, ctx: &Ctx<'a>) -> Result<(), ElabError> {
        let raw = e.name.name.as_str();
        let name = Self::device_name(ctx, raw);
        let span = e.span;
        if self.names.len() >= crate::limits::MAX_ELEMENTS {
            return Err(crate::limits::too_many_elements(e.name.span, &name));
        }
        if let ElementKind::Instance {
            nodes,
            subckt,
            params,
        } = &e.kind
        {
            return self.instance(e, nodes, subckt, params, ctx);
        }
        self.register_name(&name, span)?;
        match &e.kind {
            ElementKind::Diode { .. } => self.diode(e, name, ctx)?,
            ElementKind::Bjt { .. } => self.bjt(e, name, ctx)?,
            ElementKind::Mosfet { .. } => self.mosfet(e, name, ctx)?,
            ElementKind::Jfet { .. } => self.jfet(e, name, ctx)?,
            ElementKind::VSwitch { .. } => self.vswitch(e, name, ctx)?,
            ElementKind::CSwitch { .. } => self.cswitch(e, name, ctx)?,
            ElementKind::Resistor { .. } => self.resistor(e, name, ctx)?,
            ElementKind::Capacitor { .. } => self.capacitor(e, name, ctx)?,
            ElementKind::Inductor { .. } => self.inductor(e, name, ctx)?,
            ElementKind::Coupling { .. } => self.coupling(e, name, ctx)?,
            ElementKind::VoltageSource { .. } => self.voltage_source(e, name, ctx)?,
            ElementKind::CurrentSource { .. } => self.current_source(e, name, ctx)?,
            ElementKind::Vcvs { .. } | ElementKind::Vccs { .. } => {
                self.voltage_controlled(e, name, ctx)?
            }
            ElementKind::Cccs { .. } | ElementKind::Ccvs { .. } => {
                self.current_controlled(e, name, ctx)?
            }
            ElementKind::Poly { .. } => self.poly(e, name, ctx)?,
            ElementKind::TLine { .. } => self.tline(e, name, ctx)?,
            ElementKind::CoupledLine { .. } => self.coupled_line(e, name, ctx)?,
            ElementKind::LossyLine { .. } => self.lossy_line(e, name, ctx)?,
            ElementKind::Txl { .. } => self.txl(e, name, ctx)?,
            ElementKind::Behavioral { .. } => self.behavioral(e, name, ctx)?,
            ElementKind::Instance { .. } => unreachable!("handled above"),
        }
        Ok(())
    }

    /// Evaluates an element's `name=value` parameters; names outside `known` are warned about
    /// and ignored.
    fn element_params(
        &mut self,
        element: &str,
        params: &[Param],
        known: &[&str],
    ) -> Result<HashMap<String, f64>, ElabError> {
        let mut out = HashMap::default();
        for p in params {
            if known.contains(&p.name.name.as_str()) {
                let v = self.eval(&p.value)?;
                if p.name.name == "m" && v <= 0.0 {
                    return Err(ElabError::InvalidValue {
                        span: p.value.span,
                        element: element.to_string(),
                        message: format!("multiplier m = {} must be positive", fmt_num(v)),
                    });
                }
                out.insert(p.name.name.clone(), v);
            } else {
                self.warn(
                    p.name.span,
                    format!(
                        "{element}: parameter '{}' is not supported and is ignored",
                        p.name.name
                    ),
                );
            }
        }
        Ok(out)
    }

    // ---------------------------------------------------------------- sources

    // ---------------------------------------------------------------- references

    fn resolve_fixups(&mut self) -> Result<(), ElabError> {
        let fixups = std::mem::take(&mut self.fixups);
        for f in fixups {
            match f {
                Fixup::Control {
                    device,
                    target,
                    written,
                    element,
                } => {
                    let id =
                        self.expect_kind(&target, &written, &element, "a voltage source", |k| {
                            matches!(k, DeviceKind::VoltageSource { .. })
                        })?;
                    match &mut self.devices[device].kind {
                        DeviceKind::Cccs { control, .. }
                        | DeviceKind::Ccvs { control, .. }
                        | DeviceKind::CSwitch { control, .. } => {
                            *control = id;
                        }
                        _ => panic!("control fixup on a device that is not F/H/W"),
                    }
                }
                Fixup::Behavioral {
                    device,
                    element,
                    refs,
                } => self.resolve_behavioral(device, element, refs)?,
                Fixup::PolyControl {
                    device,
                    k,
                    target,
                    written,
                    element,
                } => {
                    let id =
                        self.expect_kind(&target, &written, &element, "a voltage source", |k| {
                            matches!(k, DeviceKind::VoltageSource { .. })
                        })?;
                    match &mut self.devices[device].kind {
                        DeviceKind::Poly { controls, .. } => {
                            controls[k] = PolyControl::Current(id);
                        }
                        _ => panic!("POLY control fixup on a device that is not a POLY source"),
                    }
                }
                Fixup::Coupling {
                    device,
                    inductors,
                    element,
                } => {
                    let [(n1, w1), (n2, w2)] = inductors;
                    let is_l = |k: &DeviceKind| matches!(k, DeviceKind::Inductor { .. });
                    let a = self.expect_kind(&n1, &w1, &element, "an inductor", is_l)?;
                    let b = self.expect_kind(&n2, &w2, &element, "an inductor", is_l)?;
                    if a == b {
                        return Err(ElabError::BadReference {
                            span: w2.span,
                            element,
                            message: format!("inductor '{}' is coupled to itself", w2.name),
                        });
                    }
                    match &mut self.devices[device].kind {
                        DeviceKind::MutualInductance { l1, l2, .. } => {
                            *l1 = a;
                            *l2 = b;
                        }
                        _ => panic!("coupling fixup on a device that is not K"),
                    }
                }
            }
        }
        Ok(())
    }

    fn expect_kind(
        &self,
        target: &str,
        written: &Ident,
        element: &str,
        what: &str,
        ok: impl Fn(&DeviceKind) -> bool,
    ) -> Result<DeviceId, ElabError> {
        match self.device_index(target) {
            Some(i) if ok(&self.devices[i].kind) => Ok(DeviceId(i as u32)),
            Some(_) => Err(ElabError::BadReference {
                span: written.span,
                element: element.to_string(),
                message: format!("'{}' is not {what}", written.name),
            }),
            None => {
                // Suggest among the elements of the same scope and kind.
                let scope_prefix = target.strip_suffix(written.name.as_str()).unwrap_or("");
                let candidates: Vec<&str> = self
                    .devices_by_name()
                    .filter(|&(n, i)| n.starts_with(scope_prefix) && ok(&self.devices[i].kind))
                    .filter_map(|(n, _)| n.strip_prefix(scope_prefix))
                    .filter(|n| scope_prefix.is_empty() || !n.contains('.'))
                    .collect();
                let hint = did_you_mean(&written.name, candidates.into_iter());
                Err(ElabError::BadReference {
                    span: written.span,
                    element: element.to_string(),
                    message: format!(
                        "no element '{}' in this scope (expected {what}){hint}",
                        written.name
                    ),
                })
            }
        }
    }

    // ---------------------------------------------------------------- control cards

    fn control_card(&mut self, item: &Item) -> Result<(), ElabError> {
        match item {
            Item::Analysis(a) => {
                let a = self.analysis(a)?;
                self.analyses.push(a);
            }
            Item::Options(list) => {
                for p in list {
                    self.option(p)?;
                }
            }
            Item::Temp(v) => self.options.temp_c = self.eval(v)?,
            Item::Measure(m) => {
                let m = self.measurement(m)?;
                self.measurements.push(m);
            }
            Item::Save(list) => {
                for item in list {
                    let target = match item {
                        netlist::SaveItem::All(_) => {
                            self.save_all = true;
                            continue;
                        }
                        netlist::SaveItem::Voltage(node) => self.save_voltage(node)?,
                        netlist::SaveItem::Current(element) => {
                            SaveTarget::Current(self.branch_owner(element, ".save")?)
                        }
                    };
                    if !self.saves.contains(&target) {
                        self.saves.push(target);
                    }
                }
            }
            Item::MonteCarlo(mc) => self.monte_carlo = Some(self.monte_carlo_card(mc)?),
            Item::Meas(m) => {
                let m = self.meas_card(m)?;
                self.meas.push(m);
            }
            Item::Four(c) => {
                let c = self.four_card(c)?;
                self.four.push(c);
            }
            Item::Print(c) => {
                if let Some(p) = self.print_card(c) {
                    self.prints.push(p);
                }
            }
            Item::Ic(list) => {
                for (node, value) in list {
                    let v = self.eval(value)?;
                    let id = if node.name == "gnd" || node.name == "0" {
                        None
                    } else {
                        self.node_ids.get(node.name.as_str()).copied()
                    };
                    let Some(id) = id else {
                        let hint =
                            did_you_mean(&node.name, self.nodes[1..].iter().map(String::as_str));
                        return Err(ElabError::BadReference {
                            span: node.span,
                            element: ".ic".to_string(),
                            message: if node.name == "gnd" || node.name == "0" {
                                "ground cannot have an initial condition".to_string()
                            } else {
                                format!("no node '{}'{hint}", node.name)
                            },
                        });
                    };
                    self.initial_conditions.push((id, v));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `.save v(node)`: an existing node other than ground.
    fn save_voltage(&self, node: &netlist::Node) -> Result<SaveTarget, ElabError> {
        let bad = |message: String| ElabError::BadReference {
            span: node.span,
            element: ".save".to_string(),
            message,
        };
        if node.name == "0" || node.name == "gnd" {
            return Err(bad(
                "ground is 0 V by definition; there is nothing to save".to_string()
            ));
        }
        match self.node_ids.get(node.name.as_str()) {
            Some(&id) => Ok(SaveTarget::Voltage(id)),
            None => {
                let hint = did_you_mean(&node.name, self.nodes[1..].iter().map(String::as_str));
                Err(bad(format!("no node '{}'{hint}", node.name)))
            }
        }
    }

    /// `i(element)` of `.save`, `.tf` or `.sens` (`card`): an element with a branch current (V,
    /// L, E, H), by its expanded name.
    fn branch_owner(&self, element: &netlist::Ident, card: &str) -> Result<DeviceId, ElabError> {
        let bad = |message: String| ElabError::BadReference {
            span: element.span,
            element: card.to_string(),
            message,
        };
        let Some(index) = self.device_index(&element.name) else {
            let names = self.devices.iter().map(|d| d.name.as_str());
            let hint = did_you_mean(&element.name, names);
            return Err(bad(format!("no element '{}'{hint}", element.name)));
        };
        match self.devices[index].kind {
            DeviceKind::VoltageSource { .. }
            | DeviceKind::Inductor { .. }
            | DeviceKind::Vcvs { .. }
            | DeviceKind::Ccvs { .. } => Ok(DeviceId(index as u32)),
            DeviceKind::BSource(ref b) if b.voltage => Ok(DeviceId(index as u32)),
            DeviceKind::Poly {
                voltage_output: true,
                ..
            } => Ok(DeviceId(index as u32)),
            _ => Err(bad(format!(
                "'{}' has no branch current (only V, L, E and H elements do); {} the \
                 voltages at its nodes instead",
                element.name,
                if card == ".save" { "save" } else { "use" }
            ))),
        }
    }

    /// The output of `.tf` or `.sens` (`card`), resolved.
    fn analysis_probe(
        &self,
        output: &netlist::AnalysisOutput,
        card: &str,
    ) -> Result<AnalysisOutput, ElabError> {
        Ok(match output {
            netlist::AnalysisOutput::Voltage(v) => {
                AnalysisOutput::Voltage(self.output_nodes(v, card)?)
            }
            netlist::AnalysisOutput::Current(e) => {
                AnalysisOutput::Current(self.branch_owner(e, card)?)
            }
        })
    }

    /// Evaluates and checks `dec|oct|lin N fstart fstop` of `.ac` or `.noise` (`card`):
    /// returns (points, fstart, fstop).
    fn freq_grid(
        &mut self,
        card: &str,
        variation: AcVariation,
        points: &netlist::Value,
        fstart: &netlist::Value,
        fstop: &netlist::Value,
    ) -> Result<(usize, f64, f64), ElabError> {
        let n = self.eval(points)?;
        if n < 1.0 {
            return Err(ElabError::Analysis {
                span: points.span,
                message: format!(
                    "{card}: number of points must be at least 1, got {}",
                    fmt_num(n)
                ),
            });
        }
        if n.fract() != 0.0 {
            self.warn(
                points.span,
                format!(
                    "{card}: number of points {} truncated to {}",
                    fmt_num(n),
                    n.trunc()
                ),
            );
        }
        let f1 = self.eval(fstart)?;
        let f2 = self.eval(fstop)?;
        let name = match variation {
            AcVariation::Dec => "dec",
            AcVariation::Oct => "oct",
            AcVariation::Lin => "lin",
        };
        if variation != AcVariation::Lin && f1 <= 0.0 {
            return Err(ElabError::Analysis {
                span: fstart.span,
                message: format!(
                    "{card} {name}: start frequency must be positive, got {}",
                    fmt_num(f1)
                ),
            });
        }
        if f1 < 0.0 {
            return Err(ElabError::Analysis {
                span: fstart.span,
                message: format!(
                    "{card}: start frequency must not be negative, got {}",
                    fmt_num(f1)
                ),
            });
        }
        if f2 < f1 {
            return Err(ElabError::Analysis {
                span: fstop.span,
                message: format!(
                    "{card}: stop frequency {} is below start frequency {}",
                    fmt_num(f2),
                    fmt_num(f1)
                ),
            });
        }
        let total = crate::limits::ac_points(variation, n.trunc(), f1, f2);
        crate::limits::check_sweep(points.span, card, total)?;
        Ok((n as usize, f1, f2))
    }

    fn analysis(&mut self, a: &netlist::Analysis) -> Result<Analysis, ElabError> {
        use netlist::Analysis as A;
        Ok(match a {
            A::Op { .. } => Analysis::Op,
            A::Dc { sweeps, span } => {
                if sweeps.is_empty() {
                    return Err(ElabError::Analysis {
                        span: *span,
                        message: ".dc needs a source to sweep".to_string(),
                    });
                }
                let mut out = Vec::with_capacity(sweeps.len());
                for s in sweeps {
                    // ngspice reads the name `temp` as the temperature before any element.
                    let target = if s.source.name == "temp" {
                        DcTarget::Temperature(Vec::new())
                    } else {
                        DcTarget::Source(self.expect_kind(
                            &s.source.name,
                            &s.source,
                            ".dc",
                            "an independent voltage or current source",
                            |k| {
                                matches!(
                                    k,
                                    DeviceKind::VoltageSource { .. }
                                        | DeviceKind::CurrentSource { .. }
                                )
                            },
                        )?)
                    };
                    let start = self.eval(&s.start)?;
                    let stop = self.eval(&s.stop)?;
                    let step = self.eval(&s.step)?;
                    if step == 0.0 {
                        return Err(ElabError::Analysis {
                            span: s.step.span,
                            message: format!(".dc {}: step must not be zero", s.source.name),
                        });
                    }
                    if (stop - start) * step < 0.0 {
                        return Err(ElabError::Analysis {
                            span: s.step.span,
                            message: format!(
                                ".dc {}: step {} goes away from stop {} (start {}); use a step of the other sign",
                                s.source.name,
                                fmt_num(step),
                                fmt_num(stop),
                                fmt_num(start)
                            ),
                        });
                    }
                    out.push(DcSweep {
                        target,
                        start,
                        stop,
                        step,
                    });
                }
                let points = out
                    .iter()
                    .map(|s| crate::limits::dc_points(s.start, s.stop, s.step))
                    .product();
                crate::limits::check_sweep(*span, ".dc", points)?;
                Analysis::Dc { sweeps: out }
            }
            A::Ac {
                variation,
                points,
                fstart,
                fstop,
                span: _,
            } => {
                let (points, fstart_hz, fstop_hz) =
                    self.freq_grid(".ac", *variation, points, fstart, fstop)?;
                Analysis::Ac {
                    variation: *variation,
                    points,
                    fstart_hz,
                    fstop_hz,
                }
            }
            A::Noise {
                output,
                source,
                variation,
                points,
                fstart,
                fstop,
                pts_per_summary,
                span: _,
            } => {
                let out = self.output_nodes(output, ".noise")?;
                let source_id = self.expect_kind(
                    &source.name,
                    source,
                    ".noise",
                    "an independent voltage or current source",
                    |k| {
                        matches!(
                            k,
                            DeviceKind::VoltageSource { .. } | DeviceKind::CurrentSource { .. }
                        )
                    },
                )?;
                if let DeviceKind::VoltageSource { source: s, .. }
                | DeviceKind::CurrentSource { source: s, .. } =
                    &self.devices[source_id.index()].kind
                {
                    if s.ac_mag == 0.0 {
                        return Err(ElabError::BadReference {
                            span: source.span,
                            element: ".noise".into(),
                            message: format!(
                                "input source '{}' has no AC value (give it 'ac 1')",
                                source.name
                            ),
                        });
                    }
                }
                let (points, fstart_hz, fstop_hz) =
                    self.freq_grid(".noise", *variation, points, fstart, fstop)?;
                let pts_per_summary = match pts_per_summary {
                    None => 0,
                    Some(v) => {
                        let n = self.eval(v)?;
                        if n < 0.0 || n.fract() != 0.0 || n > u32::MAX as f64 {
                            return Err(ElabError::Analysis {
                                span: v.span,
                                message: format!(
                                    ".noise: points per summary must be a whole number >= 0, got {}",
                                    fmt_num(n)
                                ),
                            });
                        }
                        n as usize
                    }
                };
                Analysis::Noise {
                    out,
                    source: source_id,
                    variation: *variation,
                    points,
                    fstart_hz,
                    fstop_hz,
                    pts_per_summary,
                }
            }
            A::Tf { output, source, .. } => Analysis::Tf {
                out: self.analysis_probe(output, ".tf")?,
                out_name: match output {
                    netlist::AnalysisOutput::Voltage(v) => match &v.neg {
                        Some(neg) => format!("v({},{})", v.pos.name, neg.name),
                        None => format!("v({})", v.pos.name),
                    },
                    netlist::AnalysisOutput::Current(e) => format!("i({})", e.name),
                },
                source: self.expect_kind(
                    &source.name,
                    source,
                    ".tf",
                    "an independent voltage or current source",
                    |k| {
                        matches!(
                            k,
                            DeviceKind::VoltageSource { .. } | DeviceKind::CurrentSource { .. }
                        )
                    },
                )?,
            },
            A::Sens { output, ac, .. } => Analysis::Sens {
                out: self.analysis_probe(output, ".sens")?,
                ac: match ac {
                    None => None,
                    Some((variation, points, fstart, fstop)) => {
                        let (points, fstart_hz, fstop_hz) =
                            self.freq_grid(".sens", *variation, points, fstart, fstop)?;
                        Some(FreqGrid {
                            variation: *variation,
                            points,
                            fstart_hz,
                            fstop_hz,
                        })
                    }
                },
            },
            A::Pz {
                input,
                output,
                kind,
                which,
                span,
            } => self.pz_analysis(input, output, *kind, *which, *span)?,
            A::Sp {
                variation,
                points,
                fstart,
                fstop,
                donoise,
                span,
            } => {
                if let Some(v) = donoise {
                    if self.eval(v)? != 0.0 {
                        return Err(ElabError::Analysis {
                            span: v.span,
                            message: ".sp: noise (donoise = 1) is not supported yet; give 0 or leave it out".into(),
                        });
                    }
                }
                self.check_rf_ports(*span)?;
                let (points, fstart_hz, fstop_hz) =
                    self.freq_grid(".sp", *variation, points, fstart, fstop)?;
                Analysis::Sp {
                    variation: *variation,
                    points,
                    fstart_hz,
                    fstop_hz,
                }
            }
            A::Tran {
                tstep,
                tstop,
                tstart,
                tmax,
                uic,
                span: _,
            } => {
                let step = self.eval(tstep)?;
                let stop = self.eval(tstop)?;
                if step <= 0.0 {
                    return Err(ElabError::Analysis {
                        span: tstep.span,
                        message: format!(
                            ".tran: time step must be positive, got {}",
                            fmt_num(step)
                        ),
                    });
                }
                if stop <= 0.0 {
                    return Err(ElabError::Analysis {
                        span: tstop.span,
                        message: format!(
                            ".tran: stop time must be positive, got {}",
                            fmt_num(stop)
                        ),
                    });
                }
                let start = match tstart {
                    Some(v) => {
                        let t = self.eval(v)?;
                        if t < 0.0 || t >= stop {
                            return Err(ElabError::Analysis {
                                span: v.span,
                                message: format!(
                                    ".tran: start time {} must be in [0, tstop = {})",
                                    fmt_num(t),
                                    fmt_num(stop)
                                ),
                            });
                        }
                        t
                    }
                    None => 0.0,
                };
                let max = match tmax {
                    Some(v) => {
                        let t = self.eval(v)?;
                        if t < 0.0 {
                            return Err(ElabError::Analysis {
                                span: v.span,
                                message: format!(
                                    ".tran: maximum step must not be negative, got {}",
                                    fmt_num(t)
                                ),
                            });
                        }
                        (t > 0.0).then_some(t)
                    }
                    None => None,
                };
                Analysis::Tran {
                    tstep_s: step,
                    tstop_s: stop,
                    tstart_s: start,
                    tmax_s: max,
                    uic: *uic,
                }
            }
        })
    }

    fn option(&mut self, p: &Param) -> Result<(), ElabError> {
        let name = p.name.name.as_str();
        if name == "method" {
            let method = match &p.value.expr {
                netlist::Expr::Var(m) if m == "trap" || m == "trapezoidal" => {
                    IntegrationMethod::Trapezoidal
                }
                netlist::Expr::Var(m) if m == "gear" => IntegrationMethod::Gear,
                _ => {
                    return Err(ElabError::InvalidValue {
                        span: p.value.span,
                        element: ".options".to_string(),
                        message: "method must be trap (trapezoidal) or gear".to_string(),
                    })
                }
            };
            self.options.method = method;
            return Ok(());
        }
        if name == "seed" && matches!(&p.value.expr, netlist::Expr::Var(r) if r == "random") {
            // `seed=random`: ngspice takes the time; so does balun (a run is then not
            // reproducible, as asked).
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            self.options.seed = now.map_or(1, |d| d.as_secs());
            return Ok(());
        }
        if !APPLIED_OPTIONS.contains(&name) {
            if NGSPICE_OPTIONS.contains(&name) {
                if !self.options.ignored.iter().any(|n| n == name) {
                    self.options.ignored.push(name.to_string());
                }
            } else {
                let hint = did_you_mean(
                    name,
                    APPLIED_OPTIONS
                        .iter()
                        .chain(NGSPICE_OPTIONS)
                        .copied()
                        .chain(["method"]),
                );
                self.warn(
                    p.name.span,
                    format!("unknown option '{name}' is ignored{hint}"),
                );
            }
            return Ok(());
        }
        let v = self.eval(&p.value)?;
        let bad = |message: String| ElabError::InvalidValue {
            span: p.value.span,
            element: ".options".to_string(),
            message,
        };
        let positive = |v: f64| -> Result<f64, ElabError> {
            if v > 0.0 {
                Ok(v)
            } else {
                Err(bad(format!("{name} must be positive, got {}", fmt_num(v))))
            }
        };
        let count = |v: f64| -> Result<u32, ElabError> {
            if v >= 1.0 && v.fract() == 0.0 && v <= u32::MAX as f64 {
                Ok(v as u32)
            } else {
                Err(bad(format!(
                    "{name} must be a positive integer, got {}",
                    fmt_num(v)
                )))
            }
        };
        let o = &mut self.options;
        match name {
            "reltol" => o.reltol = positive(v)?,
            "abstol" => o.abstol = positive(v)?,
            "vntol" => o.vntol = positive(v)?,
            "chgtol" => o.chgtol = positive(v)?,
            "trtol" => o.trtol = positive(v)?,
            "gmin" => o.gmin = positive(v)?,
            "itl1" => o.itl1 = count(v)?,
            "itl4" => o.itl4 = count(v)?,
            "temp" => o.temp_c = v,
            "tnom" => o.tnom_c = v,
            "defl" => o.defl_m = positive(v)?,
            "defw" => o.defw_m = positive(v)?,
            "defad" => o.defad_m2 = v.max(0.0),
            "defas" => o.defas_m2 = v.max(0.0),
            "nfreqs" => o.nfreqs = count(v)?,
            "fourgridsize" => o.fourgridsize = count(v)?,
            "polydegree" => {
                if !(v >= 0.0 && v.fract() == 0.0 && v <= 100.0) {
                    return Err(bad(format!(
                        "polydegree must be an integer from 0 to 100, got {}",
                        fmt_num(v)
                    )));
                }
                o.polydegree = v as u32;
            }
            "maxord" => {
                let m = count(v)?;
                if m > 6 {
                    return Err(bad(format!("maxord must be 1 to 6, got {m}")));
                }
                // ngspice 39 accepts up to 6, but its DCtran only ever raises the order from 1
                // to 2 (dctran.c, "don't rise the order for backward Euler"): 3 to 6 integrate
                // exactly as 2 there, and here.
                o.maxord = m.min(2);
            }
            "seed" => {
                if !(v >= 1.0 && v.fract() == 0.0) {
                    return Err(bad(format!(
                        "seed must be a positive integer or 'random', got {}",
                        fmt_num(v)
                    )));
                }
                o.seed = v as u64;
            }
            _ => unreachable!("option list and match disagree"),
        }
        Ok(())
    }
}

/// `.options` names balun applies (besides `method`).
const APPLIED_OPTIONS: &[&str] = &[
    "reltol",
    "abstol",
    "vntol",
    "chgtol",
    "trtol",
    "gmin",
    "itl1",
    "itl4",
    "temp",
    "tnom",
    "maxord",
    "defl",
    "defw",
    "defad",
    "defas",
    "seed",
    "nfreqs",
    "fourgridsize",
    "polydegree",
];

/// Every other `.options` name ngspice 39 knows (its `OPTtbl` in `cktsopt.c`, the XSPICE
/// options, and the front-end variables its manual lists under `.options`): accepted and
/// ignored, listed by `balun run -v`. Output, accounting and matrix-package choices have no
/// effect on the results; the others are ngspice's own convergence aids and element options.
const NGSPICE_OPTIONS: &[&str] = &[
    // cktsopt.c
    "cshunt",
    "noopiter",
    "gshunt",
    "pivtol",
    "pivrel",
    "itl2",
    "itl3",
    "itl5",
    "itl6",
    "srcsteps",
    "gminsteps",
    "gminfactor",
    "acct",
    "list",
    "nomod",
    "nopage",
    "node",
    "opts",
    "oldlimit",
    "numdgt",
    "cptime",
    "limtim",
    "limpts",
    "lvlcod",
    "lvltim",
    "indverbosity",
    "xmu",
    "defm",
    "minbreak",
    "bypass",
    "trytocompact",
    "badmos3",
    "keepopinfo",
    "copynodesets",
    "nodedamping",
    "absdv",
    "reldv",
    "noopac",
    "epsmin",
    // XSPICE
    "maxopalter",
    "maxevtiter",
    "noopalter",
    "ramptime",
    "convlimit",
    "convstep",
    "convabsstep",
    "autopartial",
    "rshunt",
    // front-end variables set by .options
    "noacct",
    "noinit",
    "norefvalue",
    "savecurrents",
    "interp",
    "warn",
    "maxwarns",
    "klu",
    "sparse",
    "autostop",
    "seedinfo",
    "scale",
    "filetype",
    "nosubckt",
    "post",
];

fn save_span(item: &netlist::SaveItem) -> Span {
    match item {
        netlist::SaveItem::All(span) => *span,
        netlist::SaveItem::Voltage(n) => n.span,
        netlist::SaveItem::Current(e) => e.span,
    }
}

fn analysis_span(a: &netlist::Analysis) -> Span {
    match a {
        netlist::Analysis::Op { span }
        | netlist::Analysis::Dc { span, .. }
        | netlist::Analysis::Ac { span, .. }
        | netlist::Analysis::Noise { span, .. }
        | netlist::Analysis::Tf { span, .. }
        | netlist::Analysis::Sens { span, .. }
        | netlist::Analysis::Pz { span, .. }
        | netlist::Analysis::Sp { span, .. }
        | netlist::Analysis::Tran { span, .. } => *span,
    }
}

/// A waveform's value at t = 0, which ngspice uses as the DC value when none is given
/// (`vsrcload.c` evaluates the transient function at time 0 in DC modes).
pub(crate) fn value_at_zero(w: &Waveform) -> f64 {
    match w {
        // t - td <= 0: VO + VA*sin(phase) (the XSPICE build's phase term).
        Waveform::Sin {
            offset,
            amplitude,
            phase_deg,
            ..
        } => offset + amplitude * (phase_deg.to_radians()).sin(),
        Waveform::Pulse { v1, .. } => *v1,
        Waveform::Exp { v1, .. } => *v1,
        Waveform::Pwl {
            points, delay_s, ..
        } => {
            let t = -delay_s;
            match points.first() {
                None => 0.0,
                Some(&(t0, v0)) if t <= t0 => v0,
                _ => {
                    for w in points.windows(2) {
                        let ((ta, va), (tb, vb)) = (w[0], w[1]);
                        if t >= ta && t <= tb {
                            return if tb > ta {
                                va + (t - ta) / (tb - ta) * (vb - va)
                            } else {
                                vb
                            };
                        }
                    }
                    points.last().map_or(0.0, |p| p.1)
                }
            }
        }
        // sin(2 pi FC 0 + PHASEC + MDI sin(PHASES)).
        Waveform::Sffm {
            offset,
            amplitude,
            modulation_index,
            carrier_phase_deg,
            signal_phase_deg,
            ..
        } => {
            offset
                + amplitude
                    * (carrier_phase_deg.to_radians()
                        + modulation_index * signal_phase_deg.to_radians().sin())
                    .sin()
        }
        // AM is 0 until t - TD > 0; the noise is 0 at t = 0; TRRANDOM starts at PARAM2.
        Waveform::Am { .. } => 0.0,
        Waveform::TrNoise { dc, .. } => *dc,
        Waveform::TrRandom { param2, dc, .. } => param2 + dc,
    }
}
