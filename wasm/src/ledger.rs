//! Consent, ledger and access (issues 4, 5 and 6): the part of the binding surface that goes
//! through `fhirbus::host`. Each export translates its arguments, makes one core call and
//! translates the result; every view is the RFC 8785 JSON the host module shapes, handed to
//! JavaScript as a plain value (`JSON.parse` of those bytes), and every enumeration (purposes
//! of use, proof kinds) is its text code, passed through.

use fhirbus::consent::{Consent as CoreConsent, FhirVersion};
use fhirbus::ledger::{Block, EmbeddedNetwork as CoreEmbeddedNetwork, Genesis, SignedTransaction, State, validate_and_apply_in_place_then};
use fhirbus::pseudonym::Pseudonym;
use fhirbus::signature::SigningKey as CoreSigningKey;
use fhirbus::{Digest, OrgId, RandomSource, Timestamp, access, host};
use wasm_bindgen::prelude::*;

use crate::convert::{Res, bytes, bytes_or_null, flag, handle_copies, json_value, millis, object, small, text, to_js_bytes};
use crate::random::WebRandom;
use crate::{EncryptionKey, SigningKey};

#[wasm_bindgen(typescript_custom_section)]
const TS_LEDGER_TYPES: &'static str = r#"
/** The obligations a permit carries. */
export interface Obligations {
  /** Write an audit entry (every permit). */
  audit: boolean;
  /** Notify the patient (every emergency permit). */
  notifyPatient: boolean;
}

/** The consent engine's answer, and why. */
export interface Decision {
  permit: boolean;
  basis: "consent" | "emergencyPolicy" | "networkDefault";
  /** The id of the consent that decided (basis "consent"). */
  consent?: string;
  /** The deciding provision: child indices from the root (basis "consent"). */
  path?: number[];
  obligations: Obligations;
  /** A short explanation, for a clinician or the patient. */
  explanation: string;
}

/** A consent in its canonical form (format version 1): what the ledger carries. */
export interface ConsentDocument {
  v: number;
  id: string;
  /** The patient's pseudonym, base64url. */
  patient: string;
  revokedAt?: number;
  root: { effect: "permit" | "deny"; [condition: string]: unknown };
}

/** A FHIR Consent resource (R4 or R5), as JSON. */
export interface FhirConsent {
  resourceType: "Consent";
  id: string;
  status: string;
  [element: string]: unknown;
}

/** One event of the audit trail (what applying a transaction did). */
export interface AuditEvent {
  height: number;
  /** The transaction's time, milliseconds since the Unix epoch. */
  time: number;
  /** The transaction id, hex. */
  tx: string;
  action:
    | "member_admitted" | "member_removed" | "governance_changed" | "key_rotated" | "key_revoked"
    | "patient_enrolled" | "delegate_named" | "record_registered" | "record_superseded"
    | "data_key_shared" | "data_key_rotated" | "consent_granted" | "consent_revoked" | "access_decided";
  actor: string | null;
  /** The patient's pseudonym, base64url. */
  patient: string | null;
  subjectOrg: string | null;
  /** The record entry id, hex. */
  entry: string | null;
  /** A v3 ActReason code (access decisions). */
  purpose: string | null;
  permitted: boolean | null;
  emergency: boolean;
}

/** A FHIR R4 Bundle (type "collection") of AuditEvent resources. */
export interface AuditBundle {
  resourceType: "Bundle";
  type: "collection";
  entry: { fullUrl: string; resource: { resourceType: "AuditEvent"; id: string; [element: string]: unknown } }[];
}

/** A signed record entry, as the ledger carries it (the canonical JSON of `RecordEntry.encode()`). */
export interface SignedRecordEntryDocument {
  entry: {
    v: number;
    custodian: string;
    /** The patient's pseudonym, base64url. */
    patient: string;
    resourceType: string;
    /** The content digest, hex. */
    digest: string;
    epoch: number;
    time: number;
    /** The sealed pointer: nonce and ciphertext, base64url. */
    pointer: { n: string; ct: string };
  };
  /** The custodian's signature: key id (hex) and `r || s` (base64url). */
  sig: { kid: string; sig: string };
}

/** A registered record entry. */
export interface RecordItem {
  /** The entry id (SHA-256 of the entry's canonical bytes), hex. */
  id: string;
  entry: SignedRecordEntryDocument;
  /** The id of the entry that replaced it, hex. */
  supersededBy?: string;
}

/** A record entry a requester may open now, with the decision that permits it. */
export interface VisibleRecord {
  record: RecordItem;
  decision: Decision;
}

