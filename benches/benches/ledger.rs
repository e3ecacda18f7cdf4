//! Ledger validation: blocks of 100 and 1,000 record registrations (one signature each) on the
//! native backend, on 1 and 2 threads, side by side with running the same blocks' signature
//! checks alone; then the memory the state takes per registered record.
//!
//! Two ways, for each size and thread count:
//! - the same block validated again and again against one state (its touched paths and the
//!   block stay warm from round to round);
//! - the next block of a chain of distinct blocks each round, on a state that grows by a block
//!   a round, as a node runs: once keeping the state `validate_and_apply` returns (and
//!   dropping the one before), once with `validate_and_apply_in_place`.
//!
//! Goals (issue 5): at least 25,000 transactions per second on these 2 cores; validation at
//! most 10% above the signature checks alone. `LEDGER_RECORDS` sets the record count of the
//! memory measurement (default 1,000,000), after which the bookkeeping of 1,000 registrations
//! is timed on that state and on the small one. The allocator is the system's; build with
//! `--features mimalloc` to run the same on mimalloc.
//!
//! Probes, instead of the runs above:
//! - `LEDGER_PROBE=1` splits a block's cost: applying without signature checks, copying the
//!   state, and the whole validation.
//! - `LEDGER_PROBE=apply` only applies one block of `LEDGER_BLOCK` registrations (default
//!   1,000) `LEDGER_APPLY_N` times (default 300) on a pool of `LEDGER_THREADS` (default 2),
//!   for a profiler (`perf record`); `validate` and `checks` likewise run the whole
//!   validation or the signature checks alone (compare their CPU and wall times under `time`).
//! - `LEDGER_PROBE=cold` times one apply of `LEDGER_BLOCK` (default 100) right after another,
//!   right after the block's signature checks and right after `LEDGER_OTHER_MIB` (default 4)
//!   MiB of other memory writes; and the block's signature checks right after other checks
//!   and right after an apply.
//! - `LEDGER_PROBE=large` applies on the large state (after the memory measurement).
//! - `LEDGER_PROBE=chain` runs a chain of `LEDGER_APPLY_N` (default 100) blocks of
//!   `LEDGER_BLOCK` (default 100) in place, each after its signature checks alone, and times
//!   both; with `LEDGER_CHAIN_APPLY=1` it applies without signature checks (the bookkeeping
//!   alone, with the caches as the checks leave them), and with `LEDGER_CHAIN_KEEP=1` it
//!   validates keeping each new state (and dropping the one before) instead of in place.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};

use fhirbus::ledger::block::{Block, BlockHeader};
use fhirbus::ledger::tx::Transaction;
use fhirbus::ledger::validate::{SignatureChecksForBenchmarks, apply_unverified_for_benchmarks};
use fhirbus::ledger::{State, validate_and_apply};
use fhirbus::pointer::DataKey;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::record::SignedRecordEntry;
use fhirbus::signature::SigningKey;
use fhirbus::wrap::EncryptionSecretKey;
use fhirbus::{Digest, Timestamp};
use fhirbus_benches::ledger_fixture::{self, CHAIN, T0, rng};
use fhirbus_benches::{candidate, candidate_with_setup, compare, env_usize, rounds};

/// The allocator the host would link: the system's, or mimalloc with `--features mimalloc`.
#[cfg(not(feature = "mimalloc"))]
const INNER: std::alloc::System = std::alloc::System;
#[cfg(feature = "mimalloc")]
const INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
/// Counting is on only while the memory is measured: an atomic add on every allocation and
/// free would slow the timed runs, more so on two threads that share its cache line.
static COUNTING: AtomicBool = AtomicBool::new(false);

