//! The consents in the ledger state, per patient, and their carriage in transactions.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::consent::{Consent, ConsentId};
use crate::error::{Error, ErrorCode, Result};
use crate::pseudonym::Pseudonym;
use crate::time::Timestamp;

/// The consents of every patient. Each patient's list is shared until changed, so copying
/// the state for a block stays cheap.
#[derive(Debug, Clone, Default)]
pub struct ConsentStore {
    by_patient: imbl::OrdMap<Pseudonym, Arc<Vec<Consent>>>,
}

impl ConsentStore {
    /// Every consent of a patient (revoked ones included: decisions about earlier times still
    /// see them), in grant order.
    pub fn of_patient(&self, patient: &Pseudonym) -> &[Consent] {
        self.by_patient.get(patient).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// A consent by patient and id.
    pub fn get(&self, patient: &Pseudonym, id: &ConsentId) -> Option<&Consent> {
        self.of_patient(patient).iter().find(|c| c.id() == id)
    }

    pub(crate) fn grant(&mut self, consent: Consent) -> Result<()> {
        if self.get(consent.patient(), consent.id()).is_some() {
            return Err(Error::new(ErrorCode::InvalidValue, "a consent with this id already exists for the patient"));
        }
        if !matches!(consent.status(), crate::consent::ConsentStatus::Active) {
            return Err(Error::new(ErrorCode::InvalidValue, "a granted consent must be active"));
        }
        let list = self.by_patient.entry(*consent.patient()).or_default();
        Arc::make_mut(list).push(consent);
        Ok(())
    }

    pub(crate) fn revoke(&mut self, patient: &Pseudonym, id: &ConsentId, at: Timestamp) -> Result<&Consent> {
        let list = self
            .by_patient
            .get_mut(patient)
            .ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no such consent"))?;
        let consent = Arc::make_mut(list)
            .iter_mut()
            .find(|c| c.id() == id)
            .ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no such consent"))?;
        consent.revoke(at)?;
        Ok(consent)
    }
}

/// A consent inside a transaction: its canonical encoding as a nested JSON object. Decoding
/// is the consent module's strict decoder.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentDoc(pub Consent);

impl Serialize for ConsentDoc {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let bytes = self.0.encode().map_err(|e| serde::ser::Error::custom(e.detail().to_owned()))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(serde::ser::Error::custom)?;
        value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ConsentDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let bytes = serde_json::to_vec(&value).map_err(serde::de::Error::custom)?;
        let canonical = crate::canonical::jcs(&bytes).map_err(|e| serde::de::Error::custom(e.detail().to_owned()))?;
        Consent::decode(&canonical).map(ConsentDoc).map_err(|e| serde::de::Error::custom(e.detail().to_owned()))
    }
}
