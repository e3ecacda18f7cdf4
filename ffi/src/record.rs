//! Record entries: sealing and signing, strict decoding, accessors, checks.

use std::ffi::c_char;

use fhirbus::pseudonym::Pseudonym;
use fhirbus::random::OsRandom;
use fhirbus::record::{NewRecordEntry, RecordEntry, SignedRecordEntry};
use fhirbus::signature::VerifyingKey;
use fhirbus::{Digest, OrgId, ResourceType, Timestamp};

use crate::conv::{self, fhirbus_buffer};
use crate::error::fhirbus_result;
use crate::keys::fhirbus_key_set;
use crate::pointer::fhirbus_data_key;
use crate::signing::fhirbus_signing_key;
use crate::{FHIRBUS_DIGEST_LEN, FHIRBUS_KEY_ID_LEN, FHIRBUS_PSEUDONYM_LEN};

/// A decoded, signed record entry (opaque; immutable). Thread-safe.
pub struct fhirbus_record_entry {
    entry: SignedRecordEntry,
}

/// Build a record entry, seal its pointer under `data_key` and sign it with `signing_key` (the
/// custodian's), and write its canonical encoding to `*out`. The fields: custodian
/// organisation id, the patient's 32-byte pseudonym, the FHIR resource type, the 32-byte
/// content digest (`fhirbus_fhir_digest`, variant 0), the data key epoch, the registration
/// time in milliseconds since the Unix epoch, and the FHIR versioned read URL to seal.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_seal_and_sign(
    custodian: *const c_char,
    patient: *const u8,
    patient_len: usize,
    resource_type: *const c_char,
    digest: *const u8,
    digest_len: usize,
    epoch: u32,
    time_ms: u64,
    pointer_url: *const c_char,
    data_key: *const fhirbus_data_key,
    signing_key: *const fhirbus_signing_key,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, strings and out-parameters.
        let (custodian, patient, resource_type, digest, pointer, out) = unsafe {
            (
                conv::text(custodian, "custodian")?,
                conv::bytes(patient, patient_len, "patient")?,
                conv::text(resource_type, "resource_type")?,
                conv::bytes(digest, digest_len, "digest")?,
                conv::text(pointer_url, "pointer_url")?,
                conv::out(out, "out")?,
            )
        };
        let new = NewRecordEntry {
            custodian: OrgId::new(custodian)?,
            patient: Pseudonym::from_slice(patient)?,
            resource_type: ResourceType::new(resource_type)?,
            digest: Digest::from_slice(digest)?,
            epoch,
            time: Timestamp::from_millis(time_ms),
            pointer,
        };
        let data_key = conv::handle(data_key, "data_key")?;
        let signing_key = conv::handle(signing_key, "signing_key")?;
        let signed = RecordEntry::seal(new, &data_key.key, &mut OsRandom)?.sign(&signing_key.key)?;
        out.write_bytes(signed.encode()?);
        Ok(())
    })
}

/// Decode an encoded signed record entry, strictly (size limit, duplicate keys, unknown or
/// missing fields, versions other than 1 and ill-formed values are refused). The signature is
/// not checked here: see `fhirbus_record_entry_verify`. Free the entry with
/// `fhirbus_record_entry_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_decode(
    bytes: *const u8,
    bytes_len: usize,
    out: *mut *mut fhirbus_record_entry,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (bytes, out) = unsafe { (conv::bytes(bytes, bytes_len, "bytes")?, conv::out(out, "out")?) };
        let entry = SignedRecordEntry::decode(bytes)?;
        out.write(conv::handle_new(fhirbus_record_entry { entry }));
        Ok(())
    })
}

/// Free a record entry (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_record_entry_free(entry: *mut fhirbus_record_entry) {
    conv::call_or((), || conv::handle_free(entry));
}