/** A key as the ledger holds it. */
export interface KeyView {
  keyId: string;
  /** 1 signing, 2 encryption. */
  purpose: number;
  /** SEC1, base64url. */
  public: string;
  epoch: number;
  addedAt: number;
  revokedAt: number | null;
}

/** A member organisation as the ledger holds it. */
export interface MemberView {
  org: string;
  name: string;
  keys: KeyView[];
  admittedAt: number;
  removedAt: number | null;
}

/** A proof of one item against a state root, for a light client. */
export interface ProofDocument {
  /** The state root, hex. */
  root: string;
  /** The item's value hash, hex; absent when the item is. */
  value?: string;
  /** The proof: pass `JSON.stringify(proof)`'s UTF-8 bytes to `verifyProof`. */
  proof: StateProof;
}

/**
 * A keyed item's path in the trie of items (present or absent), with the records' root; or a
 * record entry's audit path (RFC 6962) among the entries in registration order, with the
 * items' root.
 */
export type StateProof =
  | { item: { proof: { key: string; leaf: [string, string] | null; siblings: string[] }; recordsRoot: string; records: number } }
  | { record: { proof: { index: number; size: number; path: string[] }; itemsRoot: string } };

/** What a custodian may release, and what it must do. */
export interface Release {
  /** The entry id, hex. */
  entry: string;
  requester: string;
  emergency: boolean;
  obligations: Obligations;
}

/** A signed access request and the decision it carries. */
export interface AccessRequest {
  /** The signed transaction's canonical bytes: submit it whatever the decision. */
  tx: Uint8Array;
  decision: Decision;
}

/** The kinds of items `prove` takes. */
export type ProofKind = "record" | "member" | "patient" | "consent";
"#;

fn pseudonym(v: &JsValue, what: &str) -> Res<Pseudonym> {
    Ok(Pseudonym::from_slice(&bytes(v, what)?)?)
}

fn digest(v: &JsValue, what: &str) -> Res<Digest> {
    Ok(Digest::from_slice(&bytes(v, what)?)?)
}

fn org(v: &JsValue, what: &str) -> Res<OrgId> {
    Ok(OrgId::new(&text(v, what)?)?)
}

fn at(v: &JsValue, what: &str) -> Res<Timestamp> {
    Ok(Timestamp::from_millis(millis(v, what)?))
}

fn fhir_version(v: &JsValue) -> Res<FhirVersion> {
    Ok(FhirVersion::from_u8(small(v, "version")?)?)
}

// ---------------------------------------------------------------------------------------------
// consents

/// A patient's consent (immutable). Call `free()` when done.
#[wasm_bindgen]
pub struct Consent {
    inner: CoreConsent,
}

#[wasm_bindgen]
impl Consent {
    /// Import a FHIR Consent (JSON bytes) of FHIR `version` (4 for R4, 5 for R5) for the patient
    /// whose pseudonym (32 bytes) is `patient`. Elements the model cannot represent are refused
    /// (`CONSENT_UNSUPPORTED_ELEMENT`, `CONSENT_INVALID`), the detail naming the element.
    #[wasm_bindgen(js_name = fromFhir)]
    pub fn from_fhir(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] json: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue,
    ) -> Res<Consent> {
        let version = fhir_version(&version)?;
        let patient = pseudonym(&patient, "patient")?;
        Ok(Self { inner: CoreConsent::from_fhir(&bytes(&json, "json")?, version, patient)? })
    }

    /// Strict decoding of the canonical encoding: unknown fields, other versions, invalid values
    /// and any other encoding of the same consent (once whitespace and key order are normalized)
    /// are refused.
    pub fn decode(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] encoded: JsValue) -> Res<Consent> {
        Ok(Self { inner: CoreConsent::decode(&bytes(&encoded, "encoded")?)? })
    }

    /// Export as a FHIR Consent of `version` (4 or 5).
    #[wasm_bindgen(js_name = toFhir, unchecked_return_type = "FhirConsent")]
    pub fn to_fhir(&self, #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue) -> Res<JsValue> {
        json_value(&self.inner.to_fhir(fhir_version(&version)?)?)
    }

    /// The canonical encoding (RFC 8785): what a GrantConsent transaction carries.
    pub fn encode(&self) -> Res<Vec<u8>> {
        Ok(self.inner.encode()?)
    }

    /// The consent's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().as_str().to_owned()
    }

    /// The patient's pseudonym (32 bytes).
    #[wasm_bindgen(getter)]
    pub fn patient(&self) -> Vec<u8> {
        self.inner.patient().0.to_vec()
    }

    /// A new handle on a copy, for the lists of handles (`decide`). Not part of the API.
    #[wasm_bindgen(js_name = __copy, skip_typescript)]
    pub fn copy(&self) -> Consent {
        Self { inner: self.inner.clone() }
    }
}

