//! Analysis results in ngspice's shape: plots of named vectors.

use num_complex::Complex64;

/// The result of one analysis, like an ngspice plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// ngspice's plot name: `Operating Point`, `DC transfer characteristic`, `AC Analysis`,
    /// `Transient Analysis`.
    pub name: String,
    /// The independent variable (`frequency`, `time`, `v(v-sweep)`); `None` for `.op`.
    pub scale: Option<Vector>,
    /// Node voltages `v(node)` in node order, then branch currents `i(name)`.
    pub vectors: Vec<Vector>,
}

impl Plot {
    /// Number of points (1 for `.op`).
    pub fn len(&self) -> usize {
        self.scale
            .as_ref()
            .or(self.vectors.first())
            .map_or(0, |v| v.data.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_complex(&self) -> bool {
        self.vectors
            .iter()
            .any(|v| matches!(v.data, Data::Complex(_)))
    }

    /// Finds a vector (or the scale) by name.
    pub fn vector(&self, name: &str) -> Option<&Vector> {
        self.scale
            .iter()
            .chain(self.vectors.iter())
            .find(|v| v.name == name)
    }
}

/// A named column of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// ngspice's name: `frequency`, `v(out)`, `i(v1)`, `i(l.x1.l2)`.
    pub name: String,
    pub unit: Unit,
    pub data: Data,
}

/// What a vector measures (the raw file's variable type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Voltage,
    Current,
    Frequency,
    Time,
    /// A noise spectral density (V/sqrt(Hz), or A/sqrt(Hz) for a current input source).
    VoltageDensity,
    /// A temperature in C (the scale of a `.dc temp` sweep; ngspice's type word is the
    /// vector's name, `temp-sweep`).
    Temperature,
}

impl Unit {
    /// The type word in a raw file's `Variables:` section.
    pub fn raw_name(self) -> &'static str {
        match self {
            Unit::Voltage => "voltage",
            Unit::Current => "current",
            Unit::Frequency => "frequency",
            Unit::Time => "time",
            Unit::VoltageDensity => "voltage-density",
            Unit::Temperature => "temp-sweep",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Real(Vec<f64>),
    Complex(Vec<Complex64>),
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::Real(v) => v.len(),
            Data::Complex(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value at `i` as a complex number (real data has zero imaginary part).
    pub fn at(&self, i: usize) -> Complex64 {
        match self {
            Data::Real(v) => Complex64::new(v[i], 0.0),
            Data::Complex(v) => v[i],
        }
    }
}