/// The canonical encoding of the entry, into `*out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_encode(entry: *const fhirbus_record_entry, out: *mut fhirbus_buffer) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write_bytes(conv::handle(entry, "entry")?.entry.encode()?);
        Ok(())
    })
}

/// The custodian's organisation id, into `*out` (text).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_custodian(
    entry: *const fhirbus_record_entry,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write_bytes(conv::handle(entry, "entry")?.entry.entry.custodian.as_str().as_bytes().to_vec());
        Ok(())
    })
}

/// The FHIR resource type, into `*out` (text).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_resource_type(
    entry: *const fhirbus_record_entry,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write_bytes(conv::handle(entry, "entry")?.entry.entry.resource_type.as_str().as_bytes().to_vec());
        Ok(())
    })
}

/// The patient's pseudonym (`FHIRBUS_PSEUDONYM_LEN` bytes).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_patient(
    entry: *const fhirbus_record_entry,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_PSEUDONYM_LEN, "out")? };
        out.write(conv::handle(entry, "entry")?.entry.entry.patient.as_bytes());
        Ok(())
    })
}

/// The content digest (`FHIRBUS_DIGEST_LEN` bytes).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_digest(
    entry: *const fhirbus_record_entry,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_DIGEST_LEN, "out")? };
        out.write(conv::handle(entry, "entry")?.entry.entry.digest.as_bytes());
        Ok(())
    })
}

/// The id of the key that signed the entry (`FHIRBUS_KEY_ID_LEN` bytes).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_key_id(
    entry: *const fhirbus_record_entry,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_KEY_ID_LEN, "out")? };
        out.write(&conv::handle(entry, "entry")?.entry.signature.key_id.0);
        Ok(())
    })
}

/// The data key epoch.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_epoch(entry: *const fhirbus_record_entry, out: *mut u32) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write(conv::handle(entry, "entry")?.entry.entry.epoch);
        Ok(())
    })
}

/// The registration time, in milliseconds since the Unix epoch.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_time_ms(entry: *const fhirbus_record_entry, out: *mut u64) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write(conv::handle(entry, "entry")?.entry.entry.time.as_millis());
        Ok(())
    })
}

/// Check the entry's signature with the custodian's SEC1 public signing key.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_verify(
    entry: *const fhirbus_record_entry,
    public_key: *const u8,
    public_key_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers.
        let public_key = unsafe { conv::bytes(public_key, public_key_len, "public_key")? };
        let key = VerifyingKey::from_sec1(public_key)?;
        conv::handle(entry, "entry")?.entry.verify(&key)
    })
}

/// Check the entry's signature against the custodian's key set, at the time the entry claims
/// (a key revoked at or before that time, or added after it, is refused).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_record_entry_verify_with_key_set(
    entry: *const fhirbus_record_entry,
    key_set: *const fhirbus_key_set,
) -> fhirbus_result {
    conv::call(|| {
        let entry = conv::handle(entry, "entry")?;
        let key_set = conv::handle(key_set, "key_set")?;
        entry.entry.verify_with(&key_set.read())
    })
}

/// Open the entry's pointer with the data key of its epoch; the URL goes to `*url_out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_open_pointer(
    entry: *const fhirbus_record_entry,
    data_key: *const fhirbus_data_key,
    url_out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let url_out = unsafe { conv::out(url_out, "url_out")? };
        let entry = conv::handle(entry, "entry")?;
        let url = entry.entry.entry.open_pointer(&conv::handle(data_key, "data_key")?.key)?;
        url_out.write_bytes(url.into_bytes());
        Ok(())
    })
}

/// Check a fetched FHIR resource (JSON) against the entry: its digest and resource type.
/// `FHIRBUS_DIGEST_MISMATCH` when it differs.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_record_entry_check_resource(
    entry: *const fhirbus_record_entry,
    json: *const u8,
    json_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers.
        let json = unsafe { conv::bytes(json, json_len, "json")? };
        conv::handle(entry, "entry")?.entry.entry.check_resource(json)
    })
}
