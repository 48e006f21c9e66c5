//! Elaboration errors. Each names the element, node or parameter and carries its span.

use netlist::Span;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ElabError {
    /// A value or parameter expression could not be evaluated (unknown parameter, bad function,
    /// wrong argument count, result not finite).
    #[error("{message}")]
    Expr { span: Span, message: String },
    /// A value is out of range for the element (e.g. zero resistance, negative capacitance).
    #[error("{element}: {message}")]
    InvalidValue {
        span: Span,
        element: String,
        message: String,
    },
    /// `Xname ... SUBCKT` names no known subcircuit.
    #[error("{element}: unknown subcircuit '{subckt}'")]
    UnknownSubckt {
        span: Span,
        element: String,
        subckt: String,
    },
    /// Instance node count differs from the subcircuit's port count.
    #[error("{element}: subcircuit '{subckt}' has {expected} ports but {found} nodes were given")]
    PortCount {
        span: Span,
        element: String,
        subckt: String,
        expected: usize,
        found: usize,
    },
    /// Subcircuit instantiates itself (directly or not), or nesting is too deep.
    #[error("{element}: subcircuit recursion: {chain}")]
    Recursion {
        span: Span,
        element: String,
        chain: String,
    },
    /// Two elements with the same (expanded) name.
    #[error("duplicate element name '{name}' (first defined at {first})")]
    Duplicate {
        span: Span,
        name: String,
        first: String,
    },
    /// A reference to an element that does not exist or has the wrong type (K to a
    /// non-inductor, F/H to a non-voltage-source, `.dc` of a non-source).
    #[error("{element}: {message}")]
    BadReference {
        span: Span,
        element: String,
        message: String,
    },
    /// A node with no DC path to ground (only capacitors, current sources, ... reach it).
    #[error("node '{node}' has no DC path to ground (connected only through {through})")]
    FloatingNode {
        span: Span,
        node: String,
        through: String,
    },
    /// Voltage sources and/or inductors forming a loop (singular at DC).
    #[error("loop of voltage sources/inductors: {elements}")]
    VoltageLoop { span: Span, elements: String },
    /// A voltage source (or inductor) with both terminals on one node: it fixes 0 V = its
    /// value, which has no solution (ngspice: "instance is a shorted VSRC").
    #[error("{element} is shorted: both terminals are on node '{node}'")]
    ShortedBranch {
        span: Span,
        element: String,
        node: String,
    },
    /// An analysis card with impossible arguments (zero points, fstart <= 0 for dec, ...).
    #[error("{message}")]
    Analysis { span: Span, message: String },
    /// A resource limit is exceeded (elements after expansion, sweep points); see `limits.rs`.
    #[error("{message}")]
    Limit { span: Span, message: String },
    /// An element or feature balun does not simulate yet (diodes, transmission lines).
    #[error("{element}: {what} is not supported yet")]
    Unsupported {
        span: Span,
        element: String,
        what: String,
    },
}

impl ElabError {
    pub fn span(&self) -> Span {
        match self {
            ElabError::Expr { span, .. }
            | ElabError::InvalidValue { span, .. }
            | ElabError::UnknownSubckt { span, .. }
            | ElabError::PortCount { span, .. }
            | ElabError::Recursion { span, .. }
            | ElabError::Duplicate { span, .. }
            | ElabError::BadReference { span, .. }
            | ElabError::FloatingNode { span, .. }
            | ElabError::VoltageLoop { span, .. }
            | ElabError::ShortedBranch { span, .. }
            | ElabError::Analysis { span, .. }
            | ElabError::Limit { span, .. }
            | ElabError::Unsupported { span, .. } => *span,
        }
    }
}
