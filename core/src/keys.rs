//! Key sets: the public keys of one organisation or patient over time.
//!
//! Rotation follows Tink's discipline: add the new key, make it primary; older keys stay in
//! the set and keep verifying what they signed. Revocation records the instant from which a
//! key is no longer trusted: a signature that claims a time at or after the revocation is
//! refused, one that claims an earlier time keeps its meaning. (Claimed times are checked
//! against the ledger's own clock by the ledger's validation, so a thief cannot simply
//! back-date; this module enforces the rule given a claimed time.)

use crate::backend::Backend;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::KeyId;
use crate::signature::{Domain, Signature, VerifyingKey};
use crate::time::Timestamp;
use crate::wrap::EncryptionPublicKey;

/// What a key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyPurpose {
    /// ECDSA signing.
    Signing = 1,
    /// HPKE encryption (data keys wrapped to it).
    Encryption = 2,
}

impl KeyPurpose {
    /// The purpose with this number (as the binding layers pass it): 1 signing, 2 encryption.
    pub fn from_u8(n: u8) -> Result<Self> {
        match n {
            1 => Ok(Self::Signing),
            2 => Ok(Self::Encryption),
            _ => Err(Error::new(ErrorCode::InvalidValue, "key purpose: 1 (signing) or 2 (encryption)")),
        }
    }
}

/// A public key of either purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// A signature verification key.
    Signing(VerifyingKey),
    /// An encryption key.
    Encryption(EncryptionPublicKey),
}

impl PublicKey {
    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        match self {
            Self::Signing(k) => k.key_id(),
            Self::Encryption(k) => k.key_id(),
        }
    }

    /// The key's purpose.
    pub fn purpose(&self) -> KeyPurpose {
        match self {
            Self::Signing(_) => KeyPurpose::Signing,
            Self::Encryption(_) => KeyPurpose::Encryption,
        }
    }

    /// From its purpose and SEC1 bytes.
    pub fn from_sec1_with(backend: &'static dyn Backend, purpose: KeyPurpose, sec1: &[u8]) -> Result<Self> {
        Ok(match purpose {
            KeyPurpose::Signing => Self::Signing(VerifyingKey::from_sec1_with(backend, sec1)?),
            KeyPurpose::Encryption => Self::Encryption(EncryptionPublicKey::from_sec1_with(backend, sec1)?),
        })
    }

    /// The uncompressed SEC1 bytes.
    pub fn to_sec1(&self) -> [u8; 65] {
        match self {
            Self::Signing(k) => k.to_sec1(),
            Self::Encryption(k) => k.to_sec1(),
        }
    }
}

/// One key in a key set, with its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// The key.
    pub key: PublicKey,
    /// The epoch: 1 for the first key of its purpose, one more at each rotation.
    pub epoch: u32,
    /// When it was added.
    pub added_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

impl KeyEntry {
    /// Whether the key may be trusted for something done at `at`.
    pub fn check_valid_at(&self, at: Timestamp) -> Result<()> {
        if at < self.added_at {
            return Err(Error::new(ErrorCode::KeyNotYetValid, "claimed time is before the key was added"));
        }
        if self.revoked_at.is_some_and(|r| at >= r) {
            return Err(Error::new(ErrorCode::KeyRevoked, "key revoked at or before the claimed time"));
        }
        Ok(())
    }
}

/// The keys of one organisation or patient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySet {
    entries: Vec<KeyEntry>,
    primary_signing: Option<KeyId>,
    primary_encryption: Option<KeyId>,
}

impl KeySet {
    /// An empty key set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every key, oldest first.
    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// The key with this id.
    pub fn get(&self, key_id: &KeyId) -> Result<&KeyEntry> {
        self.entries
            .iter()
            .find(|e| e.key.key_id() == *key_id)
            .ok_or_else(|| Error::new(ErrorCode::UnknownKey, "no key with this id in the key set"))
    }

    /// Add a key (not primary) at `at`; returns its id. Refuses a key already present.
    pub fn add(&mut self, key: PublicKey, at: Timestamp) -> Result<KeyId> {
        let key_id = key.key_id();
        if self.get(&key_id).is_ok() {
            return Err(Error::new(ErrorCode::DuplicateKeyId, "key already in the key set"));
        }
        let purpose = key.purpose();
        let epoch = self.entries.iter().filter(|e| e.key.purpose() == purpose).map(|e| e.epoch).max().unwrap_or(0) + 1;
        self.entries.push(KeyEntry { key, epoch, added_at: at, revoked_at: None });
        Ok(key_id)
    }

    /// Make a present, unrevoked key the primary of its purpose.
    pub fn promote(&mut self, key_id: &KeyId) -> Result<()> {
        let entry = self.get(key_id)?;
        if entry.revoked_at.is_some() {
            return Err(Error::new(ErrorCode::KeyRevoked, "a revoked key cannot become primary"));
        }
        match entry.key.purpose() {
            KeyPurpose::Signing => self.primary_signing = Some(*key_id),
            KeyPurpose::Encryption => self.primary_encryption = Some(*key_id),
        }
        Ok(())
    }

    /// Rotate: add `key` at `at` and make it primary. Older keys stay, and keep verifying.
    pub fn rotate(&mut self, key: PublicKey, at: Timestamp) -> Result<KeyId> {
        let id = self.add(key, at)?;
        self.promote(&id)?;
        Ok(id)
    }

