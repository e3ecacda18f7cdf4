//! Ledger transactions and their canonical encoding.
//!
//! A transaction is an envelope (format version, chain id, time, random nonce) around a body,
//! signed over its RFC 8785 bytes in the [`Domain::Transaction`] domain by every key the body's
//! rule asks for (a council quorum, a member, a patient...). One kind is different:
//! [`TxBody::RegisterRecord`] carries a record entry already signed by its custodian; that
//! signature is its authorization, so a registration costs one signature check, not two. Its
//! envelope must then be fully determined by the entry (time equal to the entry's, nonce all
//! zero, no envelope signatures), leaving nothing unsigned that could vary.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::canonical::{self, Limits};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{KeyId, OrgId};
use crate::keys::KeyPurpose;
use crate::pseudonym::Pseudonym;
use crate::record::{SignedRecordEntry, classify_serde_error};
use crate::signature::{Domain, Signature, SigningKey};
use crate::time::Timestamp;
use crate::wrap::WrappedKey;

/// The transaction format version.
pub const TX_VERSION: u32 = 1;
/// The largest encoded transaction accepted.
pub const MAX_TX_LEN: usize = 64 * 1024;
/// The most signatures one transaction may carry (a council quorum fits).
pub const MAX_TX_SIGNATURES: usize = 64;

/// A SEC1 P-256 public key as carried in transactions (base64url of the 65-byte form).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PublicKeyBytes(#[serde(with = "crate::b64::array")] pub [u8; 65]);

impl core::fmt::Debug for PublicKeyBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PublicKeyBytes({})", crate::b64::encode(&self.0))
    }
}

/// The purpose of a key, as carried in transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPurposeWire {
    /// Signing.
    Signing,
    /// Encryption.
    Encryption,
}

impl From<KeyPurposeWire> for KeyPurpose {
    fn from(p: KeyPurposeWire) -> Self {
        match p {
            KeyPurposeWire::Signing => KeyPurpose::Signing,
            KeyPurposeWire::Encryption => KeyPurpose::Encryption,
        }
    }
}

/// What a transaction does. The rule for each (who signs, what must hold) is in
/// `ledger::apply`. Its encoding is `{"type": <kind>, <the kind's fields>}`; it is decoded by
/// `ledger::tx_body_decode`, not derived (see there why).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TxBody {
    /// Governance: admit an organisation (council quorum).
    AdmitMember {
        /// The new member.
        org: OrgId,
        /// Its display name.
        name: String,
        /// Its first signing key.
        signing_key: PublicKeyBytes,
        /// Its first encryption key.
        encryption_key: PublicKeyBytes,
    },
    /// Governance: remove a member (council quorum).
    RemoveMember {
        /// The member.
        org: OrgId,
    },
    /// Governance: replace the validator set (council quorum).
    SetValidators {
        /// The validators' signing keys.
        validators: Vec<PublicKeyBytes>,
    },
    /// Governance: replace the council (council quorum).
    SetCouncil {
        /// The council's member organisations.
        council: Vec<OrgId>,
    },
    /// A member rotates one of its keys (signed by a current key of the member).
    RotateOrgKey {
        /// The member.
        org: OrgId,
        /// Which key.
        purpose: KeyPurposeWire,
        /// The new key, which becomes primary.
        key: PublicKeyBytes,
    },
    /// A member's key is revoked from the transaction's time on (signed by the member or a
    /// council quorum, for when the member lost control of its keys).
    RevokeOrgKey {
        /// The member.
        org: OrgId,
        /// The key.
        key_id: KeyId,
    },
    /// A member enrols a patient under a pseudonym (signed by that member).
    EnrolPatient {
        /// The enrolling member.
        by: OrgId,
        /// The patient's pseudonym.
        patient: Pseudonym,
        /// The patient's signing key (for consents).
        signing_key: PublicKeyBytes,
        /// The patient's encryption key (data keys may be wrapped to it).
        encryption_key: PublicKeyBytes,
    },
    /// A patient rotates a key (signed by a current key of the patient).
    RotatePatientKey {
        /// The patient.
        patient: Pseudonym,
        /// Which key.
        purpose: KeyPurposeWire,
        /// The new key.
        key: PublicKeyBytes,
    },
    /// A patient key is revoked (signed by the patient, or by the member that enrolled them,
    /// for a lost device).
    RevokePatientKey {
        /// The patient.
        patient: Pseudonym,
        /// The key.
        key_id: KeyId,
        /// Who signs: the patient (`None`) or the enrolling member.
        by: Option<OrgId>,
    },
    /// A patient names a delegate (a guardian, a proxy) whose key may sign consents for them.
    NameDelegate {
        /// The patient.
        patient: Pseudonym,
        /// The delegate's signing key.
        key: PublicKeyBytes,
    },
    /// A custodian registers a record entry (authorized by the entry's own signature).
    RegisterRecord {
        /// The signed entry.
        entry: SignedRecordEntry,
    },
    /// A custodian replaces one of its entries with a new version (signed by the custodian).
    SupersedeRecord {
        /// The id of the entry replaced.
        previous: Digest,
        /// The new entry.
        entry: SignedRecordEntry,
    },
    /// A custodian shares a data key with an entitled member (signed by the custodian).
    ShareDataKey {
        /// The custodian.
        custodian: OrgId,
        /// The patient.
        patient: Pseudonym,
        /// The data key epoch.
        epoch: u32,
        /// The member the key is wrapped to.
        recipient: OrgId,
        /// The wrapped key.
        wrapped: WrappedKey,
    },
    /// A patient (or a delegate) grants a consent.
    GrantConsent {
        /// The consent, in its canonical form.
        consent: super::consents::ConsentDoc,
    },
    /// A patient (or a delegate) revokes a consent from the transaction's time on.
    RevokeConsent {
        /// The patient.
        patient: Pseudonym,
        /// The consent's id.
        consent_id: String,
    },
    /// A member asks to access a record entry, and records the decision the consent engine
    /// gives for it in the state it applies to (validators recompute it and refuse a
    /// transaction whose recorded decision differs). This is the audit trail of access.
    RequestAccess {
        /// The requesting member (the signer).
        requester: OrgId,
        /// The patient.
        patient: Pseudonym,
        /// The record entry requested.
        entry: Digest,
        /// The purpose of use (a v3 ActReason code; ETREAT or BTG for break-the-glass).
        purpose: String,
        /// The decision: permitted or not.
        permitted: bool,
        /// The consent that decided, if one did.
        consent: Option<String>,
    },
    /// A custodian moves a patient's data key to a new epoch, as after a consent revocation
    /// (signed by the custodian). New entries use the new epoch; old shares stay old.
    RotateDataKeyEpoch {
        /// The custodian.
        custodian: OrgId,
        /// The patient.
        patient: Pseudonym,
        /// The new epoch: exactly one more than the current.
        epoch: u32,
    },
}

