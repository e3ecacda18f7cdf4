//! Data keys and sealed pointers.

use std::ffi::c_char;

use fhirbus::pointer::{DataKey, PointerContext, SealedPointer};
use fhirbus::pseudonym::Pseudonym;
use fhirbus::random::OsRandom;
use fhirbus::{Digest, OrgId, ResourceType};

use crate::conv::{self, Res, fhirbus_buffer};
use crate::error::fhirbus_result;
use crate::{FHIRBUS_NONCE_LEN, FHIRBUS_SYMMETRIC_KEY_LEN};

/// An AES-256-GCM data key of one (patient, custodian, epoch) (opaque). Zeroized when freed.
/// Thread-safe: one key may seal and open on several threads at once.
pub struct fhirbus_data_key {
    pub(crate) key: DataKey,
}

/// A pointer context, converted from its C arguments.
struct Context {
    patient: Pseudonym,
    custodian: OrgId,
    resource_type: ResourceType,
    digest: Digest,
    epoch: u32,
}

impl Context {
    /// # Safety
    /// The header's contract for input buffers and strings.
    unsafe fn new(
        patient: *const u8,
        patient_len: usize,
        custodian: *const c_char,
        resource_type: *const c_char,
        digest: *const u8,
        digest_len: usize,
        epoch: u32,
    ) -> Res<Self> {
        // SAFETY: passed on from this function's own contract.
        let (patient, custodian, resource_type, digest) = unsafe {
            (
                conv::bytes(patient, patient_len, "patient")?,
                conv::text(custodian, "custodian")?,
                conv::text(resource_type, "resource_type")?,
                conv::bytes(digest, digest_len, "digest")?,
            )
        };
        Ok(Self {
            patient: Pseudonym::from_slice(patient)?,
            custodian: OrgId::new(custodian)?,
            resource_type: ResourceType::new(resource_type)?,
            digest: Digest::from_slice(digest)?,
            epoch,
        })
    }

    fn get(&self) -> PointerContext<'_> {
        PointerContext {
            patient: &self.patient,
            custodian: &self.custodian,
            resource_type: &self.resource_type,
            digest: &self.digest,
            epoch: self.epoch,
        }
    }
}

/// A fresh data key from the operating system's randomness, on `backend` (0 the default).
/// Free it with `fhirbus_data_key_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_data_key_generate(backend: u32, out: *mut *mut fhirbus_data_key) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        let key = DataKey::generate_with(conv::backend(backend)?, &mut OsRandom)?;
        out.write(conv::handle_new(fhirbus_data_key { key }));
        Ok(())
    })
}

/// The data key of 32 bytes, on `backend` (0 the default).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_data_key_from_bytes(
    backend: u32,
    key: *const u8,
    key_len: usize,
    out: *mut *mut fhirbus_data_key,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (key, out) = unsafe { (conv::bytes(key, key_len, "key")?, conv::out(out, "out")?) };
        let key = DataKey::from_bytes_with(conv::backend(backend)?, key)?;
        out.write(conv::handle_new(fhirbus_data_key { key }));
        Ok(())
    })
}

/// The 32 key bytes (`FHIRBUS_SYMMETRIC_KEY_LEN`), for wrapping or the host's key store; the
/// caller should wipe them after use.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_data_key_to_bytes(key: *const fhirbus_data_key, out: *mut u8, out_len: usize) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_SYMMETRIC_KEY_LEN, "out")? };
        out.write(conv::handle(key, "key")?.key.to_bytes().as_ref());
        Ok(())
    })
}

/// Free a data key (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_data_key_free(key: *mut fhirbus_data_key) {
    conv::call_or((), || conv::handle_free(key));
}

/// Seal the pointer `url` (a FHIR versioned read URL, NUL-terminated UTF-8, at most 2048
/// bytes) for the record entry described by the context: the patient's 32-byte pseudonym, the
/// custodian's organisation id, the resource type, the 32-byte content digest and the epoch.
/// Writes the fresh 12-byte nonce to `nonce_out` and the ciphertext (with its 16-byte tag) to
/// `*ciphertext_out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_data_key_seal_pointer(
    key: *const fhirbus_data_key,
    patient: *const u8,
    patient_len: usize,
    custodian: *const c_char,
    resource_type: *const c_char,
    digest: *const u8,
    digest_len: usize,
    epoch: u32,
    url: *const c_char,
    nonce_out: *mut u8,
    nonce_out_len: usize,
    ciphertext_out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, strings and out-parameters.
        let (context, url, nonce_out, ciphertext_out) = unsafe {
            (
                Context::new(patient, patient_len, custodian, resource_type, digest, digest_len, epoch)?,
                conv::text(url, "url")?,
                conv::out_bytes(nonce_out, nonce_out_len, FHIRBUS_NONCE_LEN, "nonce_out")?,
                conv::out(ciphertext_out, "ciphertext_out")?,
            )
        };
        let sealed = conv::handle(key, "key")?.key.seal_pointer(&context.get(), url, &mut OsRandom)?;
        nonce_out.write(sealed.nonce());
        ciphertext_out.write_bytes(sealed.ciphertext().to_vec());
        Ok(())
    })
}

/// Open a sealed pointer (its 12-byte nonce and its ciphertext) for the given context; the URL
/// goes to `*url_out` (UTF-8, NUL-terminated). `FHIRBUS_DECRYPTION_FAILED` under another key
/// or context, or when any byte was changed.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_data_key_open_pointer(
    key: *const fhirbus_data_key,
    patient: *const u8,
    patient_len: usize,
    custodian: *const c_char,
    resource_type: *const c_char,
    digest: *const u8,
    digest_len: usize,
    epoch: u32,
    nonce: *const u8,
    nonce_len: usize,
    ciphertext: *const u8,
    ciphertext_len: usize,
    url_out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, strings and out-parameters.
        let (context, nonce, ciphertext, url_out) = unsafe {
            (
                Context::new(patient, patient_len, custodian, resource_type, digest, digest_len, epoch)?,
                conv::bytes(nonce, nonce_len, "nonce")?,
                conv::bytes(ciphertext, ciphertext_len, "ciphertext")?,
                conv::out(url_out, "url_out")?,
            )
        };
        let sealed = SealedPointer::from_parts(nonce, ciphertext)?;
        let url = conv::handle(key, "key")?.key.open_pointer(&context.get(), &sealed)?;
        url_out.write_bytes(url.into_bytes());
        Ok(())
    })
}
