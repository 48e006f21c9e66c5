//! SPICE2 polynomial controlled sources: `E`/`G` with `POLY(n) nc1+ nc1- ... ncn+ ncn- p0 p1 ...`
//! (n controlling voltages) and `F`/`H` with `POLY(n) v1 ... vn p0 p1 ...` (the branch currents
//! of n voltage sources).
//!
//! **The polynomial.** With controls `x_1 .. x_n` and coefficients `p_0 .. p_m`,
//! `y = p_0 + sum_{i=1..m} p_i * prod_j x_j^(e_ij)`, where the exponent rows `e_i` run through
//! every monomial of degree 1, then 2, then 3, ..., each degree in descending lexicographic
//! order of its exponents (SPICE 2G6's `NXTPWR`): for n = 2,
//! `p0 + p1 a + p2 b + p3 a^2 + p4 a b + p5 b^2 + p6 a^3 + p7 a^2 b + ...`; for n = 3,
//! `p0 + p1 a + p2 b + p3 c + p4 a^2 + p5 a b + p6 a c + p7 b^2 + p8 b c + p9 c^2 + p10 a^3 ...`.
//! A single coefficient is the constant `p0` (ngspice 39 does not apply SPICE2's rule that a lone
//! `POLY(1)` coefficient is the gain `p1`). The partial derivatives are exact:
//! `dy/dx_k = sum_i p_i e_ik x_k^(e_ik - 1) prod_{j != k} x_j^(e_ij)`.
//!
//! **The output.** `E` and `H` force `v(pos) - v(neg) = y` through a branch current (KCL: `+i`
//! leaves `pos`, `-i` leaves `neg`); `G` and `F` drive the current `y` from `pos` through the
//! source to `neg`. At each Newton iteration the device linearises at its controls `x*`:
//! `y ~ y(x*) + sum_k dy/dx_k (x_k - x*_k)`, so it stamps `-dy/dx_k` in the branch row (E, H)
//! or `+-dy/dx_k` in the `pos`/`neg` rows (G, F) at each control's columns (a node pair's two
//! columns, or the controlling source's branch column), and `y(x*) - sum_k dy/dx_k x*_k` as
//! the right-hand side. `ac_load` stamps the same derivatives at the operating point. No
//! charges, no noise.
//!
//! **Where the numbers come from.** ngspice 39 (built with XSPICE) does not run POLY sources as
//! E/F/G/H devices: its front end (`src/xspice/enh/enhtrans.c`, `ENHtranslate_poly`) rewrites
//! each one as an instance `a$poly$NAME` of the `spice2poly` code model
//! (`src/xspice/icm/spice2poly/icm_spice2poly/cfunc.mod`), loaded by `src/xspice/mif/mifload.c`.
//! balun reproduces that device's arithmetic (same term order, same products, same partials),
//! hence its behaviour:
//! - the branch current of an E or H POLY source is reported as `i(a$poly$NAME)`;
//! - on the first iteration of an operating point (`MODEINITJCT`) every control is taken as 0;
//! - every later iteration limits each control's change from the previous iteration to
//!   `max(0.25*|x_previous|, 0.1)` (XSPICE's `conv_limit`, on by default with step 0.25 and
//!   absolute step 0.1) and reports non-convergence when it does;
//! - the small-signal gains are the derivatives at the operating point.
//!
//! Textbook: L. W. Nagel, *SPICE2: A Computer Program to Simulate Semiconductor Circuits*,
//! ERL-M520 (1975), the polynomial source; the SPICE 2G6 User's Guide, "Nonlinear dependent
//! sources".

use super::nonlinear::{voltage, Load, Mode, Nonlinear, State};
use crate::mna::Stamper;
use circuit::{NodeId, PolyControl};

/// The exponents of the polynomial's terms: row `i - 1` holds the exponents of coefficient
/// `p_i` (`i >= 1`) over the `n` controls, in SPICE2's order (see the module documentation).
pub fn exponent_table(n: usize, coefficients: usize) -> Vec<u32> {
    let mut table = Vec::with_capacity(n * coefficients.saturating_sub(1));
    let mut e = vec![0u32; n];
    for _ in 1..coefficients {
        next_power(&mut e);
        table.extend_from_slice(&e);
    }
    table
}

