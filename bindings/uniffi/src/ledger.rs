//! The ledger: its state and queries, proofs, transactions and the embedded network. Every
//! query answers JSON shaped by `fhirbus::host`.

use core::fmt;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use fhirbus::host;
use fhirbus::ledger::{self, Block, Genesis, SignedTransaction, State, validate_and_apply_in_place_then};
use fhirbus::pseudonym::Pseudonym;
use fhirbus::signature;
use fhirbus::{Digest, Error, ErrorCode, OrgId};

use crate::convert;
use crate::error::Result;
use crate::signing::SigningKey;

fn poisoned() -> crate::FhirbusError {
    // Poisoned only if a call panicked while holding the lock, which the lints rule out.
    Error::new(ErrorCode::Internal, "ledger lock poisoned").into()
}

/// A ledger state (`fhirbus::ledger::State`): a validator's or a light host's copy of the
/// ledger, changed only by applying valid blocks. Safe to share between threads.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct LedgerState(RwLock<State>);

impl fmt::Debug for LedgerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.read() {
            Ok(s) => write!(f, "LedgerState({}, height {})", s.chain(), s.height()),
            Err(_) => f.write_str("LedgerState(poisoned)"),
        }
    }
}

impl LedgerState {
    pub(crate) fn read(&self) -> Result<RwLockReadGuard<'_, State>> {
        self.0.read().map_err(|_| poisoned())
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, State>> {
        self.0.write().map_err(|_| poisoned())
    }
}

#[uniffi::export]
impl LedgerState {
    /// The state at genesis, from the genesis document (JSON).
    #[uniffi::constructor]
    pub fn from_genesis(genesis: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(RwLock::new(State::genesis(
            &Genesis::decode(&genesis)?,
        )?))))
    }

    /// Validate the next block (its bytes) and apply it; returns the events it produced as
    /// JSON. On any failure the state is unchanged.
    pub fn apply_block(&self, block: Vec<u8>) -> Result<Vec<u8>> {
        let block = Block::decode(&block)?;
        let mut state = self.write()?;
        Ok(validate_and_apply_in_place_then(&mut state, &block, |events| host::events_json(&events))?)
    }

    /// The number of blocks applied.
    pub fn height(&self) -> Result<u64> {
        Ok(self.read()?.height())
    }

    /// The state commitment root, 32 bytes.
    pub fn state_root(&self) -> Result<Vec<u8>> {
        Ok(self.write()?.state_root().0.to_vec())
    }

    /// The hash of the last block (of the genesis document at height 0), 32 bytes.
    pub fn last_hash(&self) -> Result<Vec<u8>> {
        Ok(self.read()?.last_hash().0.to_vec())
    }

    /// The chain id.
    pub fn chain(&self) -> Result<String> {
        Ok(self.read()?.chain().to_owned())
    }

    /// Every record entry of a patient (32-byte pseudonym), as JSON.
    pub fn records(&self, patient: Vec<u8>) -> Result<Vec<u8>> {
        Ok(host::records_json(
            &*self.read()?,
            &Pseudonym::from_slice(&patient)?,
        )?)
    }

    /// The current entries `requester` may open for `purpose` at `now_ms`, each with its
    /// decision, as JSON.
    pub fn visible_records(
        &self,
        requester: String,
        patient: Vec<u8>,
        purpose: String,
        now_ms: u64,
    ) -> Result<Vec<u8>> {
        let patient = Pseudonym::from_slice(&patient)?;
        Ok(host::visible_records_json(
            &*self.read()?,
            &requester,
            &patient,
            &purpose,
            convert::time(now_ms),
        )?)
    }

    /// A patient's consents, as a JSON array of their canonical encodings.
    pub fn consents(&self, patient: Vec<u8>) -> Result<Vec<u8>> {
        Ok(host::consents_json(
            &*self.read()?,
            &Pseudonym::from_slice(&patient)?,
        )?)
    }

    /// A patient's audit trail, as JSON events.
    pub fn audit(&self, patient: Vec<u8>) -> Result<Vec<u8>> {
        Ok(host::audit_json(
            &*self.read()?,
            &Pseudonym::from_slice(&patient)?,
        )?)
    }

    /// A patient's audit trail as a FHIR R4 Bundle of AuditEvents (JSON).
    pub fn audit_fhir(&self, patient: Vec<u8>) -> Result<Vec<u8>> {
        Ok(host::audit_fhir_json(
            &*self.read()?,
            &Pseudonym::from_slice(&patient)?,
        )?)
    }

    /// An organisation's own actions, as JSON events.
    pub fn org_actions(&self, org: String) -> Result<Vec<u8>> {
        Ok(host::org_actions_json(&*self.read()?, &org)?)
    }

    /// A member's view as JSON (`null` when unknown).
    pub fn member(&self, org: String) -> Result<Vec<u8>> {
        Ok(host::member_json(&*self.read()?, &org)?)
    }

    /// An active member's primary key of `purpose` (`signing` or `encryption`), SEC1 65
    /// bytes: the key a `share_data_key` transaction wraps the data key to.
    pub fn member_primary_key(&self, org: String, purpose: String) -> Result<Vec<u8>> {
        Ok(host::member_primary_key(&*self.read()?, &org, &purpose)?.to_vec())
    }

    /// The current data key epoch of `custodian` for `patient` (32 bytes): the epoch a new
    /// record entry is sealed under (1 until the custodian rotates).
    pub fn data_key_epoch(&self, patient: Vec<u8>, custodian: String) -> Result<u32> {
        let patient = Pseudonym::from_slice(&patient)?;
        Ok(self.read()?.epoch(&patient, &OrgId::new(&custodian)?))
    }

    /// A proof for an item against the current state root: `kind` is `record`, `member`,
    /// `patient` or `consent`; returns `{"root","value"?,"proof"}` as JSON. An entry never
    /// registered has no proof (`INVALID_VALUE`); any other item absent has one.
    pub fn prove(&self, kind: String, id: String) -> Result<Vec<u8>> {
        Ok(host::prove_json(&mut *self.write()?, &kind, &id)?)
    }
}