#[wasm_bindgen]
impl SigningKey {
    /// A new handle on a copy of the key (the same secret scalar, zeroized when the copy is
    /// dropped at the end of the call), for the lists of handles (`transactionSign`,
    /// `new EmbeddedNetwork`). Not part of the API.
    #[wasm_bindgen(js_name = __copy, skip_typescript)]
    pub fn copy(&self) -> Res<SigningKey> {
        Ok(SigningKey { inner: CoreSigningKey::from_secret(self.inner.to_secret_bytes().as_ref())? })
    }
}

/// The consent engine's decision, from `consents` (handles) at `nowMs`, on `requester` (a
/// member organisation id) asking for the data of `resourceType` recorded at `dataDateMs` of
/// the patient `patient` (32-byte pseudonym) for `purpose` (a v3 ActReason code: `TREAT`,
/// `ETREAT`, `BTG`, ...); `allowEmergency` is the network's emergency policy.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(unchecked_return_type = "Decision")]
pub fn decide(
    #[wasm_bindgen(unchecked_param_type = "Consent[]")] consents: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] requester: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] purpose: JsValue,
    #[wasm_bindgen(js_name = resourceType, unchecked_param_type = "string")] resource_type: JsValue,
    #[wasm_bindgen(js_name = dataDateMs, unchecked_param_type = "Millis")] data_date_ms: JsValue,
    #[wasm_bindgen(js_name = allowEmergency, unchecked_param_type = "boolean")] allow_emergency: JsValue,
    #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "Millis")] now_ms: JsValue,
) -> Res<JsValue> {
    let consents: Vec<Consent> = handle_copies(&consents, "consents")?;
    let consents: Vec<CoreConsent> = consents.into_iter().map(|c| c.inner).collect();
    let decision = host::decide(
        &consents,
        &text(&requester, "requester")?,
        &pseudonym(&patient, "patient")?,
        &text(&purpose, "purpose")?,
        &text(&resource_type, "resourceType")?,
        at(&data_date_ms, "dataDateMs")?,
        flag(&allow_emergency, "allowEmergency")?,
        at(&now_ms, "nowMs")?,
    )?;
    json_value(&host::decision_json(&decision)?)
}

// ---------------------------------------------------------------------------------------------
// the ledger state

/// A ledger state: what a node holds after applying a chain of blocks. Call `free()` when
/// done.
#[wasm_bindgen]
pub struct LedgerState {
    inner: State,
}

