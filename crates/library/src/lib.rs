//! balun's built-in component library: SPICE subcircuits for balanced audio interconnects.
//!
//! The library is SPICE text, one section per family, each a module holding the section's text
//! as a `&'static str` ([`opamps::text`], ...; the data-sheet op-amps of [`opamp_ds`] and the
//! receivers and drivers built on them are written by Rust code when first used). Every subcircuit is built from primitives
//! (R L C K E F G H V D), takes `params:` with defaults, and carries a comment block with its
//! equations, its parameters with units and defaults, and where the defaults come from.
//!
//! # Using it from a netlist
//!
//! ```text
//! .lib balun receivers
//! Xrx hot cold 0 out rx_diffamp d4=0.001
//! ```
//!
//! `.lib balun SECTION` (the library name `balun` is reserved; no file of that name is needed)
//! splices a section in. The netlist crate asks [`resolve`] for it (`netlist::parse_file_with`,
//! which the `balun` facade uses), names it `<balun:SECTION>` in diagnostics, and splices each
//! section at most once, so sections can `.lib` the ones they need (receivers pull in opamps and
//! transformers) and users can list sections in any order. Sections: see [`SECTIONS`]; models
//! and their ports: see [`MODELS`]. With plain `netlist::parse_file`, `balun` is a file name,
//! and [`ngspice_lib_file`] writes exactly such a file, so ngspice can run the same netlist.
//!
//! # Using it from Rust
//!
//! [`Instance`] writes an `X` card for any model; [`receivers::DiffAmp`] and
//! [`transformers::IdealTransformer`] are typed builders for the two models tests use most.
//!
//! **Architecture invariant**: this crate is text only; it depends on no other balun crate
//! (the netlist crate takes [`resolve`] as a callback, so neither depends on the other).

pub mod cables;
pub mod drivers;
pub mod headphones;
pub mod opamp_ds;
pub mod opamps;
pub mod receivers;
pub mod transformers;

use std::fmt;

/// The reserved library name in `.lib balun SECTION`.
pub const LIB_NAME: &str = "balun";

/// A section's text, as a function: the `cables` text is written once, on first use.
pub type SectionText = fn() -> &'static str;

/// Every section: `(name, text)`.
pub const SECTIONS: &[(&str, SectionText)] = &[
    ("opamps", opamps::text),
    ("transformers", || transformers::TEXT),
    ("receivers", receivers::text),
    ("drivers", drivers::text),
    ("headphones", headphones::text),
    ("cables", cables::text),
];

/// The resolver to pass to `netlist::parse_file_with`: the text of section `section` of library
/// `lib` (`"balun"`, any case), or `None`.
pub fn resolve(lib: &str, section: &str) -> Option<String> {
    if !lib.eq_ignore_ascii_case(LIB_NAME) {
        return None;
    }
    section_text(section).map(str::to_string)
}

/// The text of one section (case-insensitive name), if it exists.
pub fn section_text(section: &str) -> Option<&'static str> {
    SECTIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(section))
        .map(|(_, text)| text())
}

/// The whole library as one ngspice library file (`.lib NAME` ... `.endl NAME` per section).
/// Saved as a file named `balun` beside a netlist, it makes `.lib balun SECTION` work in ngspice
/// (and in balun without the built-in resolver) with the same subcircuits.
pub fn ngspice_lib_file() -> String {
    let mut out = String::from("* balun built-in library (all sections)\n");
    for (name, text) in SECTIONS {
        out.push_str(&format!(".lib {name}\n{}.endl {name}\n\n", text()));
    }
    out
}

/// One library model: its subcircuit name, section and ports (in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    pub name: &'static str,
    pub section: &'static str,
    pub ports: &'static [&'static str],
}

const RX: &[&str] = &["hot", "cold", "ref", "out"];
const DRV: &[&str] = &["in", "hot", "cold", "ref"];
const XF: &[&str] = &["p1", "p2", "s1", "s2", "sh"];
const STP: &[&str] = &["a1", "b1", "s1", "a2", "b2", "s2", "fld", "agg"];
const UTP: &[&str] = &["a1", "b1", "a2", "b2", "fld", "agg"];
const COAX: &[&str] = &["c1", "s1", "c2", "s2", "agg"];
const HP3: &[&str] = &["inl", "inr", "ref", "lt", "rt", "sl"];
const HP4: &[&str] = &["inl", "inr", "ref", "lp", "ln", "rp", "rn"];
const OPAMP5: &[&str] = &["inp", "inn", "out", "vp", "vn"];