/// A light client's check: `proof` (JSON) shows that the item with value hash `value` (32
/// bytes, computed from the answer given) is under the trusted state `root` (32 bytes). A null
/// value is refused (`INVALID_VALUE`): an absence is checked by `verify_absence`.
#[uniffi::export]
pub fn verify_proof(root: Vec<u8>, proof: Vec<u8>, value: Option<Vec<u8>>) -> Result<()> {
    let value = value.as_deref().map(Digest::from_slice).transpose()?;
    Ok(host::verify_proof(
        &Digest::from_slice(&root)?,
        &proof,
        value.as_ref(),
    )?)
}

/// A light client's check: `proof` (JSON) shows the item `kind` / `id` (as for `prove`:
/// `member`, `patient` or `consent`) absent under the trusted state `root` (32 bytes):
/// `BAD_SIGNATURE` when it does not, as when the proof is about another item.
#[uniffi::export]
pub fn verify_absence(root: Vec<u8>, kind: String, id: String, proof: Vec<u8>) -> Result<()> {
    Ok(host::verify_absence(&Digest::from_slice(&root)?, &kind, &id, &proof)?)
}

/// Sign an unsigned transaction (its JSON) with each key in order; returns the signed
/// transaction's canonical bytes.
#[uniffi::export]
pub fn transaction_sign(tx: Vec<u8>, keys: Vec<Arc<SigningKey>>) -> Result<Vec<u8>> {
    let keys: Vec<&signature::SigningKey> = keys.iter().map(|k| &k.0).collect();
    Ok(host::sign_transaction(&tx, &keys)?)
}

/// The registration transaction of a signed record entry (its encoded bytes) on `chain`.
#[uniffi::export]
pub fn transaction_register_record(chain: String, entry: Vec<u8>) -> Result<Vec<u8>> {
    Ok(host::register_record_transaction(&chain, &entry)?)
}

/// An in-process network (`fhirbus::ledger::EmbeddedNetwork`): validators in this process
/// that order submitted transactions into blocks. Safe to share between threads.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct EmbeddedNetwork(Mutex<ledger::EmbeddedNetwork>);

impl fmt::Debug for EmbeddedNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.lock() {
            Ok(net) => net.fmt(f),
            Err(_) => f.write_str("EmbeddedNetwork(poisoned)"),
        }
    }
}

impl EmbeddedNetwork {
    fn lock(&self) -> Result<MutexGuard<'_, ledger::EmbeddedNetwork>> {
        self.0.lock().map_err(|_| poisoned())
    }
}

#[uniffi::export]
impl EmbeddedNetwork {
    /// A network at genesis (the genesis document, JSON), run by `validators` (a quorum of the
    /// genesis validator set's secret keys).
    #[uniffi::constructor]
    pub fn new(genesis: Vec<u8>, validators: Vec<Arc<SigningKey>>) -> Result<Arc<Self>> {
        let keys: Vec<&signature::SigningKey> = validators.iter().map(|k| &k.0).collect();
        Ok(Arc::new(Self(Mutex::new(host::embedded_network(
            &genesis, &keys,
        )?))))
    }

    /// Queue a signed transaction (its bytes) for the next block, after checking it would
    /// apply at `now_ms`; returns its 32-byte id.
    pub fn submit(&self, tx: Vec<u8>, now_ms: u64) -> Result<Vec<u8>> {
        let tx = SignedTransaction::decode(&tx)?;
        Ok(self.lock()?.submit(tx, convert::time(now_ms))?.0.to_vec())
    }

    /// Order the queued transactions into a block at `now_ms`, sign and apply it; returns the
    /// block's bytes (for other hosts' `LedgerState.apply_block`).
    pub fn produce_block(&self, now_ms: u64) -> Result<Vec<u8>> {
        let (block, _events) = self.lock()?.produce_block(convert::time(now_ms))?;
        Ok(block.encode()?)
    }

    /// A snapshot of the current state.
    pub fn state(&self) -> Result<Arc<LedgerState>> {
        Ok(Arc::new(LedgerState(RwLock::new(
            self.lock()?.state().clone(),
        ))))
    }
}
