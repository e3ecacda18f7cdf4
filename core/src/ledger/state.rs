//! The ledger's state: what every validator holds after applying the chain, and the queries
//! hosts need. Maps are persistent (structure-sharing), so a block is applied to a cheap copy
//! and an invalid block leaves the state as it was; or, for a host that keeps one current
//! state, in place, with a checkpoint that undoes a block that fails.

use serde::{Deserialize, Serialize};

use super::audit::AuditEvent;
use super::block::{Genesis, NetworkPolicy};
use super::commitment::{Commitment, leaf_key};
use super::proof::StateProof;
use super::audit_log::AuditLog;
use super::records::Records;
use super::tx::PublicKeyBytes;
use crate::backend::default_backend;
use crate::canonical;
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{KeyId, OrgId};
use crate::keys::{KeyPurpose, KeySet, PublicKey};
use crate::pseudonym::Pseudonym;
use crate::record::SignedRecordEntry;
use crate::signature::VerifyingKey;
use crate::time::Timestamp;
use crate::wrap::WrappedKey;

/// A member organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its id.
    pub org: OrgId,
    /// Its display name.
    pub name: String,
    /// Its keys, with their history.
    pub keys: KeySet,
    /// When it was admitted.
    pub admitted_at: Timestamp,
    /// When it was removed, if it was.
    pub removed_at: Option<Timestamp>,
}

impl Member {
    /// Whether the member is active.
    pub fn is_active(&self) -> bool {
        self.removed_at.is_none()
    }
}

/// An enrolled patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// The pseudonym.
    pub pseudonym: Pseudonym,
    /// The patient's own keys.
    pub keys: KeySet,
    /// Keys of delegates the patient named (they may sign consents).
    pub delegates: KeySet,
    /// The member that enrolled the patient.
    pub enrolled_by: OrgId,
    /// When.
    pub enrolled_at: Timestamp,
}

/// A registered record entry and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordState {
    /// The entry id (SHA-256 of the entry's canonical bytes).
    pub id: Digest,
    /// The signed entry.
    pub entry: SignedRecordEntry,
    /// The entry that replaced it, if any.
    pub superseded_by: Option<Digest>,
}

impl RecordState {
    /// The committed value of the entry as it stands (see [`record_commitment`]).
    pub fn commitment(&self) -> Digest {
        record_commitment(&self.id, &self.entry.signature, self.superseded_by.as_ref())
    }
}

/// A public view of a key, as queries return it and the state commitment hashes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KeyView {
    /// The key id.
    pub key_id: KeyId,
    /// 1 signing, 2 encryption.
    pub purpose: u8,
    /// The SEC1 public key.
    pub public: PublicKeyBytes,
    /// Its epoch.
    pub epoch: u32,
    /// When added.
    pub added_at: Timestamp,
    /// When revoked.
    pub revoked_at: Option<Timestamp>,
}

fn key_views(keys: &KeySet) -> Vec<KeyView> {
    keys.entries()
        .iter()
        .map(|e| KeyView {
            key_id: e.key.key_id(),
            purpose: e.key.purpose() as u8,
            public: PublicKeyBytes(e.key.to_sec1()),
            epoch: e.epoch,
            added_at: e.added_at,
            revoked_at: e.revoked_at,
        })
        .collect()
}

/// A public view of a member (the committed value of a member item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberView {
    /// Its id.
    pub org: OrgId,
    /// Its name.
    pub name: String,
    /// Its keys.
    pub keys: Vec<KeyView>,
    /// When admitted.
    pub admitted_at: Timestamp,
    /// When removed.
    pub removed_at: Option<Timestamp>,
}

/// A public view of a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatientView {
    /// The pseudonym.
    pub pseudonym: Pseudonym,
    /// The patient's keys.
    pub keys: Vec<KeyView>,
    /// Delegates' keys.
    pub delegates: Vec<KeyView>,
    /// The enrolling member.
    pub enrolled_by: OrgId,
    /// When.
    pub enrolled_at: Timestamp,
}

/// A public view of a record entry's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecordView {
    /// The signed entry.
    pub entry: SignedRecordEntry,
    /// The entry that replaced it.
    pub superseded_by: Option<Digest>,
}

