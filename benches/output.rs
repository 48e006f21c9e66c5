//! Writing raw files: the `%.15e` formatter and the ASCII and binary raw writers.
//!
//! The plot has the shape of the RC ladder's AC result (`scripts/gen-ladder.py N`, `.ac dec 50
//! 1 1meg`): 301 log-spaced frequencies and N+2 complex vectors whose values decay along the
//! ladder over many decades (down to subnormals and zeros, as the real ladder's do). Data is
//! generated in code, so the sizes scale; the writers write into `io::sink()`, so the numbers
//! leave out the kernel's copy into the page cache (`scripts/compare-ngspice.sh` times whole
//! processes, file included). Benchmarks:
//! - `e15/push` vs `e15/format!`: one number, balun's formatter against `format!("{:.15e}")`
//!   with the exponent rewritten (what the writer did before);
//! - `raw_ascii/N`, `raw_binary/N` for N in {1000, 10000}.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

use balun::output::{e15, raw};
use balun::solver::{Data, Plot, Unit, Vector};
use num_complex::Complex64;

/// A ladder-shaped AC plot: 301 points, `n + 2` complex vectors (`v(in)`, `v(n1..n)`, `i(v1)`).
fn ladder_plot(n: usize) -> Plot {
    let freq: Vec<f64> = (0..301).map(|i| 10f64.powf(i as f64 / 50.0)).collect();
    let mut vectors = Vec::with_capacity(n + 2);
    for k in 0..=n {
        let name = if k == 0 {
            "v(in)".to_string()
        } else {
            format!("v(n{k})")
        };
        // |v| falls by a frequency-dependent factor per section, phase turns: e^(-k*sqrt(j*w*RC)).
        let data = freq
            .iter()
            .map(|&f| {
                let gamma = Complex64::new(0.0, 2.0 * std::f64::consts::PI * f * 1e-8).sqrt();
                (-gamma * k as f64).exp()
            })
            .collect();
        vectors.push(Vector {
            name,
            unit: Unit::Voltage,
            data: Data::Complex(data),
        });
    }
    vectors.push(Vector {
        name: "i(v1)".into(),
        unit: Unit::Current,
        data: Data::Complex(
            freq.iter()
                .map(|&f| Complex64::new(-1e-3, f * 1e-9))
                .collect(),
        ),
    });
    Plot {
        name: "AC Analysis".into(),
        scale: Some(Vector {
            name: "frequency".into(),
            unit: Unit::Frequency,
            data: Data::Real(freq),
        }),
        vectors,
    }
}

fn bench_e15(c: &mut Criterion) {
    let mut group = c.benchmark_group("e15");
    let values: Vec<f64> = (0..1000)
        .map(|i| (i as f64 * 0.731).sin() * 10f64.powi(i % 40 - 20))
        .collect();
    group.throughput(Throughput::Elements(values.len() as u64));
    let mut out = Vec::with_capacity(values.len() * e15::MAX_LEN);
    group.bench_function("push", |b| {
        b.iter(|| {
            out.clear();
            for &x in &values {
                e15::push(&mut out, black_box(x));
            }
            black_box(out.len())
        })
    });
    group.bench_function("format!", |b| {
        b.iter(|| {
            let mut len = 0;
            for &x in &values {
                len += e15::slow(black_box(x)).len();
            }
            black_box(len)
        })
    });
    group.finish();
}

fn bench_raw(c: &mut Criterion) {
    for (name, format) in [
        ("raw_ascii", raw::RawFormat::Ascii),
        ("raw_binary", raw::RawFormat::Binary),
    ] {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(5));
        for n in [1_000usize, 10_000] {
            let plots = vec![ladder_plot(n)];
            let options = raw::WriteOptions {
                date: Some("Tue Nov 24 21:09:46  2026".into()),
                log_scale: Some(vec![true]),
                format,
            };
            let mut counter = Counter(0);
            raw::write(&mut counter, "ladder", &plots, &options).expect("write");
            group.throughput(Throughput::Bytes(counter.0));
            group.bench_with_input(BenchmarkId::from_parameter(n), &plots, |b, plots| {
                b.iter(|| raw::write(&mut std::io::sink(), "ladder", black_box(plots), &options))
            });
        }
        group.finish();
    }
}

/// Counts the bytes written (for the throughput figure).
struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

criterion_group!(benches, bench_e15, bench_raw);
criterion_main!(benches);
