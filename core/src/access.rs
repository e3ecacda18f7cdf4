//! The access flow: a member treating a patient finds the records it may open, records its
//! request on the ledger, opens the pointer with the data key the custodian shared, fetches the
//! resource (the host does the HTTP) and checks it against the entry's digest; the custodian,
//! asked for a record, releases it only for a request the ledger holds and the consents permit
//! now. A custodian never releases a record on the requester's word alone.

use crate::consent::{Decision, Obligations, Purpose};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::OrgId;
use crate::ledger::State;
use crate::ledger::tx::{SignedTransaction, TX_VERSION, Transaction, TxBody};
use crate::record::RecordEntry;
use crate::signature::SigningKey;
use crate::time::Timestamp;
use crate::wrap::{EncryptionSecretKey, WrapContext};

/// Requester: the signed access request for `entry`, carrying the decision the ledger's state
/// gives at `now` (validators recompute it). Submit it whatever the decision: a denied
/// request belongs in the audit trail too.
pub fn request_access(
    state: &State,
    requester: &OrgId,
    key: &SigningKey,
    entry: &Digest,
    purpose: Purpose,
    now: Timestamp,
    nonce: [u8; 16],
) -> Result<(SignedTransaction, Decision)> {
    let decision = state.decide_access(requester, entry, purpose, now)?;
    let record = state.record(entry).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no such record entry"))?;
    let body = TxBody::RequestAccess {
        requester: requester.clone(),
        patient: record.entry.entry.patient,
        entry: *entry,
        purpose: purpose.code().to_owned(),
        permitted: decision.is_permit(),
        consent: decision.consent_id().map(|c| c.as_str().to_owned()),
    };
    let tx = Transaction { v: TX_VERSION, chain: state.chain().to_owned(), time: now, nonce, body };
    Ok((tx.sign(&[key])?, decision))
}

/// Requester: open the pointer of `entry` with the data key its custodian shared to
/// `requester` for the entry's epoch.
pub fn open_pointer(state: &State, requester: &OrgId, key: &EncryptionSecretKey, entry: &Digest) -> Result<String> {
    let record = state.record(entry).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no such record entry"))?;
    let e = &record.entry.entry;
    let share = state
        .data_key_share(&e.patient, &e.custodian, e.epoch, requester)
        .ok_or_else(|| Error::new(ErrorCode::NoDataKeyShare, "the custodian shared no data key for this entry's epoch"))?;
    let data_key = key.unwrap(share, &WrapContext { patient: &e.patient, custodian: &e.custodian, epoch: e.epoch })?;
    e.open_pointer(&data_key)
}

/// Requester: check a fetched resource against the entry (type and digest).
pub fn check_fetched(state: &State, entry: &Digest, resource_json: &[u8]) -> Result<()> {
    let record = state.record(entry).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no such record entry"))?;
    RecordEntry::check_resource(&record.entry.entry, resource_json)
}

/// What the custodian may release, and what it must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The entry to release.
    pub entry: Digest,
    /// The requester.
    pub requester: OrgId,
    /// Obligations of the permit (audit; notify the patient after an emergency access).
    pub obligations: Obligations,
    /// Whether it is an emergency (break-the-glass) access.
    pub emergency: bool,
}

/// Custodian: whether to release the record a committed access request asks for. The request
/// must be on the ledger (its audit event is in the patient's trail), be for one of this
/// custodian's entries, have been permitted, and still be permitted by the consents at `now`
/// (a consent revoked since then stops the release).
pub fn custodian_release(state: &State, custodian: &OrgId, request: &SignedTransaction, now: Timestamp) -> Result<Release> {
    let TxBody::RequestAccess { requester, patient, entry, purpose, .. } = &request.tx.body else {
        return Err(Error::new(ErrorCode::InvalidValue, "not an access request"));
    };
    let id = request.id()?;
    let event = state
        .audit_trail(patient)
        .into_iter()
        .find(|e| e.tx == id)
        .ok_or_else(|| Error::new(ErrorCode::NotOnLedger, "the access request is not on the ledger"))?;
    let record = state.record(entry).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no such record entry"))?;
    if &record.entry.entry.custodian != custodian {
        return Err(Error::new(ErrorCode::InvalidValue, "the entry is another custodian's"));
    }
    if event.permitted != Some(true) {
        return Err(Error::new(ErrorCode::AccessDenied, "the ledger recorded this request as denied"));
    }
    let purpose = Purpose::from_code(purpose).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "unknown purpose"))?;
    let decision = state.decide_access(requester, entry, purpose, now)?;
    if !decision.is_permit() {
        return Err(Error::new(ErrorCode::AccessDenied, "the patient's consents no longer permit this access"));
    }
    Ok(Release { entry: *entry, requester: requester.clone(), obligations: decision.obligations, emergency: purpose.is_emergency() })
}
