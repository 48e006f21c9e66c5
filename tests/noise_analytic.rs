//! `.noise` against closed forms, through the whole pipeline (netlist text to plots), and the
//! audio summaries of `measure::noise` on the same principles.
//!
//! Constants as ngspice's: k = 1.38064852e-23 J/K, T = 300.15 K (27 C) unless `.temp` says
//! otherwise.

use balun::solver::{Data, Plot};
use std::path::Path;

const K: f64 = 1.380_648_52e-23;

fn simulate(name: &str, text: &str) -> (balun::circuit::Circuit, Vec<Plot>) {
    let (ast, _) = balun::netlist::parse_str(Path::new(name), text).expect("parses");
    let circuit = balun::circuit::elaborate(&ast).expect("elaborates");
    let plots = balun::solver::simulate(&circuit).expect("simulates");
    (circuit, plots)
}

fn values<'p>(plots: &'p [Plot], plot: &str, vector: &str) -> &'p [f64] {
    let p = plots
        .iter()
        .find(|p| p.name == plot)
        .unwrap_or_else(|| panic!("no plot {plot}"));
    match p.vector(vector).map(|v| &v.data) {
        Some(Data::Real(v)) => v,
        _ => panic!("no real vector {vector} in {plot}"),
    }
}

fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got:e}, want {want:e} (rel {:.2e})",
        (got - want).abs() / want.abs()
    );
}

/// A resistor alone on a node, driven by a current source: the output noise density is the
/// resistor's open-circuit thermal voltage sqrt(4kTR) at every frequency, and referred to the
/// current input (transimpedance R) it is the Norton current sqrt(4kT/R).
#[test]
fn resistor_into_open_circuit_is_sqrt_4ktr() {
    let (_, plots) = simulate(
        "r_open",
        "r open\ni1 0 out dc 0 ac 1\nr1 out 0 10k\n.noise v(out) i1 dec 3 10 10k\n.end\n",
    );
    let t = 300.15;
    let on = values(&plots, "Noise Spectral Density Curves", "onoise_spectrum");
    let inn = values(&plots, "Noise Spectral Density Curves", "inoise_spectrum");
    for (&o, &i) in on.iter().zip(inn) {
        close(o, (4.0 * K * t * 10e3).sqrt(), 1e-12, "onoise");
        close(i, (4.0 * K * t / 10e3).sqrt(), 1e-12, "inoise");
    }
    // Flat density: the integral is S * (fstop - fstart) exactly.
    let total = values(&plots, "Integrated Noise", "v(onoise_total)")[0];
    close(
        total,
        (4.0 * K * t * 10e3 * (10e3 - 10.0)).sqrt(),
        1e-12,
        "total",
    );
}

/// kT/C: the noise of R across C integrated over all frequencies is kT/C whatever R
/// (integral of 4kTR / (1 + (f/fc)^2) df from 0 to infinity = 4kTR * pi/2 * fc, fc = 1/(2 pi RC)).
/// Integrated from 0.1 Hz to 1 THz (fc = 159 kHz): the missing tails are below 1e-6 of the
/// total; 50 points per decade keep ngspice's power-law rule within 1e-4 near the corner.
#[test]
fn rc_integrated_noise_is_kt_over_c() {
    let (_, plots) = simulate(
        "kt_c",
        "kT/C\nv1 in 0 dc 0 ac 1\nr1 in out 1k\nc1 out 0 1n\n.noise v(out) v1 dec 50 0.1 1t\n.end\n",
    );
    let total = values(&plots, "Integrated Noise", "v(onoise_total)")[0];
    close(total, (K * 300.15 / 1e-9).sqrt(), 1e-4, "sqrt(kT/C)");
}

/// The textbook EIN limit: 150 ohm at 290 K (.temp 16.85) into a noiseless amplifier, over
/// 20 kHz, is sqrt(4kTRB) = 219.2 nV = -131.0 dBu.
#[test]
fn ein_of_150_ohm_at_290_k_is_minus_131_dbu() {
    let (_, plots) = simulate(
        "ein",
        "ein\nv1 src 0 dc 0 ac 1\nr1 src in 150\ne1 out 0 in 0 100\nrl out 0 10k noisy=0\n\
         .temp 16.85\n.noise v(out) v1 lin 101 0 20k\n.end\n",
    );
    let ein = values(&plots, "Integrated Noise", "v(inoise_total)")[0];
    close(ein, (4.0 * K * 290.0 * 150.0 * 20e3).sqrt(), 1e-9, "EIN");
    let dbu = measure::noise::dbu(ein);
    assert!((dbu - -130.96).abs() < 0.01, "EIN {dbu} dBu");
    // The output is the same noise times the gain of 100.
    let out = values(&plots, "Integrated Noise", "v(onoise_total)")[0];
    close(out, 100.0 * ein, 1e-9, "onoise");
}

