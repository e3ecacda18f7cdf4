//! The canonical encoding of a consent, format version 1: what the ledger carries in its
//! transactions and what a grantor signs.
//!
//! RFC 8785 (JCS) JSON. Times are milliseconds since the Unix epoch, the patient is its
//! pseudonym in base64url, purposes are ActReason codes, actions consentaction codes; an
//! unconstrained attribute is absent (never `null`, never `[]`), value lists are sorted and
//! unique, a period has at least one bound:
//!
//! ```json
//! {"id":"c-1","patient":"…","root":{"effect":"permit","grantee":["hospital-a"],
//!  "provisions":[{"classes":["Condition"],"effect":"deny"}],"purposes":["TREAT"],
//!  "validity":{"end":1767225600000,"start":1735689600000}},"v":1}
//! ```
//!
//! A revoked consent carries `"revokedAt"`. Decoding is strict: input over
//! [`MAX_ENCODED_LEN`], malformed JSON, duplicate keys, unknown fields, versions other than 1,
//! invalid values, limits of the model and any encoding other than the canonical one (once
//! whitespace and key order are normalized) are refused with typed errors, so that one consent
//! has exactly one encoding. Signatures use [`Domain::Consent`] over these bytes.

use serde::{Deserialize, Serialize};

use crate::canonical::{self, Limits, Value};
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{OrgId, ResourceType};
use crate::pseudonym::Pseudonym;
use crate::record::classify_serde_error;
use crate::signature::{Domain, Signature, SigningKey, VerifyingKey};
use crate::time::Timestamp;

use super::model::{
    Action, ActionSet, Consent, ConsentId, ConsentStatus, Effect, Grantee, MAX_DEPTH, Period, Provision,
};
use super::purpose::{Purpose, PurposeSet};

/// The format version this library writes and reads.
pub const CONSENT_FORMAT_VERSION: u32 = 1;