#[wasm_bindgen]
impl LedgerState {
    /// The state a genesis document (JSON bytes: chain, time, members, council, validators,
    /// policy; at most 1 MiB, decoded strictly) founds.
    #[wasm_bindgen(js_name = fromGenesis)]
    pub fn from_genesis(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] genesis: JsValue) -> Res<LedgerState> {
        Ok(Self { inner: State::genesis(&Genesis::decode(&bytes(&genesis, "genesis")?)?)? })
    }

    /// Validate an encoded block (structure, the quorum and every signature, each transaction
    /// against the state) and apply it; returns the events it produced. On failure the state is
    /// left exactly as it was.
    #[wasm_bindgen(js_name = applyBlock, unchecked_return_type = "AuditEvent[]")]
    pub fn apply_block(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] block: JsValue) -> Res<JsValue> {
        let block = Block::decode(&bytes(&block, "block")?)?;
        validate_and_apply_in_place_then(&mut self.inner, &block, |events| json_value(&host::events_json(&events)?))
    }

    /// The height of the last applied block (0 at genesis).
    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u64 {
        self.inner.height()
    }

    /// The chain id.
    #[wasm_bindgen(getter)]
    pub fn chain(&self) -> String {
        self.inner.chain().to_owned()
    }

    /// The state commitment (32 bytes): the root a block header commits to and proofs are
    /// checked against.
    #[wasm_bindgen(getter, js_name = stateRoot)]
    pub fn state_root(&mut self) -> Vec<u8> {
        self.inner.state_root().0.to_vec()
    }

    /// The hash the next block must link to (32 bytes).
    #[wasm_bindgen(getter, js_name = lastHash)]
    pub fn last_hash(&self) -> Vec<u8> {
        self.inner.last_hash().0.to_vec()
    }

    /// Every record entry of the patient (32-byte pseudonym), superseded ones included, in
    /// registration order.
    #[wasm_bindgen(unchecked_return_type = "RecordItem[]")]
    pub fn records(&self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue) -> Res<JsValue> {
        json_value(&host::records_json(&self.inner, &pseudonym(&patient, "patient")?)?)
    }

    /// The current entries of the patient that `requester` may open for `purpose` at `nowMs`,
    /// each with its decision.
    #[wasm_bindgen(js_name = visibleRecords, unchecked_return_type = "VisibleRecord[]")]
    pub fn visible_records(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] requester: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] purpose: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "Millis")] now_ms: JsValue,
    ) -> Res<JsValue> {
        json_value(&host::visible_records_json(
            &self.inner,
            &text(&requester, "requester")?,
            &pseudonym(&patient, "patient")?,
            &text(&purpose, "purpose")?,
            at(&now_ms, "nowMs")?,
        )?)
    }

    /// The patient's consents (revoked ones included), in grant order, in canonical form.
    #[wasm_bindgen(unchecked_return_type = "ConsentDocument[]")]
    pub fn consents(&self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue) -> Res<JsValue> {
        json_value(&host::consents_json(&self.inner, &pseudonym(&patient, "patient")?)?)
    }

    /// The patient's audit trail: who asked for what, when, for which purpose, decided how.
    #[wasm_bindgen(unchecked_return_type = "AuditEvent[]")]
    pub fn audit(&self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue) -> Res<JsValue> {
        json_value(&host::audit_json(&self.inner, &pseudonym(&patient, "patient")?)?)
    }

    /// The patient's audit trail as a FHIR R4 Bundle of AuditEvents.
    #[wasm_bindgen(js_name = auditFhir, unchecked_return_type = "AuditBundle")]
    pub fn audit_fhir(&self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue) -> Res<JsValue> {
        json_value(&host::audit_fhir_json(&self.inner, &pseudonym(&patient, "patient")?)?)
    }

    /// An organisation's own actions.
    #[wasm_bindgen(js_name = orgActions, unchecked_return_type = "AuditEvent[]")]
    pub fn org_actions(&self, #[wasm_bindgen(unchecked_param_type = "string")] org: JsValue) -> Res<JsValue> {
        json_value(&host::org_actions_json(&self.inner, &text(&org, "org")?)?)
    }

    /// A member's view, or `null` when the ledger has no such member.
    #[wasm_bindgen(unchecked_return_type = "MemberView | null")]
    pub fn member(&self, #[wasm_bindgen(unchecked_param_type = "string")] org: JsValue) -> Res<JsValue> {
        json_value(&host::member_json(&self.inner, &text(&org, "org")?)?)
    }

    /// An active member's primary key of `purpose` (`signing` or `encryption`), SEC1 (65
    /// bytes): the key a data key share is wrapped to.
    #[wasm_bindgen(js_name = memberPrimaryKey)]
    pub fn member_primary_key(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] org: JsValue,
        #[wasm_bindgen(unchecked_param_type = "\"signing\" | \"encryption\"")] purpose: JsValue,
    ) -> Res<Vec<u8>> {
        Ok(host::member_primary_key(&self.inner, &text(&org, "org")?, &text(&purpose, "purpose")?)?.to_vec())
    }

    /// The current data key epoch of `custodian` for the patient (32-byte pseudonym): the
    /// epoch a new record entry is sealed under (1 until the custodian rotates it).
    #[wasm_bindgen(js_name = dataKeyEpoch)]
    pub fn data_key_epoch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] custodian: JsValue,
    ) -> Res<u32> {
        Ok(self.inner.epoch(&pseudonym(&patient, "patient")?, &OrgId::new(&text(&custodian, "custodian")?)?))
    }

    /// A proof of the item `kind` / `id` (`record` and the entry id in hex, `member` and the
    /// organisation id, `patient` and the pseudonym in base64url, `consent` and
    /// `<pseudonym>/<consent id>`) against the current state root. An entry never registered
    /// has no proof (`INVALID_VALUE`); any other item absent has one.
    #[wasm_bindgen(unchecked_return_type = "ProofDocument")]
    pub fn prove(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ProofKind")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Res<JsValue> {
        json_value(&host::prove_json(&mut self.inner, &text(&kind, "kind")?, &text(&id, "id")?)?)
    }
}

