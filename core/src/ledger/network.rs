//! The embedded network: one or more validators in one process, which order submitted
//! transactions into blocks, sign them and apply them. It is the default for development,
//! tests, the CLI and hosts that want a local ledger; a production network runs the same
//! validation on a BFT consensus engine instead (DESIGN.md, "Distribution"). Time comes in
//! as an argument; persistence is the host's, through [`super::log`].

use super::block::{Block, BlockHeader, Genesis, BLOCK_VERSION, quorum};
use super::state::State;
use super::tx::SignedTransaction;
use super::validate::{Applied, apply_txs_checked, apply_unverified, validate_and_apply_in_place};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::signature::SigningKey;
use crate::time::Timestamp;

/// An in-process network.
pub struct EmbeddedNetwork {
    state: State,
    validators: Vec<SigningKey>,
    pending: Vec<SignedTransaction>,
}

impl core::fmt::Debug for EmbeddedNetwork {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "EmbeddedNetwork(height {}, {} pending)", self.state.height(), self.pending.len())
    }
}

impl EmbeddedNetwork {
    /// A network at genesis, run by `validators` (the secret keys of the genesis validator
    /// set, or at least a quorum of them).
    pub fn new(genesis: &Genesis, validators: Vec<SigningKey>) -> Result<Self> {
        let state = State::genesis(genesis)?;
        let known = validators.iter().filter(|k| state.validators().iter().any(|v| v.key_id() == k.key_id())).count();
        if known < quorum(state.validators().len()) || known != validators.len() {
            return Err(Error::new(ErrorCode::UnknownKey, "the embedded validators must be a quorum of the genesis validator set"));
        }
        Ok(Self { state, validators, pending: Vec::new() })
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The current state, mutably (for proofs, which update the commitment cache).
    pub fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    /// Queue a transaction for the next block, after checking that it would apply now (so a
    /// bad transaction is refused to its submitter rather than dropped silently later).
    pub fn submit(&mut self, tx: SignedTransaction, now: Timestamp) -> Result<Digest> {
        let mut trial = self.pending.clone();
        trial.push(tx.clone());
        let probe = self.unsigned_block(trial, now)?;
        apply_txs_checked(&self.state, &probe)?;
        let id = tx.id()?;
        self.pending.push(tx);
        Ok(id)
    }

    /// The number of transactions waiting for a block.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    fn unsigned_block(&self, txs: Vec<SignedTransaction>, now: Timestamp) -> Result<Block> {
        let proposer = self.validators.first().ok_or_else(|| Error::new(ErrorCode::UnknownKey, "no validator"))?;
        let header = BlockHeader {
            v: BLOCK_VERSION,
            chain: self.state.chain().to_owned(),
            height: self.state.height() + 1,
            time: now.max(self.state.time()),
            prev: self.state.last_hash(),
            tx_root: Block::tx_root(&txs)?,
            state_root: Digest([0; 32]),
            proposer: proposer.key_id(),
        };
        Ok(Block { header, txs, qc: Vec::new() })
    }

    /// Order the pending transactions into a block at `now`, sign it with every validator,
    /// validate and apply it. Returns the block (for the host to append to its log) and what
    /// applying it produced.
    pub fn produce_block(&mut self, now: Timestamp) -> Result<(Block, Vec<super::audit::AuditEvent>)> {
        let txs = core::mem::take(&mut self.pending);
        let mut block = self.unsigned_block(txs, now)?;
        let mut next = self.state.clone();
        apply_unverified(&mut next, &block)?;
        block.header.state_root = next.state_root();
        block.qc = self.validators.iter().map(|v| block.header.sign(v)).collect::<Result<_>>()?;
        let events = validate_and_apply_in_place(&mut self.state, &block)?;
        Ok((block, events))
    }

    /// Apply a run of blocks (read back from the log), checking their signatures together.
    pub fn apply_blocks(&mut self, blocks: &[Block]) -> Result<Vec<super::audit::AuditEvent>> {
        let Applied { state, events } = super::validate::validate_and_apply_chain(&self.state, blocks)?;
        self.state = state;
        Ok(events)
    }

    /// Apply a block made elsewhere (or read back from the log).
    pub fn apply_block(&mut self, block: &Block) -> Result<Vec<super::audit::AuditEvent>> {
        validate_and_apply_in_place(&mut self.state, block)
    }
}