/// The exponents after `e`: the next monomial of the same degree in descending lexicographic
/// order, or the first one of the next degree (`x_1^(d+1)`) after `x_n^d`.
fn next_power(e: &mut [u32]) {
    let n = e.len();
    let degree: u32 = e.iter().sum();
    // The last position, before the final one, that can give one unit to its right.
    match (0..n.saturating_sub(1)).rev().find(|&k| e[k] > 0) {
        Some(k) => {
            // Move one unit from k to k+1 and gather everything right of k there.
            let tail: u32 = e[k + 1..].iter().sum();
            e[k] -= 1;
            e[k + 1..].iter_mut().for_each(|v| *v = 0);
            e[k + 1] = tail + 1;
        }
        None => {
            e.iter_mut().for_each(|v| *v = 0);
            e[0] = degree + 1;
        }
    }
}

/// `x^n` as SPICE2's `EVTERM` forms it (repeated multiplication from 1).
fn power(x: f64, n: u32) -> f64 {
    let mut p = 1.0;
    for _ in 0..n {
        p *= x;
    }
    p
}

/// The polynomial at controls `x`: its value, and its partial derivatives written to `d`
/// (with spice2poly's order of operations, so the numbers are ngspice's to the last bit).
pub fn evaluate(coefficients: &[f64], exponents: &[u32], x: &[f64], d: &mut [f64]) -> f64 {
    let n = x.len();
    let mut sum = coefficients[0];
    for (i, e) in exponents.chunks_exact(n).enumerate() {
        let mut product = 1.0;
        for j in 0..n {
            product *= power(x[j], e[j]);
        }
        sum += coefficients[i + 1] * product;
    }
    for (k, dk) in d.iter_mut().enumerate() {
        let mut partial = 0.0;
        for (i, e) in exponents.chunks_exact(n).enumerate() {
            if e[k] == 0 {
                continue;
            }
            let mut product = 1.0;
            for j in 0..n {
                product *= if j == k {
                    f64::from(e[j]) * power(x[j], e[j] - 1)
                } else {
                    power(x[j], e[j])
                };
            }
            partial += coefficients[i + 1] * product;
        }
        *dk = partial;
    }
    sum
}

/// Most controls a POLY source may have (elaboration checks it; the device keeps its derivatives
/// on the stack).
pub const MAX_CONTROLS: usize = circuit::MAX_POLY_CONTROLS;

/// One control's unknowns: the node pair (E, G) or the controlling source's branch (F, H).
#[derive(Debug, Clone, Copy)]
enum Control {
    Voltage(Option<usize>, Option<usize>),
    Current(usize),
}

/// A POLY source placed in the matrix.
#[derive(Debug, Clone)]
pub struct PolyInstance {
    /// `Some(branch)` for a voltage output (E, H), `None` for a current output (G, F).
    branch: Option<usize>,
    pos: Option<usize>,
    neg: Option<usize>,
    controls: Vec<Control>,
    coefficients: Vec<f64>,
    exponents: Vec<u32>,
    /// Pattern handles, then slots: per control, the entries its derivative goes to (see
    /// [`PolyInstance::stamp_derivative`]).
    slots: Vec<[Option<usize>; 4]>,
}

impl PolyInstance {
    /// The controls' values in solution `x`.
    fn control(&self, x: &[f64], k: usize) -> f64 {
        match self.controls[k] {
            Control::Voltage(p, n) => voltage(x, p) - voltage(x, n),
            Control::Current(b) => x[b],
        }
    }

    /// Adds derivative `d` of control `k` to the matrix values (the stamp of a linear controlled
    /// source of gain `d`).
    fn stamp_derivative(&self, values: &mut [f64], k: usize, d: f64) {
        let signs: [f64; 4] = match (self.branch, self.controls[k]) {
            // (br, cp) -= d, (br, cn) += d
            (Some(_), Control::Voltage(..)) => [-1.0, 1.0, 0.0, 0.0],
            // (br, ictrl) -= d
            (Some(_), Control::Current(_)) => [-1.0, 0.0, 0.0, 0.0],
            // (pos, cp) += d, (pos, cn) -= d, (neg, cp) -= d, (neg, cn) += d
            (None, Control::Voltage(..)) => [1.0, -1.0, -1.0, 1.0],
            // (pos, ictrl) += d, (neg, ictrl) -= d
            (None, Control::Current(_)) => [1.0, -1.0, 0.0, 0.0],
        };
        for (slot, sign) in self.slots[k].iter().zip(signs) {
            if let Some(s) = slot {
                values[*s] += sign * d;
            }
        }
    }
}

