//! Signing keys, signatures and verification.

use fhirbus::KeyId;
use fhirbus::random::OsRandom;
use fhirbus::signature::{Domain, Signature, SigningKey, VerifyingKey};

use crate::conv::{self, small};
use crate::error::fhirbus_result;
use crate::{FHIRBUS_KEY_ID_LEN, FHIRBUS_PUBLIC_KEY_LEN, FHIRBUS_SECRET_KEY_LEN, FHIRBUS_SIGNATURE_LEN};

/// An ECDSA P-256 signing key (opaque). The secret is zeroized when the key is freed.
/// Thread-safe: one key may sign on several threads at once.
pub struct fhirbus_signing_key {
    pub(crate) key: SigningKey,
}

pub(crate) fn domain(n: u32) -> conv::Res<Domain> {
    Domain::from_u8(small(n, "signature domain")?)
}

/// A new signing key from the operating system's randomness, on `backend` (0 the default,
/// 1 AWS-LC, 2 RustCrypto). Free it with `fhirbus_signing_key_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_signing_key_generate(backend: u32, out: *mut *mut fhirbus_signing_key) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        let key = SigningKey::generate_with(conv::backend(backend)?, &mut OsRandom)?;
        out.write(conv::handle_new(fhirbus_signing_key { key }));
        Ok(())
    })
}

/// The signing key of a 32-byte big-endian secret scalar, on `backend` (0 the default).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_signing_key_from_secret(
    backend: u32,
    secret: *const u8,
    secret_len: usize,
    out: *mut *mut fhirbus_signing_key,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (secret, out) = unsafe { (conv::bytes(secret, secret_len, "secret")?, conv::out(out, "out")?) };
        let key = SigningKey::from_secret_with(conv::backend(backend)?, secret)?;
        out.write(conv::handle_new(fhirbus_signing_key { key }));
        Ok(())
    })
}

/// Free a signing key (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_signing_key_free(key: *mut fhirbus_signing_key) {
    conv::call_or((), || conv::handle_free(key));
}

/// The 32-byte secret scalar, for the host's key store. Writes `FHIRBUS_SECRET_KEY_LEN` bytes;
/// the caller should wipe them after use.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_signing_key_secret_bytes(
    key: *const fhirbus_signing_key,
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

/// The public key, uncompressed SEC1 (`FHIRBUS_PUBLIC_KEY_LEN` bytes).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_signing_key_public_key(
    key: *const fhirbus_signing_key,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_PUBLIC_KEY_LEN, "out")? };
        out.write(&conv::handle(key, "key")?.key.verifying_key().to_sec1());
        Ok(())
    })
}

/// The key id (`FHIRBUS_KEY_ID_LEN` bytes) that this key's signatures name.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_signing_key_key_id(
    key: *const fhirbus_signing_key,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_KEY_ID_LEN, "out")? };
        out.write(&conv::handle(key, "key")?.key.key_id().0);
        Ok(())
    })
}

/// Sign `msg` in `domain` (1 record entry, 2 transaction, 3 block header, 4 consent, 5 access
/// request, 6 application). Writes the 64-byte low-S signature (`r || s`) to `sig_out`; the
/// signature names this key's id (see `fhirbus_signing_key_key_id`).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_signing_key_sign(
    key: *const fhirbus_signing_key,
    domain: u32,
    msg: *const u8,
    msg_len: usize,
    sig_out: *mut u8,
    sig_out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input and output buffers.
        let (msg, out) = unsafe {
            (conv::bytes(msg, msg_len, "msg")?, conv::out_bytes(sig_out, sig_out_len, FHIRBUS_SIGNATURE_LEN, "sig_out")?)
        };
        let key = conv::handle(key, "key")?;
        let sig = key.key.sign(self::domain(domain)?, msg)?;
        out.write(sig.as_bytes());
        Ok(())
    })
}

/// Verify `sig` (64 bytes `r || s`, or DER) over `msg` in `domain`, made by the key whose id
/// is `key_id` (32 bytes), against the SEC1 public key `public_key` (65 or 33 bytes).
/// `FHIRBUS_OK` when it verifies; otherwise `FHIRBUS_BAD_SIGNATURE`, `FHIRBUS_KEY_ID_MISMATCH`,
/// `FHIRBUS_HIGH_S_SIGNATURE`, `FHIRBUS_INVALID_PUBLIC_KEY`, ...
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_verify(
    public_key: *const u8,
    public_key_len: usize,
    domain: u32,
    msg: *const u8,
    msg_len: usize,
    key_id: *const u8,
    key_id_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers.
        let (public_key, msg, key_id, sig) = unsafe {
            (
                conv::bytes(public_key, public_key_len, "public_key")?,
                conv::bytes(msg, msg_len, "msg")?,
                conv::bytes(key_id, key_id_len, "key_id")?,
                conv::bytes(sig, sig_len, "sig")?,
            )
        };
        let key = VerifyingKey::from_sec1(public_key)?;
        let domain = self::domain(domain)?;
        let sig = Signature::from_bytes(conv::key_id(key_id)?, sig)?;
        key.verify(domain, msg, &sig)
    })
}

/// Convert a DER `ECDSA-Sig-Value` to the 64-byte `r || s` form the library uses.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_signature_from_der(
    der: *const u8,
    der_len: usize,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input and output buffers.
        let (der, out) =
            unsafe { (conv::bytes(der, der_len, "der")?, conv::out_bytes(out, out_len, FHIRBUS_SIGNATURE_LEN, "out")?) };
        // The core's conversion takes the signature's key id, which DER does not carry and the
        // result does not include: any id will do.
        out.write(Signature::from_der(KeyId([0; 32]), der)?.as_bytes());
        Ok(())
    })
}
