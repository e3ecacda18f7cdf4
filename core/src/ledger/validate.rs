//! Block validation and application. A block is checked in three layers, and any failure
//! leaves the state untouched (the block is applied to a copy that is dropped):
//!
//! | layer | check | stops |
//! | --- | --- | --- |
//! | structural | version, sizes, transaction count, strict decoding (in `Block::decode`) | malformed or oversized encodings |
//! | structural | chain id, height = previous + 1, `prev` = hash of the previous header | a block from another chain, a fork off an old block, a gap |
//! | structural | time not before the previous block's | time going backwards |
//! | structural | `tx_root` = Merkle root of the transactions | transactions added, dropped, reordered or altered after signing |
//! | cryptographic | quorum certificate: distinct current validators, more than two thirds, each signature valid over the header | a forged or short quorum, a removed validator's signature |
//! | cryptographic | every transaction signature, by the key the rule names, unrevoked at the transaction's time | forged transactions, revoked or rotated-out keys, a consent signed by someone other than the patient |
//! | semantic | each transaction's rule in the state it applies to (`ledger::apply`) | a record registered by a non-member, replays, stale transactions, wrong epochs |
//! | semantic | `state_root` = the commitment after applying | a proposer lying about the resulting state |
//!
//! Signature checks are gathered while applying and then run together, in parallel across
//! cores with the `parallel` feature. The outcome never depends on the thread count: all
//! checks must pass, and the error reported is the first failing check in block order.

use super::apply::{SigCheck, TxContext};
use super::audit::AuditEvent;
use super::block::{Block, quorum};
use super::state::State;
use crate::error::{Error, ErrorCode, Result};
use crate::signature::Domain;

/// What applying a block produced.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The state after the block.
    pub state: State,
    /// One audit event per transaction, in order: what hosts react to.
    pub events: Vec<AuditEvent>,
}

/// The error of a failed check, saying which check it was.
fn check_error(check: &SigCheck, e: &Error) -> Error {
    let at = if check.tx_index == usize::MAX { "quorum certificate".to_owned() } else { format!("transaction {}", check.tx_index) };
    Error::new(e.code(), format!("{at}: {}", e.detail()))
}

/// Run `checks` sequentially: the first failure, in order.
#[cfg(not(feature = "parallel"))]
fn run_in_order(checks: &[SigCheck]) -> Result<()> {
    for check in checks {
        check.run().map_err(|e| check_error(check, &e))?;
    }
    Ok(())
}

/// Run `checks`, in parallel where there are threads: the first failure in order.
///
/// With threads the list is halved with `rayon::join` down to single checks, so a thread left
/// idle takes half of what another is running. That matters for the batches handed on while a
/// block is applied: run whole, the block's last batch kept the other thread waiting for half
/// a batch on average (a few percent of a block of 100). A join that no thread takes costs
/// next to nothing.
fn run_checks(checks: &[SigCheck]) -> Result<()> {
    #[cfg(feature = "parallel")]
    match checks {
        [] => Ok(()),
        [check] => check.run().map_err(|e| check_error(check, &e)),
        _ => {
            let (first, second) = checks.split_at(checks.len() / 2);
            let (a, b) = rayon::join(|| run_checks(first), || run_checks(second));
            a.and(b)
        }
    }
    #[cfg(not(feature = "parallel"))]
    run_in_order(checks)
}

/// Apply `txs` in order to a copy of `state` as block `height` at `time`, returning the new
/// state, the events and the queued signature checks (not yet run).
pub(crate) fn apply_txs(state: &State, block: &Block) -> Result<(State, Vec<AuditEvent>, Vec<SigCheck>)> {
    let mut all = Vec::new();
    let (next, events) = apply_txs_streaming(state, block, &mut |checks| all.extend(checks))?;
    Ok((next, events, all))
}

/// How many signature checks are handed on at a time while a block is applied: about 0.2 ms
/// of work, far above the cost of handing it on, and small enough that the threads finish
/// within a batch of each other (32 left blocks of 100 transactions visibly unbalanced on two
/// threads; 4 measured a little better than 8 on blocks of 100).
const CHECKS_PER_BATCH: usize = 4;