/// A light client's check, with no ledger state: `proof` (the UTF-8 JSON of a proof document's
/// `proof`) shows that the item whose value hash is `value` (32 bytes, computed from the
/// answer given) is under the trusted state `root` (32 bytes, from a block header). Returns
/// nothing when it does; throws `BAD_SIGNATURE` when it does not, and `INVALID_VALUE` for a
/// `null` value: an absence is checked by `verifyAbsence`, naming its item.
#[wasm_bindgen(js_name = verifyProof)]
pub fn verify_proof(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] root: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] proof: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | null")] value: JsValue,
) -> Res<()> {
    let root = digest(&root, "root")?;
    let value = bytes_or_null(&value, "value")?.map(|v| Digest::from_slice(&v)).transpose()?;
    Ok(host::verify_proof(&root, &bytes(&proof, "proof")?, value.as_ref())?)
}

/// A light client's check, with no ledger state: `proof` shows the item `kind` / `id` (as for
/// `prove`: `member`, `patient` or `consent`) absent under the trusted state `root` (32
/// bytes). Throws `BAD_SIGNATURE` when it does not, as when the proof is about another item,
/// and `INVALID_VALUE` for `record`, whose absence has no proof.
#[wasm_bindgen(js_name = verifyAbsence)]
pub fn verify_absence(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] root: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ProofKind")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] proof: JsValue,
) -> Res<()> {
    let root = digest(&root, "root")?;
    Ok(host::verify_absence(&root, &text(&kind, "kind")?, &text(&id, "id")?, &bytes(&proof, "proof")?)?)
}

// ---------------------------------------------------------------------------------------------
// transactions

/// Sign an unsigned transaction (UTF-8 JSON: `{"v":1,"chain":..,"time":ms,"nonce":base64url of
/// 16 bytes,"body":{"type":"grant_consent",...}}`, at most 64 KiB) with each key in order (the
/// signers its kind needs: a member, a patient, a council quorum); returns the signed
/// transaction's canonical bytes.
#[wasm_bindgen(js_name = transactionSign)]
pub fn transaction_sign(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] tx: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SigningKey[]")] keys: JsValue,
) -> Res<Vec<u8>> {
    let tx = bytes(&tx, "tx")?;
    let keys: Vec<SigningKey> = handle_copies(&keys, "keys")?;
    let refs: Vec<&CoreSigningKey> = keys.iter().map(|k| &k.inner).collect();
    Ok(host::sign_transaction(&tx, &refs)?)
}

/// The transaction that registers a signed record entry (its encoding, as
/// `recordEntrySealAndSign` returns it) on `chain`; the entry's own signature authorizes it.
#[wasm_bindgen(js_name = transactionRegisterRecord)]
pub fn transaction_register_record(
    #[wasm_bindgen(unchecked_param_type = "string")] chain: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] entry: JsValue,
) -> Res<Vec<u8>> {
    Ok(host::register_record_transaction(&text(&chain, "chain")?, &bytes(&entry, "entry")?)?)
}

// ---------------------------------------------------------------------------------------------
// the embedded network

/// An embedded network: in-process validators that order submitted transactions into blocks,
/// sign them and apply them. Call `free()` when done (its validator keys are zeroized then).
#[wasm_bindgen]
pub struct EmbeddedNetwork {
    inner: CoreEmbeddedNetwork,
}

#[wasm_bindgen]
impl EmbeddedNetwork {
    /// A network at the genesis `genesis` (JSON bytes), run by `validators` (the genesis
    /// validators' signing keys, or a quorum of them; the network keeps copies, so the handles
    /// may be freed afterwards). `UNKNOWN_KEY` when they are not.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] genesis: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SigningKey[]")] validators: JsValue,
    ) -> Res<EmbeddedNetwork> {
        let genesis = bytes(&genesis, "genesis")?;
        let keys: Vec<SigningKey> = handle_copies(&validators, "validators")?;
        let refs: Vec<&CoreSigningKey> = keys.iter().map(|k| &k.inner).collect();
        Ok(Self { inner: host::embedded_network(&genesis, &refs)? })
    }

    /// Queue a signed transaction (its bytes) for the next block, after checking that it would
    /// apply at `nowMs` (a bad transaction is refused here, with its code); returns its id
    /// (32 bytes).
    pub fn submit(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] tx: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "Millis")] now_ms: JsValue,
    ) -> Res<Vec<u8>> {
        let (tx, now) = (bytes(&tx, "tx")?, at(&now_ms, "nowMs")?);
        Ok(self.inner.submit(SignedTransaction::decode(&tx)?, now)?.0.to_vec())
    }

    /// Order the pending transactions into a block at `nowMs` (or the last block's time, if
    /// later), sign it with every validator, validate and apply it; returns the block's bytes,
    /// for the host's log and for other nodes (`LedgerState.applyBlock`).
    #[wasm_bindgen(js_name = produceBlock)]
    pub fn produce_block(
        &mut self,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "Millis")] now_ms: JsValue,
    ) -> Res<Vec<u8>> {
        let (block, _events) = self.inner.produce_block(at(&now_ms, "nowMs")?)?;
        Ok(block.encode()?)
    }

    /// A snapshot of the current state, as a new ledger state (later blocks do not change it).
    pub fn state(&self) -> LedgerState {
        LedgerState { inner: self.inner.state().clone() }
    }
}

