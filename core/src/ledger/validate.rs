//! Block validation and application. A block is checked in three layers, and any failure
//! leaves the state untouched: [`validate_and_apply`] applies the block to a copy that is
//! dropped, [`validate_and_apply_in_place`] undoes what it applied.
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
use super::block::{Block, BlockHeader, quorum};
use super::state::{Checkpoint, State};
use super::tx::{PreparedTx, SignedTransaction};
use crate::error::{Error, ErrorCode, Result};
use crate::signature::{Domain, Signature, VerifyingKey};
use crate::time::Timestamp;

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

/// What validation derives from a block alone, before any check that needs the state: the
/// header's signed bytes and each transaction's prepared values. The signature checks borrow
/// their messages from it, so it outlives them.
pub(crate) struct PreparedBlock {
    header_bytes: Vec<u8>,
    txs: Vec<PreparedTx>,
}

impl PreparedBlock {
    fn new(block: &Block) -> Result<Self> {
        Ok(Self { header_bytes: block.header.canonical_bytes()?, txs: prepare_all(&block.txs)? })
    }
}

/// Apply `stx` to `state` as the next transaction of the block after the state's last, at
/// `time`, and run its signature checks in order: the state is rolled back unless all pass.
/// For the embedded network, which applies each transaction as it is queued; returns its
/// event and prepared values. Its errors name no position: the transaction is the caller's
/// own, wherever it sits in the queue (its checks run here, so their index is never read).
pub(crate) fn apply_one_in_place(state: &mut State, stx: &SignedTransaction, time: Timestamp) -> Result<(AuditEvent, PreparedTx)> {
    in_place(state, |next| {
        let prepared = stx.prepare()?;
        let cx = TxContext { height: next.height.saturating_add(1), block_time: time, index: 0 };
        let mut checks = Vec::new();
        let event = next.apply_tx(stx, &prepared, &cx, &mut checks)?;
        checks.iter().try_for_each(SigCheck::run)?;
        Ok((event, prepared))
    })
}

/// Make `block` the last block of `after`, the state its transactions lead to from `before`,
/// as they were applied (with their checks) by [`apply_one_in_place`]: the checks of the
/// header and the quorum certificate against `before`, as any node runs them, and the state
/// root. For the embedded network, which proposes the block; nothing changes on an error.
pub(crate) fn seal_proposed(before: &State, after: &mut State, block: &Block) -> Result<()> {
    let quorum = check_header_and_quorum(before, block)?;
    let header = block.header.canonical_bytes()?;
    run_checks(&quorum_checks(block, &header, quorum))?;
    if after.state_root() != block.header.state_root {
        return Err(Error::new(ErrorCode::Internal, "state root of the proposed block does not match its state"));
    }
    advance(after, &block.header)
}

/// How many signature checks are handed on at a time while a block is applied: about 0.2 ms
/// of work, far above the cost of handing it on, and small enough that the threads finish
/// within a batch of each other (32 left blocks of 100 transactions visibly unbalanced on two
/// threads; 4 measured a little better than 8 on blocks of 100).
const CHECKS_PER_BATCH: usize = 4;