impl RecordView {
    /// The committed value of a record entry (see [`record_commitment`]).
    pub fn commitment(&self) -> Result<Digest> {
        let id = Digest::sha256(&self.entry.entry.canonical_bytes()?);
        Ok(record_commitment(&id, &self.entry.signature, self.superseded_by.as_ref()))
    }
}

/// The committed value of a record entry (its leaf in the records' tree hashes it): SHA-256 of
/// a tag, the entry id (SHA-256 of the entry's canonical bytes), the custodian's signature,
/// and the id of the entry that superseded it (32 zero bytes if none). Binary, so a block of
/// registrations does not re-encode every entry to commit it.
pub fn record_commitment(entry_id: &Digest, signature: &crate::signature::Signature, superseded_by: Option<&Digest>) -> Digest {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(b"fhirbus/v1/record-item\0");
    h.update(entry_id.as_bytes());
    h.update(signature.key_id.0);
    h.update(signature.as_bytes());
    h.update(superseded_by.map_or(&[0u8; 32], |d| d.as_bytes()));
    Digest(h.finalize().into())
}

/// The committed value of a consent item: SHA-256 of its canonical encoding.
pub fn consent_commitment(consent: &crate::consent::Consent) -> Result<Digest> {
    Ok(Digest::sha256(&consent.encode()?))
}

/// The kinds of committed items and how their keys are formed; a light client uses these to
/// know which key a proof must be for.
pub mod item {
    use super::*;

    /// The key of a member item.
    pub fn member(org: &OrgId) -> Digest {
        leaf_key("member", org.as_str().as_bytes())
    }
    /// The key of a patient item.
    pub fn patient(p: &Pseudonym) -> Digest {
        leaf_key("patient", p.as_bytes())
    }
    /// The key of the governance item (council and validators).
    pub fn governance() -> Digest {
        leaf_key("governance", b"")
    }
    /// The key of a data key epoch item.
    pub fn epoch(p: &Pseudonym, custodian: &OrgId) -> Digest {
        leaf_key("epoch", &[p.as_bytes().as_slice(), custodian.as_str().as_bytes()].concat())
    }
    /// The key of a data key share item.
    pub fn share(p: &Pseudonym, custodian: &OrgId, epoch: u32, recipient: &OrgId) -> Digest {
        let mut k = p.as_bytes().to_vec();
        for part in [custodian.as_str(), recipient.as_str()] {
            k.extend_from_slice(part.as_bytes());
            k.push(0);
        }
        k.extend_from_slice(&epoch.to_be_bytes());
        leaf_key("share", &k)
    }
    /// The key of a consent item.
    pub fn consent(p: &Pseudonym, id: &str) -> Digest {
        leaf_key("consent", &[p.as_bytes().as_slice(), id.as_bytes()].concat())
    }
    /// The key of an audit event.
    pub fn audit(tx: &Digest) -> Digest {
        leaf_key("audit", tx.as_bytes())
    }
}

/// The committed value of any view: SHA-256 of its RFC 8785 bytes.
pub fn value_hash<T: Serialize>(view: &T) -> Result<Digest> {
    Ok(Digest::sha256(&canonical::jcs_of(view)?))
}

/// The governance view: council and validators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GovernanceView {
    /// The council.
    pub council: Vec<OrgId>,
    /// The validators' keys.
    pub validators: Vec<PublicKeyBytes>,
}

/// What [`State::roll_back`] needs: the state but for its self-undoing parts, and the
/// lengths of the records and the audit log.
pub(crate) struct Checkpoint {
    rest: State,
    records: usize,
    audit: usize,
}

/// The ledger state.
#[derive(Debug, Clone)]
pub struct State {
    pub(crate) chain: String,
    pub(crate) policy: NetworkPolicy,
    pub(crate) height: u64,
    pub(crate) time: Timestamp,
    pub(crate) last_hash: Digest,
    pub(crate) council: Vec<OrgId>,
    pub(crate) validators: Vec<VerifyingKey>,
    pub(crate) members: imbl::OrdMap<OrgId, Member>,
    pub(crate) patients: imbl::OrdMap<Pseudonym, Patient>,
    pub(crate) records: Records,
    pub(crate) epochs: imbl::OrdMap<(Pseudonym, OrgId), u32>,
    pub(crate) shares: imbl::OrdMap<(Pseudonym, OrgId, u32, OrgId), WrappedKey>,
    pub(crate) audit: AuditLog,
    pub(crate) consents: super::consents::ConsentStore,
    pub(crate) commitment: Commitment,
}