/// [`apply_txs`], handing the queued signature checks to `ready` in batches as they are
/// gathered (so that they can run while the rest of the block is applied).
fn apply_txs_streaming(state: &State, block: &Block, ready: &mut dyn FnMut(Vec<SigCheck>)) -> Result<(State, Vec<AuditEvent>)> {
    let mut next = state.clone();
    let time = block.header.time;
    let prepared = prepare_all(&block.txs)?;
    // A council transaction may queue several checks past a batch's size.
    let batch = || Vec::with_capacity(2 * CHECKS_PER_BATCH);
    let mut checks = batch();
    let mut events = Vec::with_capacity(block.txs.len());
    for (index, (stx, prep)) in block.txs.iter().zip(&prepared).enumerate() {
        let cx = TxContext { height: block.header.height, block_time: time, index };
        let event = next
            .apply_tx(stx, prep, &cx, &mut checks)
            .map_err(|e| Error::new(e.code(), format!("transaction {index}: {}", e.detail())))?;
        events.push(event);
        if checks.len() >= CHECKS_PER_BATCH {
            ready(core::mem::replace(&mut checks, batch()));
        }
    }
    if !checks.is_empty() {
        ready(checks);
    }
    let leaves: Vec<_> = prepared.iter().map(|p| p.leaf).collect();
    if super::merkle::root_of_hashes(&leaves) != block.header.tx_root {
        return Err(Error::new(ErrorCode::BadSignature, "transaction root does not match the transactions"));
    }
    Ok((next, events))
}

/// Every transaction's canonical bytes, ids and leaf, in parallel where there are threads.
fn prepare_all(txs: &[super::tx::SignedTransaction]) -> Result<Vec<super::tx::PreparedTx>> {
    #[cfg(feature = "parallel")]
    let prepared: Vec<Result<super::tx::PreparedTx>> = {
        use rayon::prelude::*;
        txs.par_iter().map(super::tx::SignedTransaction::prepare).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let prepared: Vec<Result<super::tx::PreparedTx>> = txs.iter().map(super::tx::SignedTransaction::prepare).collect();
    prepared
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.map_err(|e| Error::new(e.code(), format!("transaction {i}: {}", e.detail()))))
        .collect()
}

/// Validate `block` against `state` and return the state after it. Nothing of `state` changes.
///
/// With the `parallel` feature the signature checks run on the pool's other threads while
/// this one applies the block: each batch of checks is handed on as soon as the transactions
/// that need it are applied. The outcome is as if everything ran in order on one thread: an
/// error of the header, the structure or a rule comes first, then the first failing signature
/// check in block order.
pub fn validate_and_apply(state: &State, block: &Block) -> Result<Applied> {
    #[cfg(feature = "parallel")]
    {
        let failures = std::sync::Mutex::new(Vec::<(usize, Error)>::new());
        let applied = rayon::in_place_scope(|scope| {
            let mut batch = 0usize;
            let failures = &failures;
            let mut ready = |checks: Vec<SigCheck>| {
                let seq = batch;
                batch += 1;
                scope.spawn(move |_| {
                    if let Err(e) = run_checks(&checks)
                        && let Ok(mut f) = failures.lock()
                    {
                        f.push((seq, e));
                    }
                });
            };
            check_and_apply_streaming(state, block, &mut ready)
        })?;
        let mut failures = failures.into_inner().map_err(|_| Error::new(ErrorCode::Internal, "signature check pool"))?;
        failures.sort_by_key(|(seq, _)| *seq);
        match failures.into_iter().next() {
            Some((_, e)) => Err(e),
            None => Ok(applied),
        }
    }
    #[cfg(not(feature = "parallel"))]
    {
        let (applied, checks) = check_and_apply(state, block)?;
        run_in_order(&checks)?;
        Ok(applied)
    }
}

/// Validate and apply a run of consecutive blocks: the same result as applying them one by
/// one, with every block's signature checks run together at the end (faster catch-up from a
/// log, on more cores). Nothing of `state` changes unless all are valid.
pub fn validate_and_apply_chain(state: &State, blocks: &[Block]) -> Result<Applied> {
    let mut current = Applied { state: state.clone(), events: Vec::new() };
    let mut checks = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let (next, block_checks) =
            check_and_apply(&current.state, block).map_err(|e| Error::new(e.code(), format!("block {i} of the run: {}", e.detail())))?;
        current.state = next.state;
        current.events.extend(next.events);
        checks.extend(block_checks);
    }
    run_checks(&checks)?;
    Ok(current)
}

