//! The embedded network: one or more validators in one process, which order submitted
//! transactions into blocks, sign them and apply them. It is the default for development,
//! tests, the CLI and hosts that want a local ledger; a production network runs the same
//! validation on a BFT consensus engine instead (DESIGN.md, "Distribution"). Time comes in
//! as an argument; persistence is the host's, through [`super::log`].
//!
//! Each submitted transaction is applied, its signatures checked, to the state the queue has
//! reached, and kept there: a submission costs one transaction's work, however long the
//! queue, and producing the block adds only its header, its quorum certificate and the check
//! of the one rule that depends on the block's time (each transaction's time window).

use super::audit::AuditEvent;
use super::block::{BLOCK_VERSION, Block, BlockHeader, Genesis, MAX_BLOCK_LEN, MAX_BLOCK_TXS, quorum};
use super::merkle::root_of_hashes;
use super::state::State;
use super::tx::SignedTransaction;
use super::validate::{Applied, apply_one_in_place, seal_proposed, validate_and_apply_in_place};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::signature::SigningKey;
use crate::time::Timestamp;

/// Room kept in a block's encoding for its header and quorum certificate: the queued
/// transactions' encodings fill the rest of [`MAX_BLOCK_LEN`], so that every block made can be
/// read back from the log.
const HEADER_AND_QC_ROOM: usize = 1 << 20;

/// An in-process network.
pub struct EmbeddedNetwork {
    state: State,
    validators: Vec<SigningKey>,
    queue: Queue,
}

/// The transactions waiting for the next block, with what applying them gave.
#[derive(Default)]
struct Queue {
    txs: Vec<SignedTransaction>,
    /// Each transaction's Merkle leaf and event, in order.
    leaves: Vec<Digest>,
    events: Vec<AuditEvent>,
    /// The room the transactions take in the block's encoding ([`room_in_block`], summed).
    encoded_len: usize,
    /// The network's state with the queue applied (every signature checked), or `None` after
    /// a block from elsewhere changed the state under it: it is then rebuilt when next needed.
    applied: Option<State>,
}

impl Queue {
    fn len(&self) -> usize {
        self.txs.len()
    }

    /// Take queued transaction `index` out (the queue is rebuilt without it when next needed)
    /// and say why, under the code of its failure.
    fn drop_failed(&mut self, index: usize, e: &Error) -> Error {
        if index < self.txs.len() {
            let tx = self.txs.remove(index);
            self.encoded_len = self.encoded_len.saturating_sub(room_in_block(&tx).unwrap_or(0));
        }
        self.leaves.clear();
        self.events.clear();
        self.applied = None;
        Error::new(e.code(), format!("queued transaction {index} no longer applies and was taken out of the queue: {}", e.detail()))
    }
}

/// The room `tx` takes in a block's encoding: its own, and the comma after it.
fn room_in_block(tx: &SignedTransaction) -> Result<usize> {
    Ok(tx.encode()?.len().saturating_add(1))
}