// SAFETY: delegates to the inner allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        // SAFETY: same layout contract as the caller's.
        unsafe { INNER.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        // SAFETY: ptr came from alloc with this layout.
        unsafe { INNER.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

struct Fixture {
    state: State,
    custodian: SigningKey,
    validators: Vec<SigningKey>,
    patients: Vec<Pseudonym>,
}

fn key(seed: u64) -> fhirbus::Result<SigningKey> {
    let mut bytes = [7u8; 32];
    bytes[..8].copy_from_slice(&seed.to_be_bytes());
    SigningKey::from_secret(&bytes)
}

fn fixture(patients: usize) -> fhirbus::Result<Fixture> {
    let custodian = key(1)?;
    let enc = EncryptionSecretKey::from_secret(&[3; 32])?;
    let validators: Vec<SigningKey> = (0..4).map(|i| key(100 + i)).collect::<fhirbus::Result<_>>()?;
    let genesis = ledger_fixture::genesis(&custodian, &enc, &validators)?;
    let mut state = State::genesis(&genesis)?;
    let pseudonyms: Vec<Pseudonym> = (0..patients as u64).map(ledger_fixture::patient).collect();
    // Enrol the patients without timing (and without signature checks: setup only).
    let txs = (0..patients as u64).map(|i| ledger_fixture::enrolment(&custodian, &enc, i)).collect::<fhirbus::Result<Vec<_>>>()?;
    let block = unsigned(&mut state, txs, T0 + 2, &validators)?;
    state = apply_unverified_for_benchmarks(&state, &block)?;
    Ok(Fixture { state, custodian, validators, patients: pseudonyms })
}

fn unsigned(state: &mut State, txs: Vec<fhirbus::ledger::SignedTransaction>, time: u64, validators: &[SigningKey]) -> fhirbus::Result<Block> {
    let header = BlockHeader {
        v: 1,
        chain: CHAIN.into(),
        height: state.height() + 1,
        time: Timestamp(time),
        prev: state.last_hash(),
        tx_root: Block::tx_root(&txs)?,
        state_root: Digest([0; 32]),
        proposer: validators.first().map(|v| v.key_id()).unwrap_or(fhirbus::KeyId([0; 32])),
    };
    Ok(Block { header, txs, qc: Vec::new() })
}

fn entries(f: &Fixture, n: usize, offset: u64) -> fhirbus::Result<Vec<SignedRecordEntry>> {
    let dk = DataKey::from_bytes(&[9; 32])?;
    let mut r = rng(offset + 1);
    (0..n)
        .map(|i| ledger_fixture::observation(&f.custodian, f.patients[i % f.patients.len()], offset + i as u64, &dk, &mut r))
        .collect()
}

/// A full, valid block of `n` registrations (signed quorum, right state root).
fn record_block(f: &mut Fixture, n: usize) -> fhirbus::Result<Block> {
    let txs = entries(f, n, 0)?.into_iter().map(|e| Transaction::register_record(CHAIN, e)).collect();
    let mut block = unsigned(&mut f.state, txs, T0 + 20, &f.validators)?;
    seal(&f.state, &mut block, &f.validators)?;
    validate_and_apply(&f.state, &block)?;
    Ok(block)
}

/// Give `block` the state root it leads to from `state`, and the validators' signatures.
fn seal(state: &State, block: &mut Block, validators: &[SigningKey]) -> fhirbus::Result<()> {
    block.header.state_root = apply_unverified_for_benchmarks(state, block)?.state_root();
    block.qc = validators.iter().map(|v| block.header.sign(v)).collect::<fhirbus::Result<_>>()?;
    Ok(())
}

/// `count` distinct valid blocks of `n` registrations, each following the one before from
/// `f`'s state, with each block's signature checks (gathered against the state before it).
/// The states in between are dropped, so `f`'s state is again shared with nothing.
fn chain(f: &Fixture, n: usize, count: usize) -> fhirbus::Result<Vec<(Block, SignatureChecksForBenchmarks)>> {
    let mut state = f.state.clone();
    let mut blocks = Vec::with_capacity(count);
    for i in 0..count {
        let txs = entries(f, n, (1_000_000 + i * n) as u64)?.into_iter().map(|e| Transaction::register_record(CHAIN, e)).collect();
        let mut block = unsigned(&mut state, txs, T0 + 20 + i as u64, &f.validators)?;
        seal(&state, &mut block, &f.validators)?;
        let checks = SignatureChecksForBenchmarks::gather(&state, &block)?;
        // Again, now that the header (which the next block links to) is final.
        state = apply_unverified_for_benchmarks(&state, &block)?;
        blocks.push((block, checks));
    }
    Ok(blocks)
}

/// Hands a chain's blocks out one at a time: `stage` copies the next, untimed, and `take` gives
/// it to the timed operation. (A lock and an atomic only to cross into the pool.)
struct Feeder<'a> {
    blocks: &'a [(Block, SignatureChecksForBenchmarks)],
    staged: std::sync::Mutex<Option<Block>>,
    handed: AtomicUsize,
}

impl<'a> Feeder<'a> {
    fn new(blocks: &'a [(Block, SignatureChecksForBenchmarks)]) -> Self {
        Self { blocks, staged: std::sync::Mutex::new(None), handed: AtomicUsize::new(0) }
    }

    fn stage(&self) {
        let at = self.handed.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut staged) = self.staged.lock() {
            *staged = self.blocks.get(at).map(|(block, _)| block.clone());
        }
    }

    fn take(&self) -> fhirbus::Result<Block> {
        let ran_out = || fhirbus::Error::new(fhirbus::ErrorCode::Internal, "the chain ran out");
        self.staged.lock().map_err(|_| ran_out())?.take().ok_or_else(ran_out)
    }

    /// Whether more blocks were asked for than there are.
    fn ran_out(&self) -> bool {
        self.handed.load(Ordering::Relaxed) > self.blocks.len()
    }
}

