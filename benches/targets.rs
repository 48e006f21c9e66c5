//! The performance targets of issue 7 at sizes `cargo bench` finishes in minutes; the
//! full-size rows run against ngspice in `benches/vs-ngspice.sh` (the netlists there come from
//! `benches/gen_netlists.py`, which builds the same circuits as the functions here).
//!
//! - `coupled_ladder_ac/N`: a 3-conductor coupled ladder of N sections (R + L per conductor, K
//!   between all three with the a-b and b-c couplings alternating per section, C between all and
//!   to ground), `.ac dec 20 10 100k`, the far end of the middle conductor saved;
//! - `rc_ladder_tran/N`: an RC ladder of N sections (10 ohm / 1 nF), PULSE input,
//!   `.tran 10n 10u`, the far end saved;
//! - `parse_elaborate/N`: text to circuit for an N-element R-C chain;
//! - `montecarlo_cmrr/runs`: a 4-resistor difference amplifier (1% resistors, single-pole
//!   op-amp from `.lib balun opamps`), CMRR at 60 Hz, 1 kHz and 10 kHz for each run, each
//!   run starting from the nominal circuit's pivots as `balun cmrr --mc` does.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use balun::{circuit, netlist, solver};

fn coupled_ladder(n: usize) -> String {
    let mut s = format!("3-conductor coupled ladder, {n} sections\n");
    s.push_str("V1 a0 0 AC 1\nRs2 b0 0 50\nRs3 c0 0 50\n");
    for i in 1..=n {
        for c in ["a", "b", "c"] {
            let _ = writeln!(s, "R{c}{i} {c}{} {c}m{i} 0.01", i - 1);
            let _ = writeln!(s, "L{c}{i} {c}m{i} {c}{i} 0.5u");
        }
        let (k_ab, k_bc) = if i % 2 == 1 { (0.6, 0.3) } else { (0.3, 0.6) };
        let _ = writeln!(s, "Kab{i} La{i} Lb{i} {k_ab}\nKbc{i} Lb{i} Lc{i} {k_bc}");
        let _ = writeln!(s, "Kac{i} La{i} Lc{i} 0.2");
        let _ = writeln!(
            s,
            "Cab{i} a{i} b{i} 20p\nCbc{i} b{i} c{i} 20p\nCac{i} a{i} c{i} 10p"
        );
        for c in ["a", "b", "c"] {
            let _ = writeln!(s, "C{c}g{i} {c}{i} 0 30p");
        }
    }
    for c in ["a", "b", "c"] {
        let _ = writeln!(s, "Rl{c} {c}{n} 0 100");
    }
    let _ = writeln!(s, ".save v(b{n})\n.ac dec 20 10 100k\n.end");
    s
}

fn rc_ladder_tran(n: usize) -> String {
    let mut s = format!("RC ladder, {n} sections\nV1 in 0 PULSE(0 1 0 1n 1n 10u 20u)\n");
    let mut prev = String::from("in");
    for i in 1..=n {
        let _ = writeln!(s, "R{i} {prev} n{i} 10\nC{i} n{i} 0 1n");
        prev = format!("n{i}");
    }
    let _ = writeln!(s, ".save v(n{n})\n.tran 10n 10u\n.end");
    s
}

fn rc_chain(elements: usize) -> String {
    let half = elements / 2;
    let mut s = format!("{elements} elements\nV1 n0 0 1\n");
    for i in 1..=half {
        let _ = writeln!(s, "R{i} n{} n{i} 1\nC{i} n{i} 0 1p", i - 1);
    }
    let _ = writeln!(s, "Rend n{half} 0 1\n.op\n.end");
    s
}

const DIFF_AMP: &str = "diff amp, 1% resistors\n.lib balun opamps\n\
    Vh hot 0 AC 0.5\nVc cold 0 AC -0.5\n\
    R1 cold inn 10k tol=1%\nR2 inn out 10k tol=1%\nR3 hot inp 10k tol=1%\nR4 inp 0 10k tol=1%\n\
    X1 inp inn out opamp_1p\n.ac dec 10 10 100k\n.end\n";

fn circuit_of(text: &str) -> circuit::Circuit {
    let (ast, _) = netlist::parse_str_with(Path::new("bench.net"), text, &balun::library::resolve)
        .unwrap_or_else(|(e, _)| panic!("bench netlist does not parse: {e}"));
    circuit::elaborate(&ast).unwrap_or_else(|e| panic!("bench netlist does not elaborate: {e}"))
}

fn simulate(c: &circuit::Circuit) -> Vec<solver::Plot> {
    solver::simulate(c).unwrap_or_else(|e| panic!("bench circuit does not solve: {e}"))
}

fn bench_targets(c: &mut Criterion) {
    let mut group = c.benchmark_group("targets");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));

    let n = 1_000;
    let coupled = circuit_of(&coupled_ladder(n));
    assert_eq!(simulate(&coupled)[0].vectors.len(), 1, "one saved vector");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(
        BenchmarkId::new("coupled_ladder_ac", n),
        &coupled,
        |b, c| b.iter(|| simulate(black_box(c))),
    );

    let tran = circuit_of(&rc_ladder_tran(n));
    group.bench_with_input(BenchmarkId::new("rc_ladder_tran", n), &tran, |b, c| {
        b.iter(|| simulate(black_box(c)))
    });

    let elements = 100_000;
    let text = rc_chain(elements);
    group.throughput(Throughput::Elements(elements as u64));
    group.bench_with_input(
        BenchmarkId::new("parse_elaborate", elements),
        &text,
        |b, text| b.iter(|| circuit_of(black_box(text))),
    );

    let amp = circuit_of(DIFF_AMP);
    let setup = measure::cmrr::CmrrSetup {
        hot: amp.device("vh").expect("vh"),
        cold: amp.device("vc").expect("vc"),
        out: measure::find_output(&amp, "out").expect("out"),
    };
    let runs = 1_000;
    let plan = measure::montecarlo::McPlan::new(runs, 1, circuit::Distribution::Gauss);
    group.throughput(Throughput::Elements(runs as u64));
    let freqs = [60.0, 1e3, 1e4];
    group.bench_with_input(BenchmarkId::new("montecarlo_cmrr", runs), &amp, |b, amp| {
        b.iter(|| {
            // As `balun cmrr --mc`: every run starts from the nominal circuit's solution.
            let start = measure::cmrr::cmrr_start(amp, &setup, &freqs, 0.0).ok();
            measure::montecarlo::run(amp, &plan, &|| {}, |c| {
                measure::cmrr::cmrr_with_imbalance_from(c, &setup, &freqs, 0.0, start.as_ref())
            })
            .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_targets);
criterion_main!(benches);
