//! The ledger: a deterministic state machine that validates and applies blocks. It holds only
//! metadata (members and their keys, patients under pseudonyms, record entries with sealed
//! pointers and digests, consents, wrapped data keys, the audit trail), never health data.
//! Ordering blocks is a consensus engine's job; [`network::EmbeddedNetwork`] is the
//! in-process default. See README.md ("The ledger") for what each check stops.

pub mod apply;
pub mod audit;
pub mod audit_log;
pub mod audit_fhir;
pub mod block;
pub mod commitment;
pub mod consents;
pub mod log;
pub mod merkle;
pub mod network;
pub mod proof;
pub mod record_log;
pub mod records;
pub mod state;
pub mod tx;
mod tx_body_decode;
pub mod validate;

pub use block::{Block, BlockHeader, Genesis, GenesisMember, NetworkPolicy};
pub use network::EmbeddedNetwork;
pub use state::State;
pub use tx::{SignedTransaction, Transaction, TxBody};
pub use validate::{Applied, validate_and_apply, validate_and_apply_chain, validate_and_apply_in_place, validate_and_apply_in_place_then};