/// A data-sheet op-amp ([`opamp_ds`]) of section `opamps`.
const fn ds_opamp(name: &'static str) -> Model {
    Model {
        name,
        section: "opamps",
        ports: OPAMP5,
    }
}

/// Every model in the library (the tests check this table against the section texts).
pub const MODELS: &[Model] = &[
    Model {
        name: "opamp_ideal",
        section: "opamps",
        ports: &["inp", "inn", "out"],
    },
    Model {
        name: "opamp_1p",
        section: "opamps",
        ports: &["inp", "inn", "out"],
    },
    Model {
        name: "opamp_1p_noise",
        section: "opamps",
        ports: &["inp", "inn", "out"],
    },
    Model {
        name: "opamp_macro",
        section: "opamps",
        ports: &["inp", "inn", "out", "vp", "vn"],
    },
    ds_opamp("opamp_ds_ne5532"),
    ds_opamp("opamp_ds_opa1612"),
    ds_opamp("opamp_ds_lm4562"),
    ds_opamp("opamp_ds_tl072"),
    ds_opamp("opamp_ds_opa134"),
    ds_opamp("opamp_that1240"),
    ds_opamp("opamp_drv134"),
    Model {
        name: "xfmr_ideal",
        section: "transformers",
        ports: &["p1", "p2", "s1", "s2"],
    },
    Model {
        name: "xfmr_audio",
        section: "transformers",
        ports: XF,
    },
    Model {
        name: "xfmr_line_in",
        section: "transformers",
        ports: XF,
    },
    Model {
        name: "xfmr_mic_in",
        section: "transformers",
        ports: XF,
    },
    Model {
        name: "xfmr_line_out",
        section: "transformers",
        ports: XF,
    },
    Model {
        name: "rx_diffamp",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_inamp",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_bootstrap",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_xfmr",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_unbal",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_diffamp_ne5532",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_diffamp_opa1612",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_diffamp_lm4562",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_diffamp_tl072",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_diffamp_opa134",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "rx_that1240",
        section: "receivers",
        ports: RX,
    },
    Model {
        name: "drv_se",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_impbal",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_active",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_xfmr",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_active_ne5532",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_active_opa1612",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_active_lm4562",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_active_tl072",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_active_opa134",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "drv_drv134",
        section: "drivers",
        ports: DRV,
    },
    Model {
        name: "hp_driver",
        section: "headphones",
        ports: &["p", "n"],
    },
    Model {
        name: "hp_dynamic",
        section: "headphones",
        ports: &["p", "n"],
    },
    Model {
        name: "hp_trs3",
        section: "headphones",
        ports: HP3,
    },
    Model {
        name: "hp_bal4",
        section: "headphones",
        ports: HP4,
    },
    Model {
        name: "hp_trs3_ne5532",
        section: "headphones",
        ports: HP3,
    },
    Model {
        name: "hp_trs3_opa1612",
        section: "headphones",
        ports: HP3,
    },
    Model {
        name: "hp_trs3_lm4562",
        section: "headphones",
        ports: HP3,
    },
    Model {
        name: "hp_trs3_tl072",
        section: "headphones",
        ports: HP3,
    },
    Model {
        name: "hp_trs3_opa134",
        section: "headphones",
        ports: HP3,
    },
    Model {
        name: "hp_bal4_ne5532",
        section: "headphones",
        ports: HP4,
    },
    Model {
        name: "hp_bal4_opa1612",
        section: "headphones",
        ports: HP4,
    },
    Model {
        name: "hp_bal4_lm4562",
        section: "headphones",
        ports: HP4,
    },
    Model {
        name: "hp_bal4_tl072",
        section: "headphones",
        ports: HP4,
    },
    Model {
        name: "hp_bal4_opa134",
        section: "headphones",
        ports: HP4,
    },
    Model {
        name: "cab_seg_stp",
        section: "cables",
        ports: &["a1", "b1", "s1", "a2", "b2", "s2", "db", "agg"],
    },
    Model {
        name: "cab_seg_utp",
        section: "cables",
        ports: &["a1", "b1", "a2", "b2", "db", "agg"],
    },
    Model {
        name: "cab_seg_coax",
        section: "cables",
        ports: COAX,
    },
    Model {
        name: "cable_mic",
        section: "cables",
        ports: STP,
    },
    Model {
        name: "cable_utp",
        section: "cables",
        ports: UTP,
    },
    Model {
        name: "cable_coax",
        section: "cables",
        ports: COAX,
    },
    Model {
        name: "cable_hp3",
        section: "cables",
        ports: &["t1", "r1", "s1", "t2", "r2", "s2"],
    },
    Model {
        name: "cable_hp4",
        section: "cables",
        ports: &["lp1", "ln1", "rp1", "rn1", "lp2", "ln2", "rp2", "rn2"],
    },
];

