//! The document interface the binding layers (C, WASM, uniffi) share: every query and
//! decision of the consent engine, the ledger and the access flow as RFC 8785 JSON bytes, and
//! every input that is an enumeration as its text code. A layer calls one function here and
//! passes bytes through; it never shapes a view or interprets a code itself, so the layers
//! cannot drift apart. Rust hosts use the typed API instead.
//!
//! View shapes (all keys camelCase; digests and key ids lower-case hex; pseudonyms base64url;
//! times milliseconds since the Unix epoch):
//!
//! * decision: `{"permit":bool,"basis":"consent"|"emergencyPolicy"|"networkDefault",
//!   "consent":id?,"path":[u16...]?,"obligations":{"audit":bool,"notifyPatient":bool},
//!   "explanation":text}`
//! * record: `{"id":hex,"entry":<signed record entry>,"supersededBy":hex?}`
//! * release: `{"entry":hex,"requester":org,"emergency":bool,"obligations":{...}}`

use serde::Serialize;
use serde_json::{Value, json};

use crate::canonical;
use crate::consent::{AccessRequest, Basis, Consent, Decision, EmergencyPolicy, Purpose};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{OrgId, ResourceType};
use crate::ledger::State;
use crate::ledger::proof::StateProof;
use crate::ledger::state::{RecordState, item, value_hash};
use crate::pseudonym::Pseudonym;
use crate::time::Timestamp;

/// RFC 8785 bytes of any serializable view.
pub fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    canonical::jcs_of(value)
}

/// A purpose of use from its v3 ActReason code.
pub fn purpose(code: &str) -> Result<Purpose> {
    Purpose::from_code(code).ok_or_else(|| Error::new(ErrorCode::InvalidValue, "purpose of use: not a known v3 ActReason code"))
}