impl Nonlinear for PolyInstance {
    /// The controls' values at the last load.
    fn state_len(&self) -> usize {
        self.controls.len()
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for s in self.slots.iter_mut().flatten() {
            *s = s.map(slot);
        }
    }

    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool {
        let n = self.controls.len();
        let mut inputs = [0.0; MAX_CONTROLS];
        let mut d = [0.0; MAX_CONTROLS];
        let mut converged = true;
        for (k, input) in inputs[..n].iter_mut().enumerate() {
            if load.init_junctions {
                // MODEINITJCT: the first iteration of an operating point starts from 0.
                *input = 0.0;
                continue;
            }
            let last = state.now[k];
            let mut v = self.control(x, k);
            if load.mode != Mode::TranInit {
                let (limited, hit) = super::limit::code_model_input(v, last);
                v = limited;
                converged &= !hit;
            }
            *input = v;
        }
        state.now[..n].copy_from_slice(&inputs[..n]);
        let y = evaluate(
            &self.coefficients,
            &self.exponents,
            &inputs[..n],
            &mut d[..n],
        );
        for (k, &dk) in d[..n].iter().enumerate() {
            self.stamp_derivative(load.values, k, dk);
        }
        match self.branch {
            Some(br) => {
                load.rhs[br] += y;
                for k in 0..n {
                    load.rhs[br] -= d[k] * inputs[k];
                }
            }
            None => {
                load.add_rhs(self.pos, -y);
                load.add_rhs(self.neg, y);
                for k in 0..n {
                    let t = d[k] * inputs[k];
                    load.add_rhs(self.pos, t);
                    load.add_rhs(self.neg, -t);
                }
            }
        }
        converged
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], _c: &mut [f64]) {
        let n = self.controls.len();
        let mut d = [0.0; MAX_CONTROLS];
        evaluate(
            &self.coefficients,
            &self.exponents,
            &state[..n],
            &mut d[..n],
        );
        for (k, &dk) in d[..n].iter().enumerate() {
            self.stamp_derivative(g, k, dk);
        }
    }
}