/// Looks a model up by subcircuit name (case-insensitive).
pub fn model(name: &str) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.name.eq_ignore_ascii_case(name))
}

/// An `X` card for a library model: `name nodes... subckt p=v ...`. Values are written in Rust's
/// shortest round-trip exponent form (`1e4`, `1e-3`), which SPICE reads back exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    name: String,
    subckt: String,
    nodes: Vec<String>,
    params: Vec<(String, f64)>,
}

impl Instance {
    /// An instance `name` (should start with `x`) of `subckt` on `nodes`, default parameters.
    pub fn new(name: &str, subckt: &str, nodes: &[&str]) -> Self {
        Instance {
            name: name.to_string(),
            subckt: subckt.to_string(),
            nodes: nodes.iter().map(|n| n.to_string()).collect(),
            params: Vec::new(),
        }
    }

    /// Overrides parameter `name` (SPICE units: ohm, H, F, Hz, V/V ...).
    pub fn param(mut self, name: &str, value: f64) -> Self {
        self.params.push((name.to_string(), value));
        self
    }
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        for n in &self.nodes {
            write!(f, " {n}")?;
        }
        write!(f, " {}", self.subckt)?;
        for (k, v) in &self.params {
            write!(f, " {k}={v:e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_knows_every_section_and_only_balun() {
        for (name, text) in SECTIONS {
            assert_eq!(
                resolve("BALUN", &name.to_uppercase()).as_deref(),
                Some(text())
            );
        }
        assert_eq!(resolve("balun", "nope"), None);
        assert_eq!(resolve("other", "opamps"), None);
    }

    #[test]
    fn every_model_is_defined_in_its_section_with_its_ports() {
        for m in MODELS {
            let text = section_text(m.section).unwrap_or_else(|| panic!("{}", m.section));
            let head = format!(".subckt {} {}", m.name, m.ports.join(" "));
            assert!(
                text.lines()
                    .any(|l| l == head || l.starts_with(&format!("{head} "))),
                "{head} not in section {}",
                m.section
            );
        }
        let defined: usize = SECTIONS
            .iter()
            .map(|(_, t)| t().lines().filter(|l| l.starts_with(".subckt ")).count())
            .sum();
        assert_eq!(defined, MODELS.len(), "MODELS lists every subcircuit");
    }

    #[test]
    fn instance_cards() {
        let x = Instance::new("x1", "rx_diffamp", &["a", "b", "0", "o"])
            .param("r", 10e3)
            .param("d4", 1e-3);
        assert_eq!(x.to_string(), "x1 a b 0 o rx_diffamp r=1e4 d4=1e-3");
        let d = receivers::DiffAmp {
            mismatch: [0.0, 0.0, 0.0, 1e-3],
            ..Default::default()
        };
        assert_eq!(
            d.instance("xr", ["h", "c", "0", "o"]),
            "xr h c 0 o rx_diffamp r=1e4 gain=1e0 d1=0e0 d2=0e0 d3=0e0 d4=1e-3 a0=1e5 gbw=1e7"
        );
        // (1+G)/d + (1+2G)/2 for one resistor off by d.
        assert!((d.ideal_cmrr() - (2.0 / 1e-3 + 1.5)).abs() < 1e-6);
        let t = transformers::IdealTransformer { ratio: 0.1 };
        assert_eq!(
            t.instance("xt", ["1", "0", "2", "0"]),
            "xt 1 0 2 0 xfmr_ideal n=1e-1"
        );
    }
}
