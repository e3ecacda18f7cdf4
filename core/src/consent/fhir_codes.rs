//! The FHIR versions, code systems and URIs that the importer and the exporter share.

/// Which FHIR version a Consent resource follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FhirVersion {
    /// FHIR R4 (4.0.1): one root `Consent.provision` with `type` at each level.
    R4 = 4,
    /// FHIR R5 (5.0.0): `Consent.decision` at the root, untyped `Consent.provision`s.
    R5 = 5,
}

impl FhirVersion {
    /// The version with this number (as the binding layers pass it: 4 or 5).
    pub fn from_u8(n: u8) -> crate::Result<Self> {
        match n {
            4 => Ok(Self::R4),
            5 => Ok(Self::R5),
            _ => Err(crate::Error::new(crate::ErrorCode::InvalidValue, "FHIR version: 4 or 5")),
        }
    }
}

/// The identifier system under which an exported Consent names its patient: the value is the
/// patient's pseudonym in base64url. The ledger never sees the host's own patient reference.
pub const PSEUDONYM_SYSTEM: &str = "urn:fhirbus:patient-pseudonym";

pub(crate) const PARTICIPATION_TYPE: &str = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
/// The actor role of a recipient: "primary information recipient".
pub(crate) const RECIPIENT_ROLE: &str = "PRCP";
pub(crate) const CONSENT_ACTION: &str = "http://terminology.hl7.org/CodeSystem/consentaction";
pub(crate) const CONSENT_SCOPE: &str = "http://terminology.hl7.org/CodeSystem/consentscope";
pub(crate) const PRIVACY_SCOPE: &str = "patient-privacy";
pub(crate) const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
pub(crate) const OPT_IN: &str = "OPTIN";
pub(crate) const OPT_OUT: &str = "OPTOUT";
pub(crate) const LOINC: &str = "http://loinc.org";
/// LOINC 59284-0 "Patient Consent", the category HL7's examples use.
pub(crate) const PATIENT_CONSENT: &str = "59284-0";
/// R4's code system of resource types.
pub(crate) const RESOURCE_TYPES: &str = "http://hl7.org/fhir/resource-types";
/// R5's code system of types (the resource-types value set draws on it).
pub(crate) const FHIR_TYPES: &str = "http://hl7.org/fhir/fhir-types";
