//! Conversions from the foreign languages' plain values (numbers, byte buffers, text) to the
//! core's types. Each one either calls the core's own parser (`from_u8`, `from_slice`, `new`)
//! or, where core has none, only checks a fixed length or maps a number to an enum case.

use fhirbus::backend::{self, Backend, BackendId};
use fhirbus::keys::KeyPurpose;
use fhirbus::random::OsRandom;
use fhirbus::signature::{Domain, Signature};
use fhirbus::{Error, ErrorCode, KeyId, Timestamp};

use crate::error::Result;

/// The host's randomness: the operating system's.
pub(crate) fn rng() -> OsRandom {
    OsRandom
}

/// `None`: the default backend; `Some(n)`: backend number `n` (1 aws-lc, 2 rustcrypto).
pub(crate) fn backend(n: Option<u8>) -> Result<&'static dyn Backend> {
    Ok(match n {
        None => backend::default_backend(),
        Some(n) => backend::backend(BackendId::from_u8(n)?)?,
    })
}

pub(crate) fn domain(n: u8) -> Result<Domain> {
    Ok(Domain::from_u8(n)?)
}

/// A key id: exactly 32 bytes (core's `KeyId` is a plain 32-byte array with no byte parser).
pub(crate) fn key_id(bytes: &[u8]) -> Result<KeyId> {
    let raw: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::new(ErrorCode::InvalidLength, "key id: 32 bytes"))?;
    Ok(KeyId(raw))
}

/// A signature (64-byte `r || s`, or DER) naming key `kid`.
pub(crate) fn signature(kid: &[u8], sig: &[u8]) -> Result<Signature> {
    Ok(Signature::from_bytes(key_id(kid)?, sig)?)
}

/// A key purpose by its `#[repr(u8)]` number (core's `KeyPurpose` has no `from_u8` yet).
pub(crate) fn purpose(n: u8) -> Result<KeyPurpose> {
    match n {
        n if n == KeyPurpose::Signing as u8 => Ok(KeyPurpose::Signing),
        n if n == KeyPurpose::Encryption as u8 => Ok(KeyPurpose::Encryption),
        _ => Err(Error::new(
            ErrorCode::InvalidValue,
            "key purpose: 1 (signing) or 2 (encryption)",
        )
        .into()),
    }
}

/// `N` bytes of the operating system's randomness (a transaction nonce).
pub(crate) fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    fhirbus::RandomSource::fill(&mut rng(), &mut out)?;
    Ok(out)
}

pub(crate) fn time(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]
mod tests {
    use super::*;
    use crate::FhirbusError;

    fn code<T>(r: Result<T>) -> u32 {
        match r {
            Ok(_) => 0,
            Err(FhirbusError::Failed { code, .. }) => code,
        }
    }

    #[test]
    fn numbers_map_to_core_values_or_invalid_value() {
        assert_eq!(purpose(1).unwrap(), KeyPurpose::Signing);
        assert_eq!(purpose(2).unwrap(), KeyPurpose::Encryption);
        for n in [0, 3, 255] {
            assert_eq!(code(purpose(n)), 111);
            assert_eq!(code(backend(Some(n))), 111);
        }
        assert_eq!(backend(None).unwrap().id(), backend::default_backend().id());
        assert_eq!(backend(Some(2)).unwrap().id(), BackendId::RustCrypto);
        assert_eq!(code(domain(0)), 111);
        assert_eq!(domain(6).unwrap(), Domain::Application);
    }

    #[test]
    fn key_ids_are_exactly_32_bytes() {
        assert_eq!(key_id(&[7; 32]).unwrap(), KeyId([7; 32]));
        for n in [0, 31, 33] {
            assert_eq!(code(key_id(&vec![7; n])), 109);
        }
        assert_eq!(code(signature(&[0; 32], &[1; 63])), 202);
    }
}