/// Validation along a chain, as a node runs it: each round applies the next block of a chain
/// of distinct blocks, side by side with that block's signature checks alone. Two nodes from
/// equal fixtures (each with its own chain, as their genesis blocks differ in signatures):
/// one keeps the state [`validate_and_apply`] returns and drops the one before, the other
/// applies in place to a state shared with nothing. Each block is copied, untimed, just before
/// it is validated, so that it is in cache as a block a node has just decoded is.
fn chain_of_blocks(n: usize, threads: usize) -> fhirbus::Result<()> {
    // Enough blocks for the rounds and a margin.
    let count = rounds() + 4;
    let mut copying = fixture(1000)?;
    let copying_blocks = chain(&copying, n, count)?;
    let mut in_place = fixture(1000)?;
    let blocks = chain(&in_place, n, count)?;
    // A failing block would time its refusal: both chains are checked once first.
    for (state, blocks) in [(&copying.state, &copying_blocks), (&in_place.state, &blocks)] {
        fhirbus::ledger::validate_and_apply_chain(state, &blocks.iter().map(|(b, _)| b.clone()).collect::<Vec<_>>())?;
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|_| fhirbus::ErrorCode::Internal)?;
    let ready: Vec<_> = blocks.iter().map(|(_, checks)| checks.checks()).collect();
    let mut checked = 0usize;
    let (copying_feed, in_place_feed) = (Feeder::new(&copying_blocks), Feeder::new(&blocks));
    let (copying_state, state) = (&mut copying.state, &mut in_place.state);
    const COPY: &str = "validate_and_apply, keeping the new state";
    const IN_PLACE: &str = "validate_and_apply_in_place";
    let report = pool.install(|| {
        compare(
            &format!("validate and apply the next block of a chain of {n} record registrations each, {threads} thread(s)"),
            None,
            vec![
                candidate("signature checks alone (same checks)", || {
                    let result = ready.get(checked % ready.len()).map(|checks| checks.run());
                    checked += 1;
                    result
                }),
                candidate_with_setup(
                    COPY,
                    || copying_feed.stage(),
                    || {
                        let next = validate_and_apply(copying_state, &copying_feed.take()?)?;
                        *copying_state = next.state;
                        Ok::<_, fhirbus::Error>(next.events.len())
                    },
                ),
                candidate_with_setup(
                    IN_PLACE,
                    || in_place_feed.stage(),
                    || fhirbus::ledger::validate_and_apply_in_place(state, &in_place_feed.take()?).map(|events| events.len()),
                ),
            ],
        )
    });
    if copying_feed.ran_out() || in_place_feed.ran_out() {
        println!("  (the chain of {} blocks ran out: no figure)", blocks.len());
        return Ok(());
    }
    for label in [COPY, IN_PLACE] {
        if let (Some(ns), Some(ratio)) = (report.median(label), report.ratio(label)) {
            let tps = n as f64 / (ns / 1e9);
            println!("  {label}: {tps:.0} transactions/s, x{ratio:.3} of the signature checks alone");
            bars(threads, tps, ratio);
        }
    }
    Ok(())
}

