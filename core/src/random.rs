//! Randomness as an input: the host supplies a [`RandomSource`] (the operating system's, a
//! hardware module's, or a fixed one in tests); core draws nonces and keys only from it.

use crate::error::{ErrorCode, Result};

/// A source of cryptographically secure random bytes, supplied by the host.
pub trait RandomSource {
    /// Fill `dest` entirely with random bytes, or fail with
    /// [`ErrorCode::RandomnessUnavailable`].
    fn fill(&mut self, dest: &mut [u8]) -> Result<()>;
}

impl<F> RandomSource for F
where
    F: FnMut(&mut [u8]) -> Result<()>,
{
    fn fill(&mut self, dest: &mut [u8]) -> Result<()> {
        self(dest)
    }
}

/// The operating system's randomness (getrandom), for hosts that have one. It lives here for
/// convenience only; core itself never constructs it.
#[cfg(feature = "os-random")]
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

#[cfg(feature = "os-random")]
impl RandomSource for OsRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<()> {
        getrandom::fill(dest)
            .map_err(|_| crate::Error::new(ErrorCode::RandomnessUnavailable, "operating system randomness"))
    }
}

/// Adapts a [`RandomSource`] to the `rand_core` traits the RustCrypto crates take. A failure
/// of the source is remembered and reported after the call, since those traits cannot fail.
pub(crate) struct RandAdapter<'a> {
    source: &'a mut dyn RandomSource,
    pub(crate) failed: bool,
}

impl<'a> RandAdapter<'a> {
    pub(crate) fn new(source: &'a mut dyn RandomSource) -> Self {
        Self { source, failed: false }
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.failed { Err(ErrorCode::RandomnessUnavailable.into()) } else { Ok(()) }
    }
}

impl rand_core::TryRng for RandAdapter<'_> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> core::result::Result<(), Self::Error> {
        if self.source.fill(dest).is_err() {
            self.failed = true;
            dest.fill(0);
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for RandAdapter<'_> {}

/// Draw exactly `N` random bytes.
pub(crate) fn array<const N: usize>(rng: &mut dyn RandomSource) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    rng.fill(&mut out)?;
    Ok(out)
}