/// The largest encoded consent accepted.
pub const MAX_ENCODED_LEN: usize = 1 << 20;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ConsentRepr {
    v: u32,
    id: String,
    patient: Pseudonym,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revoked_at: Option<Timestamp>,
    root: ProvisionRepr,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ProvisionRepr {
    effect: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    grantee: Option<Vec<OrgId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    purposes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    classes: Option<Vec<ResourceType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_period: Option<PeriodRepr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    validity: Option<PeriodRepr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    provisions: Vec<ProvisionRepr>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end: Option<i64>,
}

impl From<&Period> for PeriodRepr {
    fn from(p: &Period) -> Self {
        Self { start: p.start(), end: p.end() }
    }
}

impl From<&Provision> for ProvisionRepr {
    fn from(p: &Provision) -> Self {
        Self {
            effect: p.effect.code().to_owned(),
            grantee: match &p.grantee {
                Grantee::AnyMember => None,
                Grantee::Orgs(orgs) => Some(orgs.clone()),
            },
            purposes: p.purposes.map(|s| s.iter().map(|x| x.code().to_owned()).collect()),
            actions: p.actions.map(|s| s.iter().map(|x| x.code().to_owned()).collect()),
            classes: p.classes.clone(),
            data_period: p.data_period.as_ref().map(PeriodRepr::from),
            validity: p.validity.as_ref().map(PeriodRepr::from),
            provisions: p.provisions.iter().map(ProvisionRepr::from).collect(),
        }
    }
}

fn invalid(what: &str) -> Error {
    Error::new(ErrorCode::ConsentInvalid, format!("consent encoding: {what}"))
}

impl ProvisionRepr {
    fn into_model(self) -> Result<Provision> {
        let effect = Effect::from_code(&self.effect).ok_or_else(|| invalid("effect is permit or deny"))?;
        let purposes = match self.purposes {
            None => None,
            Some(codes) => Some(
                codes
                    .iter()
                    .map(|c| Purpose::from_code(c).ok_or_else(|| invalid("an unknown purpose code")))
                    .collect::<Result<PurposeSet>>()?,
            ),
        };
        let actions = match self.actions {
            None => None,
            Some(codes) => Some(
                codes
                    .iter()
                    .map(|c| Action::from_code(c).ok_or_else(|| invalid("an unknown action code")))
                    .collect::<Result<ActionSet>>()?,
            ),
        };
        let period = |p: Option<PeriodRepr>| p.map(|p| Period::from_millis(p.start, p.end)).transpose();
        Ok(Provision {
            effect,
            grantee: self.grantee.map_or(Grantee::AnyMember, Grantee::Orgs),
            purposes,
            actions,
            classes: self.classes,
            data_period: period(self.data_period)?,
            validity: period(self.validity)?,
            provisions: self.provisions.into_iter().map(ProvisionRepr::into_model).collect::<Result<_>>()?,
        })
    }
}

impl Consent {
    /// The canonical bytes (RFC 8785): what is signed and what the ledger carries.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let repr = ConsentRepr {
            v: CONSENT_FORMAT_VERSION,
            id: self.id().as_str().to_owned(),
            patient: *self.patient(),
            revoked_at: match self.status() {
                ConsentStatus::Active => None,
                ConsentStatus::Revoked { at } => Some(at),
            },
            root: ProvisionRepr::from(self.root()),
        };
        canonical::jcs_of(&repr)
    }

    /// Strict decoding of the canonical bytes (see the module docs).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        // Each level of provisions is an object in an array; a period adds one level more.
        let limits = Limits { max_bytes: MAX_ENCODED_LEN, max_depth: 2 * MAX_DEPTH + 4 };
        let tree = canonical::parse(bytes, limits)?;
        match tree.get("v") {
            Some(Value::Number(v)) if v == "1" => {}
            Some(Value::Number(_)) => {
                return Err(Error::new(ErrorCode::UnsupportedVersion, "consent format version other than 1"));
            }
            Some(_) => return Err(invalid("version is not a number")),
            None => return Err(Error::new(ErrorCode::MissingField, "consent encoding: v")),
        }
        let repr: ConsentRepr = serde_json::from_slice(bytes).map_err(|e| classify_serde_error(&e, "consent"))?;
        let id = ConsentId::new(&repr.id)?;
        let status = match repr.revoked_at {
            None => ConsentStatus::Active,
            Some(at) => ConsentStatus::Revoked { at },
        };
        let consent = Consent::with_status(id, repr.patient, status, repr.root.into_model()?)?;
        if consent.encode()? != canonical::jcs_with_limits(bytes, limits)? {
            return Err(invalid("not the canonical encoding (unsorted or repeated values, empty lists, null fields)"));
        }
        Ok(consent)
    }

    /// The grantor's signature over the canonical bytes, in [`Domain::Consent`].
    pub fn sign(&self, key: &SigningKey) -> Result<Signature> {
        key.sign(Domain::Consent, &self.encode()?)
    }

    /// Check a signature over the canonical bytes, in [`Domain::Consent`].
    pub fn verify(&self, key: &VerifyingKey, signature: &Signature) -> Result<()> {
        key.verify(Domain::Consent, &self.encode()?, signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::purpose::Purpose::*;

    fn sample() -> Consent {
        let root = Provision::permit()
            .orgs([OrgId::new("hospital-a").unwrap()])
            .purposes([Treatment])
            .validity(Period::between(Timestamp(1_735_689_600_000), Timestamp(1_767_225_600_000)).unwrap())
            .except(Provision::deny().classes([ResourceType::new("Condition").unwrap()]));
        Consent::new(ConsentId::new("c-1").unwrap(), Pseudonym([0; 32]), root).unwrap()
    }

    #[test]
    fn round_trip_and_shape() {
        let c = sample();
        let bytes = c.encode().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            text,
            r#"{"id":"c-1","patient":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","root":{"effect":"permit","grantee":["hospital-a"],"provisions":[{"classes":["Condition"],"effect":"deny"}],"purposes":["TREAT"],"validity":{"end":1767225600000,"start":1735689600000}},"v":1}"#
        );
        assert_eq!(Consent::decode(&bytes).unwrap(), c);
        let mut revoked = c.clone();
        revoked.revoke(Timestamp(5)).unwrap();
        let bytes = revoked.encode().unwrap();
        assert!(String::from_utf8(bytes.clone()).unwrap().contains(r#""revokedAt":5"#));
        assert_eq!(Consent::decode(&bytes).unwrap(), revoked);
    }

    #[test]
    fn whitespace_and_key_order_are_accepted() {
        let text = r#"{ "v": 1, "root": {"effect": "deny"}, "patient": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "id": "x" }"#;
        assert_eq!(Consent::decode(text.as_bytes()).unwrap().id().as_str(), "x");
    }

    #[test]
    fn strictness() {
        let p = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let cases: Vec<(String, ErrorCode)> = vec![
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny"}},"v":2}}"#),
                ErrorCode::UnsupportedVersion,
            ),
            (format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny"}}}}"#), ErrorCode::MissingField),
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny"}},"v":1,"x":0}}"#),
                ErrorCode::UnknownField,
            ),
            (
                format!(r#"{{"id":"x","id":"y","patient":"{p}","root":{{"effect":"deny"}},"v":1}}"#),
                ErrorCode::DuplicateKey,
            ),
            (format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"maybe"}},"v":1}}"#), ErrorCode::ConsentInvalid),
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","grantee":null}},"v":1}}"#),
                ErrorCode::ConsentInvalid,
            ),
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","grantee":[]}},"v":1}}"#),
                ErrorCode::ConsentInvalid,
            ),
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","grantee":["b","a"]}},"v":1}}"#),
                ErrorCode::ConsentInvalid,
            ),
            (
                format!(
                    r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","purposes":["TREAT","TREAT"]}},"v":1}}"#
                ),
                ErrorCode::ConsentInvalid,
            ),
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","purposes":["NOPE"]}},"v":1}}"#),
                ErrorCode::ConsentInvalid,
            ),
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","provisions":[]}},"v":1}}"#),
                ErrorCode::ConsentInvalid,
            ),
            (
                format!(r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","validity":{{}}}},"v":1}}"#),
                ErrorCode::ConsentInvalid,
            ),
            (
                format!(
                    r#"{{"id":"x","patient":"{p}","root":{{"effect":"deny","validity":{{"start":2,"end":1}}}},"v":1}}"#
                ),
                ErrorCode::ConsentInvalid,
            ),
            (format!(r#"{{"id":"x y","patient":"{p}","root":{{"effect":"deny"}},"v":1}}"#), ErrorCode::InvalidValue),
            ("{".to_owned(), ErrorCode::MalformedJson),
        ];
        for (text, code) in cases {
            assert_eq!(Consent::decode(text.as_bytes()).unwrap_err().code(), code, "{text}");
        }
        let mut deep = String::from(r#"{"effect":"deny"}"#);
        for _ in 0..MAX_DEPTH + 2 {
            deep = format!(r#"{{"effect":"permit","provisions":[{deep}]}}"#);
        }
        let text = format!(r#"{{"id":"x","patient":"{p}","root":{deep},"v":1}}"#);
        assert_eq!(Consent::decode(text.as_bytes()).unwrap_err().code(), ErrorCode::TooDeep);
    }

    #[test]
    fn signatures_cover_the_canonical_bytes() {
        let key = SigningKey::from_secret(&[3; 32]).unwrap();
        let c = sample();
        let sig = c.sign(&key).unwrap();
        c.verify(key.verifying_key(), &sig).unwrap();
        let mut revoked = c.clone();
        revoked.revoke(Timestamp(1)).unwrap();
        assert_eq!(revoked.verify(key.verifying_key(), &sig).unwrap_err().code(), ErrorCode::BadSignature);
    }
}