/// The goals, judged on two threads.
fn bars(threads: usize, tps: f64, ratio: f64) {
    if threads == 2 {
        println!("  bar: 25,000 tx/s on 2 cores: {}", if tps >= 25_000.0 { "MET" } else { "MISSED" });
        println!("  bar: at most 10% above signature checks: {}", if ratio <= 1.10 { "MET" } else { "MISSED" });
    }
}

/// How much slower a block's bookkeeping (applied without signature checks) runs right after
/// that block's signature checks than right after another apply, and than after
/// `LEDGER_OTHER_MIB` (default 4) MiB of other memory was written. On one thread validation
/// runs the two one after the other, so its bookkeeping finds the caches as the checks left
/// them, unlike the apply-only measurements.
fn cold_apply_probe(f: &mut Fixture) -> fhirbus::Result<()> {
    let size = env_usize("LEDGER_BLOCK", 100);
    let n = env_usize("LEDGER_APPLY_N", 300);
    let block = record_block(f, size)?;
    let gathered = SignatureChecksForBenchmarks::gather(&f.state, &block)?;
    let checks = gathered.checks();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(|_| fhirbus::ErrorCode::Internal)?;
    let state = &f.state;
    pool.install(|| {
        let apply = || -> fhirbus::Result<std::time::Duration> {
            let start = std::time::Instant::now();
            std::hint::black_box(apply_unverified_for_benchmarks(state, &block)?);
            Ok(start.elapsed())
        };
        let other_mib = env_usize("LEDGER_OTHER_MIB", 4);
        let mut other = vec![0u8; other_mib << 20];
        let (mut warm, mut after_checks, mut after_other) = (std::time::Duration::ZERO, std::time::Duration::ZERO, std::time::Duration::ZERO);
        let (mut checks_warm, mut checks_after_apply) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
        for _ in 0..n {
            checks.run()?;
            let start = std::time::Instant::now();
            checks.run()?;
            checks_warm += start.elapsed();
            std::hint::black_box(apply_unverified_for_benchmarks(state, &block)?);
            let start = std::time::Instant::now();
            checks.run()?;
            checks_after_apply += start.elapsed();
        }
        let us = |d: std::time::Duration| d.as_secs_f64() * 1e6 / n.max(1) as f64;
        println!("the block's signature checks, 1 thread: {:.0} us right after other checks, {:.0} us right after an apply", us(checks_warm), us(checks_after_apply));
        for round in 0..n {
            apply()?;
            warm += apply()?;
            checks.run()?;
            after_checks += apply()?;
            other.fill(round as u8);
            std::hint::black_box(&mut other);
            after_other += apply()?;
        }
        println!(
            "apply a block of {size} without signature checks, 1 thread: {:.0} us after another apply, {:.0} us after the block's signature checks, {:.0} us after {other_mib} MiB of other writes",
            us(warm),
            us(after_checks),
            us(after_other)
        );
        Ok(())
    })
}

