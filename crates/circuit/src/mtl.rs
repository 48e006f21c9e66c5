//! Checks and assembles a multiconductor line's per-unit-length matrices (`P` element, `CPL`
//! model).
//!
//! A matrix is given either as ngspice's upper triangle row by row (`L11 L12 .. L1N L22 ..
//! LNN`, `N(N+1)/2` values, the order of ngspice's `cplsetup.c`) or in full, row-major (`N*N`
//! values, then it must be symmetric). `L` and `C` must be symmetric positive definite (checked
//! by Cholesky factorisation); `R` and `G` symmetric with non-negative diagonals and
//! `|M_ij| <= sqrt(M_ii*M_jj)`; every entry finite; the length positive. ngspice raises an `R`
//! diagonal below 1e-4 ohm/m to 1e-4; balun takes `R` as given (0 is a lossless line).

use crate::expr::fmt_num;

/// The full row-major `n x n` matrix from `values`, or the message saying what is wrong.
pub(crate) fn matrix(name: &str, n: usize, values: &[f64]) -> Result<Vec<f64>, String> {
    let tri = n * (n + 1) / 2;
    let mut m = vec![0.0; n * n];
    if values.len() == tri {
        let mut k = 0;
        for i in 0..n {
            for j in i..n {
                m[i * n + j] = values[k];
                m[j * n + i] = values[k];
                k += 1;
            }
        }
    } else if values.len() == n * n {
        m.copy_from_slice(values);
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (m[i * n + j], m[j * n + i]);
                if (a - b).abs() > 1e-12 * a.abs().max(b.abs()) {
                    return Err(format!(
                        "{name} is not symmetric: {name}{}{} = {} but {name}{}{} = {}",
                        i + 1,
                        j + 1,
                        fmt_num(a),
                        j + 1,
                        i + 1,
                        fmt_num(b)
                    ));
                }
            }
        }
    } else {
        return Err(format!(
            "{name} has {} values; a {n}-conductor line needs {tri} (the upper triangle row by \
             row, {name}11 {name}12 .. {name}{n}{n}) or {} (the full matrix)",
            values.len(),
            n * n
        ));
    }
    if let Some(x) = m.iter().find(|x| !x.is_finite()) {
        return Err(format!("{name} has a non-finite entry {x}"));
    }
    Ok(m)
}

/// Whether the symmetric `n x n` matrix `m` is positive definite (Cholesky succeeds with
/// pivots above `1e-12` of the largest diagonal entry).
fn positive_definite(n: usize, m: &[f64]) -> bool {
    let scale = (0..n).map(|i| m[i * n + i].abs()).fold(0.0, f64::max);
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let d = m[j * n + j] - (0..j).map(|k| l[j * n + k] * l[j * n + k]).sum::<f64>();
        if d.is_nan() || d <= 1e-12 * scale {
            return false;
        }
        let d = d.sqrt();
        l[j * n + j] = d;
        for i in j + 1..n {
            let s = m[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            l[i * n + j] = s / d;
        }
    }
    true
}

/// Checks `L` or `C` (positive definite).
pub(crate) fn check_definite(name: &str, n: usize, m: &[f64]) -> Result<(), String> {
    if positive_definite(n, m) {
        Ok(())
    } else {
        Err(format!(
            "{name} must be positive definite (every {name}ii > 0 and the coupling terms \
             smaller than the self terms)"
        ))
    }
}

/// Checks `R` or `G` (non-negative diagonal, couplings bounded by the self terms).
pub(crate) fn check_losses(name: &str, n: usize, m: &[f64]) -> Result<(), String> {
    for i in 0..n {
        let d = m[i * n + i];
        if d < 0.0 {
            return Err(format!(
                "{name}{}{} = {} must not be negative",
                i + 1,
                i + 1,
                fmt_num(d)
            ));
        }
        for j in i + 1..n {
            let x = m[i * n + j];
            if x.abs() > (d * m[j * n + j]).sqrt() * (1.0 + 1e-12) {
                return Err(format!(
                    "|{name}{}{}| = {} exceeds sqrt({name}{}{}*{name}{}{}): not a passive loss \
                     matrix",
                    i + 1,
                    j + 1,
                    fmt_num(x.abs()),
                    i + 1,
                    i + 1,
                    j + 1,
                    j + 1
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangle_is_ngspice_row_order() {
        // ngspice cplsetup.c: for i, for j >= i: M[i][j] = M[j][i] = values[counter++].
        let m = matrix("L", 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        assert_eq!(m, vec![1.0, 2.0, 3.0, 2.0, 4.0, 5.0, 3.0, 5.0, 6.0]);
    }

    #[test]
    fn rejects_asymmetric_indefinite_and_wrong_counts() {
        let e = matrix("C", 2, &[1.0, 0.5, 0.4, 1.0]).unwrap_err();
        assert!(e.contains("C12 = 0.5 but C21 = 0.4"), "{e}");
        assert!(matrix("L", 2, &[1.0, 2.0]).unwrap_err().contains("needs 3"));
        assert!(check_definite("L", 2, &[1.0, 1.0, 1.0, 1.0]).is_err());
        assert!(check_definite("L", 2, &[1.0, 0.9, 0.9, 1.0]).is_ok());
        assert!(check_losses("R", 2, &[1.0, 0.0, 0.0, -1.0]).is_err());
        assert!(check_losses("G", 2, &[1.0, 2.0, 2.0, 1.0]).is_err());
        assert!(check_losses("R", 1, &[0.0]).is_ok());
    }
}