pub(crate) fn parse_key(purpose: KeyPurpose, key: &PublicKeyBytes) -> Result<PublicKey> {
    PublicKey::from_sec1_with(default_backend(), purpose, &key.0)
}

impl State {
    /// The state a genesis document founds.
    pub fn genesis(genesis: &Genesis) -> Result<Self> {
        let mut state = Self {
            chain: genesis.chain.clone(),
            policy: genesis.policy.clone(),
            height: 0,
            time: genesis.time,
            last_hash: genesis.hash()?,
            council: Vec::new(),
            validators: Vec::new(),
            members: imbl::OrdMap::new(),
            patients: imbl::OrdMap::new(),
            records: Records::default(),
            epochs: imbl::OrdMap::new(),
            shares: imbl::OrdMap::new(),
            audit: AuditLog::default(),
            consents: super::consents::ConsentStore::default(),
            commitment: Commitment::new(),
        };
        if genesis.chain.is_empty() || genesis.chain.len() > 64 {
            return Err(Error::new(ErrorCode::InvalidValue, "chain id: 1 to 64 bytes"));
        }
        for m in &genesis.members {
            if state.members.contains_key(&m.org) {
                return Err(Error::new(ErrorCode::InvalidValue, "genesis names a member twice"));
            }
            state.insert_member(&m.org, &m.name, &m.signing_key, &m.encryption_key, genesis.time)?;
        }
        state.set_governance(genesis.council.clone(), &genesis.validators)?;
        state.commitment.root();
        Ok(state)
    }

    /// Make ready to apply a block in place: what [`State::roll_back`] needs to put the
    /// state back. The records, the audit log and the commitment, which a block changes most,
    /// note their own changes and undo them; the rest is kept as a copy, which shares
    /// everything with the state and so costs nothing until the block changes a part of it.
    pub(crate) fn checkpoint(&mut self) -> Checkpoint {
        self.commitment.begin_undo();
        let records = self.records.begin_undo();
        let audit = self.audit.len();
        let noting = (core::mem::take(&mut self.records), core::mem::take(&mut self.audit), core::mem::take(&mut self.commitment));
        let rest = self.clone();
        (self.records, self.audit, self.commitment) = noting;
        Checkpoint { rest, records, audit }
    }

    /// Put the state back as it was at `checkpoint`.
    pub(crate) fn roll_back(&mut self, checkpoint: Checkpoint) {
        let Checkpoint { mut rest, records, audit } = checkpoint;
        // The audit log first: its registrations name records the roll-back drops.
        rest.audit = core::mem::take(&mut self.audit);
        rest.audit.truncate(audit, &self.records);
        rest.records = core::mem::take(&mut self.records);
        rest.records.roll_back(records);
        rest.commitment = core::mem::take(&mut self.commitment);
        rest.commitment.roll_back();
        *self = rest;
    }

    /// The block applied since the checkpoint stands: stop noting changes.
    pub(crate) fn end_undo(&mut self) {
        self.records.end_undo();
        self.commitment.end_undo();
    }

    pub(crate) fn insert_member(
        &mut self,
        org: &OrgId,
        name: &str,
        signing: &PublicKeyBytes,
        encryption: &PublicKeyBytes,
        at: Timestamp,
    ) -> Result<()> {
        let mut keys = KeySet::new();
        keys.rotate(parse_key(KeyPurpose::Signing, signing)?, at)?;
        keys.rotate(parse_key(KeyPurpose::Encryption, encryption)?, at)?;
        let member = Member { org: org.clone(), name: name.to_owned(), keys, admitted_at: at, removed_at: None };
        self.members.insert(org.clone(), member);
        self.commit_member(org)
    }

