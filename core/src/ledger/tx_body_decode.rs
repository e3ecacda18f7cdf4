//! Decoding a transaction body, `{"type": <kind>, <the kind's fields>}`, written out rather
//! than derived. Serde's derive for an internally tagged enum buffers every member in its
//! generic `Content` form and then decodes each field type a second time from it: a second
//! copy of every field type's decoder, about 26 KB of the gzipped WASM module (a third of
//! what it may weigh). Here each member is kept as its raw JSON text, and each field is
//! decoded from that text by the same decoder as everywhere else. As strict as the derive:
//! an unknown kind or member, a member twice, or a missing field is refused, with the same
//! error text (which `classify_serde_error` reads).

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::tx::TxBody;

/// The kinds, in the order the enum declares them.
const KINDS: &[&str] = &[
    "admit_member",
    "remove_member",
    "set_validators",
    "set_council",
    "rotate_org_key",
    "revoke_org_key",
    "enrol_patient",
    "rotate_patient_key",
    "revoke_patient_key",
    "name_delegate",
    "register_record",
    "supersede_record",
    "share_data_key",
    "grant_consent",
    "revoke_consent",
    "request_access",
    "rotate_data_key_epoch",
];

/// A body's members, each as its raw JSON, taken out as the kind's fields are read. A body
/// has a handful: a list searched by name is enough.
struct Members(Vec<(String, Box<RawValue>)>);

impl Members {
    fn remove(&mut self, name: &str) -> Option<Box<RawValue>> {
        let at = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.swap_remove(at).1)
    }

    /// Field `name`, which must be there.
    fn take<T: DeserializeOwned, E: de::Error>(&mut self, name: &'static str) -> Result<T, E> {
        let raw = self.remove(name).ok_or_else(|| E::missing_field(name))?;
        serde_json::from_slice(raw.get().as_bytes()).map_err(E::custom)
    }

    /// Optional field `name`: absent or `null` is `None`, as the derive reads an `Option`.
    fn take_optional<T: DeserializeOwned, E: de::Error>(&mut self, name: &'static str) -> Result<Option<T>, E> {
        match self.remove(name) {
            Some(raw) => serde_json::from_slice(raw.get().as_bytes()).map_err(E::custom),
            None => Ok(None),
        }
    }

    /// Every member was a field of the kind.
    fn finish<E: de::Error>(self) -> Result<(), E> {
        match self.0.first() {
            Some((extra, _)) => Err(E::unknown_field(extra, &[])),
            None => Ok(()),
        }
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = TxBody;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a transaction body: an object with its \"type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TxBody, A::Error> {
        let mut members: Vec<(String, Box<RawValue>)> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let value: Box<RawValue> = map.next_value()?;
            if members.iter().any(|(n, _)| *n == name) {
                return Err(de::Error::custom("duplicate field in a transaction body"));
            }
            // A body has a dozen members at most; more is not a body.
            if members.len() >= 16 {
                return Err(de::Error::custom("too many members in a transaction body"));
            }
            members.push((name, value));
        }
        let mut m = Members(members);
        let kind: String = m.take("type")?;
        let body = match kind.as_str() {
            "admit_member" => TxBody::AdmitMember {
                org: m.take("org")?,
                name: m.take("name")?,
                signing_key: m.take("signing_key")?,
                encryption_key: m.take("encryption_key")?,
            },
            "remove_member" => TxBody::RemoveMember { org: m.take("org")? },
            "set_validators" => TxBody::SetValidators { validators: m.take("validators")? },
            "set_council" => TxBody::SetCouncil { council: m.take("council")? },
            "rotate_org_key" => TxBody::RotateOrgKey { org: m.take("org")?, purpose: m.take("purpose")?, key: m.take("key")? },
            "revoke_org_key" => TxBody::RevokeOrgKey { org: m.take("org")?, key_id: m.take("key_id")? },
            "enrol_patient" => TxBody::EnrolPatient {
                by: m.take("by")?,
                patient: m.take("patient")?,
                signing_key: m.take("signing_key")?,
                encryption_key: m.take("encryption_key")?,
            },
            "rotate_patient_key" => TxBody::RotatePatientKey { patient: m.take("patient")?, purpose: m.take("purpose")?, key: m.take("key")? },
            "revoke_patient_key" => TxBody::RevokePatientKey { patient: m.take("patient")?, key_id: m.take("key_id")?, by: m.take_optional("by")? },
            "name_delegate" => TxBody::NameDelegate { patient: m.take("patient")?, key: m.take("key")? },
            "register_record" => TxBody::RegisterRecord { entry: m.take("entry")? },
            "supersede_record" => TxBody::SupersedeRecord { previous: m.take("previous")?, entry: m.take("entry")? },
            "share_data_key" => TxBody::ShareDataKey {
                custodian: m.take("custodian")?,
                patient: m.take("patient")?,
                epoch: m.take("epoch")?,
                recipient: m.take("recipient")?,
                wrapped: m.take("wrapped")?,
            },
            "grant_consent" => TxBody::GrantConsent { consent: m.take("consent")? },
            "revoke_consent" => TxBody::RevokeConsent { patient: m.take("patient")?, consent_id: m.take("consent_id")? },
            "request_access" => TxBody::RequestAccess {
                requester: m.take("requester")?,
                patient: m.take("patient")?,
                entry: m.take("entry")?,
                purpose: m.take("purpose")?,
                permitted: m.take("permitted")?,
                consent: m.take_optional("consent")?,
            },
            "rotate_data_key_epoch" => TxBody::RotateDataKeyEpoch { custodian: m.take("custodian")?, patient: m.take("patient")?, epoch: m.take("epoch")? },
            other => return Err(de::Error::unknown_variant(other, KINDS)),
        };
        m.finish()?;
        Ok(body)
    }
}

impl<'de> Deserialize<'de> for TxBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(BodyVisitor)
    }
}
