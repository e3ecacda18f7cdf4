//! Canonical JSON and digests.

use fhirbus::Digest;
use fhirbus::canonical::{self, FhirVariant};

use crate::conv::{self, fhirbus_buffer, small};
use crate::error::fhirbus_result;
use crate::FHIRBUS_DIGEST_LEN;

/// RFC 8785 (JCS) canonical form of the JSON text `json`, into `*out` (free it with
/// `fhirbus_buffer_free`).
///
/// # Safety
/// See the header's conventions: `json` points to `json_len` bytes, `out` to a writable
/// `fhirbus_buffer`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_jcs(json: *const u8, json_len: usize, out: *mut fhirbus_buffer) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (json, out) = unsafe { (conv::bytes(json, json_len, "json")?, conv::out(out, "out")?) };
        out.write_bytes(canonical::jcs(json)?);
        Ok(())
    })
}

/// FHIR canonical form of a resource, in `variant` 0 (full), 1 (`#data`: without `text`) or 2
/// (`#static`: without `text` and `meta`), into `*out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_fhir_canonical(
    json: *const u8,
    json_len: usize,
    variant: u32,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (json, out) = unsafe { (conv::bytes(json, json_len, "json")?, conv::out(out, "out")?) };
        let variant = FhirVariant::from_u8(small(variant, "FHIR canonicalization variant")?)?;
        out.write_bytes(canonical::fhir(json, variant)?);
        Ok(())
    })
}

/// SHA-256 of the FHIR canonical form of a resource (`variant` as for
/// `fhirbus_fhir_canonical`): the content digest of a record entry. Writes 32 bytes to `out`
/// (`out_len` at least `FHIRBUS_DIGEST_LEN`).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_fhir_digest(
    json: *const u8,
    json_len: usize,
    variant: u32,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input and output buffers.
        let (json, out) =
            unsafe { (conv::bytes(json, json_len, "json")?, conv::out_bytes(out, out_len, FHIRBUS_DIGEST_LEN, "out")?) };
        let variant = FhirVariant::from_u8(small(variant, "FHIR canonicalization variant")?)?;
        out.write(canonical::fhir_digest(json, variant)?.as_bytes());
        Ok(())
    })
}

/// SHA-256 of `data` (NULL with `data_len` 0 is the empty input). Writes 32 bytes to `out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_sha256(data: *const u8, data_len: usize, out: *mut u8, out_len: usize) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input and output buffers.
        let (data, out) =
            unsafe { (conv::bytes(data, data_len, "data")?, conv::out_bytes(out, out_len, FHIRBUS_DIGEST_LEN, "out")?) };
        out.write(Digest::sha256(data).as_bytes());
        Ok(())
    })
}