impl TxBody {
    /// A short stable name of the kind, for audit and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AdmitMember { .. } => "admit_member",
            Self::RemoveMember { .. } => "remove_member",
            Self::SetValidators { .. } => "set_validators",
            Self::SetCouncil { .. } => "set_council",
            Self::RotateOrgKey { .. } => "rotate_org_key",
            Self::RevokeOrgKey { .. } => "revoke_org_key",
            Self::EnrolPatient { .. } => "enrol_patient",
            Self::RotatePatientKey { .. } => "rotate_patient_key",
            Self::RevokePatientKey { .. } => "revoke_patient_key",
            Self::NameDelegate { .. } => "name_delegate",
            Self::RegisterRecord { .. } => "register_record",
            Self::SupersedeRecord { .. } => "supersede_record",
            Self::ShareDataKey { .. } => "share_data_key",
            Self::RotateDataKeyEpoch { .. } => "rotate_data_key_epoch",
            Self::GrantConsent { .. } => "grant_consent",
            Self::RevokeConsent { .. } => "revoke_consent",
            Self::RequestAccess { .. } => "request_access",
        }
    }
}

/// The signed part of a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transaction {
    /// Format version ([`TX_VERSION`]).
    pub v: u32,
    /// The chain it is for (a transaction never applies on another network).
    pub chain: String,
    /// When it was made; must be close to the block's time (see `ledger::validate`).
    pub time: Timestamp,
    /// Random bytes that make two otherwise equal transactions distinct.
    #[serde(with = "crate::b64::array")]
    pub nonce: [u8; 16],
    /// What it does.
    pub body: TxBody,
}

impl Transaction {
    /// The bytes that are signed.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        canonical::jcs_of(self)
    }

    /// A record registration: its envelope is determined by the entry.
    pub fn register_record(chain: &str, entry: SignedRecordEntry) -> SignedTransaction {
        let time = entry.entry.time;
        SignedTransaction {
            tx: Transaction { v: TX_VERSION, chain: chain.to_owned(), time, nonce: [0; 16], body: TxBody::RegisterRecord { entry } },
            signatures: Vec::new(),
        }
    }

    /// Sign with each key (in order) into a signed transaction.
    pub fn sign(self, keys: &[&SigningKey]) -> Result<SignedTransaction> {
        let bytes = self.canonical_bytes()?;
        let signatures = keys.iter().map(|k| k.sign(Domain::Transaction, &bytes)).collect::<Result<Vec<_>>>()?;
        Ok(SignedTransaction { tx: self, signatures })
    }
}