/// Apply the block's transactions to `next`, handing the queued signature checks to `ready`
/// in batches as they are gathered (so that they can run while the rest of the block is
/// applied). On an error `next` is part-way: the caller drops it or rolls it back.
fn apply_txs_streaming<'a>(next: &mut State, block: &'a Block, prepared: &'a [PreparedTx], ready: &mut dyn FnMut(Vec<SigCheck<'a>>)) -> Result<Vec<AuditEvent>> {
    let time = block.header.time;
    // A council transaction may queue several checks past a batch's size.
    let batch = || Vec::with_capacity(2 * CHECKS_PER_BATCH);
    let mut checks = batch();
    let mut events = Vec::with_capacity(block.txs.len());
    for (index, (stx, prep)) in block.txs.iter().zip(prepared).enumerate() {
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
    Ok(events)
}

/// Every transaction's canonical bytes, ids and leaf, in parallel where there are threads.
fn prepare_all(txs: &[SignedTransaction]) -> Result<Vec<PreparedTx>> {
    #[cfg(feature = "parallel")]
    let prepared: Vec<Result<PreparedTx>> = {
        use rayon::prelude::*;
        txs.par_iter().map(SignedTransaction::prepare).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let prepared: Vec<Result<PreparedTx>> = txs.iter().map(SignedTransaction::prepare).collect();
    prepared
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.map_err(|e| Error::new(e.code(), format!("transaction {i}: {}", e.detail()))))
        .collect()
}

/// Validate `block` against `state` and return the state after it. Nothing of `state` changes.
pub fn validate_and_apply(state: &State, block: &Block) -> Result<Applied> {
    let mut next = state.clone();
    let events = validate_into(&mut next, block)?;
    Ok(Applied { state: next, events })
}

/// Validate `block` against `state` and apply it there, for a host that keeps one current
/// state: the same checks and the same result as [`validate_and_apply`], without copying the
/// parts of the state the block changes (or freeing the old ones). If the block is invalid,
/// or a panic unwinds through here, the state is put back as it was.
pub fn validate_and_apply_in_place(state: &mut State, block: &Block) -> Result<Vec<AuditEvent>> {
    validate_and_apply_in_place_then(state, block, Ok)
}

/// [`validate_and_apply_in_place`], with `then` given the block's events before the block is
/// kept: if it fails, the block is rolled back as well. For a layer that must turn the events
/// into its own form and, when that fails, report the failure with the state unchanged.
pub fn validate_and_apply_in_place_then<T, E: From<Error>>(
    state: &mut State,
    block: &Block,
    then: impl FnOnce(Vec<AuditEvent>) -> core::result::Result<T, E>,
) -> core::result::Result<T, E> {
    in_place(state, |next| then(validate_into(next, block)?))
}

/// Run `apply` on `state` from a checkpoint: kept if it succeeds, rolled back if it fails or
/// panics.
fn in_place<T, E>(state: &mut State, apply: impl FnOnce(&mut State) -> core::result::Result<T, E>) -> core::result::Result<T, E> {
    let checkpoint = state.checkpoint();
    let undo = RollBackUnlessKept { state, checkpoint: Some(checkpoint) };
    let result = apply(undo.state)?;
    undo.keep();
    Ok(result)
}

/// Rolls the state back to the checkpoint when dropped, unless the block was kept.
struct RollBackUnlessKept<'a> {
    state: &'a mut State,
    checkpoint: Option<Checkpoint>,
}

impl RollBackUnlessKept<'_> {
    fn keep(mut self) {
        self.checkpoint = None;
        self.state.end_undo();
    }
}

impl Drop for RollBackUnlessKept<'_> {
    fn drop(&mut self) {
        if let Some(checkpoint) = self.checkpoint.take() {
            self.state.roll_back(checkpoint);
        }
    }
}

/// Validate `block` against `next` and apply it there; on an error `next` is part-way.
///
/// With the `parallel` feature the signature checks run on the pool's other threads while
/// this one applies the block: each batch of checks is handed on as soon as the transactions
/// that need it are applied. The outcome is as if everything ran in order on one thread: an
/// error of the header, the structure or a rule comes first, then the first failing signature
/// check in block order.
fn validate_into(next: &mut State, block: &Block) -> Result<Vec<AuditEvent>> {
    let quorum = check_header_and_quorum(next, block)?;
    let prepared = PreparedBlock::new(block)?;
    apply_and_run_checks(next, block, &prepared, quorum)
}

