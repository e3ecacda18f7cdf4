//! fhirbus core: the pure, deterministic part of a consent-gated record-locator network.
//!
//! Nothing in this crate reads a clock, draws randomness or touches storage: time is a
//! [`Timestamp`] argument, randomness comes through a [`RandomSource`] the host supplies,
//! and bytes come and go as values. See DESIGN.md at the repository root.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod access;
pub mod backend;
pub mod canonical;
pub mod consent;
pub mod digest;
pub mod error;
pub mod host;
pub mod ids;
pub mod keys;
pub mod ledger;
pub mod pointer;
pub mod pseudonym;
pub mod random;
pub mod record;
pub mod signature;
pub mod time;
pub mod wrap;

mod b64;

pub use backend::{Backend, BackendId};
pub use digest::Digest;
pub use error::{Error, ErrorCode, Result};
pub use ids::{KeyId, OrgId, ResourceType};
pub use random::RandomSource;
pub use time::Timestamp;

/// The library's version, as in Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