/// `measure::noise::audio_noise` on a noiseless amplifier: the EIN over 20 Hz-20 kHz is the
/// source resistance's thermal noise (noise figure 0 dB) and the A-weighted EIN is
/// sqrt(4kTR * integral of A(f)^2 df) (the integral by a fine trapezoid here).
#[test]
fn audio_summary_of_a_noiseless_amplifier_is_the_source_floor() {
    let (c, _) = simulate(
        "amp",
        "amp\nv1 in 0 dc 0 ac 1\ne1 out 0 in 0 1000\nrl out 0 10k noisy=0\n.end\n",
    );
    let src = c.device("v1").expect("v1");
    let out = balun::circuit::OutputNodes {
        pos: c.node("out").expect("out"),
        neg: balun::circuit::NodeId::GROUND,
    };
    let s = measure::noise::audio_noise(&c, out, src, 150.0).expect("noise");
    let t = 300.15;
    let floor = (4.0 * K * t * 150.0 * (20e3 - 20.0)).sqrt();
    close(s.input_v, floor, 1e-9, "EIN");
    close(s.output_v, 1000.0 * floor, 1e-9, "output noise");
    assert!(
        s.noise_figure_db().abs() < 1e-6,
        "NF {}",
        s.noise_figure_db()
    );
    close(s.gain_1k, 1000.0, 1e-12, "gain");
    let n = 200_000;
    let mut a2 = 0.0;
    for k in 0..n {
        let (f0, f1) = (
            20.0 + (20e3 - 20.0) * k as f64 / n as f64,
            20.0 + (20e3 - 20.0) * (k + 1) as f64 / n as f64,
        );
        let g = |f: f64| measure::noise::a_weighting_gain(f).powi(2);
        a2 += 0.5 * (g(f0) + g(f1)) * (f1 - f0);
    }
    close(
        s.input_a_v,
        (4.0 * K * t * 150.0 * a2).sqrt(),
        1e-3,
        "A-weighted EIN",
    );
}

/// The library's `opamp_1p_noise` in a non-inverting stage with a huge loop gain (a0 = 1e9,
/// gbw = 1 THz, so the stage is ideal to ~1e-6 in the audio band): the input-referred density
/// is the textbook sum of uncorrelated terms, `Rp = Rf || Rg`,
///
/// `ein^2 = 4kT (Rs + Rp) + en^2 (1 + fce/f) + in^2 (1 + fci/f) (Rs^2 + Rp^2)`,
///
/// which checks the model's documented equations (not only its agreement with ngspice).
#[test]
fn opamp_1p_noise_follows_its_en_in_equations() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-noise-opamp");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = dir.join("amp.net");
    std::fs::write(
        &net,
        "amp\n.lib balun opamps\nvs src 0 dc 0 ac 1\nrs src inp 600\n\
         x1 inp fb out opamp_1p_noise a0=1e9 gbw=1t en=4n in=2p fce=30 fci=300\n\
         rf out fb 9k\nrg fb 0 1k\n.noise v(out) vs dec 2 10 10k\n.end\n",
    )
    .expect("netlist");
    let (_, plots) = balun::simulate_file(&net).unwrap_or_else(|(e, _)| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let f = values(&plots, "Noise Spectral Density Curves", "frequency");
    let ein = values(&plots, "Noise Spectral Density Curves", "inoise_spectrum");
    let (kt, rs, rp) = (4.0 * K * 300.15, 600.0, 9e3 * 1e3 / 10e3);
    for (&f, &got) in f.iter().zip(ein) {
        let want = kt * (rs + rp)
            + 16e-18 * (1.0 + 30.0 / f)
            + 4e-24 * (1.0 + 300.0 / f) * (rs * rs + rp * rp);
        close(got, want.sqrt(), 1e-5, &format!("EIN at {f} Hz"));
    }
}
