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
    /// An event of `action` by transaction `tx`, with none of the optional fields yet.
    pub fn new(height: u64, time: Timestamp, tx: Digest, action: AuditAction) -> Self {
        Self { height, time, tx, action, actor: None, patient: None, subject_org: None, entry: None, purpose: None, permitted: None, emergency: false }
    }

    /// The event of registering `entry` under `id` at block `height`. Everything in it but the
    /// height follows from the entry (its transaction's id and time are the entry's), so the
    /// audit log keeps a registration as its record's position and the height.
    pub(crate) fn registration(height: u64, id: Digest, entry: &crate::record::RecordEntry) -> Self {
        Self::registration_by(height, super::tx::registration_id(&id), id, entry)
    }

    /// [`AuditEvent::registration`], by the transaction `tx` (which validation has at hand).
    pub(crate) fn registration_by(height: u64, tx: Digest, id: Digest, entry: &crate::record::RecordEntry) -> Self {
        let mut event = Self::new(height, entry.time, tx, AuditAction::RecordRegistered);
        event.actor = Some(entry.custodian.clone());
        event.patient = Some(entry.patient);
        event.entry = Some(id);
        event
    }

    /// The committed value of the event's state item: SHA-256 over its fields in a fixed
    /// binary layout (each optional field a presence byte, then its bytes length-prefixed).
    pub fn commitment(&self) -> Digest {
        use sha2::Digest as _;
        // An optional field: a presence byte, then its bytes (given in parts) length-prefixed.
        fn field<const N: usize>(h: &mut sha2::Sha256, value: Option<[&[u8]; N]>) {
            match value {
                None => h.update([0u8]),
                Some(parts) => {
                    h.update([1u8]);
                    h.update((parts.iter().map(|p| p.len()).sum::<usize>() as u32).to_be_bytes());
                    parts.iter().for_each(|p| h.update(p));
                }
            }
        }
        let mut h = sha2::Sha256::new();
        h.update(b"fhirbus/v1/audit-item\0");
        h.update(self.height.to_be_bytes());
        h.update(self.time.0.to_be_bytes());
        h.update(self.tx.as_bytes());
        // The action as its JSON text, quotes included (as serde writes it).
        field(&mut h, Some([b"\"", self.action.as_str().as_bytes(), b"\""]));
        field(&mut h, self.actor.as_ref().map(|o| [o.as_str().as_bytes()]));
        field(&mut h, self.patient.as_ref().map(|p| [p.as_bytes().as_slice()]));
        field(&mut h, self.subject_org.as_ref().map(|o| [o.as_str().as_bytes()]));
        field(&mut h, self.entry.as_ref().map(|d| [d.as_bytes().as_slice()]));
        field(&mut h, self.purpose.as_ref().map(|p| [p.as_bytes()]));
        field(&mut h, self.permitted.map(|p| [if p { &[1u8][..] } else { &[0u8][..] }]));
        h.update([u8::from(self.emergency)]);
        Digest(h.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    /// The committed layout, written out field by field as the docs state it.
    #[test]
    fn the_commitment_hashes_the_documented_layout() {
        use crate::{Digest, OrgId};
        let event = super::AuditEvent {
            height: 7,
            time: crate::Timestamp(1_764_000_000_123),
            tx: Digest::sha256(b"tx"),
            action: AuditAction::AccessDecided,
            actor: Some(OrgId::new("hospital-a").unwrap()),
            patient: None,
            subject_org: Some(OrgId::new("hospital-b").unwrap()),
            entry: Some(Digest::sha256(b"entry")),
            purpose: Some("ETREAT".into()),
            permitted: Some(true),
            emergency: true,
        };
        let mut b = b"fhirbus/v1/audit-item\0".to_vec();
        b.extend_from_slice(&7u64.to_be_bytes());
        b.extend_from_slice(&1_764_000_000_123u64.to_be_bytes());
        b.extend_from_slice(Digest::sha256(b"tx").as_bytes());
        for field in [
            Some(&b"\"access_decided\""[..]),
            Some(b"hospital-a"),
            None,
            Some(b"hospital-b"),
            Some(Digest::sha256(b"entry").as_bytes()),
            Some(b"ETREAT"),
            Some(&[1u8][..]),
        ] {
            match field {
                None => b.push(0),
                Some(v) => {
                    b.push(1);
                    b.extend_from_slice(&(v.len() as u32).to_be_bytes());
                    b.extend_from_slice(v);
                }
            }
        }
        b.push(1);
        assert_eq!(event.commitment(), Digest::sha256(&b));
    }

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
