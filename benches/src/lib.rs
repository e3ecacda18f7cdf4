//! A small side-by-side benchmark harness. These machines are shared and noisy, so absolute
//! times drift; what holds is the ratio between candidates measured in the same run,
//! interleaved batch by batch. Each comparison prints the median time per operation of every
//! candidate and its ratio to the first (the baseline): the median over rounds of the ratio
//! within each round, so that a slow spell of the machine, which slows a round's candidates
//! alike, cancels out. The order of the candidates alternates from round to round, so none
//! always runs in the wake of another.
//!
//! `BENCH_ROUNDS` sets the number of interleaved rounds (default 25; CI smoke runs use 2).

pub mod ledger_fixture;

use std::hint::black_box;
use std::time::{Duration, Instant};

/// One candidate: a label, the operation to time, and what to do, untimed, before each
/// operation (if anything).
pub struct Candidate<'a> {
    label: &'a str,
    op: Box<dyn FnMut() + 'a>,
    setup: Option<Box<dyn FnMut() + 'a>>,
}

/// A candidate from a label and an operation (its result is passed through `black_box`).
pub fn candidate<'a, R>(label: &'a str, mut op: impl FnMut() -> R + 'a) -> Candidate<'a> {
    Candidate { label, op: Box::new(move || { black_box(op()); }), setup: None }
}

/// A candidate whose every operation is prepared by `setup`, untimed, just before it: each
/// round then times a single operation (as operations that need it are long, a millisecond
/// or more, the timer's resolution does not matter).
pub fn candidate_with_setup<'a, R>(label: &'a str, setup: impl FnMut() + 'a, mut op: impl FnMut() -> R + 'a) -> Candidate<'a> {
    Candidate { label, op: Box::new(move || { black_box(op()); }), setup: Some(Box::new(setup)) }
}

/// The measured medians of one comparison, in nanoseconds per operation.
pub struct Report {
    /// (label, median ns per operation, median of its per-round ratios to the baseline),
    /// baseline first.
    pub rows: Vec<(String, f64, f64)>,
}

impl Report {
    /// The ratio of candidate `label` to the baseline (above 1 means slower): the median of
    /// the ratios within each round.
    pub fn ratio(&self, label: &str) -> Option<f64> {
        self.rows.iter().find(|(l, _, _)| l == label).map(|(_, _, r)| *r)
    }

    /// Median ns per operation of `label`.
    pub fn median(&self, label: &str) -> Option<f64> {
        self.rows.iter().find(|(l, _, _)| l == label).map(|(_, t, _)| *t)
    }
}

/// The number of interleaved rounds each comparison runs (`BENCH_ROUNDS`, default 25).
pub fn rounds() -> usize {
    env_usize("BENCH_ROUNDS", 25).max(1)
}

/// The number in environment variable `name`, or `default` when it is unset or not a number.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn batch_size(op: &mut dyn FnMut()) -> u64 {
    // Aim for batches of about 2 ms so timer resolution does not matter.
    let target = Duration::from_millis(2);
    let mut n: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..n {
            op();
        }
        let took = start.elapsed();
        if took >= target || n >= 1 << 24 {
            let per = took.as_nanos().max(1) as f64 / n as f64;
            return ((target.as_nanos() as f64 / per).ceil() as u64).max(1);
        }
        n *= 4;
    }
}

fn format_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} us", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Time the candidates interleaved, print a table, and return the medians.
/// `bytes` (when given) adds a throughput column in MB/s.
pub fn compare(title: &str, bytes: Option<usize>, mut candidates: Vec<Candidate<'_>>) -> Report {
    let sizes: Vec<u64> = candidates.iter_mut().map(|c| if c.setup.is_some() { 1 } else { batch_size(&mut c.op) }).collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); candidates.len()];
    for round in 0..rounds() {
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (Some(c), Some(n), Some(s)) = (candidates.get_mut(i), sizes.get(i), samples.get_mut(i)) else { continue };
            if let Some(setup) = &mut c.setup {
                setup();
            }
            let start = Instant::now();
            for _ in 0..*n {
                (c.op)();
            }
            s.push(start.elapsed().as_nanos() as f64 / *n as f64);
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let base_samples = samples.first().cloned().unwrap_or_default();
    let rows: Vec<(String, f64, f64)> = candidates
        .iter()
        .zip(&samples)
        .map(|(c, s)| {
            let ratios = s.iter().zip(&base_samples).map(|(t, b)| t / b).collect();
            (c.label.to_owned(), median(s.clone()), median(ratios))
        })
        .collect();
    println!("\n{title}");
    for (label, ns, ratio) in &rows {
        let tput = bytes.map(|b| format!("  {:>8.1} MB/s", b as f64 / ns * 1e3)).unwrap_or_default();
        println!("  {label:<44} {:>10}/op{tput}  x{ratio:.2}", format_ns(*ns));
    }
    Report { rows }
}
