//! Encryption keys and data key wrapping (HPKE).

use std::ffi::c_char;

use fhirbus::OrgId;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::random::OsRandom;
use fhirbus::wrap::{EncryptionPublicKey, EncryptionSecretKey, WrapContext, WrappedKey};

use crate::conv::{self, Res};
use crate::error::fhirbus_result;
use crate::pointer::fhirbus_data_key;
use crate::{FHIRBUS_KEY_ID_LEN, FHIRBUS_PUBLIC_KEY_LEN, FHIRBUS_SECRET_KEY_LEN, FHIRBUS_WRAP_CIPHERTEXT_LEN, FHIRBUS_WRAP_ENC_LEN};

/// An HPKE P-256 encryption key pair (opaque): data keys are wrapped to its public half and
/// unwrapped with it. The secret is zeroized when freed. Thread-safe.
pub struct fhirbus_encryption_key {
    pub(crate) key: EncryptionSecretKey,
}

/// # Safety
/// The header's contract for input buffers and strings.
unsafe fn context(patient: *const u8, patient_len: usize, custodian: *const c_char) -> Res<(Pseudonym, OrgId)> {
    // SAFETY: passed on from this function's own contract.
    let (patient, custodian) = unsafe { (conv::bytes(patient, patient_len, "patient")?, conv::text(custodian, "custodian")?) };
    Ok((Pseudonym::from_slice(patient)?, OrgId::new(custodian)?))
}

/// A fresh encryption key from the operating system's randomness, on `backend` (0 the
/// default). Free it with `fhirbus_encryption_key_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_encryption_key_generate(backend: u32, out: *mut *mut fhirbus_encryption_key) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        let key = EncryptionSecretKey::generate_with(conv::backend(backend)?, &mut OsRandom)?;
        out.write(conv::handle_new(fhirbus_encryption_key { key }));
        Ok(())
    })
}

/// The encryption key of a 32-byte secret scalar, on `backend` (0 the default).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_encryption_key_from_secret(
    backend: u32,
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut fhirbus_encryption_key,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (secret, out) = unsafe { (conv::bytes(secret, secret_len, "secret")?, conv::out(out, "out")?) };
        let key = EncryptionSecretKey::from_secret_with(conv::backend(backend)?, secret)?;
        out.write(conv::handle_new(fhirbus_encryption_key { key }));
        Ok(())
    })
}

/// Free an encryption key (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_encryption_key_free(key: *mut fhirbus_encryption_key) {
    conv::call_or((), || conv::handle_free(key));
}

/// The 32-byte secret scalar (`FHIRBUS_SECRET_KEY_LEN`), for the host's key store.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_encryption_key_secret_bytes(
    key: *const fhirbus_encryption_key,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_SECRET_KEY_LEN, "out")? };
        out.write(conv::handle(key, "key")?.key.to_secret_bytes().as_ref());
        Ok(())
    })
}

/// The public key, uncompressed SEC1 (`FHIRBUS_PUBLIC_KEY_LEN` bytes): what others wrap to.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_encryption_key_public_key(
    key: *const fhirbus_encryption_key,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_PUBLIC_KEY_LEN, "out")? };
        out.write(&conv::handle(key, "key")?.key.public_key().to_sec1());
        Ok(())
    })
}

/// The key id (`FHIRBUS_KEY_ID_LEN` bytes) of the public key (an encryption key's id differs
/// from the id the same point would have as a signing key).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_encryption_key_key_id(
    key: *const fhirbus_encryption_key,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_KEY_ID_LEN, "out")? };
        out.write(&conv::handle(key, "key")?.key.public_key().key_id().0);
        Ok(())
    })
}

/// Wrap `data_key` to the recipient's SEC1 public encryption key for the context (patient's
/// 32-byte pseudonym, custodian, epoch). Writes the recipient's key id (32 bytes) to
/// `key_id_out`, the HPKE encapsulated key (`FHIRBUS_WRAP_ENC_LEN`) to `enc_out` and the
/// ciphertext (`FHIRBUS_WRAP_CIPHERTEXT_LEN`) to `ciphertext_out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_wrap(
    recipient_public_key: *const u8,
    recipient_public_key_len: usize,
    data_key: *const fhirbus_data_key,
    patient: *const u8,
    patient_len: usize,
    custodian: *const c_char,
    epoch: u32,
    key_id_out: *mut u8,
    key_id_out_len: usize,
    enc_out: *mut u8,
    enc_out_len: usize,
    ciphertext_out: *mut u8,
    ciphertext_out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, strings and output buffers.
        let (recipient, (patient, custodian), key_id_out, enc_out, ciphertext_out) = unsafe {
            (
                conv::bytes(recipient_public_key, recipient_public_key_len, "recipient_public_key")?,
                context(patient, patient_len, custodian)?,
                conv::out_bytes(key_id_out, key_id_out_len, FHIRBUS_KEY_ID_LEN, "key_id_out")?,
                conv::out_bytes(enc_out, enc_out_len, FHIRBUS_WRAP_ENC_LEN, "enc_out")?,
                conv::out_bytes(ciphertext_out, ciphertext_out_len, FHIRBUS_WRAP_CIPHERTEXT_LEN, "ciphertext_out")?,
            )
        };
        let recipient = EncryptionPublicKey::from_sec1(recipient)?;
        let data_key = conv::handle(data_key, "data_key")?;
        let context = WrapContext { patient: &patient, custodian: &custodian, epoch };
        let wrapped = recipient.wrap(&data_key.key, &context, &mut OsRandom)?;
        key_id_out.write(&wrapped.recipient.0);
        enc_out.write(wrapped.enc());
        ciphertext_out.write(wrapped.ciphertext());
        Ok(())
    })
}

/// Unwrap a data key wrapped to this key for the context: the recipient key id, the
/// encapsulated key and the ciphertext as `fhirbus_wrap` wrote them. The data key goes to
/// `*out` (free it with `fhirbus_data_key_free`). `FHIRBUS_KEY_ID_MISMATCH` when it was
/// wrapped to another key, `FHIRBUS_DECRYPTION_FAILED` under another context or when changed.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_encryption_key_unwrap(
    key: *const fhirbus_encryption_key,
    key_id: *const u8,
    key_id_len: usize,
    enc: *const u8,
    enc_len: usize,
    ciphertext: *const u8,
    ciphertext_len: usize,
    patient: *const u8,
    patient_len: usize,
    custodian: *const c_char,
    epoch: u32,
    out: *mut *mut fhirbus_data_key,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, strings and out-parameters.
        let (key_id, enc, ciphertext, (patient, custodian), out) = unsafe {
            (
                conv::bytes(key_id, key_id_len, "key_id")?,
                conv::bytes(enc, enc_len, "enc")?,
                conv::bytes(ciphertext, ciphertext_len, "ciphertext")?,
                context(patient, patient_len, custodian)?,
                conv::out(out, "out")?,
            )
        };
        let wrapped = WrappedKey::from_parts(conv::key_id(key_id)?, enc, ciphertext)?;
        let context = WrapContext { patient: &patient, custodian: &custodian, epoch };
        let data_key = conv::handle(key, "key")?.key.unwrap(&wrapped, &context)?;
        out.write(conv::handle_new(fhirbus_data_key { key: data_key }));
        Ok(())
    })
}
