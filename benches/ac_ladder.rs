//! AC analysis of an RC ladder of N sections, through the library: parse, elaborate, solve.
//!
//! The ladder is 10 ohm in series and 1 nF to ground per section, driven by `V1 in 0 AC 1`,
//! swept `.ac dec 50 1 1meg` (301 points): N+1 nodes, one branch, a tridiagonal MNA matrix.
//! The text is built here, identical to what `scripts/gen-ladder.py N` writes, so the numbers
//! can be set against `scripts/compare-ngspice.sh` (which times whole processes, output
//! included). Benchmarks, per N in {1000, 10000}:
//! - `parse/N`: netlist text to AST;
//! - `elaborate/N`: AST to circuit;
//! - `parse+elaborate+ac/N`: the whole pipeline, as `balun::simulate_file` runs it.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use balun::{circuit, netlist, solver};

/// The netlist text of an N-section RC ladder (same as `scripts/gen-ladder.py`).
fn ladder(n: usize) -> String {
    let mut s = String::with_capacity(40 * n + 100);
    let _ = writeln!(s, "RC ladder, {n} sections of 10 ohm / 1 nF");
    s.push_str("V1 in 0 AC 1\n");
    let mut prev = String::from("in");
    for i in 1..=n {
        let node = format!("n{i}");
        let _ = writeln!(s, "R{i} {prev} {node} 10");
        let _ = writeln!(s, "C{i} {node} 0 1n");
        prev = node;
    }
    s.push_str(".ac dec 50 1 1meg\n.end\n");
    s
}

fn parse(text: &str) -> netlist::Netlist {
    match netlist::parse_str(Path::new("ladder.net"), text) {
        Ok((ast, _sources)) => ast,
        Err((e, _sources)) => panic!("ladder netlist does not parse: {e}"),
    }
}

fn elaborate(ast: &netlist::Netlist) -> circuit::Circuit {
    circuit::elaborate(ast).unwrap_or_else(|e| panic!("ladder does not elaborate: {e}"))
}

fn simulate(circuit: &circuit::Circuit) -> Vec<solver::Plot> {
    solver::simulate(circuit).unwrap_or_else(|e| panic!("ladder does not solve: {e}"))
}

fn bench_ac_ladder(c: &mut Criterion) {
    let mut group = c.benchmark_group("ac_ladder");
    for n in [1_000usize, 10_000] {
        let text = ladder(n);
        // Sanity check once, outside the timing: one AC plot of 301 points, N+1 node voltages.
        let plots = simulate(&elaborate(&parse(&text)));
        assert_eq!(plots.len(), 1, "one AC plot");
        assert_eq!(plots[0].len(), 301, "301 frequency points");

        // The full run takes ~seconds at N = 10,000: fewer samples, longer measurement.
        if n >= 10_000 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(30));
        } else {
            group.sample_size(20);
            group.measurement_time(Duration::from_secs(10));
        }
        group.throughput(Throughput::Elements(n as u64));

        group.bench_with_input(BenchmarkId::new("parse", n), &text, |b, text| {
            b.iter(|| parse(black_box(text)))
        });
        let ast = parse(&text);
        group.bench_with_input(BenchmarkId::new("elaborate", n), &ast, |b, ast| {
            b.iter(|| elaborate(black_box(ast)))
        });
        group.bench_with_input(
            BenchmarkId::new("parse+elaborate+ac", n),
            &text,
            |b, text| b.iter(|| simulate(&elaborate(&parse(black_box(text))))),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_ac_ladder);
criterion_main!(benches);