/// [`apply_prepared`], running the signature checks as they are handed on (on the pool's
/// other threads with the `parallel` feature, at the end without it).
fn apply_and_run_checks<'a>(next: &mut State, block: &'a Block, prepared: &'a PreparedBlock, quorum: Vec<VerifyingKey>) -> Result<Vec<AuditEvent>> {
    #[cfg(feature = "parallel")]
    {
        let failures = std::sync::Mutex::new(Vec::<(usize, Error)>::new());
        let events = rayon::in_place_scope(|scope| {
            let mut batch = 0usize;
            let failures = &failures;
            let mut ready = |checks: Vec<SigCheck<'a>>| {
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
            apply_prepared(next, block, prepared, quorum, &mut ready)
        })?;
        let mut failures = failures.into_inner().map_err(|_| Error::new(ErrorCode::Internal, "signature check pool"))?;
        failures.sort_by_key(|(seq, _)| *seq);
        match failures.into_iter().next() {
            Some((_, e)) => Err(e),
            None => Ok(events),
        }
    }
    #[cfg(not(feature = "parallel"))]
    {
        let mut checks = Vec::new();
        let events = apply_prepared(next, block, prepared, quorum, &mut |batch| checks.extend(batch))?;
        run_in_order(&checks)?;
        Ok(events)
    }
}

/// Validate and apply a run of consecutive blocks: the same result as applying them one by
/// one, with every block's signature checks run together at the end (faster catch-up from a
/// log, on more cores). Nothing of `state` changes unless all are valid.
pub fn validate_and_apply_chain(state: &State, blocks: &[Block]) -> Result<Applied> {
    let in_run = |i: usize, e: &Error| Error::new(e.code(), format!("block {i} of the run: {}", e.detail()));
    // What each block gives alone is derived first, as the checks borrow it until they run at
    // the end; a block's error there is reported in its turn, so errors still come in order.
    let prepared: Vec<Result<PreparedBlock>> = blocks.iter().map(PreparedBlock::new).collect();
    let mut next = state.clone();
    let mut events = Vec::new();
    let mut checks = Vec::new();
    for (i, (block, prepared)) in blocks.iter().zip(&prepared).enumerate() {
        let quorum = check_header_and_quorum(&next, block).map_err(|e| in_run(i, &e))?;
        let prepared = prepared.as_ref().map_err(|e| in_run(i, e))?;
        let block_events = apply_prepared(&mut next, block, prepared, quorum, &mut |batch| checks.extend(batch)).map_err(|e| in_run(i, &e))?;
        events.extend(block_events);
    }
    run_checks(&checks)?;
    Ok(Applied { state: next, events })
}

/// The header against the state before the block (chain, height, link, time, proposer) and
/// the quorum certificate's structure (distinct current validators, more than two thirds):
/// every check of the block before its transactions but the signatures. Returns the key of
/// each quorum signature, in order.
fn check_header_and_quorum(state: &State, block: &Block) -> Result<Vec<VerifyingKey>> {
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
    let mut keys = Vec::with_capacity(block.qc.len());
    for sig in &block.qc {
        let key = state
            .validators
            .iter()
            .find(|v| v.key_id() == sig.key_id)
            .ok_or_else(|| Error::new(ErrorCode::UnknownKey, "quorum signature by a key outside the validator set"))?;
        if keys.iter().any(|k: &VerifyingKey| k.key_id() == sig.key_id) {
            return Err(Error::new(ErrorCode::BadSignature, "a validator signed twice"));
        }
        keys.push(key.clone());
    }
    if keys.len() < quorum(state.validators.len()) {
        return Err(Error::new(ErrorCode::BadSignature, "quorum certificate short of two thirds of the validators"));
    }
    Ok(keys)
}

/// The quorum certificate's signature checks, against the keys `quorum` gives in order.
fn quorum_checks<'a>(block: &'a Block, header: &'a [u8], quorum: Vec<VerifyingKey>) -> Vec<SigCheck<'a>> {
    block.qc.iter().zip(quorum).map(|(sig, key)| SigCheck { tx_index: usize::MAX, key, domain: Domain::BlockHeader, msg: header, sig }).collect()
}

