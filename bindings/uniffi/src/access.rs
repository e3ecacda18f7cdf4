//! The access flow: request, pointer opening, fetched-resource check, custodian release.

use std::sync::Arc;

use fhirbus::ledger::SignedTransaction;
use fhirbus::{Digest, OrgId, access, host};

use crate::convert;
use crate::error::Result;
use crate::ledger::LedgerState;
use crate::signing::SigningKey;
use crate::wrap::EncryptionKey;

/// A signed access request and the decision the ledger's state gives it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessRequest {
    /// The signed request transaction's bytes, to submit whatever the decision.
    pub tx: Vec<u8>,
    /// The decision as JSON (`fhirbus::host` module docs).
    pub decision: Vec<u8>,
}

/// Requester: the signed access request of `requester` for the entry `entry` (32-byte id)
/// for `purpose` (a v3 ActReason code) at `now_ms`, with the decision the state gives it.
#[uniffi::export]
pub fn request_access(
    state: Arc<LedgerState>,
    requester: String,
    signing_key: Arc<SigningKey>,
    entry: Vec<u8>,
    purpose: String,
    now_ms: u64,
) -> Result<AccessRequest> {
    let requester = OrgId::new(&requester)?;
    let purpose = host::purpose(&purpose)?;
    let entry = Digest::from_slice(&entry)?;
    let nonce = convert::random_array::<16>()?;
    let (tx, decision) = access::request_access(
        &*state.read()?,
        &requester,
        &signing_key.0,
        &entry,
        purpose,
        convert::time(now_ms),
        nonce,
    )?;
    Ok(AccessRequest {
        tx: tx.encode()?,
        decision: host::decision_json(&decision)?,
    })
}

/// Requester: open the pointer of `entry` with the data key its custodian shared to
/// `requester` (unwrapped with `encryption_key`).
#[uniffi::export]
pub fn open_pointer(
    state: Arc<LedgerState>,
    requester: String,
    encryption_key: Arc<EncryptionKey>,
    entry: Vec<u8>,
) -> Result<String> {
    let requester = OrgId::new(&requester)?;
    let entry = Digest::from_slice(&entry)?;
    Ok(access::open_pointer(
        &*state.read()?,
        &requester,
        &encryption_key.0,
        &entry,
    )?)
}

/// Requester: check a fetched FHIR resource (JSON bytes) against the entry's type and digest.
#[uniffi::export]
pub fn check_fetched(state: Arc<LedgerState>, entry: Vec<u8>, resource: Vec<u8>) -> Result<()> {
    Ok(access::check_fetched(
        &*state.read()?,
        &Digest::from_slice(&entry)?,
        &resource,
    )?)
}

/// Custodian: release decision for a request transaction (its bytes) the ledger holds, at
/// `now_ms`; returns the release as JSON.
#[uniffi::export]
pub fn custodian_release(
    state: Arc<LedgerState>,
    custodian: String,
    request: Vec<u8>,
    now_ms: u64,
) -> Result<Vec<u8>> {
    let custodian = OrgId::new(&custodian)?;
    let request = SignedTransaction::decode(&request)?;
    let release =
        access::custodian_release(&*state.read()?, &custodian, &request, convert::time(now_ms))?;
    Ok(host::release_json(&release)?)
}