/// A decision as JSON (shape in the module docs).
pub fn decision_json(d: &Decision) -> Result<Vec<u8>> {
    let (basis, consent, path) = match &d.basis {
        Basis::Consent { id, path } => ("consent", Some(id.as_str().to_owned()), Some(path.indices().to_vec())),
        Basis::EmergencyPolicy => ("emergencyPolicy", None, None),
        Basis::NetworkDefault => ("networkDefault", None, None),
    };
    let mut v = json!({
        "permit": d.is_permit(),
        "basis": basis,
        "obligations": {"audit": d.obligations.audit, "notifyPatient": d.obligations.notify_patient},
        "explanation": d.explanation,
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(c) = consent {
            obj.insert("consent".into(), json!(c));
        }
        if let Some(p) = path {
            obj.insert("path".into(), json!(p));
        }
    }
    to_json(&v)
}

/// The consent engine on a list of consents (each in its canonical encoding), for hosts that
/// keep consents themselves (a portal previewing a patient's choices).
#[allow(clippy::too_many_arguments)]
pub fn decide(
    consents: &[Consent],
    requester: &str,
    patient: &Pseudonym,
    purpose_code: &str,
    resource_type: &str,
    data_date: Timestamp,
    allow_emergency_access: bool,
    now: Timestamp,
) -> Result<Decision> {
    let request = AccessRequest {
        requester: OrgId::new(requester)?,
        patient: *patient,
        purpose: purpose(purpose_code)?,
        resource_type: ResourceType::new(resource_type)?,
        data_date,
    };
    Ok(crate::consent::decide(consents, &request, &EmergencyPolicy { allow_emergency_access }, now))
}

fn record_value(state: &State, id: &Digest) -> Option<Value> {
    let r = state.record(id)?;
    let entry: Value = serde_json::to_value(&r.entry).ok()?;
    let mut v = json!({"id": r.id.to_hex(), "entry": entry});
    if let (Some(obj), Some(next)) = (v.as_object_mut(), r.superseded_by) {
        obj.insert("supersededBy".into(), json!(next.to_hex()));
    }
    Some(v)
}

/// Every record entry of a patient (superseded ones included), in registration order.
pub fn records_json(state: &State, patient: &Pseudonym) -> Result<Vec<u8>> {
    let list: Vec<Value> = state.records_of_patient(patient).iter().filter_map(|r| record_value(state, &r.id)).collect();
    to_json(&list)
}

/// The current entries `requester` may open for `purpose` at `now`, each with its decision.
pub fn visible_records_json(state: &State, requester: &str, patient: &Pseudonym, purpose_code: &str, now: Timestamp) -> Result<Vec<u8>> {
    let requester = OrgId::new(requester)?;
    let list = state
        .visible_records(&requester, patient, purpose(purpose_code)?, now)
        .into_iter()
        .map(|(r, d)| {
            let decision: Value = serde_json::from_slice(&decision_json(&d)?).map_err(|_| Error::new(ErrorCode::Internal, "decision view"))?;
            let record = record_value(state, &r.id).unwrap_or(Value::Null);
            Ok(json!({"record": record, "decision": decision}))
        })
        .collect::<Result<Vec<Value>>>()?;
    to_json(&list)
}

/// A patient's consents, each in its canonical encoding, as a JSON array.
pub fn consents_json(state: &State, patient: &Pseudonym) -> Result<Vec<u8>> {
    let list = state
        .consents(patient)
        .iter()
        .map(|c| serde_json::from_slice::<Value>(&c.encode()?).map_err(|_| Error::new(ErrorCode::Internal, "consent view")))
        .collect::<Result<Vec<Value>>>()?;
    to_json(&list)
}

/// A patient's audit trail as JSON events.
pub fn audit_json(state: &State, patient: &Pseudonym) -> Result<Vec<u8>> {
    to_json(&state.audit_trail(patient))
}

/// A patient's audit trail as a FHIR R4 Bundle of AuditEvents.
pub fn audit_fhir_json(state: &State, patient: &Pseudonym) -> Result<Vec<u8>> {
    to_json(&crate::ledger::audit_fhir::trail_bundle(&state.audit_trail(patient), state.chain()))
}

/// An organisation's own actions as JSON events.
pub fn org_actions_json(state: &State, org: &str) -> Result<Vec<u8>> {
    to_json(&state.org_actions(&OrgId::new(org)?))
}

/// A member's view (`null` when unknown).
pub fn member_json(state: &State, org: &str) -> Result<Vec<u8>> {
    to_json(&state.member_view(&OrgId::new(org)?))
}

/// An active member's primary key of `purpose` (`signing` or `encryption`, the transaction
/// codes), SEC1: the key a `share_data_key` transaction must wrap a data key to. The member
/// view lists every key but not which one is primary.
pub fn member_primary_key(state: &State, org: &str, purpose: &str) -> Result<[u8; 65]> {
    let purpose = match purpose {
        "signing" => crate::keys::KeyPurpose::Signing,
        "encryption" => crate::keys::KeyPurpose::Encryption,
        _ => return Err(Error::new(ErrorCode::InvalidValue, "key purpose: signing or encryption")),
    };
    let member = state
        .member(&OrgId::new(org)?)
        .filter(|m| m.is_active())
        .ok_or_else(|| Error::new(ErrorCode::InvalidValue, "organisation is not an active member"))?;
    Ok(member.keys.primary(purpose)?.key.to_sec1())
}

/// A keyed item named by `kind` and `id`: `member` (id: org), `patient` (id: pseudonym text)
/// or `consent` (id: `<pseudonym>/<consent id>`). A record entry is no keyed item (see
/// [`prove_json`]).
enum KeyedItem<'a> {
    Member(OrgId),
    Patient(Pseudonym),
    Consent(Pseudonym, &'a str),
}

impl<'a> KeyedItem<'a> {
    fn parse(kind: &str, id: &'a str) -> Result<Self> {
        match kind {
            "member" => Ok(Self::Member(OrgId::new(id)?)),
            "patient" => Ok(Self::Patient(Pseudonym::from_text(id)?)),
            "consent" => {
                let (p, c) = id.split_once('/').ok_or_else(|| Error::new(ErrorCode::InvalidValue, "consent item: <pseudonym>/<consent id>"))?;
                Ok(Self::Consent(Pseudonym::from_text(p)?, c))
            }
            "record" => Err(Error::new(ErrorCode::InvalidValue, "a record entry's absence has no proof: entries are committed in order, not by id")),
            _ => Err(Error::new(ErrorCode::InvalidValue, "item kind: record, member, patient or consent")),
        }
    }

    /// Its key in the state.
    fn key(&self) -> Digest {
        match self {
            Self::Member(o) => item::member(o),
            Self::Patient(p) => item::patient(p),
            Self::Consent(p, c) => item::consent(p, c),
        }
    }

    /// Its committed value in `state`, `None` when absent.
    fn value(&self, state: &State) -> Result<Option<Digest>> {
        match self {
            Self::Member(o) => state.member_view(o).map(|v| value_hash(&v)).transpose(),
            Self::Patient(p) => state.patient_view(p).map(|v| value_hash(&v)).transpose(),
            Self::Consent(p, c) => {
                state.consents(p).iter().find(|x| x.id().as_str() == *c).map(crate::ledger::state::consent_commitment).transpose()
            }
        }
    }
}

/// A proof for an item against the current state root:
/// `{"root":hex,"value":hex?,"proof":<StateProof>}`. `kind` is `record` (id: entry id hex) or
/// a kind of keyed item. A keyed item's proof shows it present (with `value`) or absent; a
/// record entry's shows it registered, and an entry that is not has no proof (an error).
pub fn prove_json(state: &mut State, kind: &str, id: &str) -> Result<Vec<u8>> {
    let (proof, value) = match kind {
        "record" => {
            let d = Digest::from_hex(id)?;
            let value = state.record(&d).map(RecordState::commitment);
            match (state.prove_record(&d), value) {
                (Some(proof), Some(value)) => (proof, Some(value)),
                _ => return Err(Error::new(ErrorCode::InvalidValue, "no such record entry: only a registered entry has a proof")),
            }
        }
        _ => {
            let item = KeyedItem::parse(kind, id)?;
            (state.prove(&item.key()), item.value(state)?)
        }
    };
    let root = state.state_root();
    let mut v = json!({"root": root.to_hex(), "proof": proof});
    if let (Some(obj), Some(value)) = (v.as_object_mut(), value) {
        obj.insert("value".into(), json!(value.to_hex()));
    }
    to_json(&v)
}

/// A light client's check that `proof_json` (a [`StateProof`], as [`prove_json`] gives it)
/// shows the item with value hash `value` under the trusted state `root`. The caller computes
/// `value` from the answer it was given (a value hash names its item). With no value the
/// proof would show an absence, of an item it does not name: that is [`verify_absence`]'s,
/// and `None` is refused here.
pub fn verify_proof(root: &Digest, proof_json: &[u8], value: Option<&Digest>) -> Result<()> {
    let proof = parse_proof(proof_json)?;
    let value = value.ok_or_else(|| Error::new(ErrorCode::InvalidValue, "no value: check an absence with verify_absence, naming the item"))?;
    proof.verify(root, value)
}

/// A light client's check that `proof_json` shows the keyed item `kind`/`id` (as for
/// [`prove_json`]: `member`, `patient` or `consent`) absent under the trusted state `root`.
/// A record entry's absence has no proof.
pub fn verify_absence(root: &Digest, kind: &str, id: &str, proof_json: &[u8]) -> Result<()> {
    let key = KeyedItem::parse(kind, id)?.key();
    parse_proof(proof_json)?.verify_absent(root, &key)
}

fn parse_proof(proof_json: &[u8]) -> Result<StateProof> {
    canonical::parse(proof_json, canonical::Limits { max_bytes: 16 << 20, max_depth: 8 })?;
    serde_json::from_slice(proof_json).map_err(|e| crate::record::classify_serde_error(&e, "state proof"))
}

/// A custodian's release decision as JSON (shape in the module docs).
pub fn release_json(release: &crate::access::Release) -> Result<Vec<u8>> {
    to_json(&json!({
        "entry": release.entry.to_hex(),
        "requester": release.requester.as_str(),
        "emergency": release.emergency,
        "obligations": {"audit": release.obligations.audit, "notifyPatient": release.obligations.notify_patient},
    }))
}

/// Sign an unsigned transaction (its JSON: `{"v":1,"chain":..,"time":..,"nonce":..,"body":{..}}`)
/// with each key in order; returns the signed transaction's canonical bytes.
pub fn sign_transaction(tx_json: &[u8], keys: &[&crate::signature::SigningKey]) -> Result<Vec<u8>> {
    canonical::parse(tx_json, canonical::Limits { max_bytes: crate::ledger::tx::MAX_TX_LEN, max_depth: 16 })?;
    let tx: crate::ledger::Transaction =
        serde_json::from_slice(tx_json).map_err(|e| crate::record::classify_serde_error(&e, "transaction"))?;
    let signed = tx.sign(keys)?;
    signed.check_shape()?;
    signed.encode()
}

/// The registration transaction of a signed record entry (its canonical bytes).
pub fn register_record_transaction(chain: &str, entry: &[u8]) -> Result<Vec<u8>> {
    let entry = crate::record::SignedRecordEntry::decode(entry)?;
    crate::ledger::Transaction::register_record(chain, entry).encode()
}

/// An embedded network at the genesis in `genesis_json`, run by copies of `validators` (the
/// secret keys of the genesis validator set, or a quorum of them). A host holds its keys by
/// reference (behind a handle) while [`EmbeddedNetwork::new`] takes them by value: the copies
/// are made from the secret scalars, on the default backend (the same keys: same public keys,
/// same key ids, signatures valid alike).
///
/// [`EmbeddedNetwork::new`]: crate::ledger::EmbeddedNetwork::new
pub fn embedded_network(genesis_json: &[u8], validators: &[&crate::signature::SigningKey]) -> Result<crate::ledger::EmbeddedNetwork> {
    let genesis = crate::ledger::Genesis::decode(genesis_json)?;
    let keys = validators
        .iter()
        .map(|k| crate::signature::SigningKey::from_secret(k.to_secret_bytes().as_ref()))
        .collect::<Result<Vec<_>>>()?;
    crate::ledger::EmbeddedNetwork::new(&genesis, keys)
}

/// Events produced by applying a block, as JSON.
pub fn events_json(events: &[crate::ledger::audit::AuditEvent]) -> Result<Vec<u8>> {
    to_json(&events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_codes_are_checked() {
        assert!(purpose("TREAT").is_ok());
        assert_eq!(purpose("treat!").unwrap_err().code(), ErrorCode::InvalidValue);
    }

    #[test]
    fn an_embedded_network_runs_on_copies_of_borrowed_keys() {
        use crate::ledger::tx::PublicKeyBytes;
        use crate::ledger::{Genesis, GenesisMember, NetworkPolicy};
        use crate::signature::SigningKey;
        use crate::wrap::EncryptionSecretKey;
        let keys: Vec<SigningKey> = (1..=4u8).map(|i| SigningKey::from_secret(&[i; 32]).unwrap()).collect();
        let org = OrgId::new("org-a").unwrap();
        let member = GenesisMember {
            org: org.clone(),
            name: "A".into(),
            signing_key: PublicKeyBytes(keys[0].verifying_key().to_sec1()),
            encryption_key: PublicKeyBytes(EncryptionSecretKey::from_secret(&[7; 32]).unwrap().public_key().to_sec1()),
        };
        let genesis = Genesis {
            chain: "host-net".into(),
            time: Timestamp(1_000),
            members: vec![member],
            council: vec![org],
            validators: keys.iter().map(|k| PublicKeyBytes(k.verifying_key().to_sec1())).collect(),
            policy: NetworkPolicy::default(),
        };
        let json = genesis.encode().unwrap();
        let refs: Vec<&SigningKey> = keys.iter().collect();
        let mut net = embedded_network(&json, &refs).unwrap();
        let (block, _) = net.produce_block(Timestamp(2_000)).unwrap();
        assert_eq!((block.header.height, block.qc.len()), (1, 4));
        assert_eq!(block.qc[0].key_id, keys[0].key_id());
        // Short of a quorum, a stranger's key, a malformed genesis: refused.
        assert_eq!(embedded_network(&json, &refs[..2]).unwrap_err().code(), ErrorCode::UnknownKey);
        let stranger = SigningKey::from_secret(&[9; 32]).unwrap();
        assert_eq!(embedded_network(&json, &[&stranger]).unwrap_err().code(), ErrorCode::UnknownKey);
        assert_eq!(embedded_network(b"{", &refs).unwrap_err().code(), ErrorCode::MalformedJson);
    }

    #[test]
    fn a_decision_view_names_its_basis() {
        let p = Pseudonym([1; 32]);
        let d = decide(&[], "hospital-b", &p, "TREAT", "Observation", Timestamp(1), true, Timestamp(2)).unwrap();
        let v: Value = serde_json::from_slice(&decision_json(&d).unwrap()).unwrap();
        assert_eq!(v["permit"], json!(false));
        assert_eq!(v["basis"], json!("networkDefault"));
        let e = decide(&[], "hospital-b", &p, "ETREAT", "Observation", Timestamp(1), true, Timestamp(2)).unwrap();
        let v: Value = serde_json::from_slice(&decision_json(&e).unwrap()).unwrap();
        assert_eq!(v["basis"], json!("emergencyPolicy"));
        assert_eq!(v["obligations"]["notifyPatient"], json!(true));
    }

    #[test]
    fn a_member_primary_key_follows_rotation() {
        use crate::ledger::tx::{KeyPurposeWire, PublicKeyBytes, TX_VERSION, Transaction, TxBody};
        use crate::ledger::{EmbeddedNetwork, Genesis, GenesisMember, NetworkPolicy};
        use crate::signature::SigningKey;
        use crate::wrap::EncryptionSecretKey;
        let sign = SigningKey::from_secret(&[1; 32]).unwrap();
        let old = EncryptionSecretKey::from_secret(&[7; 32]).unwrap().public_key().to_sec1();
        let new = EncryptionSecretKey::from_secret(&[8; 32]).unwrap().public_key().to_sec1();
        let org = OrgId::new("org-a").unwrap();
        let genesis = Genesis {
            chain: "host-net".into(),
            time: Timestamp(1_000),
            members: vec![GenesisMember {
                org: org.clone(),
                name: "A".into(),
                signing_key: PublicKeyBytes(sign.verifying_key().to_sec1()),
                encryption_key: PublicKeyBytes(old),
            }],
            council: vec![org.clone()],
            validators: vec![PublicKeyBytes(sign.verifying_key().to_sec1())],
            policy: NetworkPolicy::default(),
        };
        let mut net = EmbeddedNetwork::new(&genesis, vec![SigningKey::from_secret(&[1; 32]).unwrap()]).unwrap();
        assert_eq!(member_primary_key(net.state(), "org-a", "encryption").unwrap(), old);
        assert_eq!(member_primary_key(net.state(), "org-a", "signing").unwrap(), sign.verifying_key().to_sec1());
        let body = TxBody::RotateOrgKey { org, purpose: KeyPurposeWire::Encryption, key: PublicKeyBytes(new) };
        let tx = Transaction { v: TX_VERSION, chain: "host-net".into(), time: Timestamp(2_000), nonce: [1; 16], body };
        net.submit(tx.sign(&[&sign]).unwrap(), Timestamp(2_000)).unwrap();
        net.produce_block(Timestamp(2_100)).unwrap();
        // Both keys are in the member view; the rotated-in one is primary.
        assert_eq!(member_primary_key(net.state(), "org-a", "encryption").unwrap(), new);
        for (org, purpose) in [("org-b", "encryption"), ("org-a", "Encryption"), ("org-a", "2"), ("Org A", "signing")] {
            assert_eq!(member_primary_key(net.state(), org, purpose).unwrap_err().code(), ErrorCode::InvalidValue, "{org} {purpose}");
        }
    }
}
