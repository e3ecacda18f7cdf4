//! Consent: a FHIR-aligned consent model and decision engine (issue 4).
//!
//! A patient's [`Consent`] is a tree of [`Provision`]s, each permitting or denying access to
//! the patient's records for some requests. [`decide`] answers an [`AccessRequest`] (who asks,
//! for which purpose, which resource type, data recorded when) from the patient's consents at
//! an instant `now` that the caller passes in. The answer ([`Decision`]) says permit or deny,
//! which consent and provision decided ([`Basis`], [`ProvisionPath`]), the [`Obligations`] of
//! a permit and a short explanation. Consents come from and go to FHIR Consent JSON, R4 and R5
//! ([`Consent::from_fhir`], [`Consent::to_fhir`]), and have a canonical encoding for the
//! ledger ([`Consent::encode`], [`Consent::decode`], signed in [`Domain::Consent`]).
//!
//! # A provision
//!
//! A provision has an effect (permit or deny) and conditions: the grantee (one or more
//! member organisations, or any member), purposes of use, actions, resource classes (FHIR
//! resource types), a data period (when the data was recorded) and a validity period (when
//! the provision is in force, checked against `now`). A provision *matches* a request when
//! every condition holds (conditions are AND'd) and, for each condition, one of its values
//! does (values are OR'd). Purposes follow the v3 ActReason hierarchy ([`Purpose`]): a grant
//! for `TREAT` covers `ETREAT` and `BTG`, a grant for `ETREAT` does not cover `TREAT`. Every
//! request is a network access (retrieval, `access`; seen from the custodian, `disclose`), so
//! an action condition matches when it lists `access` or `disclose`.
//!
//! # Nesting, all the way down
//!
//! As in FHIR Consent, the root gives the consent's base decision and each nested provision is
//! an exception to its parent. The result of a matching provision is its own effect, unless
//! one of its children matches, in which case it is the result of those children, computed
//! the same way to any depth. Matching siblings are alternatives (OR'd); when their results
//! differ, deny overrides permit. The deciding provision's path is reported; among siblings
//! of the same result the first in order names it.
//!
//! # Several consents: the combination rule
//!
//! A consent is considered when it belongs to the request's patient, is in force at `now`
//! (not revoked at or before `now`, `now` within the root's validity) and its root matches.
//! Its result is then ranked:
//!
//! 1. **explicit deny** (highest): a deny from a nested provision, or from a root that has
//!    conditions: the patient restricted this access;
//! 2. **permit**;
//! 3. **base deny**: a deny from a root without conditions: the consent grants nothing that
//!    covers the request (R5's `decision: deny` with permit exceptions, "share with A only").
//!    It is no restriction: it does not cancel another consent's grant.
//!
//! The highest rank wins; within a rank the smallest (consent id, provision path) names the
//! basis. The answer therefore does not depend on the order of the consents. It is
//! deny-overrides for restrictions, and grants add up: "share everything with A" and "share
//! with B only" together let A and B in, while "never share with C" keeps C out whatever else
//! the patient granted. With no permit, access is denied: the network's default is deny.
//!
//! # Break-the-glass
//!
//! A request whose purpose is emergency treatment (`ETREAT` or a kind of it: `BTG`,
//! `ERTREAT`) is permitted when a consent permits it, as any request. When no consent permits
//! or restricts it, the network's [`EmergencyPolicy`] decides: with `allow_emergency_access`
//! it is permitted on that basis ([`Basis::EmergencyPolicy`]). A patient's explicit
//! restriction is never overridden. Every permit carries the obligation to audit the access;
//! every emergency permit, whatever its basis, also the obligation to notify the patient.
//!
//! # Revocation
//!
//! A revoked consent is out of force from its revocation instant on, for its permits and its
//! denies alike; a decision about an earlier `now` still sees it.
//!
//! # FHIR Consent
//!
//! [`fhir_import`] and [`fhir_export`] list what is mapped, what is accepted as description
//! and what is refused ([`ErrorCode::ConsentUnsupportedElement`], naming the element path).
//! The host passes the patient's pseudonym: the Consent's own patient reference is the host's
//! and never reaches the ledger. Periods are read as in [`fhir_time`].
//!
//! **R4 against its own rules.** R4 says the root provision has no `type` ("not permitted in
//! root rule") and nested provisions must have one; several of HL7's R4 examples break this
//! either way. This library reads R4 as follows:
//!
//! * A root **with** a `type` (`consent-example-notOrg`) is accepted: the type is the base
//!   decision. This is how the work group explains the provision tree ("a root node that shows
//!   the base permit/deny"), how implementations such as Leap's consent decision service read
//!   R4, and what R5 made normative as `Consent.decision`. `policyRule` is then description.
//! * A root **without** a `type` (R4-conformant) takes its base decision from `policyRule`,
//!   R4's base policy: v3 ActCode `OPTIN` permits, `OPTOUT` denies; any other `policyRule`
//!   (or none) is refused as [`ErrorCode::ConsentInvalid`] naming `Consent.provision.type`.
//! * A nested provision **without** a `type` (`consent-example-pkb`) is refused as
//!   [`ErrorCode::ConsentInvalid`] naming its `type`: guessing whether an exception permits or
//!   denies would be guessing the patient's privacy choice.
//! * `provision.period` is the provision's validity (R4's definition, "the timeframe in this
//!   rule is valid"), not the period of the data, which is `dataPeriod`, even where an
//!   example's narrative reads otherwise (`consent-example-notTime`).
//!
//! The export writes R4 by the letter (no root `type`, `policyRule` OPTIN/OPTOUT), so an
//! exported R4 Consent is valid R4 and imports back to the same model.
//!
//! **R5.** `decision` is the root's effect, `period` its validity, and each level of
//! provisions has the effect opposite to its parent's. `grantee` is refused (this model names
//! grantees in `provision.actor`).
//!
//! # Limits
//!
//! Input is hostile: at most [`MAX_DEPTH`] levels of provisions, [`MAX_PROVISIONS`]
//! provisions and [`MAX_VALUES`] values of one attribute, 1 MiB of FHIR JSON or canonical
//! encoding; beyond them [`ErrorCode::TooDeep`] or [`ErrorCode::TooLarge`].
//!
//! [`Domain::Consent`]: crate::signature::Domain::Consent
//! [`ErrorCode::ConsentUnsupportedElement`]: crate::ErrorCode::ConsentUnsupportedElement
//! [`ErrorCode::ConsentInvalid`]: crate::ErrorCode::ConsentInvalid
//! [`ErrorCode::TooDeep`]: crate::ErrorCode::TooDeep
//! [`ErrorCode::TooLarge`]: crate::ErrorCode::TooLarge