/// Stamps a POLY source: the output branch's linear part (E, H) and the registration of its
/// derivative entries.
pub(super) fn stamp(
    pos: NodeId,
    neg: NodeId,
    voltage_output: bool,
    controls: &[PolyControl],
    coefficients: &[f64],
    st: &mut Stamper,
) {
    let (ip, in_) = (st.node(pos), st.node(neg));
    let branch = voltage_output.then(|| st.own_branch());
    if let Some(b) = branch {
        let br = Some(b);
        st.g(ip, br, 1.0);
        st.g(in_, br, -1.0);
        st.g(br, ip, 1.0);
        st.g(br, in_, -1.0);
    }
    let controls: Vec<Control> = controls
        .iter()
        .map(|c| match *c {
            PolyControl::Voltage(p, n) => Control::Voltage(st.node(p), st.node(n)),
            PolyControl::Current(d) => Control::Current(st.branch(d)),
        })
        .collect();
    let slots = controls
        .iter()
        .map(|&c| match (branch, c) {
            (Some(b), Control::Voltage(cp, cn)) => [
                st.position(Some(b), cp),
                st.position(Some(b), cn),
                None,
                None,
            ],
            (Some(b), Control::Current(ic)) => [st.position(Some(b), Some(ic)), None, None, None],
            (None, Control::Voltage(cp, cn)) => [
                st.position(ip, cp),
                st.position(ip, cn),
                st.position(in_, cp),
                st.position(in_, cn),
            ],
            (None, Control::Current(ic)) => [
                st.position(ip, Some(ic)),
                st.position(in_, Some(ic)),
                None,
                None,
            ],
        })
        .collect();
    st.add_nonlinear(Box::new(PolyInstance {
        branch,
        pos: ip,
        neg: in_,
        exponents: exponent_table(controls.len(), coefficients.len()),
        controls,
        coefficients: coefficients.to_vec(),
        slots,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPICE2's `NXTPWR`, transcribed structurally (labels as in the FORTRAN), as the
    /// reference for the order of [`next_power`].
    fn nxtpwr_reference(p: &mut [u32]) {
        let n = p.len();
        if n == 1 {
            p[0] += 1;
            return;
        }
        // Last nonzero exponent (1-based k in the FORTRAN).
        let Some(k) = (0..n).rev().find(|&k| p[k] != 0) else {
            p[0] += 1;
            return;
        };
        if k != n - 1 {
            p[k] -= 1;
            p[k + 1] += 1;
            return;
        }
        if p[..n - 1].iter().all(|&v| v == 0) {
            p[0] = p[n - 1] + 1;
            p[n - 1] = 0;
            return;
        }
        let mut psum = 1;
        let mut k = n - 1;
        while p[k - 1] < 1 {
            psum += p[k];
            p[k] = 0;
            k -= 1;
        }
        p[k] += psum;
        p[k - 1] -= 1;
    }

    #[test]
    fn term_order_is_spice2s() {
        // The orders spelled out in spice2poly's comment for two and three controls.
        let t2 = exponent_table(2, 10);
        assert_eq!(
            t2,
            [1, 0, 0, 1, 2, 0, 1, 1, 0, 2, 3, 0, 2, 1, 1, 2, 0, 3] // a b a2 ab b2 a3 a2b ab2 b3
        );
        let t3 = exponent_table(3, 11);
        #[rustfmt::skip]
        let want = [1,0,0, 0,1,0, 0,0,1, 2,0,0, 1,1,0, 1,0,1, 0,2,0, 0,1,1, 0,0,2, 3,0,0];
        assert_eq!(t3, want);
        // And the FORTRAN's sequence for up to 5 controls over many terms.
        for n in 1..=5 {
            let mut e = vec![0u32; n];
            let table = exponent_table(n, 200);
            for row in table.chunks_exact(n) {
                nxtpwr_reference(&mut e);
                assert_eq!(row, &e[..], "n = {n}");
            }
        }
    }

    #[test]
    fn cubic_in_one_control() {
        // p0 + p1 x + p2 x^2 + p3 x^3 at x = 0.5: 0.1 + 1 + 0.125 + 0.03125 (ngspice: 1.25625).
        let c = [0.1, 2.0, 0.5, 0.25];
        let e = exponent_table(1, 4);
        let mut d = [0.0];
        let y = evaluate(&c, &e, &[0.5], &mut d);
        assert_eq!(y, 1.25625);
        // 2 + 2*0.5*0.5 + 3*0.25*0.25 = 2.6875
        assert_eq!(d[0], 2.6875);
        // A lone coefficient is the constant p0.
        assert_eq!(evaluate(&[3.0], &exponent_table(1, 1), &[0.5], &mut d), 3.0);
        assert_eq!(d[0], 0.0);
    }

    #[test]
    fn derivatives_match_finite_differences() {
        // Three controls, full cubic (20 coefficients) with arbitrary values.
        let c: Vec<f64> = (0..20).map(|i| ((i * 7 % 11) as f64 - 5.0) * 0.3).collect();
        let e = exponent_table(3, c.len());
        let x = [0.7, -1.3, 0.4];
        let mut d = [0.0; 3];
        evaluate(&c, &e, &x, &mut d);
        for k in 0..3 {
            let h = 1e-6;
            let (mut lo, mut hi) = (x, x);
            lo[k] -= h;
            hi[k] += h;
            let mut scratch = [0.0; 3];
            let fd = (evaluate(&c, &e, &hi, &mut scratch) - evaluate(&c, &e, &lo, &mut scratch))
                / (2.0 * h);
            assert!(
                (fd - d[k]).abs() < 1e-8 * d[k].abs().max(1.0),
                "{k}: {fd} vs {}",
                d[k]
            );
        }
    }

    #[test]
    fn product_of_two_controls() {
        // POLY(2) 0 0 0 0 1: y = a*b, dy/da = b, dy/db = a.
        let c = [0.0, 0.0, 0.0, 0.0, 1.0];
        let e = exponent_table(2, 5);
        let mut d = [0.0; 2];
        assert_eq!(evaluate(&c, &e, &[3.0, -2.0], &mut d), -6.0);
        assert_eq!(d, [-2.0, 3.0]);
    }
}