fn main() -> fhirbus::Result<()> {
    let mut f = fixture(1000)?;
    let probe = std::env::var("LEDGER_PROBE").ok();
    if let Some(mode @ ("apply" | "validate" | "checks")) = probe.as_deref() {
        let size = env_usize("LEDGER_BLOCK", 1000);
        let block = record_block(&mut f, size)?;
        let gathered = SignatureChecksForBenchmarks::gather(&f.state, &block)?;
        let checks = gathered.checks();
        let n = env_usize("LEDGER_APPLY_N", 300);
        let threads = env_usize("LEDGER_THREADS", 2);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|_| fhirbus::ErrorCode::Internal)?;
        // As the throughput runs do: on a pool of `LEDGER_THREADS` (default 2), the caller one of them.
        return pool.install(|| {
            let (mut working, mut dropping) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
            for _ in 0..n {
                let start = std::time::Instant::now();
                let result = match mode {
                    "apply" => Some(apply_unverified_for_benchmarks(&f.state, &block)?),
                    "validate" => Some(validate_and_apply(&f.state, &block)?.state),
                    _ => checks.run().map(|()| None)?,
                };
                let done = std::time::Instant::now();
                drop(std::hint::black_box(result));
                working += done - start;
                dropping += done.elapsed();
            }
            let per = |d: std::time::Duration| d.as_secs_f64() * 1e3 / n.max(1) as f64;
            println!("{mode}: {:.3} ms a block, then {:.3} ms to drop the resulting state", per(working), per(dropping));
            Ok(())
        });
    }
    if probe.as_deref() == Some("chain") {
        let n = env_usize("LEDGER_BLOCK", 100);
        let count = env_usize("LEDGER_APPLY_N", 100);
        let mut node = fixture(1000)?;
        let blocks = chain(&node, n, count)?;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(env_usize("LEDGER_THREADS", 1)).build().map_err(|_| fhirbus::ErrorCode::Internal)?;
        let state = &mut node.state;
        return pool.install(|| {
            let (mut checks_time, mut apply_time) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
            let bookkeeping_only = env_usize("LEDGER_CHAIN_APPLY", 0) == 1;
            let keeping = env_usize("LEDGER_CHAIN_KEEP", 0) == 1;
            for (block, checks) in &blocks {
                let checks = checks.checks();
                let start = std::time::Instant::now();
                checks.run()?;
                checks_time += start.elapsed();
                // Fresh in cache, as a block just decoded (see chain_of_blocks).
                let block = &block.clone();
                let start = std::time::Instant::now();
                if bookkeeping_only {
                    fhirbus::ledger::validate::apply_unverified_in_place_for_benchmarks(state, block)?;
                } else if keeping {
                    *state = validate_and_apply(state, block)?.state;
                } else {
                    fhirbus::ledger::validate_and_apply_in_place(state, block)?;
                }
                apply_time += start.elapsed();
            }
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3 / count.max(1) as f64;
            let what = match (bookkeeping_only, keeping) {
                (true, _) => "apply in place without signature checks",
                (false, true) => "validate, keeping the new state",
                (false, false) => "validate in place",
            };
            println!("chain of {count} blocks of {n}: checks {:.3} ms, {what} {:.3} ms a block", ms(checks_time), ms(apply_time));
            Ok(())
        });
    }
    if probe.as_deref() == Some("cold") {
        return cold_apply_probe(&mut f);
    }
    if probe.as_deref().is_some_and(|p| p != "large") {
        for n in [0usize, 100, 1000] {
            let block = record_block(&mut f, n)?;
            let state = &f.state;
            compare(
                &format!("probe: {n} registrations"),
                None,
                vec![
                    candidate("apply without signature checks", || apply_unverified_for_benchmarks(state, &block).map(|s| s.height())),
                    candidate("state clone only", || state.clone().height()),
                    candidate("validate_and_apply", || validate_and_apply(state, &block).map(|a| a.events.len())),
                ],
            );
        }
        return Ok(());
    }
    let probe_large = probe.as_deref() == Some("large");
    for n in [100usize, 1000].into_iter().filter(|_| !probe_large) {
        let block = record_block(&mut f, n)?;
        let gathered = SignatureChecksForBenchmarks::gather(&f.state, &block)?;
        let checks = gathered.checks();
        for threads in [1usize, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|_| fhirbus::ErrorCode::Internal)?;
            let state = &f.state;
            let report = pool.install(|| {
                compare(
                    &format!("validate and apply a block of {n} record registrations, {threads} thread(s)"),
                    None,
                    vec![
                        candidate("signature checks alone (same checks)", || checks.run()),
                        candidate("validate_and_apply (whole block)", || validate_and_apply(state, &block).map(|a| a.events.len())),
                    ],
                )
            });
            if let (Some(ns), Some(ratio)) = (report.median("validate_and_apply (whole block)"), report.ratio("validate_and_apply (whole block)")) {
                let tps = n as f64 / (ns / 1e9);
                println!("  {tps:.0} transactions/s; validation costs x{ratio:.3} of the signature checks alone ({} checks)", checks.len());
                bars(threads, tps, ratio);
            }
            chain_of_blocks(n, threads)?;
        }
    }

    // Memory per record.
    let records = env_usize("LEDGER_RECORDS", 1_000_000);
    let mut g = fixture(10_000)?;
    // What the state gains while counting is on: allocations less frees, including the frees
    // of what was there before (the states each block replaces).
    COUNTING.store(true, Ordering::Relaxed);
    let before = LIVE.load(Ordering::Relaxed);
    let mut state = g.state.clone();
    let chunk = 10_000usize;
    let mut done = 0usize;
    let mut time = T0 + 20;
    while done < records {
        let n = chunk.min(records - done);
        // Signatures are not checked here, so reuse one valid-looking signature per entry.
        let txs = entries(&g, n, done as u64)?.into_iter().map(|e| Transaction::register_record(CHAIN, e)).collect();
        let block = unsigned(&mut state, txs, time, &g.validators)?;
        state = apply_unverified_for_benchmarks(&state, &block)?;
        state.state_root();
        done += n;
        time += 1;
    }
    g.state = state;
    let used = LIVE.load(Ordering::Relaxed) - before;
    COUNTING.store(false, Ordering::Relaxed);
    println!(
        "\nstate memory: {records} records, {} state items, {:.1} MiB, {:.0} bytes per record (heap, counted by the allocator)",
        g.state.item_count(),
        used as f64 / (1 << 20) as f64,
        used as f64 / records as f64
    );

    // The bookkeeping of a block (everything but the signature checks) grows with the state:
    // deeper persistent maps, fuller commitment buckets. The same 1,000 registrations on the
    // small state of the throughput runs and on this one.
    let fresh = entries(&g, 1000, done as u64)?.into_iter().map(|e| Transaction::register_record(CHAIN, e)).collect::<Vec<_>>();
    let on_large = unsigned(&mut g.state, fresh.clone(), time, &g.validators)?;
    let on_small = unsigned(&mut f.state, fresh, T0 + 20, &f.validators)?;
    let (small, large) = (&f.state, &g.state);
    if probe_large {
        let n = env_usize("LEDGER_APPLY_N", 100);
        for _ in 0..n {
            std::hint::black_box(apply_unverified_for_benchmarks(large, &on_large)?);
        }
        return Ok(());
    }
    let report = compare(
        &format!("apply 1,000 registrations without signature checks, small state vs {records} records"),
        None,
        vec![
            candidate("on the benchmark's small state", || apply_unverified_for_benchmarks(small, &on_small).map(|s| s.height())),
            candidate("on the large state", || apply_unverified_for_benchmarks(large, &on_large).map(|s| s.height())),
        ],
    );
    if let Some(ns) = report.median("on the large state") {
        println!("  {:.1} us of bookkeeping per registration with {records} records", ns / 1000.0 / 1000.0);
    }

    // The same in place, as a node keeps its state: the next 1,000 registrations each time
    // (a block made, untimed, against the state as it now is).
    let mut times = Vec::new();
    for round in 0..rounds() {
        let txs = entries(&g, 1000, (done + (round + 1) * 1000) as u64)?.into_iter().map(|e| Transaction::register_record(CHAIN, e)).collect();
        time += 1;
        let block = unsigned(&mut g.state, txs, time, &g.validators)?;
        let start = std::time::Instant::now();
        fhirbus::ledger::validate::apply_unverified_in_place_for_benchmarks(&mut g.state, &block)?;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    if let Some(median) = times.get(times.len() / 2) {
        println!("  {:.1} us of bookkeeping per registration in place with {records} records (median of {} blocks of 1,000)", median * 1e6 / 1000.0, times.len());
    }
    Ok(())
}
