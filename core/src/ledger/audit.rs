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

impl AuditAction {
    /// Its name as it is serialized (snake case).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MemberAdmitted => "member_admitted",
            Self::MemberRemoved => "member_removed",
            Self::GovernanceChanged => "governance_changed",
            Self::KeyRotated => "key_rotated",
            Self::KeyRevoked => "key_revoked",
            Self::PatientEnrolled => "patient_enrolled",
            Self::DelegateNamed => "delegate_named",
            Self::RecordRegistered => "record_registered",
            Self::RecordSuperseded => "record_superseded",
            Self::DataKeyShared => "data_key_shared",
            Self::DataKeyRotated => "data_key_rotated",
            Self::ConsentGranted => "consent_granted",
            Self::ConsentRevoked => "consent_revoked",
            Self::AccessDecided => "access_decided",
        }
    }

    /// Whether the event's entry was registered by it (the registrations of a patient or a
    /// custodian are read off their audit trails).
    pub fn registers_a_record(self) -> bool {
        matches!(self, Self::RecordRegistered | Self::RecordSuperseded)
    }
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

impl AuditEvent {
    /// The committed value of the event's state item: SHA-256 over its fields in a fixed
    /// binary layout (each optional field a presence byte, then its bytes length-prefixed).
    pub fn commitment(&self) -> Digest {
        fn field(out: &mut Vec<u8>, value: Option<&[u8]>) {
            match value {
                None => out.push(0),
                Some(v) => {
                    out.push(1);
                    out.extend_from_slice(&(v.len() as u32).to_be_bytes());
                    out.extend_from_slice(v);
                }
            }
        }
        // The action's JSON text, quotes included (as serde writes it).
        let name = self.action.as_str();
        let mut action = Vec::with_capacity(name.len() + 2);
        action.push(b'"');
        action.extend_from_slice(name.as_bytes());
        action.push(b'"');
        let mut b = Vec::with_capacity(256);
        b.extend_from_slice(b"fhirbus/v1/audit-item\0");
        b.extend_from_slice(&self.height.to_be_bytes());
        b.extend_from_slice(&self.time.0.to_be_bytes());
        b.extend_from_slice(self.tx.as_bytes());
        field(&mut b, Some(&action));
        field(&mut b, self.actor.as_ref().map(|o| o.as_str().as_bytes()));
        field(&mut b, self.patient.as_ref().map(|p| p.as_bytes().as_slice()));
        field(&mut b, self.subject_org.as_ref().map(|o| o.as_str().as_bytes()));
        field(&mut b, self.entry.as_ref().map(|d| d.as_bytes().as_slice()));
        field(&mut b, self.purpose.as_ref().map(|p| p.as_bytes()));
        field(&mut b, self.permitted.map(|p| if p { &[1u8][..] } else { &[0u8][..] }));
        b.push(u8::from(self.emergency));
        Digest::sha256(&b)
    }
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn action_names_are_their_serialized_form() {
        use AuditAction::*;
        let all = [
            MemberAdmitted, MemberRemoved, GovernanceChanged, KeyRotated, KeyRevoked, PatientEnrolled, DelegateNamed,
            RecordRegistered, RecordSuperseded, DataKeyShared, DataKeyRotated, ConsentGranted, ConsentRevoked, AccessDecided,
        ];
        for action in all {
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{}\"", action.as_str()));
        }
    }
}
