//! Consents: FHIR import and export, canonical encoding, and the consent engine's decision.

use std::sync::Arc;

use fhirbus::consent::{self, FhirVersion};
use fhirbus::host;
use fhirbus::pseudonym::Pseudonym;

use crate::convert;
use crate::error::Result;

/// A patient's consent (`fhirbus::consent::Consent`), in the model aligned with FHIR Consent.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Consent(pub(crate) consent::Consent);

crate::debug_as_core!(Consent);

#[uniffi::export]
impl Consent {
    /// Import a FHIR Consent (JSON) of FHIR `version` 4 (R4) or 5 (R5), for the patient whose
    /// pseudonym is `patient` (32 bytes).
    #[uniffi::constructor]
    pub fn from_fhir(json: Vec<u8>, version: u8, patient: Vec<u8>) -> Result<Arc<Self>> {
        let consent = consent::Consent::from_fhir(
            &json,
            FhirVersion::from_u8(version)?,
            Pseudonym::from_slice(&patient)?,
        )?;
        Ok(Arc::new(Self(consent)))
    }

    /// Strict decoding of a consent's canonical encoding.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(consent::Consent::decode(&bytes)?)))
    }

    /// Export as FHIR Consent JSON of `version` 4 or 5.
    pub fn to_fhir(&self, version: u8) -> Result<Vec<u8>> {
        Ok(self.0.to_fhir(FhirVersion::from_u8(version)?)?)
    }

    /// The canonical encoding (what the ledger stores).
    pub fn encode(&self) -> Result<Vec<u8>> {
        Ok(self.0.encode()?)
    }

    /// The consent's id.
    pub fn id(&self) -> String {
        self.0.id().as_str().to_owned()
    }

    /// The patient's pseudonym, 32 bytes.
    pub fn patient(&self) -> Vec<u8> {
        self.0.patient().0.to_vec()
    }
}

/// The consent engine on `consents`: may `requester` see `patient`'s `resource_type` data of
/// `data_date_ms` for `purpose` (a v3 ActReason code such as `TREAT`) at `now_ms`? Returns the
/// decision as JSON (`fhirbus::host` module docs).
#[uniffi::export]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field of the request, as in API.md"
)]
pub fn decide(
    consents: Vec<Arc<Consent>>,
    requester: String,
    patient: Vec<u8>,
    purpose: String,
    resource_type: String,
    data_date_ms: u64,
    allow_emergency: bool,
    now_ms: u64,
) -> Result<Vec<u8>> {
    let consents: Vec<consent::Consent> = consents.iter().map(|c| c.0.clone()).collect();
    let decision = host::decide(
        &consents,
        &requester,
        &Pseudonym::from_slice(&patient)?,
        &purpose,
        &resource_type,
        convert::time(data_date_ms),
        allow_emergency,
        convert::time(now_ms),
    )?;
    Ok(host::decision_json(&decision)?)
}
