//! Key sets: the public keys of one organisation or patient over time.

use core::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use fhirbus::backend::default_backend;
use fhirbus::keys::{self, PublicKey};
use fhirbus::{Error, ErrorCode};

use crate::convert;
use crate::error::Result;

/// A key set (`fhirbus::keys::KeySet`). Safe to share between threads: calls are serialized.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct KeySet(Mutex<keys::KeySet>);

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.lock() {
            Ok(set) => set.fmt(f),
            Err(_) => f.write_str("KeySet(poisoned)"),
        }
    }
}

impl KeySet {
    pub(crate) fn lock(&self) -> Result<MutexGuard<'_, keys::KeySet>> {
        // Poisoned only if a call panicked while holding it, which the lints rule out.
        self.0
            .lock()
            .map_err(|_| Error::new(ErrorCode::Internal, "key set lock poisoned").into())
    }
}

#[uniffi::export]
impl KeySet {
    /// An empty key set.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self(Mutex::new(keys::KeySet::new())))
    }

    /// Add a key (not primary): `purpose` 1 signing, 2 encryption; `public_sec1` its SEC1
    /// point; `at_ms` when. Returns its 32-byte key id.
    pub fn add(&self, purpose: u8, public_sec1: Vec<u8>, at_ms: u64) -> Result<Vec<u8>> {
        let key =
            PublicKey::from_sec1_with(default_backend(), convert::purpose(purpose)?, &public_sec1)?;
        Ok(self.lock()?.add(key, convert::time(at_ms))?.0.to_vec())
    }

    /// Add a key and make it the primary of its purpose. Returns its 32-byte key id.
    pub fn rotate(&self, purpose: u8, public_sec1: Vec<u8>, at_ms: u64) -> Result<Vec<u8>> {
        let key =
            PublicKey::from_sec1_with(default_backend(), convert::purpose(purpose)?, &public_sec1)?;
        Ok(self.lock()?.rotate(key, convert::time(at_ms))?.0.to_vec())
    }

    /// Make a present, unrevoked key the primary of its purpose.
    pub fn promote(&self, key_id: Vec<u8>) -> Result<()> {
        Ok(self.lock()?.promote(&convert::key_id(&key_id)?)?)
    }

    /// Revoke the key `key_id` from `at_ms` on.
    pub fn revoke(&self, key_id: Vec<u8>, at_ms: u64) -> Result<()> {
        Ok(self
            .lock()?
            .revoke(&convert::key_id(&key_id)?, convert::time(at_ms))?)
    }

    /// Verify `sig` by key `key_id` over `msg` in `domain`, made (as the signed object
    /// claims) at `claimed_ms`.
    pub fn verify(
        &self,
        domain: u8,
        msg: Vec<u8>,
        key_id: Vec<u8>,
        sig: Vec<u8>,
        claimed_ms: u64,
    ) -> Result<()> {
        let sig = convert::signature(&key_id, &sig)?;
        Ok(self.lock()?.verify(
            convert::domain(domain)?,
            &msg,
            &sig,
            convert::time(claimed_ms),
        )?)
    }
}
