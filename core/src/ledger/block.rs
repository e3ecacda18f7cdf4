//! Blocks: a header, the transactions, and a quorum certificate.
//!
//! The header commits to the chain, the height, the time, the previous header's hash, the
//! Merkle root of the transactions (RFC 6962 hashing over each signed transaction's canonical
//! encoding) and the state root after the block ([`super::commitment`]). The quorum certificate
//! is the signatures of more than two thirds of the current validator set over the header's
//! canonical bytes, in the [`Domain::BlockHeader`] domain.

use serde::{Deserialize, Serialize};

use super::merkle;
use super::tx::{PublicKeyBytes, SignedTransaction};
use crate::canonical::{self, Limits};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{KeyId, OrgId};
use crate::record::classify_serde_error;
use crate::signature::{Domain, Signature, SigningKey};
use crate::time::Timestamp;

/// The block format version.
pub const BLOCK_VERSION: u32 = 1;
/// The largest encoded block accepted.
pub const MAX_BLOCK_LEN: usize = 32 << 20;
/// The most transactions in one block.
pub const MAX_BLOCK_TXS: usize = 10_000;

/// A block header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockHeader {
    /// Format version ([`BLOCK_VERSION`]).
    pub v: u32,
    /// The chain.
    pub chain: String,
    /// 1 for the first block after genesis.
    pub height: u64,
    /// The proposer's time; never before the previous block's.
    pub time: Timestamp,
    /// Hash of the previous header (of the genesis document for height 1).
    pub prev: Digest,
    /// Merkle root of the transactions.
    pub tx_root: Digest,
    /// The state commitment after the block.
    pub state_root: Digest,
    /// The proposing validator's key id.
    pub proposer: KeyId,
}

impl BlockHeader {
    /// The bytes the validators sign.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        canonical::jcs_of(self)
    }

    /// The header's hash (the next block's `prev`).
    pub fn hash(&self) -> Result<Digest> {
        Ok(Digest::sha256(&self.canonical_bytes()?))
    }

    /// A validator's signature over the header.
    pub fn sign(&self, validator: &SigningKey) -> Result<Signature> {
        validator.sign(Domain::BlockHeader, &self.canonical_bytes()?)
    }
}

/// A block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// The header.
    pub header: BlockHeader,
    /// The transactions, applied in order.
    pub txs: Vec<SignedTransaction>,
    /// The validators' signatures over the header.
    pub qc: Vec<Signature>,
}

impl Block {
    /// The Merkle root of a list of transactions (leaves as [`SignedTransaction::prepare`]
    /// gives them).
    pub fn tx_root(txs: &[SignedTransaction]) -> Result<Digest> {
        let leaves = txs.iter().map(|t| t.prepare().map(|p| p.leaf)).collect::<Result<Vec<_>>>()?;
        Ok(merkle::root_of_hashes(&leaves))
    }

    /// The canonical encoding.
    pub fn encode(&self) -> Result<Vec<u8>> {
        canonical::jcs_of(self)
    }

    /// Strict decoding; no state is consulted (see `ledger::validate` for the rest).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        canonical::parse(bytes, Limits { max_bytes: MAX_BLOCK_LEN, max_depth: 20 })?;
        let block: Self = serde_json::from_slice(bytes).map_err(|e| classify_serde_error(&e, "block"))?;
        block.check_shape()?;
        Ok(block)
    }

    /// Structural checks: version, counts, each transaction's shape.
    pub fn check_shape(&self) -> Result<()> {
        if self.header.v != BLOCK_VERSION {
            return Err(Error::new(ErrorCode::UnsupportedVersion, "block version other than 1"));
        }
        if self.txs.len() > MAX_BLOCK_TXS {
            return Err(Error::new(ErrorCode::TooLarge, "too many transactions in a block"));
        }
        if self.qc.len() > 1024 {
            return Err(Error::new(ErrorCode::TooLarge, "too many quorum signatures"));
        }
        self.txs.iter().try_for_each(SignedTransaction::check_shape)
    }
}

/// The network's policy, fixed at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NetworkPolicy {
    /// Whether emergency (break-the-glass) access is allowed where no consent speaks to it.
    pub allow_emergency_access: bool,
    /// How far before the block's time a transaction's time may be (and how long replay
    /// guards are kept), in milliseconds.
    pub max_tx_age_ms: u64,
    /// How far after the block's time a transaction's time may be, in milliseconds.
    pub max_clock_skew_ms: u64,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        Self { allow_emergency_access: true, max_tx_age_ms: 10 * 60 * 1000, max_clock_skew_ms: 60 * 1000 }
    }
}

/// A founding member in the genesis document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GenesisMember {
    /// The organisation.
    pub org: OrgId,
    /// Its display name.
    pub name: String,
    /// Its signing key.
    pub signing_key: PublicKeyBytes,
    /// Its encryption key.
    pub encryption_key: PublicKeyBytes,
}

/// The genesis document: the network's founding state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The chain id.
    pub chain: String,
    /// The founding time.
    pub time: Timestamp,
    /// The founding members.
    pub members: Vec<GenesisMember>,
    /// The governance council (founding members).
    pub council: Vec<OrgId>,
    /// The validators' signing keys.
    pub validators: Vec<PublicKeyBytes>,
    /// The network policy.
    pub policy: NetworkPolicy,
}

impl Genesis {
    /// The hash block 1 links to.
    pub fn hash(&self) -> Result<Digest> {
        Ok(Digest::sha256(&canonical::jcs_of(self)?))
    }

    /// The canonical encoding.
    pub fn encode(&self) -> Result<Vec<u8>> {
        canonical::jcs_of(self)
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        canonical::parse(bytes, Limits { max_bytes: 1 << 20, max_depth: 8 })?;
        serde_json::from_slice(bytes).map_err(|e| classify_serde_error(&e, "genesis"))
    }
}

/// More than two thirds of `n`: the quorum of a set of `n` (BFT with n >= 3f + 1).
pub fn quorum(n: usize) -> usize {
    n * 2 / 3 + 1
}
