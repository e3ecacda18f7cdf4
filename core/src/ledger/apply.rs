//! The semantic rules: what each transaction needs (who signs, what must already hold) and
//! what it changes. Applying never checks a signature itself: it resolves which key must have
//! signed what and queues the check (`SigCheck`), so that a block's checks can run in
//! parallel after its transactions are applied in order (a key rotated earlier in the block is
//! the one a later transaction is checked against).

use super::audit::{AuditAction, AuditEvent};
use super::block::quorum;
use super::state::{Patient, State, item, parse_key, value_hash};
use super::tx::{PreparedTx, SignedTransaction, TxBody};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::OrgId;
use crate::keys::{KeyPurpose, KeySet};
use crate::pseudonym::Pseudonym;
use crate::record::SignedRecordEntry;
use crate::signature::{Domain, Signature, VerifyingKey};
use crate::time::Timestamp;

/// A signature check queued by [`State::apply_tx`]. The message and the signature are the
/// block's and its prepared values', borrowed: they outlive the checks, so a check costs no
/// allocation, no shared count and no free on the thread that runs it. The key is copied, as
/// a later transaction of the block may rotate it out of the state.
pub(crate) struct SigCheck<'a> {
    pub(crate) tx_index: usize,
    pub(crate) key: VerifyingKey,
    pub(crate) domain: Domain,
    pub(crate) msg: &'a [u8],
    pub(crate) sig: &'a Signature,
}

impl SigCheck<'_> {
    pub(crate) fn run(&self) -> Result<()> {
        self.key.verify(self.domain, self.msg, self.sig)
    }
}

/// Where a transaction sits: its block's height and time, its index and id.
pub(crate) struct TxContext {
    pub(crate) height: u64,
    pub(crate) block_time: Timestamp,
    pub(crate) index: usize,
}

fn refuse<T>(code: ErrorCode, why: &str) -> Result<T> {
    Err(Error::new(code, why.to_owned()))
}

impl State {
    fn active_member(&self, org: &OrgId) -> Result<&super::state::Member> {
        match self.members.get(org) {
            Some(m) if m.is_active() => Ok(m),
            Some(_) => refuse(ErrorCode::InvalidValue, "organisation is no longer a member"),
            None => refuse(ErrorCode::InvalidValue, "organisation is not a member"),
        }
    }

