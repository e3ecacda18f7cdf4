//! Patient pseudonyms.

use std::ffi::c_char;

use fhirbus::pseudonym::{NationalId, PseudonymKey};
use fhirbus::random::OsRandom;

use crate::conv;
use crate::error::fhirbus_result;
use crate::{FHIRBUS_PSEUDONYM_LEN, FHIRBUS_SYMMETRIC_KEY_LEN};

/// The network's pseudonym key (opaque). Zeroized when freed. Thread-safe.
pub struct fhirbus_pseudonym_key {
    key: PseudonymKey,
}

/// A fresh pseudonym key from the operating system's randomness. Free it with
/// `fhirbus_pseudonym_key_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_pseudonym_key_generate(out: *mut *mut fhirbus_pseudonym_key) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        let key = PseudonymKey::generate(&mut OsRandom)?;
        out.write(conv::handle_new(fhirbus_pseudonym_key { key }));
        Ok(())
    })
}

/// The pseudonym key of 32 bytes.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_pseudonym_key_from_bytes(
    key: *const u8,
    key_len: usize,
    out: *mut *mut fhirbus_pseudonym_key,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (key, out) = unsafe { (conv::bytes(key, key_len, "key")?, conv::out(out, "out")?) };
        let key = PseudonymKey::from_bytes(key)?;
        out.write(conv::handle_new(fhirbus_pseudonym_key { key }));
        Ok(())
    })
}

/// The 32 key bytes (`FHIRBUS_SYMMETRIC_KEY_LEN`), for the host's key store.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_pseudonym_key_to_bytes(
    key: *const fhirbus_pseudonym_key,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_SYMMETRIC_KEY_LEN, "out")? };
        out.write(conv::handle(key, "key")?.key.to_bytes().as_ref());
        Ok(())
    })
}

/// Free a pseudonym key (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_pseudonym_key_free(key: *mut fhirbus_pseudonym_key) {
    conv::call_or((), || conv::handle_free(key));
}

/// The 32-byte pseudonym (`FHIRBUS_PSEUDONYM_LEN`) of the national identifier `value` issued
/// by `system` (both NUL-terminated UTF-8). The identifier is normalized first (separators
/// `- . /` and white space removed, letters upper-cased), so its spellings agree. Neither the
/// identifier nor any part of it ever appears in an error message.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_pseudonym_key_pseudonym(
    key: *const fhirbus_pseudonym_key,
    system: *const c_char,
    value: *const c_char,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings and output buffers.
        let (system, value, out) = unsafe {
            (
                conv::text(system, "system")?,
                conv::text(value, "value")?,
                conv::out_bytes(out, out_len, FHIRBUS_PSEUDONYM_LEN, "out")?,
            )
        };
        let id = NationalId::new(system, value)?;
        out.write(conv::handle(key, "key")?.key.pseudonym(&id).as_bytes());
        Ok(())
    })
}
