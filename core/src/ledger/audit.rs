//! The audit trail: one event for every transaction that concerns a patient or an
//! organisation, kept per patient (what the patient reads) and per organisation (its own
//! actions), and exportable as FHIR R4 AuditEvent.

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::ids::OrgId;
use crate::pseudonym::Pseudonym;
use crate::time::Timestamp;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditAction {
    /// A member was admitted.
    MemberAdmitted,
    /// A member was removed.
    MemberRemoved,
    /// The validator set or council changed.
    GovernanceChanged,
    /// A key was rotated.
    KeyRotated,
    /// A key was revoked.
    KeyRevoked,
    /// A patient was enrolled.
    PatientEnrolled,
    /// A delegate was named.
    DelegateNamed,
    /// A record entry was registered.
    RecordRegistered,
    /// A record entry was superseded by a new version.
    RecordSuperseded,
    /// A data key was shared with a member.
    DataKeyShared,
    /// A data key epoch was rotated.
    DataKeyRotated,
    /// A consent was granted.
    ConsentGranted,
    /// A consent was revoked.
    ConsentRevoked,
    /// Access was requested and decided.
    AccessDecided,
}

/// One audit event. `outcome` and `purpose` are set for access decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuditEvent {
    /// The block height it was recorded at.
    pub height: u64,
    /// The transaction's time.
    pub time: Timestamp,
    /// The transaction id.
    pub tx: Digest,
    /// What happened.
    pub action: AuditAction,
    /// The organisation that acted (absent when the patient or a delegate acted).
    pub actor: Option<OrgId>,
    /// The patient concerned.
    pub patient: Option<Pseudonym>,
    /// The organisation concerned (the member admitted, the recipient of a key...).
    pub subject_org: Option<OrgId>,
    /// The record entry concerned.
    pub entry: Option<Digest>,
    /// The purpose of use of an access request (a v3 ActReason code).
    pub purpose: Option<String>,
    /// For access decisions: true when permitted.
    pub permitted: Option<bool>,
    /// For access decisions: whether it was an emergency (break-the-glass) access.
    pub emergency: bool,
}