    pub(crate) fn set_governance(&mut self, council: Vec<OrgId>, validators: &[PublicKeyBytes]) -> Result<()> {
        if council.is_empty() || validators.is_empty() {
            return Err(Error::new(ErrorCode::InvalidValue, "council and validator set must not be empty"));
        }
        let mut sorted = council.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != council.len() {
            return Err(Error::new(ErrorCode::InvalidValue, "council names a member twice"));
        }
        if council.iter().any(|o| !self.members.get(o).is_some_and(Member::is_active)) {
            return Err(Error::new(ErrorCode::InvalidValue, "council members must be active members"));
        }
        let keys = validators
            .iter()
            .map(|k| VerifyingKey::from_sec1_with(default_backend(), &k.0))
            .collect::<Result<Vec<_>>>()?;
        let mut ids: Vec<KeyId> = keys.iter().map(VerifyingKey::key_id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != keys.len() {
            return Err(Error::new(ErrorCode::InvalidValue, "validator set names a key twice"));
        }
        self.council = council;
        self.validators = keys;
        let view = self.governance_view();
        self.commitment.set(item::governance(), Some(value_hash(&view)?));
        Ok(())
    }

    pub(crate) fn commit_member(&mut self, org: &OrgId) -> Result<()> {
        let value = self.member_view(org).map(|v| value_hash(&v)).transpose()?;
        self.commitment.set(item::member(org), value);
        Ok(())
    }

    pub(crate) fn commit_patient(&mut self, p: &Pseudonym) -> Result<()> {
        let value = self.patient_view(p).map(|v| value_hash(&v)).transpose()?;
        self.commitment.set(item::patient(p), value);
        Ok(())
    }

    pub(crate) fn commit_consent(&mut self, p: &Pseudonym, id: &crate::consent::ConsentId) -> Result<()> {
        let value = self.consents.get(p, id).map(consent_commitment).transpose()?;
        self.commitment.set(item::consent(p, id.as_str()), value);
        Ok(())
    }

    // ---- queries --------------------------------------------------------------------------

    /// The chain id.
    pub fn chain(&self) -> &str {
        &self.chain
    }

    /// The network policy.
    pub fn policy(&self) -> &NetworkPolicy {
        &self.policy
    }

    /// The height of the last applied block (0 at genesis).
    pub fn height(&self) -> u64 {
        self.height
    }

    /// The time of the last applied block.
    pub fn time(&self) -> Timestamp {
        self.time
    }

    /// The hash the next block must link to.
    pub fn last_hash(&self) -> Digest {
        self.last_hash
    }

    /// The state commitment: the root over the keyed items and the record entries (see
    /// [`super::proof`]).
    pub fn state_root(&mut self) -> Digest {
        super::proof::state_root(&self.commitment.root(), &self.records.root(), self.records.len() as u64)
    }

    /// The current validator set.
    pub fn validators(&self) -> &[VerifyingKey] {
        &self.validators
    }

    /// The governance council.
    pub fn council(&self) -> &[OrgId] {
        &self.council
    }

    /// A member (active or removed).
    pub fn member(&self, org: &OrgId) -> Option<&Member> {
        self.members.get(org)
    }

    /// All members, by id.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// An enrolled patient.
    pub fn patient(&self, p: &Pseudonym) -> Option<&Patient> {
        self.patients.get(p)
    }

    /// A record entry by id.
    pub fn record(&self, id: &Digest) -> Option<&RecordState> {
        self.records.get(id)
    }

    /// All record entries of a patient, in registration order (superseded ones included).
    pub fn records_of_patient(&self, p: &Pseudonym) -> Vec<&RecordState> {
        // The patient's audit trail lists every registration in order: no second index.
        self.audit.registered_for_patient(p, &self.records)
    }

    /// All record entries a custodian registered, in registration order.
    pub fn records_of_custodian(&self, org: &OrgId) -> Vec<&RecordState> {
        self.audit.registered_by_org(org, &self.records)
    }

    /// The current data key epoch of (patient, custodian): 1 until rotated.
    pub fn epoch(&self, p: &Pseudonym, custodian: &OrgId) -> u32 {
        self.epochs.get(&(*p, custodian.clone())).copied().unwrap_or(1)
    }

    /// The data key of (patient, custodian, epoch) wrapped to `recipient`, if shared.
    pub fn data_key_share(&self, p: &Pseudonym, custodian: &OrgId, epoch: u32, recipient: &OrgId) -> Option<&WrappedKey> {
        self.shares.get(&(*p, custodian.clone(), epoch, recipient.clone()))
    }

    /// A patient's audit trail: every event that concerns them, in order.
    pub fn audit_trail(&self, p: &Pseudonym) -> Vec<AuditEvent> {
        self.audit.of_patient(p, &self.records)
    }

    /// An organisation's own actions, in order.
    pub fn org_actions(&self, org: &OrgId) -> Vec<AuditEvent> {
        self.audit.of_org(org, &self.records)
    }

    /// Every consent of a patient (revoked ones included), in grant order.
    pub fn consents(&self, p: &Pseudonym) -> &[crate::consent::Consent] {
        self.consents.of_patient(p)
    }

    /// The consent engine's decision on `requester` accessing record `entry` for `purpose`
    /// at `now`, from the patient's consents and the network's emergency policy.
    pub fn decide_access(
        &self,
        requester: &OrgId,
        entry: &Digest,
        purpose: crate::consent::Purpose,
        now: Timestamp,
    ) -> Result<crate::consent::Decision> {
        let record = self.records.get(entry).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no such record entry"))?;
        if !self.members.get(requester).is_some_and(Member::is_active) {
            return Err(Error::new(ErrorCode::InvalidValue, "requester is not an active member"));
        }
        let e = &record.entry.entry;
        let request = crate::consent::AccessRequest {
            requester: requester.clone(),
            patient: e.patient,
            purpose,
            resource_type: e.resource_type.clone(),
            data_date: e.time,
        };
        let policy = crate::consent::EmergencyPolicy { allow_emergency_access: self.policy.allow_emergency_access };
        Ok(crate::consent::decide(self.consents.of_patient(&e.patient), &request, &policy, now))
    }

    /// The current (not superseded) record entries of a patient that `requester` may open for
    /// `purpose` at `now`, each with the decision that permits it.
    pub fn visible_records(
        &self,
        requester: &OrgId,
        patient: &Pseudonym,
        purpose: crate::consent::Purpose,
        now: Timestamp,
    ) -> Vec<(&RecordState, crate::consent::Decision)> {
        self.records_of_patient(patient)
            .into_iter()
            .filter(|r| r.superseded_by.is_none())
            .filter_map(|r| self.decide_access(requester, &r.id, purpose, now).ok().filter(|d| d.is_permit()).map(|d| (r, d)))
            .collect()
    }

    /// The number of items under the state commitment: the keyed items as of the last state
    /// root, and every record entry.
    pub fn item_count(&self) -> usize {
        self.commitment.len() + self.records.len()
    }

    // ---- views and proofs for light clients -----------------------------------------------

    /// The governance view.
    pub fn governance_view(&self) -> GovernanceView {
        GovernanceView {
            council: self.council.clone(),
            validators: self.validators.iter().map(|k| PublicKeyBytes(k.to_sec1())).collect(),
        }
    }

    /// A member's view.
    pub fn member_view(&self, org: &OrgId) -> Option<MemberView> {
        self.members.get(org).map(|m| MemberView {
            org: m.org.clone(),
            name: m.name.clone(),
            keys: key_views(&m.keys),
            admitted_at: m.admitted_at,
            removed_at: m.removed_at,
        })
    }

    /// A patient's view.
    pub fn patient_view(&self, p: &Pseudonym) -> Option<PatientView> {
        self.patients.get(p).map(|pt| PatientView {
            pseudonym: pt.pseudonym,
            keys: key_views(&pt.keys),
            delegates: key_views(&pt.delegates),
            enrolled_by: pt.enrolled_by.clone(),
            enrolled_at: pt.enrolled_at,
        })
    }

    /// A record's view.
    pub fn record_view(&self, id: &Digest) -> Option<RecordView> {
        self.records.get(id).map(|r| RecordView { entry: r.entry.clone(), superseded_by: r.superseded_by })
    }

    /// A proof for the item with key `key` (see [`item`]; a record entry is proven by
    /// [`Self::prove_record`]) against [`Self::state_root`], present or absent.
    pub fn prove(&mut self, key: &Digest) -> StateProof {
        StateProof::Item { proof: self.commitment.prove(key), records_root: self.records.root(), records: self.records.len() as u64 }
    }

    /// A proof of the record entry registered under `id` against [`Self::state_root`];
    /// `None` if there is none (the absence of an entry has no proof).
    pub fn prove_record(&mut self, id: &Digest) -> Option<StateProof> {
        let proof = self.records.prove(id)?;
        Some(StateProof::Record { proof, items_root: self.commitment.root() })
    }
}