/// The rest of the block's checks, after [`check_header_and_quorum`], applying it to `next`:
/// the signature checks go to `ready` in order as they are gathered (the quorum
/// certificate's first).
fn apply_prepared<'a>(
    next: &mut State,
    block: &'a Block,
    prepared: &'a PreparedBlock,
    quorum: Vec<VerifyingKey>,
    ready: &mut dyn FnMut(Vec<SigCheck<'a>>),
) -> Result<Vec<AuditEvent>> {
    ready(quorum_checks(block, &prepared.header_bytes, quorum));
    let events = apply_txs_streaming(next, block, &prepared.txs, ready)?;
    if next.state_root() != block.header.state_root {
        return Err(Error::new(ErrorCode::BadSignature, "state root does not match the state after the block"));
    }
    advance(next, &block.header)?;
    Ok(events)
}

/// Make `header` the state's last block.
fn advance(state: &mut State, header: &BlockHeader) -> Result<()> {
    state.height = header.height;
    state.time = header.time;
    state.last_hash = header.hash()?;
    Ok(())
}

/// Apply a block's transactions without any signature or header check, and advance to it.
fn apply_unverified(next: &mut State, block: &Block) -> Result<()> {
    let prepared = prepare_all(&block.txs)?;
    apply_txs_streaming(next, block, &prepared, &mut drop)?;
    next.state_root();
    advance(next, &block.header)
}

/// Apply a block's transactions to a copy of `state` without running any signature check or
/// header check. Only for measuring memory and for benchmarks that set the signature cost
/// aside; never for data from outside.
#[doc(hidden)]
pub fn apply_unverified_for_benchmarks(state: &State, block: &Block) -> Result<State> {
    let mut next = state.clone();
    apply_unverified(&mut next, block)?;
    Ok(next)
}

/// [`apply_unverified_for_benchmarks`] in place, as [`validate_and_apply_in_place`] applies
/// (checkpoint included). Only for benchmarks; never for data from outside.
#[doc(hidden)]
pub fn apply_unverified_in_place_for_benchmarks(state: &mut State, block: &Block) -> Result<()> {
    in_place(state, |next| apply_unverified(next, block))
}

/// The signature checks `block` needs against `state` (the quorum certificate's and every
/// transaction's), gathered but not run: a baseline for what validation costs beyond them.
/// They own their messages and signatures; [`SignatureChecksForBenchmarks::checks`] lends
/// them out as validation's checks borrow them from the block.
#[doc(hidden)]
pub struct SignatureChecksForBenchmarks(Vec<OwnedCheck>);

struct OwnedCheck {
    tx_index: usize,
    key: VerifyingKey,
    domain: Domain,
    msg: Vec<u8>,
    sig: Signature,
}

impl SignatureChecksForBenchmarks {
    /// Gather the checks.
    pub fn gather(state: &State, block: &Block) -> Result<Self> {
        let quorum = check_header_and_quorum(state, block)?;
        let prepared = PreparedBlock::new(block)?;
        let mut all = Vec::new();
        let mut next = state.clone();
        apply_prepared(&mut next, block, &prepared, quorum, &mut |batch| all.extend(batch))?;
        let owned = all.into_iter().map(|c| OwnedCheck { tx_index: c.tx_index, key: c.key, domain: c.domain, msg: c.msg.to_vec(), sig: c.sig.clone() });
        Ok(Self(owned.collect()))
    }

    /// The checks, ready to run.
    pub fn checks(&self) -> ReadyChecksForBenchmarks<'_> {
        let checks = self.0.iter().map(|c| SigCheck { tx_index: c.tx_index, key: c.key.clone(), domain: c.domain, msg: &c.msg, sig: &c.sig });
        ReadyChecksForBenchmarks(checks.collect())
    }
}

/// [`SignatureChecksForBenchmarks`], ready to run.
#[doc(hidden)]
pub struct ReadyChecksForBenchmarks<'a>(Vec<SigCheck<'a>>);

impl ReadyChecksForBenchmarks<'_> {
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