/// A transaction's derived values (see [`SignedTransaction::prepare`]).
#[derive(Debug, Clone)]
pub struct PreparedTx {
    /// The transaction id (its replay guard).
    pub id: Digest,
    /// The bytes the envelope signatures cover (none for a record registration, which has no
    /// envelope signature).
    pub msg: Option<Vec<u8>>,
    /// The record entry's canonical bytes, for record kinds.
    pub entry_msg: Option<Vec<u8>>,
    /// The record entry's id, for record kinds.
    pub entry_id: Option<Digest>,
    /// The Merkle leaf hash of the transaction in its block.
    pub leaf: Digest,
}

/// The id of the transaction that registers the entry with id `entry_id`: SHA-256 of a tag and
/// the entry id (a registration's envelope is fixed by its entry).
pub(crate) fn registration_id(entry_id: &Digest) -> Digest {
    let mut h = sha2::Sha256::new();
    h.update(b"fhirbus/v1/register-record\0");
    h.update(entry_id.as_bytes());
    Digest(h.finalize().into())
}

/// A transaction with its signatures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedTransaction {
    /// The transaction.
    pub tx: Transaction,
    /// Its signatures.
    #[serde(rename = "sigs")]
    pub signatures: Vec<Signature>,
}

impl SignedTransaction {
    /// The canonical encoding.
    pub fn encode(&self) -> Result<Vec<u8>> {
        canonical::jcs_of(self)
    }

    /// The transaction id: SHA-256 of the canonical encoding of the signed part (signatures
    /// are outside it). A record registration, whose envelope the entry fixes, is identified by
    /// its entry instead: SHA-256 of a tag and the entry id.
    pub fn id(&self) -> Result<Digest> {
        Ok(self.prepare()?.id)
    }

    /// What validation needs of a transaction, computed once: the bytes its envelope
    /// signatures cover, its id, the entry's canonical bytes and id for record kinds, and its
    /// Merkle leaf (the id and every signature, so the block commits to the signatures too).
    pub fn prepare(&self) -> Result<PreparedTx> {
        self.check_shape()?;
        let (entry_msg, entry_id) = match &self.tx.body {
            TxBody::RegisterRecord { entry } | TxBody::SupersedeRecord { entry, .. } => {
                let bytes = entry.entry.canonical_bytes()?;
                let id = Digest::sha256(&bytes);
                (Some(bytes), Some(id))
            }
            _ => (None, None),
        };
        let (msg, id) = match (&self.tx.body, entry_id) {
            (TxBody::RegisterRecord { .. }, Some(entry_id)) => (None, registration_id(&entry_id)),
            _ => {
                let bytes = self.tx.canonical_bytes()?;
                let id = Digest::sha256(&bytes);
                (Some(bytes), id)
            }
        };
        // The Merkle leaf covers the id and every signature (the entry's last).
        let entry_signature = match &self.tx.body {
            TxBody::RegisterRecord { entry } => Some(&entry.signature),
            _ => None,
        };
        let signatures = self.signatures.iter().chain(entry_signature).flat_map(|s| [s.key_id.0.as_slice(), s.as_bytes().as_slice()]);
        let leaf = super::merkle::leaf_hash_of_parts(core::iter::once(id.as_bytes().as_slice()).chain(signatures));
        Ok(PreparedTx { id, msg, entry_msg, entry_id, leaf })
    }

    /// Strict decoding: size, JSON, duplicate keys, unknown fields, version, limits.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        canonical::parse(bytes, Limits { max_bytes: MAX_TX_LEN, max_depth: 16 })?;
        let tx: Self = serde_json::from_slice(bytes).map_err(|e| classify_serde_error(&e, "transaction"))?;
        tx.check_shape()?;
        Ok(tx)
    }

    /// Structural checks that need no state.
    pub fn check_shape(&self) -> Result<()> {
        if self.tx.v != TX_VERSION {
            return Err(Error::new(ErrorCode::UnsupportedVersion, "transaction version other than 1"));
        }
        if self.signatures.len() > MAX_TX_SIGNATURES {
            return Err(Error::new(ErrorCode::TooLarge, "too many signatures on a transaction"));
        }
        if let TxBody::RegisterRecord { entry } = &self.tx.body
            && (!self.signatures.is_empty() || self.tx.nonce != [0; 16] || self.tx.time != entry.entry.time)
        {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "a record registration's envelope is fixed by its entry: no signatures, zero nonce, the entry's time",
            ));
        }
        match &self.tx.body {
            TxBody::RegisterRecord { entry } | TxBody::SupersedeRecord { entry, .. } => entry.entry.pointer.validate()?,
            TxBody::AdmitMember { name, .. } if name.len() > 256 => {
                return Err(Error::new(ErrorCode::TooLarge, "member name longer than 256 bytes"));
            }
            TxBody::SetValidators { validators } if validators.len() > 256 => {
                return Err(Error::new(ErrorCode::TooLarge, "more than 256 validators"));
            }
            TxBody::SetCouncil { council } if council.len() > 256 => {
                return Err(Error::new(ErrorCode::TooLarge, "more than 256 council members"));
            }
            _ => {}
        }
        Ok(())
    }
}
