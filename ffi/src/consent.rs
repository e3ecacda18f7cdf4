//! Consents: FHIR Consent import and export, the canonical encoding, and the decision engine
//! on a list of consents (through `fhirbus::host`, which shapes the decision view).

use std::ffi::c_char;

use fhirbus::Timestamp;
use fhirbus::consent::{Consent, FhirVersion};
use fhirbus::host;
use fhirbus::pseudonym::Pseudonym;

use crate::FHIRBUS_PSEUDONYM_LEN;
use crate::conv::{self, Res, fhirbus_buffer};
use crate::error::fhirbus_result;

/// A patient's consent (opaque; immutable). Thread-safe.
pub struct fhirbus_consent {
    pub(crate) consent: Consent,
}

/// The FHIR version numbered `n` (4 or 5: `FhirVersion::from_u8`).
fn version(n: u32) -> Res<FhirVersion> {
    FhirVersion::from_u8(conv::small(n, "FHIR version")?)
}

/// Import a FHIR Consent resource (JSON, at most 1 MiB) of FHIR `version` (4 for R4, 5 for R5)
/// for the patient whose 32-byte pseudonym is `patient` (the Consent's own patient reference is
/// the host's and is not carried). Elements the model cannot represent are refused, never
/// dropped: `FHIRBUS_CONSENT_UNSUPPORTED_ELEMENT` or `FHIRBUS_CONSENT_INVALID`, the last error
/// message naming the element (`Consent.provision.actor[0].role: ...`), never its value. Free
/// the consent with `fhirbus_consent_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_consent_from_fhir(
    json: *const u8,
    json_len: usize,
    version: u32,
    patient: *const u8,
    patient_len: usize,
    out: *mut *mut fhirbus_consent,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (json, patient, out) = unsafe {
            (conv::bytes(json, json_len, "json")?, conv::bytes(patient, patient_len, "patient")?, conv::out(out, "out")?)
        };
        let consent = Consent::from_fhir(json, self::version(version)?, Pseudonym::from_slice(patient)?)?;
        out.write(conv::handle_new(fhirbus_consent { consent }));
        Ok(())
    })
}

/// Decode a consent's canonical encoding (as `fhirbus_consent_encode` writes it and a
/// GrantConsent transaction carries it), strictly: anything but the canonical form is refused.
/// Free the consent with `fhirbus_consent_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_consent_decode(
    bytes: *const u8,
    bytes_len: usize,
    out: *mut *mut fhirbus_consent,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (bytes, out) = unsafe { (conv::bytes(bytes, bytes_len, "bytes")?, conv::out(out, "out")?) };
        let consent = Consent::decode(bytes)?;
        out.write(conv::handle_new(fhirbus_consent { consent }));
        Ok(())
    })
}

/// Free a consent (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_consent_free(consent: *mut fhirbus_consent) {
    conv::call_or((), || conv::handle_free(consent));
}

/// Export the consent as FHIR Consent JSON of FHIR `version` (4 or 5), into `*out`. The patient
/// is named by its pseudonym (identifier system `urn:fhirbus:patient-pseudonym`).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_consent_to_fhir(
    consent: *const fhirbus_consent,
    version: u32,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        let version = self::version(version)?;
        out.write_bytes(conv::handle(consent, "consent")?.consent.to_fhir(version)?);
        Ok(())
    })
}

/// The consent's canonical encoding (RFC 8785 JSON), into `*out`: what a GrantConsent
/// transaction carries as its `body.consent`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_consent_encode(consent: *const fhirbus_consent, out: *mut fhirbus_buffer) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write_bytes(conv::handle(consent, "consent")?.consent.encode()?);
        Ok(())
    })
}

/// The consent's id (its id on the network, text), into `*out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_consent_id(consent: *const fhirbus_consent, out: *mut fhirbus_buffer) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write_bytes(conv::handle(consent, "consent")?.consent.id().as_str().as_bytes().to_vec());
        Ok(())
    })
}

/// The patient's pseudonym (`FHIRBUS_PSEUDONYM_LEN` bytes).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_consent_patient(consent: *const fhirbus_consent, out: *mut u8, out_len: usize) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_PSEUDONYM_LEN, "out")? };
        out.write(conv::handle(consent, "consent")?.consent.patient().as_bytes());
        Ok(())
    })
}

/// The consent engine's decision on a request, from the consents `consents[0..consents_count]`
/// (a list of handles; NULL with count 0 is no consent: the network's default, deny) at
/// `now_ms`: `requester` (a member organisation id) asks for the patient's (32-byte pseudonym)
/// data of `resource_type`, recorded at `data_date_ms`, for `purpose` (a v3 ActReason code:
/// `TREAT`, `ETREAT`, `BTG`, ...). `allow_emergency` (0 or 1) is the network's emergency
/// policy. Writes the decision as JSON to `*out`:
/// `{"permit":bool,"basis":"consent"|"emergencyPolicy"|"networkDefault","consent":id?,
/// "path":[n...]?,"obligations":{"audit":bool,"notifyPatient":bool},"explanation":text}`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_decide(
    consents: *const *const fhirbus_consent,
    consents_count: usize,
    requester: *const c_char,
    patient: *const u8,
    patient_len: usize,
    purpose: *const c_char,
    resource_type: *const c_char,
    data_date_ms: u64,
    allow_emergency: u32,
    now_ms: u64,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for lists, input buffers, strings and out-parameters.
        let (consents, requester, patient, purpose, resource_type, out) = unsafe {
            (
                conv::handles(consents, consents_count, "consents")?,
                conv::text(requester, "requester")?,
                conv::bytes(patient, patient_len, "patient")?,
                conv::text(purpose, "purpose")?,
                conv::text(resource_type, "resource_type")?,
                conv::out(out, "out")?,
            )
        };
        // The core decides over a slice of consents; the handles hold theirs behind shared
        // references, so the call works on copies.
        let consents: Vec<Consent> = consents.iter().map(|c| c.consent.clone()).collect();
        let decision = host::decide(
            &consents,
            requester,
            &Pseudonym::from_slice(patient)?,
            purpose,
            resource_type,
            Timestamp::from_millis(data_date_ms),
            conv::flag(allow_emergency, "allow_emergency")?,
            Timestamp::from_millis(now_ms),
        )?;
        out.write_bytes(host::decision_json(&decision)?);
        Ok(())
    })
}