/// The quorum certificate's structure (distinct current validators, more than two thirds),
/// checked against the validator set before the block; its signatures are returned to be run.
fn quorum_checks(state: &State, block: &Block) -> Result<Vec<SigCheck>> {
    let header_bytes = std::sync::Arc::new(block.header.canonical_bytes()?);
    let mut checks = Vec::with_capacity(block.qc.len() + block.txs.len());
    let mut seen = Vec::with_capacity(block.qc.len());
    for sig in &block.qc {
        let key = state
            .validators
            .iter()
            .find(|v| v.key_id() == sig.key_id)
            .ok_or_else(|| Error::new(ErrorCode::UnknownKey, "quorum signature by a key outside the validator set"))?;
        if seen.contains(&sig.key_id) {
            return Err(Error::new(ErrorCode::BadSignature, "a validator signed twice"));
        }
        seen.push(sig.key_id);
        checks.push(SigCheck { tx_index: usize::MAX, key: key.clone(), domain: Domain::BlockHeader, msg: header_bytes.clone(), sig: sig.clone() });
    }
    if seen.len() < quorum(state.validators.len()) {
        return Err(Error::new(ErrorCode::BadSignature, "quorum certificate short of two thirds of the validators"));
    }
    Ok(checks)
}

/// Every check but the signatures, which are returned to be run.
fn check_and_apply(state: &State, block: &Block) -> Result<(Applied, Vec<SigCheck>)> {
    let mut all = Vec::new();
    let applied = check_and_apply_streaming(state, block, &mut |checks| all.extend(checks))?;
    Ok((applied, all))
}

/// Every check but the signatures, which are handed to `ready` in order as they are gathered
/// (the quorum certificate's first).
fn check_and_apply_streaming(state: &State, block: &Block, ready: &mut dyn FnMut(Vec<SigCheck>)) -> Result<Applied> {
    let h = &block.header;
    block.check_shape()?;
    if h.chain != state.chain {
        return Err(Error::new(ErrorCode::InvalidValue, "block for another chain"));
    }
    if h.height != state.height.saturating_add(1) {
        return Err(Error::new(ErrorCode::InvalidValue, "block height does not follow the last block"));
    }
    if h.prev != state.last_hash {
        return Err(Error::new(ErrorCode::InvalidValue, "block does not link to the last block"));
    }
    if h.time < state.time {
        return Err(Error::new(ErrorCode::InvalidValue, "block time before the previous block's"));
    }
    if !state.validators.iter().any(|v| v.key_id() == h.proposer) {
        return Err(Error::new(ErrorCode::UnknownKey, "proposer is not a validator"));
    }

    ready(quorum_checks(state, block)?);
    let (mut next, events) = apply_txs_streaming(state, block, ready)?;
    if next.commitment.root() != h.state_root {
        return Err(Error::new(ErrorCode::BadSignature, "state root does not match the state after the block"));
    }
    next.height = h.height;
    next.time = h.time;
    next.last_hash = h.hash()?;
    Ok(Applied { state: next, events })
}

/// Apply a block's transactions to a copy of `state` without running any signature check or
/// header check. Only for measuring memory and for benchmarks that set the signature cost
/// aside; never for data from outside.
#[doc(hidden)]
pub fn apply_unverified_for_benchmarks(state: &State, block: &Block) -> Result<State> {
    let (mut next, _, _) = apply_txs(state, block)?;
    next.commitment.root();
    next.height = block.header.height;
    next.time = block.header.time;
    next.last_hash = block.header.hash()?;
    Ok(next)
}

/// The signature checks `block` needs against `state` (the quorum certificate's and every
/// transaction's), gathered but not run: a baseline for what validation costs beyond them.
#[doc(hidden)]
pub struct SignatureChecksForBenchmarks(Vec<SigCheck>);

impl SignatureChecksForBenchmarks {
    /// Gather the checks.
    pub fn gather(state: &State, block: &Block) -> Result<Self> {
        let mut all = quorum_checks(state, block)?;
        all.extend(apply_txs(state, block)?.2);
        Ok(Self(all))
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Run them as validation does (in parallel with the `parallel` feature).
    pub fn run(&self) -> Result<()> {
        run_checks(&self.0)
    }
}
