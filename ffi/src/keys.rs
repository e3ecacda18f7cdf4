//! Key sets: public keys over time, with rotation and revocation.

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use fhirbus::backend::default_backend;
use fhirbus::keys::{KeyPurpose, KeySet, PublicKey};
use fhirbus::signature::Signature;
use fhirbus::{Error, ErrorCode, KeyId, Timestamp};

use crate::conv::{self, Res};
use crate::error::fhirbus_result;
use crate::signing::domain;
use crate::FHIRBUS_KEY_ID_LEN;

/// The public keys of one organisation or patient over time (opaque). Thread-safe: lookups
/// and verifications run concurrently; `add`, `rotate`, `promote` and `revoke` take an
/// internal lock and are serialized with them.
pub struct fhirbus_key_set {
    set: RwLock<KeySet>,
}

impl fhirbus_key_set {
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, KeySet> {
        // A panic while the lock was held cannot leave a KeySet half-changed: each of its
        // mutations is a single push or assignment after its checks.
        self.set.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, KeySet> {
        self.set.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The key purpose numbered `n` (1 signing, 2 encryption): the numbers are `KeyPurpose`'s
/// own discriminants. The core has no `KeyPurpose::from_u8` yet; until it does, this finds the
/// purpose by its number.
fn purpose(n: u32) -> Res<KeyPurpose> {
    [KeyPurpose::Signing, KeyPurpose::Encryption]
        .into_iter()
        .find(|p| u32::from(*p as u8) == n)
        .ok_or_else(|| Error::new(ErrorCode::InvalidValue, "key purpose: 1 (signing) or 2 (encryption)"))
}

/// A new, empty key set. Free it with `fhirbus_key_set_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_key_set_new(out: *mut *mut fhirbus_key_set) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write(conv::handle_new(fhirbus_key_set { set: RwLock::new(KeySet::new()) }));
        Ok(())
    })
}

/// Free a key set (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_key_set_free(key_set: *mut fhirbus_key_set) {
    conv::call_or((), || conv::handle_free(key_set));
}

/// # Safety
/// The header's contract for input and output buffers.
unsafe fn add_or_rotate(
    key_set: *mut fhirbus_key_set,
    purpose_n: u32,
    public_key: *const u8,
    public_key_len: usize,
    at_ms: u64,
    key_id_out: *mut u8,
    key_id_out_len: usize,
    rotate: bool,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: passed on from this function's own contract.
        let (public_key, out) = unsafe {
            (
                conv::bytes(public_key, public_key_len, "public_key")?,
                conv::out_bytes(key_id_out, key_id_out_len, FHIRBUS_KEY_ID_LEN, "key_id_out")?,
            )
        };
        let key = PublicKey::from_sec1_with(default_backend(), purpose(purpose_n)?, public_key)?;
        let key_set = conv::handle(key_set.cast_const(), "key_set")?;
        let at = Timestamp::from_millis(at_ms);
        let id = if rotate { key_set.write().rotate(key, at)? } else { key_set.write().add(key, at)? };
        out.write(&id.0);
        Ok(())
    })
}

/// Add a public key (SEC1) of `purpose` (1 signing, 2 encryption) at `at_ms`, not primary.
/// Writes its key id (`FHIRBUS_KEY_ID_LEN` bytes) to `key_id_out`. `FHIRBUS_DUPLICATE_KEY_ID`
/// when the key is already in the set.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_key_set_add(
    key_set: *mut fhirbus_key_set,
    purpose: u32,
    public_key: *const u8,
    public_key_len: usize,
    at_ms: u64,
    key_id_out: *mut u8,
    key_id_out_len: usize,
) -> fhirbus_result {
    // SAFETY: the header's contract, passed on.
    unsafe { add_or_rotate(key_set, purpose, public_key, public_key_len, at_ms, key_id_out, key_id_out_len, false) }
}

/// Rotate: add a public key of `purpose` at `at_ms` and make it the primary of its purpose.
/// Older keys stay and keep verifying what they signed. Writes the new key's id.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_key_set_rotate(
    key_set: *mut fhirbus_key_set,
    purpose: u32,
    public_key: *const u8,
    public_key_len: usize,
    at_ms: u64,
    key_id_out: *mut u8,
    key_id_out_len: usize,
) -> fhirbus_result {
    // SAFETY: the header's contract, passed on.
    unsafe { add_or_rotate(key_set, purpose, public_key, public_key_len, at_ms, key_id_out, key_id_out_len, true) }
}

/// Make the key `key_id` (present, not revoked) the primary of its purpose.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_key_set_promote(
    key_set: *mut fhirbus_key_set,
    key_id: *const u8,
    key_id_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers.
        let key_id: KeyId = conv::key_id(unsafe { conv::bytes(key_id, key_id_len, "key_id")? })?;
        conv::handle(key_set.cast_const(), "key_set")?.write().promote(&key_id)
    })
}

/// Revoke the key `key_id` from `at_ms` on: signatures claiming that time or later are
/// refused, earlier ones keep verifying. Revoking again keeps the earlier instant.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_key_set_revoke(
    key_set: *mut fhirbus_key_set,
    key_id: *const u8,
    key_id_len: usize,
    at_ms: u64,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers.
        let key_id = conv::key_id(unsafe { conv::bytes(key_id, key_id_len, "key_id")? })?;
        conv::handle(key_set.cast_const(), "key_set")?.write().revoke(&key_id, Timestamp::from_millis(at_ms))
    })
}

/// Verify `sig` (64 bytes or DER) over `msg` in `domain`, made by the key `key_id` of this
/// set at the time the signed object claims (`claimed_ms`). `FHIRBUS_UNKNOWN_KEY`,
/// `FHIRBUS_KEY_REVOKED`, `FHIRBUS_KEY_NOT_YET_VALID`, `FHIRBUS_WRONG_KEY_PURPOSE`,
/// `FHIRBUS_BAD_SIGNATURE`, ... when it does not.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_key_set_verify(
    key_set: *const fhirbus_key_set,
    domain: u32,
    msg: *const u8,
    msg_len: usize,
    key_id: *const u8,
    key_id_len: usize,
    sig: *const u8,
    sig_len: usize,
    claimed_ms: u64,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers.
        let (msg, key_id, sig) = unsafe {
            (
                conv::bytes(msg, msg_len, "msg")?,
                conv::bytes(key_id, key_id_len, "key_id")?,
                conv::bytes(sig, sig_len, "sig")?,
            )
        };
        let domain = self::domain(domain)?;
        let sig = Signature::from_bytes(conv::key_id(key_id)?, sig)?;
        let key_set = conv::handle(key_set, "key_set")?;
        key_set.read().verify(domain, msg, &sig, Timestamp::from_millis(claimed_ms))
    })
}