mod decide;
mod encoding;
mod fhir_codes;
pub mod fhir_export;
pub mod fhir_import;
pub mod fhir_time;
mod model;
mod purpose;

pub use decide::{AccessRequest, Basis, Decision, EmergencyPolicy, Obligations, ProvisionPath, decide};
pub use encoding::{CONSENT_FORMAT_VERSION, MAX_ENCODED_LEN};
pub use fhir_codes::{FhirVersion, PSEUDONYM_SYSTEM};
pub use fhir_import::MAX_FHIR_JSON_LEN;
pub use model::{
    Action, ActionSet, Consent, ConsentId, ConsentStatus, Effect, Grantee, MAX_DEPTH, MAX_PROVISIONS, MAX_VALUES,
    Period, Provision,
};
pub use purpose::{ACT_REASON_SYSTEM, Purpose, PurposeSet};

use crate::error::Result;
use crate::pseudonym::Pseudonym;

impl Consent {
    /// Import a FHIR Consent (JSON) of `version`, for the patient whose pseudonym is
    /// `patient`. See [`fhir_import`].
    pub fn from_fhir(json: &[u8], version: FhirVersion, patient: Pseudonym) -> Result<Self> {
        fhir_import::import(json, version, patient)
    }

    /// Export as FHIR Consent JSON of `version`. See [`fhir_export`].
    pub fn to_fhir(&self, version: FhirVersion) -> Result<Vec<u8>> {
        fhir_export::export(self, version)
    }
}