    /// Revoke a key from `at` on. Revoking again keeps the earlier instant. A revoked primary
    /// stops being primary.
    pub fn revoke(&mut self, key_id: &KeyId, at: Timestamp) -> Result<()> {
        let entry = self
            .entries
            .iter_mut()
            .find(|e| e.key.key_id() == *key_id)
            .ok_or_else(|| Error::new(ErrorCode::UnknownKey, "no key with this id in the key set"))?;
        entry.revoked_at = Some(entry.revoked_at.map_or(at, |r| r.min(at)));
        if self.primary_signing == Some(*key_id) {
            self.primary_signing = None;
        }
        if self.primary_encryption == Some(*key_id) {
            self.primary_encryption = None;
        }
        Ok(())
    }

    /// The primary key of a purpose.
    pub fn primary(&self, purpose: KeyPurpose) -> Result<&KeyEntry> {
        let id = match purpose {
            KeyPurpose::Signing => self.primary_signing,
            KeyPurpose::Encryption => self.primary_encryption,
        };
        let id = id.ok_or_else(|| Error::new(ErrorCode::NoPrimaryKey, "no primary key of this purpose"))?;
        self.get(&id)
    }

    /// The signing key `key_id`, if it may be trusted for something done at `at`.
    pub fn verifying_key_at(&self, key_id: &KeyId, at: Timestamp) -> Result<&VerifyingKey> {
        let entry = self.get(key_id)?;
        let PublicKey::Signing(key) = &entry.key else {
            return Err(Error::new(ErrorCode::WrongKeyPurpose, "an encryption key cannot verify"));
        };
        entry.check_valid_at(at)?;
        Ok(key)
    }

    /// Verify `sig` over `msg` in `domain`, made (as the signed object claims) at `claimed`.
    pub fn verify(&self, domain: Domain, msg: &[u8], sig: &Signature, claimed: Timestamp) -> Result<()> {
        self.verifying_key_at(&sig.key_id, claimed)?.verify(domain, msg, sig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::SigningKey;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_secret(&[seed; 32]).unwrap()
    }

    #[test]
    fn rotation_keeps_old_signatures_valid() {
        let (k1, k2) = (key(1), key(2));
        let mut set = KeySet::new();
        set.rotate(PublicKey::Signing(k1.verifying_key().clone()), Timestamp(10)).unwrap();
        let old = k1.sign(Domain::Application, b"m").unwrap();
        set.rotate(PublicKey::Signing(k2.verifying_key().clone()), Timestamp(20)).unwrap();
        assert_eq!(set.primary(KeyPurpose::Signing).unwrap().key.key_id(), k2.key_id());
        assert_eq!(set.primary(KeyPurpose::Signing).unwrap().epoch, 2);
        set.verify(Domain::Application, b"m", &old, Timestamp(15)).unwrap();
        set.verify(Domain::Application, b"m", &old, Timestamp(25)).unwrap();
    }

    #[test]
    fn revocation_refuses_later_claims_only() {
        let k = key(3);
        let mut set = KeySet::new();
        let id = set.rotate(PublicKey::Signing(k.verifying_key().clone()), Timestamp(10)).unwrap();
        let sig = k.sign(Domain::Application, b"m").unwrap();
        set.revoke(&id, Timestamp(100)).unwrap();
        set.verify(Domain::Application, b"m", &sig, Timestamp(99)).unwrap();
        for at in [100, 101] {
            assert_eq!(set.verify(Domain::Application, b"m", &sig, Timestamp(at)).unwrap_err().code(), ErrorCode::KeyRevoked);
        }
        assert_eq!(set.verify(Domain::Application, b"m", &sig, Timestamp(9)).unwrap_err().code(), ErrorCode::KeyNotYetValid);
        assert_eq!(set.primary(KeyPurpose::Signing).unwrap_err().code(), ErrorCode::NoPrimaryKey);
        assert_eq!(set.promote(&id).unwrap_err().code(), ErrorCode::KeyRevoked);
        // A later revocation does not move the instant forward.
        set.revoke(&id, Timestamp(500)).unwrap();
        assert_eq!(set.get(&id).unwrap().revoked_at, Some(Timestamp(100)));
    }

    #[test]
    fn unknown_duplicate_and_wrong_purpose_keys() {
        let k = key(4);
        let mut set = KeySet::new();
        set.add(PublicKey::Signing(k.verifying_key().clone()), Timestamp(1)).unwrap();
        assert_eq!(set.add(PublicKey::Signing(k.verifying_key().clone()), Timestamp(2)).unwrap_err().code(), ErrorCode::DuplicateKeyId);
        let other = key(5).sign(Domain::Application, b"m").unwrap();
        assert_eq!(set.verify(Domain::Application, b"m", &other, Timestamp(3)).unwrap_err().code(), ErrorCode::UnknownKey);
        let enc = crate::wrap::EncryptionSecretKey::from_secret(&[6; 32]).unwrap();
        let enc_id = set.add(PublicKey::Encryption(enc.public_key().clone()), Timestamp(1)).unwrap();
        assert_eq!(set.verifying_key_at(&enc_id, Timestamp(3)).unwrap_err().code(), ErrorCode::WrongKeyPurpose);
        assert_eq!(set.get(&enc_id).unwrap().epoch, 1);
    }
}