    fn enrolled(&self, p: &Pseudonym) -> Result<&Patient> {
        self.patients.get(p).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "patient is not enrolled"))
    }

    /// Queue the check of `sig` against `keys` at `at`.
    fn queue<'a>(keys: &KeySet, sig: &'a Signature, at: Timestamp, domain: Domain, msg: &'a [u8], cx: &TxContext, checks: &mut Vec<SigCheck<'a>>) -> Result<()> {
        let key = keys.verifying_key_at(&sig.key_id, at)?.clone();
        checks.push(SigCheck { tx_index: cx.index, key, domain, msg, sig });
        Ok(())
    }

    fn one_signature(stx: &SignedTransaction) -> Result<&Signature> {
        match stx.signatures.as_slice() {
            [one] => Ok(one),
            _ => refuse(ErrorCode::BadSignature, "this transaction needs exactly one signature"),
        }
    }

    /// The transaction is signed by a current key of active member `org`.
    fn signed_by_member<'a>(&self, org: &OrgId, stx: &'a SignedTransaction, msg: &'a [u8], cx: &TxContext, checks: &mut Vec<SigCheck<'a>>) -> Result<()> {
        let member = self.active_member(org)?;
        Self::queue(&member.keys, Self::one_signature(stx)?, stx.tx.time, Domain::Transaction, msg, cx, checks)
    }

    /// The transaction carries signatures of more than two thirds of the council.
    fn signed_by_council<'a>(&self, stx: &'a SignedTransaction, msg: &'a [u8], cx: &TxContext, checks: &mut Vec<SigCheck<'a>>) -> Result<()> {
        let mut signers: Vec<&OrgId> = Vec::new();
        for sig in &stx.signatures {
            let signer = self
                .council
                .iter()
                .find(|org| self.members.get(*org).is_some_and(|m| m.keys.get(&sig.key_id).is_ok()))
                .ok_or_else(|| Error::new(ErrorCode::UnknownKey, "a governance signature by a key of no council member"))?;
            if signers.contains(&signer) {
                return refuse(ErrorCode::BadSignature, "a council member signed twice");
            }
            signers.push(signer);
            Self::queue(&self.active_member(signer)?.keys, sig, stx.tx.time, Domain::Transaction, msg, cx, checks)?;
        }
        if signers.len() < quorum(self.council.len()) {
            return refuse(ErrorCode::BadSignature, "fewer council signatures than the quorum");
        }
        Ok(())
    }

    /// The transaction is signed by the patient (or, where allowed, a delegate).
    fn signed_by_patient<'a>(&self, p: &Pseudonym, delegates: bool, stx: &'a SignedTransaction, msg: &'a [u8], cx: &TxContext, checks: &mut Vec<SigCheck<'a>>) -> Result<()> {
        let patient = self.enrolled(p)?;
        let sig = Self::one_signature(stx)?;
        let keys = if delegates && patient.delegates.get(&sig.key_id).is_ok() { &patient.delegates } else { &patient.keys };
        Self::queue(keys, sig, stx.tx.time, Domain::Transaction, msg, cx, checks)
    }

    /// Commit `event` under `key` (its transaction's audit item key) and index it.
    ///
    /// A registration has no audit item (`key` is `None`): its committed record entry is its
    /// replay guard and commits all the event says (custodian, patient, entry, time, and the
    /// transaction id, a function of the entry's), but the height, which its block carries.
    /// A registration's event is kept as the position its record was inserted at, `record`.
    fn record_event(&mut self, key: Option<Digest>, event: &AuditEvent, record: Option<usize>) {
        if let Some(key) = key {
            self.commitment.set(key, Some(event.commitment()));
        }
        match record {
            Some(record) => self.audit.append_registration(event, record),
            None => self.audit.append(event.clone()),
        }
    }

    /// The rest of a new entry's rule: its patient enrolled, its epoch current. The caller has
    /// checked that its custodian is an active member and inserted it (which commits it).
    fn check_new_record(&self, entry: &SignedRecordEntry) -> Result<()> {
        let e = &entry.entry;
        self.enrolled(&e.patient)?;
        if e.epoch != self.epoch(&e.patient, &e.custodian) {
            return refuse(ErrorCode::InvalidValue, "record entry sealed under another epoch than the current");
        }
        Ok(())
    }

    /// The envelope's time window: a transaction's time at most the allowed skew after its
    /// block's, and at most the replay window before it. Of a transaction's rules, the only one
    /// that depends on its block's time.
    pub(crate) fn within_window(&self, tx_time: Timestamp, block_time: Timestamp) -> Result<()> {
        if tx_time.0 > block_time.0.saturating_add(self.policy.max_clock_skew_ms) {
            return refuse(ErrorCode::InvalidValue, "transaction time is after the block's time plus the allowed skew");
        }
        if tx_time.0.saturating_add(self.policy.max_tx_age_ms) < block_time.0 {
            return refuse(ErrorCode::InvalidValue, "transaction older than the replay window");
        }
        Ok(())
    }

    /// Check and apply one transaction. Envelope checks (chain, time window, replay) come
    /// first, then the body's rule; signature checks are queued in `checks`.
    pub(crate) fn apply_tx<'a>(&mut self, stx: &'a SignedTransaction, prepared: &'a PreparedTx, cx: &TxContext, checks: &mut Vec<SigCheck<'a>>) -> Result<AuditEvent> {
        let tx = &stx.tx;
        if tx.chain != self.chain {
            return refuse(ErrorCode::InvalidValue, "transaction for another chain");
        }
        self.within_window(tx.time, cx.block_time)?;
        // The bytes the envelope signatures cover (a record registration has none).
        let envelope = || prepared.msg.as_deref().ok_or_else(|| Error::new(ErrorCode::Internal, "transaction not prepared"));
        let id = prepared.id;
        // The replay guard: every applied transaction leaves a committed item that its id
        // names, so an id already named there was applied before. A record registration's id
        // is a function of its entry's id, and its committed entry (found by id among the
        // records) is that item; any other transaction has an audit item under its id. (A
        // transaction older than the window is refused by its age first.)
        let (audit_key, registered) = match (&tx.body, prepared.entry_id) {
            (TxBody::RegisterRecord { entry }, Some(entry_id)) => {
                // The state is a copy that is dropped, or rolled back, unless the whole block
                // passes, so the entry may go in before the rest of its rule is checked: one
                // walk of the records, not two.
                let Some(at) = self.records.insert(entry_id, entry) else {
                    return refuse(ErrorCode::InvalidValue, "transaction replayed");
                };
                (None, Some(at))
            }
            _ => {
                let key = item::audit(&id);
                if self.commitment.get(&key).is_some() {
                    return refuse(ErrorCode::InvalidValue, "transaction replayed");
                }
                (Some(key), None)
            }
        };

        // The action is set by the body's rule below.
        let mut event = AuditEvent::new(cx.height, tx.time, id, AuditAction::GovernanceChanged);
        match &tx.body {
            TxBody::AdmitMember { org, name, signing_key, encryption_key } => {
                self.signed_by_council(stx, envelope()?, cx, checks)?;
                if self.members.contains_key(org) {
                    return refuse(ErrorCode::InvalidValue, "organisation is or was a member");
                }
                self.insert_member(org, name, signing_key, encryption_key, tx.time)?;
                event.action = AuditAction::MemberAdmitted;
                event.subject_org = Some(org.clone());
            }
            TxBody::RemoveMember { org } => {
                self.signed_by_council(stx, envelope()?, cx, checks)?;
                self.active_member(org)?;
                if self.council.contains(org) {
                    return refuse(ErrorCode::InvalidValue, "remove a council member from the council first");
                }
                if let Some(m) = self.members.get_mut(org) {
                    m.removed_at = Some(tx.time);
                }
                self.commit_member(org)?;
                event.action = AuditAction::MemberRemoved;
                event.subject_org = Some(org.clone());
            }
            TxBody::SetValidators { validators } => {
                self.signed_by_council(stx, envelope()?, cx, checks)?;
                self.set_governance(self.council.clone(), validators)?;
            }
            TxBody::SetCouncil { council } => {
                self.signed_by_council(stx, envelope()?, cx, checks)?;
                let validators: Vec<_> = self.governance_view().validators;
                self.set_governance(council.clone(), &validators)?;
            }
            TxBody::RotateOrgKey { org, purpose, key } => {
                self.signed_by_member(org, stx, envelope()?, cx, checks)?;
                let key = parse_key((*purpose).into(), key)?;
                if let Some(m) = self.members.get_mut(org) {
                    m.keys.rotate(key, tx.time)?;
                }
                self.commit_member(org)?;
                event.action = AuditAction::KeyRotated;
                event.actor = Some(org.clone());
            }
            TxBody::RevokeOrgKey { org, key_id } => {
                if stx.signatures.len() == 1 {
                    self.signed_by_member(org, stx, envelope()?, cx, checks)?;
                } else {
                    self.signed_by_council(stx, envelope()?, cx, checks)?;
                }
                let member = self.members.get_mut(org).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "organisation is not a member"))?;
                member.keys.revoke(key_id, tx.time)?;
                self.commit_member(org)?;
                event.action = AuditAction::KeyRevoked;
                event.actor = Some(org.clone());
            }
            TxBody::EnrolPatient { by, patient, signing_key, encryption_key } => {
                self.signed_by_member(by, stx, envelope()?, cx, checks)?;
                if self.patients.contains_key(patient) {
                    return refuse(ErrorCode::InvalidValue, "patient already enrolled");
                }
                let mut keys = KeySet::new();
                keys.rotate(parse_key(KeyPurpose::Signing, signing_key)?, tx.time)?;
                keys.rotate(parse_key(KeyPurpose::Encryption, encryption_key)?, tx.time)?;
                let record = Patient { pseudonym: *patient, keys, delegates: KeySet::new(), enrolled_by: by.clone(), enrolled_at: tx.time };
                self.patients.insert(*patient, record);
                self.commit_patient(patient)?;
                event.action = AuditAction::PatientEnrolled;
                event.actor = Some(by.clone());
                event.patient = Some(*patient);
            }
            TxBody::RotatePatientKey { patient, purpose, key } => {
                self.signed_by_patient(patient, false, stx, envelope()?, cx, checks)?;
                let key = parse_key((*purpose).into(), key)?;
                if let Some(p) = self.patients.get_mut(patient) {
                    p.keys.rotate(key, tx.time)?;
                }
                self.commit_patient(patient)?;
                event.action = AuditAction::KeyRotated;
                event.patient = Some(*patient);
            }
            TxBody::RevokePatientKey { patient, key_id, by } => {
                match by {
                    None => self.signed_by_patient(patient, false, stx, envelope()?, cx, checks)?,
                    Some(org) => {
                        if self.enrolled(patient)?.enrolled_by != *org {
                            return refuse(ErrorCode::BadSignature, "only the enrolling member may revoke a patient's key");
                        }
                        self.signed_by_member(org, stx, envelope()?, cx, checks)?;
                        event.actor = Some(org.clone());
                    }
                }
                if let Some(p) = self.patients.get_mut(patient)
                    && p.keys.revoke(key_id, tx.time).is_err()
                {
                    p.delegates.revoke(key_id, tx.time)?;
                }
                self.commit_patient(patient)?;
                event.action = AuditAction::KeyRevoked;
                event.patient = Some(*patient);
            }
            TxBody::NameDelegate { patient, key } => {
                self.signed_by_patient(patient, false, stx, envelope()?, cx, checks)?;
                let key = parse_key(KeyPurpose::Signing, key)?;
                if let Some(p) = self.patients.get_mut(patient) {
                    p.delegates.add(key, tx.time)?;
                }
                self.commit_patient(patient)?;
                event.action = AuditAction::DelegateNamed;
                event.patient = Some(*patient);
            }
            TxBody::RegisterRecord { entry } => {
                let e = &entry.entry;
                let custodian = self.active_member(&e.custodian)?;
                let (Some(entry_msg), Some(entry_id)) = (prepared.entry_msg.as_deref(), prepared.entry_id) else {
                    return refuse(ErrorCode::Internal, "record transaction not prepared");
                };
                Self::queue(&custodian.keys, &entry.signature, e.time, Domain::RecordEntry, entry_msg, cx, checks)?;
                // The replay guard inserted it.
                self.check_new_record(entry)?;
                event = AuditEvent::registration_by(cx.height, id, entry_id, e);
            }
            TxBody::SupersedeRecord { previous, entry } => {
                let e = &entry.entry;
                self.signed_by_member(&e.custodian, stx, envelope()?, cx, checks)?;
                let custodian = self.active_member(&e.custodian)?;
                let (Some(entry_msg), Some(entry_id)) = (prepared.entry_msg.as_deref(), prepared.entry_id) else {
                    return refuse(ErrorCode::Internal, "record transaction not prepared");
                };
                Self::queue(&custodian.keys, &entry.signature, e.time, Domain::RecordEntry, entry_msg, cx, checks)?;
                if self.records.insert(entry_id, entry).is_none() {
                    return refuse(ErrorCode::InvalidValue, "record entry already registered");
                }
                let old = self.records.get(previous).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "superseded entry is not registered"))?;
                let o = &old.entry.entry;
                if old.superseded_by.is_some() || o.custodian != e.custodian || o.patient != e.patient || o.resource_type != e.resource_type {
                    return refuse(ErrorCode::InvalidValue, "a new version must replace a current entry of the same custodian, patient and resource type");
                }
                self.check_new_record(entry)?;
                self.records.set_superseded_by(previous, entry_id);
                event.action = AuditAction::RecordSuperseded;
                event.actor = Some(e.custodian.clone());
                event.patient = Some(e.patient);
                event.entry = Some(entry_id);
            }
            TxBody::ShareDataKey { custodian, patient, epoch, recipient, wrapped } => {
                self.signed_by_member(custodian, stx, envelope()?, cx, checks)?;
                self.enrolled(patient)?;
                let to = self.active_member(recipient)?;
                let enc = to.keys.primary(KeyPurpose::Encryption)?;
                if enc.key.key_id() != wrapped.recipient {
                    return refuse(ErrorCode::KeyIdMismatch, "data key not wrapped to the recipient's primary encryption key");
                }
                if *epoch == 0 || *epoch > self.epoch(patient, custodian) {
                    return refuse(ErrorCode::InvalidValue, "data key epoch not yet reached");
                }
                let key = (*patient, custodian.clone(), *epoch, recipient.clone());
                self.shares.insert(key, wrapped.clone());
                self.commitment.set(item::share(patient, custodian, *epoch, recipient), Some(value_hash(wrapped)?));
                event.action = AuditAction::DataKeyShared;
                event.actor = Some(custodian.clone());
                event.patient = Some(*patient);
                event.subject_org = Some(recipient.clone());
            }
            TxBody::RotateDataKeyEpoch { custodian, patient, epoch } => {
                self.signed_by_member(custodian, stx, envelope()?, cx, checks)?;
                self.enrolled(patient)?;
                if *epoch != self.epoch(patient, custodian).saturating_add(1) {
                    return refuse(ErrorCode::InvalidValue, "a new epoch is exactly one more than the current");
                }
                self.epochs.insert((*patient, custodian.clone()), *epoch);
                self.commitment.set(item::epoch(patient, custodian), Some(Digest::sha256(&epoch.to_be_bytes())));
                event.action = AuditAction::DataKeyRotated;
                event.actor = Some(custodian.clone());
                event.patient = Some(*patient);
            }
            TxBody::GrantConsent { consent } => {
                let consent = &consent.0;
                self.signed_by_patient(consent.patient(), true, stx, envelope()?, cx, checks)?;
                self.consents.grant(consent.clone())?;
                self.commit_consent(consent.patient(), consent.id())?;
                event.action = AuditAction::ConsentGranted;
                event.patient = Some(*consent.patient());
            }
            TxBody::RevokeConsent { patient, consent_id } => {
                self.signed_by_patient(patient, true, stx, envelope()?, cx, checks)?;
                let id = crate::consent::ConsentId::new(consent_id)?;
                self.consents.revoke(patient, &id, tx.time)?;
                self.commit_consent(patient, &id)?;
                event.action = AuditAction::ConsentRevoked;
                event.patient = Some(*patient);
            }
            TxBody::RequestAccess { requester, patient, entry, purpose, permitted, consent } => {
                self.signed_by_member(requester, stx, envelope()?, cx, checks)?;
                let purpose_code = crate::consent::Purpose::from_code(purpose)
                    .ok_or_else(|| Error::new(ErrorCode::InvalidValue, "purpose is not a known ActReason code"))?;
                let decision = self.decide_access(requester, entry, purpose_code, tx.time)?;
                let decided_by = decision.consent_id().map(|c| c.as_str().to_owned());
                if decision.is_permit() != *permitted || decided_by != *consent {
                    return refuse(ErrorCode::InvalidValue, "the recorded decision differs from the consent engine's");
                }
                let custodian = self.records.get(entry).map(|r| r.entry.entry.custodian.clone());
                event.action = AuditAction::AccessDecided;
                event.actor = Some(requester.clone());
                event.patient = Some(*patient);
                event.subject_org = custodian;
                event.entry = Some(*entry);
                event.purpose = Some(purpose_code.code().to_owned());
                event.permitted = Some(*permitted);
                event.emergency = purpose_code.is_emergency();
                if self.records.get(entry).is_some_and(|r| r.entry.entry.patient != *patient) {
                    return refuse(ErrorCode::InvalidValue, "the entry is another patient's");
                }
            }
        }
        self.record_event(audit_key, &event, registered);
        Ok(event)
    }
}