// ---------------------------------------------------------------------------------------------
// the access flow

/// Requester: the signed access request of `requester` (a member, signing with its key
/// `signingKey`) for the record entry `entry` (its 32-byte id) for `purpose` (a v3 ActReason
/// code; `ETREAT` or `BTG` to break the glass) at `nowMs`, with the decision the state gives
/// (validators recompute it). The transaction's nonce comes from `crypto.getRandomValues`.
#[wasm_bindgen(js_name = requestAccess, unchecked_return_type = "AccessRequest")]
pub fn request_access(
    state: &LedgerState,
    #[wasm_bindgen(unchecked_param_type = "string")] requester: JsValue,
    #[wasm_bindgen(js_name = signingKey)] signing_key: &SigningKey,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] entry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] purpose: JsValue,
    #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "Millis")] now_ms: JsValue,
) -> Res<JsValue> {
    let requester = org(&requester, "requester")?;
    let entry = digest(&entry, "entry")?;
    let purpose = host::purpose(&text(&purpose, "purpose")?)?;
    let now = at(&now_ms, "nowMs")?;
    let mut nonce = [0u8; 16];
    WebRandom.fill(&mut nonce)?;
    let (tx, decision) = access::request_access(&state.inner, &requester, &signing_key.inner, &entry, purpose, now, nonce)?;
    Ok(object(&[
        ("tx", to_js_bytes(&tx.encode()?).into()),
        ("decision", json_value(&host::decision_json(&decision)?)?),
    ]))
}

/// Requester: open the pointer of the record entry `entry` (its 32-byte id) with the data key
/// its custodian shared to `requester`, unwrapped with the requester's `encryptionKey`.
/// `NO_DATA_KEY_SHARE` when no key was shared to the requester for the entry's epoch.
#[wasm_bindgen(js_name = openPointer)]
pub fn open_pointer(
    state: &LedgerState,
    #[wasm_bindgen(unchecked_param_type = "string")] requester: JsValue,
    #[wasm_bindgen(js_name = encryptionKey)] encryption_key: &EncryptionKey,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] entry: JsValue,
) -> Res<String> {
    let requester = org(&requester, "requester")?;
    Ok(access::open_pointer(&state.inner, &requester, &encryption_key.inner, &digest(&entry, "entry")?)?)
}

/// Requester: check a fetched FHIR resource (JSON bytes) against the record entry `entry` (its
/// 32-byte id) on the ledger: its resource type and content digest (`DIGEST_MISMATCH`).
#[wasm_bindgen(js_name = checkFetched)]
pub fn check_fetched(
    state: &LedgerState,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] entry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] resource: JsValue,
) -> Res<()> {
    Ok(access::check_fetched(&state.inner, &digest(&entry, "entry")?, &bytes(&resource, "resource")?)?)
}

/// Custodian: whether `custodian` may release the record a committed access request (the
/// signed transaction's bytes) asks for, at `nowMs`. `NOT_ON_LEDGER` for a request the ledger
/// does not hold, `ACCESS_DENIED` for one it recorded as denied or the consents no longer
/// permit.
#[wasm_bindgen(js_name = custodianRelease, unchecked_return_type = "Release")]
pub fn custodian_release(
    state: &LedgerState,
    #[wasm_bindgen(unchecked_param_type = "string")] custodian: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] request: JsValue,
    #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "Millis")] now_ms: JsValue,
) -> Res<JsValue> {
    let (custodian, request, now) = (org(&custodian, "custodian")?, bytes(&request, "request")?, at(&now_ms, "nowMs")?);
    let release = access::custodian_release(&state.inner, &custodian, &SignedTransaction::decode(&request)?, now)?;
    json_value(&host::release_json(&release)?)
}