impl core::fmt::Debug for EmbeddedNetwork {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "EmbeddedNetwork(height {}, {} pending)", self.state.height(), self.queue.len())
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
        Ok(Self { state, validators, queue: Queue::default() })
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The current state, mutably (for proofs, which update the commitment cache).
    pub fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    /// The time of the next block made at `now`: never before the last block's.
    fn block_time(&self, now: Timestamp) -> Timestamp {
        now.max(self.state.time())
    }

    /// The state with the queue applied, rebuilt (every signature checked again) if a block
    /// from elsewhere changed the state since. A queued transaction that no longer applies is
    /// taken out of the queue, and the error says which.
    fn applied_queue(&mut self, time: Timestamp) -> Result<&mut State> {
        if self.queue.applied.is_none() {
            let mut applied = self.state.clone();
            let (mut leaves, mut events) = (Vec::with_capacity(self.queue.len()), Vec::with_capacity(self.queue.len()));
            for (index, stx) in self.queue.txs.iter().enumerate() {
                match apply_one_in_place(&mut applied, stx, time) {
                    Ok((event, prepared)) => {
                        leaves.push(prepared.leaf);
                        events.push(event);
                    }
                    Err(e) => return Err(self.queue.drop_failed(index, &e)),
                }
            }
            (self.queue.leaves, self.queue.events) = (leaves, events);
            self.queue.applied = Some(applied);
        }
        self.queue.applied.as_mut().ok_or_else(|| Error::new(ErrorCode::Internal, "queue not applied"))
    }

    /// Queue a transaction for the next block, after checking that it applies now after the
    /// ones queued before it, signatures included (so a bad transaction is refused to its
    /// submitter rather than dropped later). Refused with `TooLarge` when the next block is
    /// full ([`MAX_BLOCK_TXS`] transactions, or its encoding near [`MAX_BLOCK_LEN`]): produce
    /// it first. After a block from elsewhere, the queue is applied again first: a queued
    /// transaction that no longer applies is then taken out, and the error names it instead.
    pub fn submit(&mut self, tx: SignedTransaction, now: Timestamp) -> Result<Digest> {
        let time = self.block_time(now);
        let index = self.queue.len();
        let encoded_len = room_in_block(&tx)?;
        if index >= MAX_BLOCK_TXS || self.queue.encoded_len.saturating_add(encoded_len) > MAX_BLOCK_LEN - HEADER_AND_QC_ROOM {
            return Err(Error::new(ErrorCode::TooLarge, "the next block is full: produce it before submitting more"));
        }
        let (event, prepared) = apply_one_in_place(self.applied_queue(time)?, &tx, time)?;
        self.queue.txs.push(tx);
        self.queue.leaves.push(prepared.leaf);
        self.queue.events.push(event);
        self.queue.encoded_len += encoded_len;
        Ok(prepared.id)
    }

    /// The number of transactions waiting for a block.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Order the queued transactions into a block at `now`, sign it with every validator and
    /// apply it. Returns the block (for the host to append to its log) and what applying it
    /// produced.
    ///
    /// The block passes every check a node makes of it: its transactions were applied with
    /// their signature checks as they were queued, each one's time window is checked again at
    /// the block's time, and the header and quorum certificate are checked as any node checks
    /// them. If a queued transaction no longer applies (it fell out of the replay window, its
    /// time is past the block's by more than the allowed skew because `now` went back, or a
    /// block from elsewhere changed what it needs), no block is made: that transaction is
    /// taken out of the queue, the error names it, and the rest stay queued. Any other error
    /// leaves the queue as it was.
    pub fn produce_block(&mut self, now: Timestamp) -> Result<(Block, Vec<AuditEvent>)> {
        let time = self.block_time(now);
        self.applied_queue(time)?;
        let late = self.queue.txs.iter().enumerate().find_map(|(i, stx)| self.state.within_window(stx.tx.time, time).err().map(|e| (i, e)));
        if let Some((index, e)) = late {
            return Err(self.queue.drop_failed(index, &e));
        }
        let proposer = self.validators.first().ok_or_else(|| Error::new(ErrorCode::UnknownKey, "no validator"))?;
        let mut applied = self.queue.applied.take().ok_or_else(|| Error::new(ErrorCode::Internal, "queue not applied"))?;
        let header = BlockHeader {
            v: BLOCK_VERSION,
            chain: self.state.chain().to_owned(),
            height: self.state.height() + 1,
            time,
            prev: self.state.last_hash(),
            tx_root: root_of_hashes(&self.queue.leaves),
            state_root: applied.state_root(),
            proposer: proposer.key_id(),
        };
        let mut block = Block { header, txs: core::mem::take(&mut self.queue.txs), qc: Vec::new() };
        let sealed = self
            .validators
            .iter()
            .map(|v| block.header.sign(v))
            .collect::<Result<Vec<_>>>()
            .and_then(|qc| {
                block.qc = qc;
                seal_proposed(&self.state, &mut applied, &block)
            });
        if let Err(e) = sealed {
            self.queue.txs = block.txs;
            self.queue.applied = Some(applied);
            return Err(e);
        }
        self.state = applied;
        let events = core::mem::take(&mut self.queue.events);
        self.queue = Queue::default();
        Ok((block, events))
    }

    /// Apply a run of blocks (read back from the log), checking their signatures together.
    pub fn apply_blocks(&mut self, blocks: &[Block]) -> Result<Vec<AuditEvent>> {
        let Applied { state, events } = super::validate::validate_and_apply_chain(&self.state, blocks)?;
        self.state = state;
        self.queue.applied = None;
        Ok(events)
    }

    /// Apply a block made elsewhere (or read back from the log).
    pub fn apply_block(&mut self, block: &Block) -> Result<Vec<AuditEvent>> {
        let events = validate_and_apply_in_place(&mut self.state, block)?;
        self.queue.applied = None;
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ids::OrgId;
    use crate::ledger::tx::{PublicKeyBytes, TX_VERSION, Transaction, TxBody};
    use crate::ledger::{GenesisMember, NetworkPolicy};
    use crate::wrap::EncryptionSecretKey;

    fn network() -> (EmbeddedNetwork, SigningKey) {
        let sign = SigningKey::from_secret(&[1; 32]).unwrap();
        let enc = EncryptionSecretKey::from_secret(&[7; 32]).unwrap().public_key().to_sec1();
        let org = OrgId::new("org-a").unwrap();
        let genesis = Genesis {
            chain: "net".into(),
            time: Timestamp(1_000),
            members: vec![GenesisMember { org: org.clone(), name: "A".into(), signing_key: PublicKeyBytes(sign.verifying_key().to_sec1()), encryption_key: PublicKeyBytes(enc) }],
            council: vec![org],
            validators: vec![PublicKeyBytes(sign.verifying_key().to_sec1())],
            policy: NetworkPolicy::default(),
        };
        (EmbeddedNetwork::new(&genesis, vec![SigningKey::from_secret(&[1; 32]).unwrap()]).unwrap(), sign)
    }

    fn enrol(sign: &SigningKey, n: u8) -> SignedTransaction {
        let body = TxBody::EnrolPatient {
            by: OrgId::new("org-a").unwrap(),
            patient: crate::pseudonym::Pseudonym([n; 32]),
            signing_key: PublicKeyBytes(sign.verifying_key().to_sec1()),
            encryption_key: PublicKeyBytes(EncryptionSecretKey::from_secret(&[n; 32]).unwrap().public_key().to_sec1()),
        };
        Transaction { v: TX_VERSION, chain: "net".into(), time: Timestamp(2_000), nonce: [n; 16], body }.sign(&[sign]).unwrap()
    }

    /// A full next block refuses more, by count or by encoded size, and keeps what it holds;
    /// a block at the limits reads back from the log.
    #[test]
    fn a_full_block_refuses_more_and_keeps_what_it_holds() {
        let (mut net, sign) = network();
        net.submit(enrol(&sign, 1), Timestamp(2_000)).unwrap();
        let one = net.queue.encoded_len;
        // As if the queue held a block's worth of bytes less than one more transaction.
        net.queue.encoded_len = MAX_BLOCK_LEN - HEADER_AND_QC_ROOM - one + 1;
        let e = net.submit(enrol(&sign, 2), Timestamp(2_000)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooLarge);
        net.queue.encoded_len -= 1;
        net.submit(enrol(&sign, 2), Timestamp(2_000)).unwrap();
        // As if it held the most transactions a block may.
        let held = net.queue.txs.clone();
        net.queue.txs.resize(MAX_BLOCK_TXS, held[0].clone());
        assert_eq!(net.submit(enrol(&sign, 3), Timestamp(2_000)).unwrap_err().code(), ErrorCode::TooLarge);
        net.queue.txs = held;
        let (block, events) = net.produce_block(Timestamp(2_100)).unwrap();
        assert_eq!((block.txs.len(), events.len()), (2, 2));
        // The room kept for the header and certificate is far more than they take.
        assert!(block.encode().unwrap().len() - (one * 2) < HEADER_AND_QC_ROOM / 100);
    }

    /// A transaction taken out of the queue gives back exactly the room it took.
    #[test]
    fn a_dropped_transaction_gives_back_its_room() {
        let (mut net, sign) = network();
        net.submit(enrol(&sign, 1), Timestamp(2_000)).unwrap();
        let one = net.queue.encoded_len;
        net.submit(enrol(&sign, 2), Timestamp(2_000)).unwrap();
        let e = net.queue.drop_failed(0, &Error::new(ErrorCode::InvalidValue, "test"));
        assert!(e.detail().starts_with("queued transaction 0 no longer applies"));
        assert_eq!((net.pending(), net.queue.encoded_len), (1, one));
    }
}
