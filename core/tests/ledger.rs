//! The ledger end to end on an embedded network, and the blocks it must refuse.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use fhirbus::Digest;
use fhirbus::canonical::{FhirVariant, fhir_digest};
use fhirbus::ledger::block::{Block, GenesisMember, NetworkPolicy};
use fhirbus::ledger::state::item;
use fhirbus::ledger::tx::{KeyPurposeWire, PublicKeyBytes, TX_VERSION, Transaction, TxBody};
use fhirbus::ledger::{EmbeddedNetwork, Genesis, State, validate_and_apply, validate_and_apply_in_place};
use fhirbus::pointer::DataKey;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::record::{NewRecordEntry, RecordEntry};
use fhirbus::signature::SigningKey;
use fhirbus::wrap::{EncryptionSecretKey, WrapContext};
use fhirbus::{ErrorCode, OrgId, ResourceType, Timestamp};

const T0: u64 = 1_764_000_000_000;

fn rng(seed: u64) -> impl FnMut(&mut [u8]) -> fhirbus::Result<()> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    move |buf: &mut [u8]| {
        for b in buf.iter_mut() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            *b = s as u8;
        }
        Ok(())
    }
}

fn sk(seed: u8) -> SigningKey {
    SigningKey::from_secret(&[seed; 32]).unwrap()
}

fn ek(seed: u8) -> EncryptionSecretKey {
    EncryptionSecretKey::from_secret(&[seed; 32]).unwrap()
}

fn pk(k: &SigningKey) -> PublicKeyBytes {
    PublicKeyBytes(k.verifying_key().to_sec1())
}

fn org(s: &str) -> OrgId {
    OrgId::new(s).unwrap()
}

struct Org {
    id: OrgId,
    sign: SigningKey,
    enc: EncryptionSecretKey,
}

struct World {
    net: EmbeddedNetwork,
    a: Org,
    b: Org,
    c: Org,
    validators: Vec<SigningKey>,
    genesis: Genesis,
    nonce: u64,
}

fn new_org(name: &str, seed: u8) -> Org {
    Org { id: org(name), sign: sk(seed), enc: ek(seed + 100) }
}

impl World {
    fn new() -> Self {
        let (a, b, c) = (new_org("hospital-a", 1), new_org("hospital-b", 2), new_org("registry", 3));
        let validators: Vec<SigningKey> = (0..4).map(|i| sk(50 + i)).collect();
        let members = [&a, &b, &c]
            .iter()
            .map(|o| GenesisMember {
                org: o.id.clone(),
                name: o.id.to_string(),
                signing_key: pk(&o.sign),
                encryption_key: PublicKeyBytes(o.enc.public_key().to_sec1()),
            })
            .collect();
        let genesis = Genesis {
            chain: "test-net".into(),
            time: Timestamp(T0),
            members,
            council: vec![a.id.clone(), b.id.clone(), c.id.clone()],
            validators: validators.iter().map(pk).collect(),
            policy: NetworkPolicy::default(),
        };
        let keys = (0..4).map(|i| sk(50 + i)).collect();
        let net = EmbeddedNetwork::new(&genesis, keys).unwrap();
        Self { net, a, b, c, validators, genesis, nonce: 0 }
    }

    fn tx(&mut self, time: u64, body: TxBody) -> Transaction {
        self.nonce += 1;
        let mut nonce = [0u8; 16];
        nonce[..8].copy_from_slice(&self.nonce.to_be_bytes());
        Transaction { v: TX_VERSION, chain: "test-net".into(), time: Timestamp(time), nonce, body }
    }

    fn enrol(&mut self, p: Pseudonym, patient_key: &SigningKey, time: u64) {
        let body = TxBody::EnrolPatient {
            by: self.a.id.clone(),
            patient: p,
            signing_key: pk(patient_key),
            encryption_key: PublicKeyBytes(ek(77).public_key().to_sec1()),
        };
        let stx = self.tx(time, body).sign(&[&self.a.sign]).unwrap();
        let signer = &self.a.sign;
        let _ = signer;
        self.net.submit(stx, Timestamp(time)).unwrap();
    }

    fn record(&self, p: Pseudonym, time: u64, dk: &DataKey) -> fhirbus::record::SignedRecordEntry {
        let resource = br#"{"resourceType":"Observation","id":"o1","valueQuantity":{"value":1.00}}"#;
        let new = NewRecordEntry {
            custodian: self.a.id.clone(),
            patient: p,
            resource_type: ResourceType::new("Observation").unwrap(),
            digest: fhir_digest(resource, FhirVariant::Full).unwrap(),
            epoch: 1,
            time: Timestamp(time),
            pointer: "http://127.0.0.1:8081/fhir/Observation/o1/_history/1",
        };
        RecordEntry::seal(new, dk, &mut rng(time)).unwrap().sign(&self.a.sign).unwrap()
    }
}

fn patient(n: u8) -> Pseudonym {
    Pseudonym([n; 32])
}

#[test]
fn the_whole_flow_applies_and_is_queryable_and_provable() {
    let mut w = World::new();
    let pkey = sk(9);
    w.enrol(patient(1), &pkey, T0 + 1000);
    let (block1, events) = w.net.produce_block(Timestamp(T0 + 2000)).unwrap();
    assert_eq!(block1.header.height, 1);
    assert_eq!(events.len(), 1);

    let dk = DataKey::from_bytes(&[4; 32]).unwrap();
    let entry = w.record(patient(1), T0 + 3000, &dk);
    let chain = w.genesis.chain.clone();
    w.net.submit(Transaction::register_record(&chain, entry.clone()), Timestamp(T0 + 3000)).unwrap();
    let a_id = w.a.id.clone();
    let wctx = WrapContext { patient: &patient(1), custodian: &a_id, epoch: 1 };
    let wrapped = w.b.enc.public_key().wrap(&dk, &wctx, &mut rng(5)).unwrap();
    let share = TxBody::ShareDataKey { custodian: w.a.id.clone(), patient: patient(1), epoch: 1, recipient: w.b.id.clone(), wrapped };
    let stx = w.tx(T0 + 3100, share).sign(&[&w.a.sign]).unwrap();
    w.net.submit(stx, Timestamp(T0 + 3100)).unwrap();
    let (_, events2) = w.net.produce_block(Timestamp(T0 + 4000)).unwrap();

    let state = w.net.state();
    let records = state.records_of_patient(&patient(1));
    assert_eq!(records.len(), 1);
    assert_eq!(state.records_of_custodian(&w.a.id).len(), 1);
    // Hospital B unwraps the shared key and opens the pointer.
    let share = state.data_key_share(&patient(1), &w.a.id, 1, &w.b.id).unwrap();
    let key = w.b.enc.unwrap(share, &wctx).unwrap();
    assert_eq!(records[0].entry.entry.open_pointer(&key).unwrap(), "http://127.0.0.1:8081/fhir/Observation/o1/_history/1");
    let trail = state.audit_trail(&patient(1));
    assert_eq!(trail.len(), 3, "enrolled, registered, key shared");
    // The log keeps a registration as its record's position: read back, it is the event
    // validation gave.
    assert_eq!(trail, [events, events2].concat());
    assert_eq!(state.org_actions(&w.b.id).len(), 1, "B appears as the recipient of the share");

    // A light client checks the record's presence against the header's state root.
    let id = records[0].id;
    let view = state.record_view(&id).unwrap();
    let root = block_root(&mut w.net);
    let proof = w.net.state_mut().prove_record(&id).unwrap();
    proof.verify(&root, &view.commitment().unwrap()).unwrap();
    // A record entry's proof never shows it absent, and an entry never registered has none;
    // a keyed item's absence has one, about that item only.
    assert_eq!(proof.verify_absent(&root, &item::patient(&patient(1))).unwrap_err().code(), ErrorCode::BadSignature);
    assert!(w.net.state_mut().prove_record(&Digest::sha256(b"none")).is_none());
    let none = fhirbus::host::prove_json(w.net.state_mut(), "record", &Digest::sha256(b"none").to_hex());
    assert_eq!(none.unwrap_err().code(), ErrorCode::InvalidValue);
    let absent = w.net.state_mut().prove(&item::patient(&patient(9)));
    absent.verify_absent(&root, &item::patient(&patient(9))).unwrap();
    assert!(absent.verify_absent(&root, &item::patient(&patient(8))).is_err());
    // Moved to another position or put in a tree of another size, the path leads elsewhere.
    if let fhirbus::ledger::proof::StateProof::Record { proof: inclusion, items_root } = &proof {
        for moved in [
            fhirbus::ledger::merkle::InclusionProof { index: inclusion.index + 1, ..inclusion.clone() },
            fhirbus::ledger::merkle::InclusionProof { size: inclusion.size + 1, ..inclusion.clone() },
        ] {
            let forged = fhirbus::ledger::proof::StateProof::Record { proof: moved, items_root: *items_root };
            assert!(forged.verify(&root, &view.commitment().unwrap()).is_err());
        }
    } else {
        panic!("a record entry's proof is a path in the records' tree");
    }

    // The same through the document interface the binding layers use.
    let doc: serde_json::Value = serde_json::from_slice(&fhirbus::host::prove_json(w.net.state_mut(), "record", &id.to_hex()).unwrap()).unwrap();
    let proof = serde_json::to_vec(&doc["proof"]).unwrap();
    let value = Digest::from_hex(doc["value"].as_str().unwrap()).unwrap();
    assert_eq!(doc["root"].as_str().unwrap(), root.to_hex());
    fhirbus::host::verify_proof(&root, &proof, Some(&value)).unwrap();
    assert_eq!(fhirbus::host::verify_proof(&root, &proof, None).unwrap_err().code(), ErrorCode::InvalidValue);
    // An absence is checked naming its item: a proof of one patient's is no other's.
    let absent_doc: serde_json::Value = serde_json::from_slice(&fhirbus::host::prove_json(w.net.state_mut(), "patient", &patient(9).to_text()).unwrap()).unwrap();
    let absent_proof = serde_json::to_vec(&absent_doc["proof"]).unwrap();
    fhirbus::host::verify_absence(&root, "patient", &patient(9).to_text(), &absent_proof).unwrap();
    let other = fhirbus::host::verify_absence(&root, "patient", &patient(8).to_text(), &absent_proof);
    assert_eq!(other.unwrap_err().code(), ErrorCode::BadSignature);
    let present = fhirbus::host::verify_absence(&root, "patient", &patient(1).to_text(), &absent_proof);
    assert_eq!(present.unwrap_err().code(), ErrorCode::BadSignature);
    assert_eq!(fhirbus::host::verify_absence(&root, "record", &id.to_hex(), &proof).unwrap_err().code(), ErrorCode::InvalidValue);
    assert!(fhirbus::host::verify_proof(&Digest::sha256(b"other root"), &proof, Some(&value)).is_err());
    let records: serde_json::Value = serde_json::from_slice(&fhirbus::host::records_json(w.net.state(), &patient(1)).unwrap()).unwrap();
    assert_eq!(records[0]["id"].as_str().unwrap(), id.to_hex());
}

fn block_root(net: &mut EmbeddedNetwork) -> Digest {
    net.state_mut().state_root()
}

/// A valid next block with the given transactions, for tampering.
fn next_block(w: &mut World, txs: Vec<fhirbus::ledger::SignedTransaction>, time: u64) -> Block {
    let mut trial = EmbeddedNetwork::new(&w.genesis, w.validators.iter().map(sk_clone).collect()).unwrap();
    // Bring the trial network to the same state by replaying nothing: only used at genesis.
    for tx in txs {
        trial.submit(tx, Timestamp(time)).unwrap();
    }
    trial.produce_block(Timestamp(time)).unwrap().0
}

fn sk_clone(k: &SigningKey) -> SigningKey {
    SigningKey::from_secret(k.to_secret_bytes().as_ref()).unwrap()
}

fn enrol_tx(w: &mut World, n: u8, time: u64) -> fhirbus::ledger::SignedTransaction {
    let body = TxBody::EnrolPatient { by: w.a.id.clone(), patient: patient(n), signing_key: pk(&sk(n)), encryption_key: PublicKeyBytes(ek(n).public_key().to_sec1()) };
    w.tx(time, body).sign(&[&w.a.sign]).unwrap()
}

/// All a host can read of a state, to compare two by: the committed root, the state's own
/// listing (its maps in full, the sizes of the records and the audit log), every member's and
/// every test patient's trail, and the patients' records.
fn fingerprint(state: &State) -> String {
    let root = state.clone().state_root();
    let orgs: Vec<_> = state.members().map(|m| state.org_actions(&m.org)).collect();
    let patients: Vec<_> = (0..=255u8).map(|n| (state.audit_trail(&patient(n)), state.records_of_patient(&patient(n)))).collect();
    format!("{root:?} {state:?} {orgs:?} {patients:?}")
}

/// The code of the error `block` is refused with, checking that it changes nothing: applied
/// to a copy, and applied in place (the same error, and the state put back).
fn refused(w: &World, block: &Block) -> ErrorCode {
    let before = fingerprint(w.net.state());
    let err = validate_and_apply(w.net.state(), block).unwrap_err();
    assert_eq!(fingerprint(w.net.state()), before, "an invalid block changes nothing");
    let mut state = w.net.state().clone();
    let in_place = validate_and_apply_in_place(&mut state, block).unwrap_err();
    assert_eq!((in_place.code(), in_place.detail()), (err.code(), err.detail()));
    assert_eq!(fingerprint(&state), before, "an invalid block applied in place is undone");
    err.code()
}

/// A node that applies blocks in place (as the embedded network does) and is handed blocks
/// that fail at each stage: after the rules, after the commitment is merged, at a signature
/// check that runs last. Each is undone to the last byte, and the valid block then applies
/// as it did on the node that made it.
#[test]
fn a_block_that_fails_in_place_leaves_the_state_as_it_was() {
    let mut w = World::new();
    let mut node = World::new();
    let dk = DataKey::from_bytes(&[4; 32]).unwrap();
    let sync = |w: &mut World, node: &mut World, time: u64| {
        let (block, _) = w.net.produce_block(Timestamp(time)).unwrap();
        node.net.apply_block(&block).unwrap();
        block
    };
    w.enrol(patient(1), &sk(9), T0 + 10);
    w.enrol(patient(2), &sk(10), T0 + 10);
    sync(&mut w, &mut node, T0 + 20);
    let first = w.record(patient(1), T0 + 30, &dk);
    let first_id = Digest::sha256(&first.entry.canonical_bytes().unwrap());
    w.net.submit(Transaction::register_record("test-net", first), Timestamp(T0 + 30)).unwrap();
    sync(&mut w, &mut node, T0 + 40);

    // A block that registers, supersedes, shares a key and moves an epoch: every part of the
    // state that undoes itself, and some that are copied.
    w.net.submit(Transaction::register_record("test-net", w.record(patient(2), T0 + 50, &dk)), Timestamp(T0 + 50)).unwrap();
    let newer = w.record(patient(1), T0 + 51, &dk);
    let supersede = w.tx(T0 + 51, TxBody::SupersedeRecord { previous: first_id, entry: newer }).sign(&[&w.a.sign]).unwrap();
    w.net.submit(supersede, Timestamp(T0 + 51)).unwrap();
    let wctx = WrapContext { patient: &patient(2), custodian: &w.a.id, epoch: 1 };
    let wrapped = w.b.enc.public_key().wrap(&dk, &wctx, &mut rng(5)).unwrap();
    let share = TxBody::ShareDataKey { custodian: w.a.id.clone(), patient: patient(2), epoch: 1, recipient: w.b.id.clone(), wrapped };
    let share = w.tx(T0 + 52, share).sign(&[&w.a.sign]).unwrap();
    w.net.submit(share, Timestamp(T0 + 52)).unwrap();
    let rotate = w.tx(T0 + 53, TxBody::RotateDataKeyEpoch { custodian: w.a.id.clone(), patient: patient(1), epoch: 2 }).sign(&[&w.a.sign]).unwrap();
    w.net.submit(rotate, Timestamp(T0 + 53)).unwrap();
    let (block, _) = w.net.produce_block(Timestamp(T0 + 60)).unwrap();
    let validators: Vec<SigningKey> = w.validators.iter().map(sk_clone).collect();
    let quorum = |b: &Block| validators.iter().map(|v| b.header.sign(v).unwrap()).collect();
    let reseal = |mut b: Block, state: &State| {
        b.header.tx_root = Block::tx_root(&b.txs).unwrap();
        b.header.state_root = fhirbus::ledger::validate::apply_unverified_for_benchmarks(state, &b).unwrap().state_root();
        b.qc = quorum(&b);
        b
    };

    let before = fingerprint(node.net.state());
    let mut wrong_root = block.clone();
    wrong_root.header.state_root = Digest::sha256(b"another state");
    wrong_root.qc = quorum(&wrong_root);
    let e = node.net.apply_block(&wrong_root).unwrap_err();
    assert!(e.detail().contains("state root"), "{e}");
    assert_eq!(fingerprint(node.net.state()), before);

    // The first registration's entry signature swapped for one over another entry by the same
    // key: every rule and the state root hold, and only its signature check fails.
    let mut forged = block.clone();
    let other = w.record(patient(2), T0 + 55, &dk);
    if let TxBody::RegisterRecord { entry } = &mut forged.txs[0].tx.body {
        entry.signature = other.signature.clone();
    }
    let forged = reseal(forged, node.net.state());
    let e = node.net.apply_block(&forged).unwrap_err();
    assert_eq!(e.code(), ErrorCode::BadSignature, "{e}");
    assert!(e.detail().starts_with("transaction 0:"), "{e}");
    assert_eq!(fingerprint(node.net.state()), before);

    // A rule that fails after the other transactions applied: the epoch moved to 2 twice.
    let mut twice = block.clone();
    let again = w.tx(T0 + 54, TxBody::RotateDataKeyEpoch { custodian: w.a.id.clone(), patient: patient(1), epoch: 2 }).sign(&[&w.a.sign]).unwrap();
    twice.txs.push(again);
    twice.header.tx_root = Block::tx_root(&twice.txs).unwrap();
    twice.qc = quorum(&twice);
    let e = node.net.apply_block(&twice).unwrap_err();
    assert!(e.detail().starts_with("transaction 4:"), "{e}");
    assert_eq!(fingerprint(node.net.state()), before);

    // A valid block whose events the caller then fails to take: rolled back too.
    let refuse_events = |_| Err::<(), _>(fhirbus::Error::new(ErrorCode::Internal, "the host could not take the events"));
    let e = fhirbus::ledger::validate_and_apply_in_place_then(node.net.state_mut(), &block, refuse_events).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Internal);
    assert_eq!(fingerprint(node.net.state()), before);

    node.net.apply_block(&block).unwrap();
    assert_eq!(fingerprint(node.net.state()), fingerprint(w.net.state()));
    assert_eq!(node.net.state().record(&first_id).and_then(|r| r.superseded_by), w.net.state().record(&first_id).and_then(|r| r.superseded_by));
}

#[test]
fn a_valid_block_is_accepted_by_a_second_node() {
    let mut w = World::new();
    let tx = enrol_tx(&mut w, 1, T0 + 10);
    let block = next_block(&mut w, vec![tx], T0 + 20);
    let applied = validate_and_apply(w.net.state(), &block).unwrap();
    assert_eq!(applied.state.height(), 1);
    // In place: the same state and events.
    let mut state = w.net.state().clone();
    assert_eq!(validate_and_apply_in_place(&mut state, &block).unwrap(), applied.events);
    assert_eq!(fingerprint(&state), fingerprint(&applied.state));
    // And it survives encoding.
    let decoded = Block::decode(&block.encode().unwrap()).unwrap();
    assert_eq!(decoded, block);
}

#[test]
fn forged_or_short_quorums_are_refused() {
    let mut w = World::new();
    let tx = enrol_tx(&mut w, 1, T0 + 10);
    let block = next_block(&mut w, vec![tx], T0 + 20);

    let mut short = block.clone();
    short.qc.truncate(2);
    assert_eq!(refused(&w, &short), ErrorCode::BadSignature);

    let mut forged = block.clone();
    let other = forged.header.sign(&sk(99)).unwrap();
    forged.qc[0] = other;
    assert_eq!(refused(&w, &forged), ErrorCode::UnknownKey);

    let mut doubled = block.clone();
    doubled.qc[1] = doubled.qc[0].clone();
    assert_eq!(refused(&w, &doubled), ErrorCode::BadSignature);

    // A signature over another header (right key, wrong content).
    let mut other_header = block.header.clone();
    other_header.time = Timestamp(T0 + 21);
    let mut wrong = block.clone();
    wrong.qc[0] = other_header.sign(&w.validators[0]).unwrap();
    assert_eq!(refused(&w, &wrong), ErrorCode::BadSignature);
}

#[test]
fn broken_links_roots_and_times_are_refused() {
    let mut w = World::new();
    let tx = enrol_tx(&mut w, 1, T0 + 10);
    let block = next_block(&mut w, vec![tx.clone()], T0 + 20);
    let resign = |w: &World, mut b: Block| {
        b.qc = w.validators.iter().map(|v| b.header.sign(v).unwrap()).collect();
        b
    };
    let mut b = block.clone();
    b.header.height = 2;
    assert_eq!(refused(&w, &resign(&w, b)), ErrorCode::InvalidValue);
    let mut b = block.clone();
    b.header.prev = Digest::sha256(b"elsewhere");
    assert_eq!(refused(&w, &resign(&w, b)), ErrorCode::InvalidValue);
    let mut b = block.clone();
    b.header.tx_root = Digest::sha256(b"tampered");
    assert_eq!(refused(&w, &resign(&w, b)), ErrorCode::BadSignature);
    let mut b = block.clone();
    b.header.state_root = Digest::sha256(b"lie");
    assert_eq!(refused(&w, &resign(&w, b)), ErrorCode::BadSignature);
    let mut b = block.clone();
    b.header.time = Timestamp(T0 - 1);
    assert_eq!(refused(&w, &resign(&w, b)), ErrorCode::InvalidValue);
    let mut b = block.clone();
    b.header.chain = "other-net".into();
    assert_eq!(refused(&w, &resign(&w, b)), ErrorCode::InvalidValue);
    // A transaction dropped after signing: the root no longer matches.
    let mut b = block.clone();
    b.txs.clear();
    assert_eq!(refused(&w, &b), ErrorCode::BadSignature);
}

#[test]
fn bad_transactions_make_the_block_invalid() {
    let mut w = World::new();
    // Apply one valid block first.
    let tx = enrol_tx(&mut w, 1, T0 + 10);
    w.net.submit(tx.clone(), Timestamp(T0 + 10)).unwrap();
    w.net.produce_block(Timestamp(T0 + 20)).unwrap();

    let make = |w: &World, txs: Vec<fhirbus::ledger::SignedTransaction>| {
        let mut header = fhirbus::ledger::BlockHeader {
            v: 1,
            chain: "test-net".into(),
            height: 2,
            time: Timestamp(T0 + 30),
            prev: w.net.state().last_hash(),
            tx_root: Block::tx_root(&txs).unwrap(),
            state_root: Digest([0; 32]),
            proposer: w.validators[0].key_id(),
        };
        // The right state root where the transactions apply at all, so that what refuses the
        // block is the check under test, not the root.
        let unsigned = Block { header: header.clone(), txs: txs.clone(), qc: Vec::new() };
        if let Ok(mut after) = fhirbus::ledger::validate::apply_unverified_for_benchmarks(w.net.state(), &unsigned) {
            header.state_root = after.state_root();
        }
        let qc = w.validators.iter().map(|v| header.sign(v).unwrap()).collect();
        Block { header, txs, qc }
    };
    // Replay of the enrolment.
    assert!(matches!(refused(&w, &make(&w, vec![tx.clone()])), ErrorCode::InvalidValue));
    // A record registered by a non-member.
    let outsider = OrgId::new("outsider").unwrap();
    let dk = DataKey::from_bytes(&[4; 32]).unwrap();
    let mut entry = w.record(patient(1), T0 + 25, &dk).entry;
    entry.custodian = outsider;
    let forged = entry.sign(&sk(42)).unwrap();
    assert_eq!(refused(&w, &make(&w, vec![Transaction::register_record("test-net", forged)])), ErrorCode::InvalidValue);
    // A transaction signed by another member's key.
    let body = TxBody::RotateOrgKey { org: w.a.id.clone(), purpose: KeyPurposeWire::Signing, key: pk(&sk(60)) };
    let by_b = w.tx(T0 + 25, body).sign(&[&w.b.sign]).unwrap();
    assert_eq!(refused(&w, &make(&w, vec![by_b])), ErrorCode::UnknownKey);
    // A governance change short of the council quorum.
    let body = TxBody::RemoveMember { org: w.b.id.clone() };
    let one = w.tx(T0 + 25, body).sign(&[&w.a.sign]).unwrap();
    assert_eq!(refused(&w, &make(&w, vec![one])), ErrorCode::BadSignature);
    // A tampered signature (low S kept, bytes changed).
    let mut bad = enrol_tx(&mut w, 2, T0 + 25);
    bad.tx.time = Timestamp(T0 + 26);
    let block = make(&w, vec![bad]);
    assert_eq!(refused(&w, &block), ErrorCode::BadSignature);
    let detail = validate_and_apply(w.net.state(), &block).unwrap_err().detail().to_owned();
    assert!(detail.starts_with("transaction 0:"), "refused by the signature, not the state root: {detail}");
    // A transaction too old for the replay window.
    let old = enrol_tx(&mut w, 3, T0 + 30 - NetworkPolicy::default().max_tx_age_ms - 1);
    assert_eq!(refused(&w, &make(&w, vec![old])), ErrorCode::InvalidValue);
    // A record registration twice in one block, and again once it is applied: its record
    // item is its replay guard.
    let register = Transaction::register_record("test-net", w.record(patient(1), T0 + 25, &dk));
    let twice = make(&w, vec![register.clone(), register.clone()]);
    assert_eq!(refused(&w, &twice), ErrorCode::InvalidValue);
    assert!(validate_and_apply(w.net.state(), &twice).unwrap_err().detail().starts_with("transaction 1: transaction replayed"));
    // Any other transaction twice in one block: its audit item, written by the first and not
    // yet in the state root, already guards it.
    let enrol = enrol_tx(&mut w, 4, T0 + 25);
    let e = validate_and_apply(w.net.state(), &make(&w, vec![enrol.clone(), enrol])).unwrap_err();
    assert!(e.detail().starts_with("transaction 1: transaction replayed"), "{e}");
    let once = make(&w, vec![register.clone()]);
    w.net.apply_block(&once).unwrap();
    let mut again = make(&w, vec![register]);
    again.header.height = 3;
    again.header.prev = w.net.state().last_hash();
    again.qc = w.validators.iter().map(|v| again.header.sign(v).unwrap()).collect();
    let e = validate_and_apply(w.net.state(), &again).unwrap_err();
    assert!(e.detail().starts_with("transaction 0: transaction replayed"), "{e}");
}

#[test]
fn a_revoked_key_signs_nothing_after_revocation_and_a_removed_validator_nothing_at_all() {
    let mut w = World::new();
    let stolen = sk_clone(&w.a.sign);
    let body = TxBody::RotateOrgKey { org: w.a.id.clone(), purpose: KeyPurposeWire::Signing, key: pk(&sk(61)) };
    let rot = w.tx(T0 + 10, body).sign(&[&w.a.sign]).unwrap();
    w.net.submit(rot, Timestamp(T0 + 10)).unwrap();
    let body = TxBody::RevokeOrgKey { org: w.a.id.clone(), key_id: stolen.key_id() };
    let rev = w.tx(T0 + 11, body).sign(&[&sk(61)]).unwrap();
    w.net.submit(rev, Timestamp(T0 + 11)).unwrap();
    w.net.produce_block(Timestamp(T0 + 20)).unwrap();
    let body = TxBody::EnrolPatient { by: w.a.id.clone(), patient: patient(5), signing_key: pk(&sk(5)), encryption_key: PublicKeyBytes(ek(5).public_key().to_sec1()) };
    let thief = w.tx(T0 + 30, body).sign(&[&stolen]).unwrap();
    assert_eq!(w.net.submit(thief, Timestamp(T0 + 30)).unwrap_err().code(), ErrorCode::KeyRevoked);

    // The council replaces validator 0; a block signed with it no longer counts.
    let new_set: Vec<PublicKeyBytes> = (1..4).map(|i| pk(&w.validators[i])).chain([pk(&sk(70))]).collect();
    let body = TxBody::SetValidators { validators: new_set };
    let gov = w.tx(T0 + 40, body).sign(&[&sk(61), &w.b.sign, &w.c.sign]).unwrap();
    w.net.submit(gov, Timestamp(T0 + 40)).unwrap();
    w.net.produce_block(Timestamp(T0 + 50)).unwrap();
    assert_eq!(w.net.state().validators().len(), 4);
    let mut header = fhirbus::ledger::BlockHeader {
        v: 1,
        chain: "test-net".into(),
        height: 3,
        time: Timestamp(T0 + 60),
        prev: w.net.state().last_hash(),
        tx_root: Block::tx_root(&[]).unwrap(),
        state_root: w.net.state().clone().state_root(),
        proposer: w.validators[1].key_id(),
    };
    header.v = 1;
    let qc = w.validators.iter().map(|v| header.sign(v).unwrap()).collect();
    let block = Block { header, txs: vec![], qc };
    assert_eq!(refused(&w, &block), ErrorCode::UnknownKey);
}

/// Every kind of transaction body reads back as written, and a body is read as strictly as
/// serde's derive read it: an unknown kind or member, a member of another kind, a missing
/// field, a member twice, or something other than an object, each with its error code.
#[test]
fn transaction_bodies_read_back_and_are_read_strictly() {
    use fhirbus::consent::{Consent, ConsentId, Provision, Purpose};
    use fhirbus::ledger::consents::ConsentDoc;
    let w = World::new();
    let dk = DataKey::from_bytes(&[4; 32]).unwrap();
    let entry = w.record(patient(1), T0 + 30, &dk);
    let wctx = WrapContext { patient: &patient(1), custodian: &w.a.id, epoch: 1 };
    let wrapped = w.b.enc.public_key().wrap(&dk, &wctx, &mut rng(5)).unwrap();
    let consent = Consent::new(ConsentId::new("c-1").unwrap(), patient(1), Provision::permit().purposes([Purpose::from_code("TREAT").unwrap()])).unwrap();
    let (org, key, id) = (w.a.id.clone(), pk(&sk(3)), Digest::sha256(b"an entry"));
    let bodies = [
        TxBody::AdmitMember { org: org.clone(), name: "Hospital C".into(), signing_key: key.clone(), encryption_key: key.clone() },
        TxBody::RemoveMember { org: org.clone() },
        TxBody::SetValidators { validators: vec![key.clone(), pk(&sk(4))] },
        TxBody::SetCouncil { council: vec![org.clone(), w.b.id.clone()] },
        TxBody::RotateOrgKey { org: org.clone(), purpose: KeyPurposeWire::Encryption, key: key.clone() },
        TxBody::RevokeOrgKey { org: org.clone(), key_id: sk(3).key_id() },
        TxBody::EnrolPatient { by: org.clone(), patient: patient(1), signing_key: key.clone(), encryption_key: key.clone() },
        TxBody::RotatePatientKey { patient: patient(1), purpose: KeyPurposeWire::Signing, key: key.clone() },
        TxBody::RevokePatientKey { patient: patient(1), key_id: sk(3).key_id(), by: None },
        TxBody::RevokePatientKey { patient: patient(1), key_id: sk(3).key_id(), by: Some(org.clone()) },
        TxBody::NameDelegate { patient: patient(1), key: key.clone() },
        TxBody::RegisterRecord { entry: entry.clone() },
        TxBody::SupersedeRecord { previous: id, entry },
        TxBody::ShareDataKey { custodian: org.clone(), patient: patient(1), epoch: 1, recipient: w.b.id.clone(), wrapped },
        TxBody::GrantConsent { consent: ConsentDoc(consent) },
        TxBody::RevokeConsent { patient: patient(1), consent_id: "c-1".into() },
        TxBody::RequestAccess { requester: org.clone(), patient: patient(1), entry: id, purpose: "TREAT".into(), permitted: true, consent: Some("c-1".into()) },
        TxBody::RequestAccess { requester: org.clone(), patient: patient(1), entry: id, purpose: "ETREAT".into(), permitted: false, consent: None },
        TxBody::RotateDataKeyEpoch { custodian: org, patient: patient(1), epoch: 2 },
    ];
    let kinds: std::collections::BTreeSet<_> = bodies.iter().map(TxBody::kind).collect();
    assert_eq!(kinds.len(), 17, "every kind");
    for body in &bodies {
        let json = serde_json::to_string(body).unwrap();
        assert_eq!(&serde_json::from_str::<TxBody>(&json).unwrap(), body, "{json}");
    }
    // An optional field may be absent as well as null.
    let no_by = format!(r#"{{"key_id":"{}","patient":"{}","type":"revoke_patient_key"}}"#, sk(3).key_id().to_hex(), patient(1).to_text());
    assert!(matches!(serde_json::from_str::<TxBody>(&no_by).unwrap(), TxBody::RevokePatientKey { by: None, .. }));

    // Strictness, through the transaction's own decoding (and its error codes).
    let tx = enrol_tx(&mut World::new(), 1, T0 + 10);
    let text = String::from_utf8(tx.encode().unwrap()).unwrap();
    let decode = |t: &str| fhirbus::ledger::SignedTransaction::decode(t.as_bytes()).map(|_| ()).map_err(|e| e.code());
    assert_eq!(decode(&text), Ok(()));
    let cases = [
        (text.replacen(r#""type":"enrol_patient""#, r#""type":"enrol_patient","zzz":1"#, 1), ErrorCode::UnknownField),
        (text.replacen(r#""type":"enrol_patient""#, r#""type":"enrol_patient","name":"x""#, 1), ErrorCode::UnknownField),
        (text.replacen(r#""type":"enrol_patient""#, r#""type":"enrol_patients""#, 1), ErrorCode::InvalidValue),
        (text.replacen(r#","type":"enrol_patient""#, "", 1), ErrorCode::MissingField),
        (text.replacen(r#""by":"hospital-a","#, "", 1), ErrorCode::MissingField),
        (text.replacen(r#""by":"hospital-a""#, r#""by":7"#, 1), ErrorCode::InvalidValue),
        (text.replacen(r#""by":"hospital-a""#, r#""by":null"#, 1), ErrorCode::InvalidValue),
    ];
    for (bad, code) in cases {
        assert_ne!(bad, text, "the case changes the transaction");
        assert_eq!(decode(&bad), Err(code), "{bad}");
    }
    // A member twice (the canonical parser refuses it first; the body's reader too), and a
    // body that is no object.
    let twice = r#"{"by":"hospital-a","by":"hospital-a","type":"remove_member"}"#;
    assert!(serde_json::from_str::<TxBody>(twice).unwrap_err().to_string().starts_with("duplicate field"));
    assert!(serde_json::from_str::<TxBody>(r#"["remove_member"]"#).is_err());
    assert!(serde_json::from_str::<TxBody>(r#""remove_member""#).is_err());
}

#[test]
fn malformed_and_oversized_encodings_are_refused() {
    assert_eq!(Block::decode(b"{").unwrap_err().code(), ErrorCode::MalformedJson);
    assert_eq!(Block::decode(b"{\"header\":1,\"header\":2}").unwrap_err().code(), ErrorCode::DuplicateKey);
    let huge = vec![b' '; fhirbus::ledger::block::MAX_BLOCK_LEN + 1];
    assert_eq!(Block::decode(&huge).unwrap_err().code(), ErrorCode::TooLarge);
    let mut w = World::new();
    let tx = enrol_tx(&mut w, 1, T0 + 10);
    let block = next_block(&mut w, vec![tx], T0 + 20);
    let text = String::from_utf8(block.encode().unwrap()).unwrap();
    let extra = text.replacen("{\"header\"", "{\"extra\":1,\"header\"", 1);
    assert_eq!(Block::decode(extra.as_bytes()).unwrap_err().code(), ErrorCode::UnknownField);
    let v2 = text.replacen("\"v\":1", "\"v\":2", 1);
    assert_eq!(Block::decode(v2.as_bytes()).unwrap_err().code(), ErrorCode::UnsupportedVersion);
}

#[test]
fn the_log_recovers_every_complete_block_after_a_crash_at_any_byte() {
    let mut w = World::new();
    let mut log = Vec::new();
    let mut ends = Vec::new();
    for i in 0..3u8 {
        let tx = enrol_tx(&mut w, 10 + i, T0 + 10 * (u64::from(i) + 1));
        w.net.submit(tx, Timestamp(T0 + 10 * (u64::from(i) + 1))).unwrap();
        let (block, _) = w.net.produce_block(Timestamp(T0 + 10 * (u64::from(i) + 1) + 5)).unwrap();
        log.extend(fhirbus::ledger::log::frame(&block).unwrap());
        ends.push(log.len());
    }
    for cut in 0..=log.len() {
        let read = fhirbus::ledger::log::read(&log[..cut]).unwrap();
        let complete = ends.iter().filter(|&&e| e <= cut).count();
        assert_eq!(read.blocks.len(), complete, "cut at {cut}");
        assert_eq!(read.valid_len, ends.get(complete.wrapping_sub(1)).copied().unwrap_or(0));
    }
    // Replaying the log on a fresh node reaches the same state.
    let mut replica = EmbeddedNetwork::new(&w.genesis, w.validators.iter().map(sk_clone).collect()).unwrap();
    for block in fhirbus::ledger::log::read(&log).unwrap().blocks {
        replica.apply_block(&block).unwrap();
    }
    assert_eq!(replica.state_mut().state_root(), w.net.state_mut().state_root());
    // A flipped byte inside the last, complete record: damage to a written block, which a
    // host must not cut.
    let mut flipped = log.clone();
    let last = flipped.len() - 40;
    flipped[last] ^= 1;
    let read = fhirbus::ledger::log::read(&flipped).unwrap();
    assert_eq!((read.blocks.len(), read.valid_len, read.tail), (2, ends[1], fhirbus::ledger::log::Tail::Corrupt));
    // The last record's final page never written (zeros where its checksum belongs): a torn
    // write, safe to cut.
    let mut unwritten = log.clone();
    let len = unwritten.len();
    unwritten[len - 32..].fill(0);
    let read = fhirbus::ledger::log::read(&unwritten).unwrap();
    assert_eq!((read.blocks.len(), read.valid_len, read.tail), (2, ends[1], fhirbus::ledger::log::Tail::Torn));
    // A flipped byte inside an earlier record, with complete blocks behind it: corruption,
    // which a host must not "recover" by cutting (that would lose the later blocks).
    let mut corrupt = log.clone();
    corrupt[ends[0] - 40] ^= 1;
    let read = fhirbus::ledger::log::read(&corrupt).unwrap();
    assert_eq!((read.blocks.len(), read.tail), (0, fhirbus::ledger::log::Tail::Corrupt));
    for cut in 1..log.len() {
        let tail = fhirbus::ledger::log::read(&log[..cut]).unwrap().tail;
        let at_boundary = ends.contains(&cut);
        assert_eq!(tail == fhirbus::ledger::log::Tail::Clean, at_boundary, "cut at {cut}");
        assert_ne!(tail, fhirbus::ledger::log::Tail::Corrupt, "a crash is never taken for corruption (cut at {cut})");
    }
}

#[test]
fn independent_transactions_commit_alike_in_any_order_and_on_any_thread_count() {
    let mut w = World::new();
    let t1 = enrol_tx(&mut w, 1, T0 + 10);
    let body = TxBody::EnrolPatient { by: w.b.id.clone(), patient: patient(2), signing_key: pk(&sk(2)), encryption_key: PublicKeyBytes(ek(2).public_key().to_sec1()) };
    let t2 = w.tx(T0 + 11, body).sign(&[&w.b.sign]).unwrap();
    let ab = next_block(&mut w, vec![t1.clone(), t2.clone()], T0 + 20);
    let ba = next_block(&mut w, vec![t2, t1], T0 + 20);
    assert_eq!(ab.header.state_root, ba.header.state_root);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let r1 = one.install(|| validate_and_apply(w.net.state(), &ab)).unwrap();
    let r2 = two.install(|| validate_and_apply(w.net.state(), &ab)).unwrap();
    assert_eq!(r1.state.clone().state_root(), r2.state.clone().state_root());
    assert_eq!(r1.events, r2.events);
}

/// Record entries are committed in registration order, which the state's answers show (a
/// custodian's records, a patient's trail): two registrations swapped are another state, with
/// another root. Everything else commits alike in any order (above).
#[test]
fn registrations_swapped_are_another_state_with_another_root() {
    let mut w = World::new();
    w.enrol(patient(1), &sk(9), T0 + 10);
    w.enrol(patient(2), &sk(10), T0 + 10);
    let (enrolled, _) = w.net.produce_block(Timestamp(T0 + 20)).unwrap();
    let dk = DataKey::from_bytes(&[4; 32]).unwrap();
    let (r1, r2) = (w.record(patient(1), T0 + 30, &dk), w.record(patient(2), T0 + 31, &dk));
    let mut roots = Vec::new();
    let mut orders = Vec::new();
    for order in [[&r1, &r2], [&r2, &r1]] {
        let mut net = EmbeddedNetwork::new(&w.genesis, w.validators.iter().map(sk_clone).collect()).unwrap();
        net.apply_block(&enrolled).unwrap();
        for entry in order {
            net.submit(Transaction::register_record("test-net", entry.clone()), Timestamp(T0 + 35)).unwrap();
        }
        let (block, _) = net.produce_block(Timestamp(T0 + 40)).unwrap();
        roots.push(block.header.state_root);
        orders.push(net.state().records_of_custodian(&w.a.id).iter().map(|r| r.id).collect::<Vec<_>>());
    }
    assert_ne!(roots[0], roots[1]);
    assert_eq!(orders[0].iter().rev().copied().collect::<Vec<_>>(), orders[1]);
}

/// Signature checks run while the block is applied, on whatever threads there are; the error
/// reported is still the one a single thread would find first: a rule error before any
/// signature error, and the earliest failing signature in block order.
#[test]
fn the_error_reported_does_not_depend_on_the_thread_count() {
    let mut w = World::new();
    let txs: Vec<_> = (1..=90u8).map(|n| enrol_tx(&mut w, n, T0 + 10)).collect();
    let valid = next_block(&mut w, txs.clone(), T0 + 20);
    let reseal = |w: &World, txs: Vec<fhirbus::ledger::SignedTransaction>| {
        let mut block = valid.clone();
        block.header.tx_root = Block::tx_root(&txs).unwrap();
        block.txs = txs;
        block.qc = w.validators.iter().map(|v| block.header.sign(v).unwrap()).collect();
        block
    };
    // Two forged signatures (each another transaction's): transaction 40 is named.
    let mut forged = txs.clone();
    forged[40].signatures = txs[41].signatures.clone();
    forged[70].signatures = txs[71].signatures.clone();
    let two_bad = reseal(&w, forged.clone());
    // A forged signature early and a replay later: the replay (a rule) is named.
    forged[70] = txs[5].clone();
    let replay = reseal(&w, forged);
    for threads in [1, 2, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let e = pool.install(|| validate_and_apply(w.net.state(), &two_bad)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::BadSignature, "{threads} threads: {e}");
        assert!(e.detail().starts_with("transaction 40:"), "{threads} threads: {e}");
        let e = pool.install(|| validate_and_apply(w.net.state(), &replay)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue, "{threads} threads: {e}");
        assert!(e.detail().starts_with("transaction 70:") && e.detail().contains("replayed"), "{threads} threads: {e}");
    }
    // And the untouched block is valid on every thread count.
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| validate_and_apply(w.net.state(), &valid)).unwrap();
    }
}

mod batches {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Applying valid blocks one by one equals applying them as one run, and a run with a
        /// bad block anywhere changes nothing.
        #[test]
        fn one_by_one_equals_one_run(splits in proptest::collection::vec(1usize..4, 1..4), bad in any::<bool>()) {
            let mut w = World::new();
            let genesis_state = w.net.state().clone();
            let mut blocks = Vec::new();
            let mut n = 0u8;
            let mut time = T0 + 10;
            for size in splits {
                for _ in 0..size {
                    n += 1;
                    let tx = enrol_tx(&mut w, n, time);
                    w.net.submit(tx, Timestamp(time)).unwrap();
                }
                time += 10;
                blocks.push(w.net.produce_block(Timestamp(time)).unwrap().0);
            }
            let one_by_one_root = w.net.state_mut().state_root();
            if bad {
                let last = blocks.len() - 1;
                blocks[last].qc.truncate(1);
                prop_assert!(fhirbus::ledger::validate_and_apply_chain(&genesis_state, &blocks).is_err());
                // In place, block by block: the bad one leaves the state after the others.
                let mut state = genesis_state.clone();
                let before_last = fhirbus::ledger::validate_and_apply_chain(&genesis_state, &blocks[..last]).unwrap().state;
                for block in &blocks[..last] {
                    validate_and_apply_in_place(&mut state, block).unwrap();
                }
                prop_assert!(validate_and_apply_in_place(&mut state, &blocks[last]).is_err());
                prop_assert_eq!(fingerprint(&state), fingerprint(&before_last));
            } else {
                let mut run = fhirbus::ledger::validate_and_apply_chain(&genesis_state, &blocks).unwrap();
                prop_assert_eq!(fingerprint(&run.state), fingerprint(w.net.state()));
                prop_assert_eq!(run.state.state_root(), one_by_one_root);
                prop_assert_eq!(run.state.height(), blocks.len() as u64);
            }
        }
    }
}

/// Writes seed inputs for the fuzz targets when FHIRBUS_WRITE_FUZZ_SEEDS names the fuzz
/// directory (`FHIRBUS_WRITE_FUZZ_SEEDS=$PWD/fuzz cargo test -p fhirbus --test ledger seeds`).
#[test]
fn seeds_for_the_fuzz_targets() {
    let Ok(dir) = std::env::var("FHIRBUS_WRITE_FUZZ_SEEDS") else { return };
    let dir = std::path::Path::new(&dir).join("seeds");
    let mut w = World::new();
    let tx = enrol_tx(&mut w, 1, T0 + 10);
    let block = next_block(&mut w, vec![tx.clone()], T0 + 20);
    let dk = DataKey::from_bytes(&[4; 32]).unwrap();
    let entry = w.record(patient(1), T0 + 25, &dk);
    let mut log = fhirbus::ledger::log::frame(&block).unwrap();
    w.net.apply_block(&block).unwrap();
    let proof = fhirbus::host::prove_json(w.net.state_mut(), "patient", &patient(1).to_text()).unwrap();
    // The absence seed names its item as the fuzz target reads it (`kind`, `id`).
    let mut absent: serde_json::Value = serde_json::from_slice(&fhirbus::host::prove_json(w.net.state_mut(), "patient", &patient(2).to_text()).unwrap()).unwrap();
    absent["kind"] = "patient".into();
    absent["id"] = patient(2).to_text().into();
    let absent = serde_json::to_vec(&absent).unwrap();
    let entry_id = Digest::sha256(&entry.entry.canonical_bytes().unwrap());
    w.net.submit(Transaction::register_record("test-net", entry.clone()), Timestamp(T0 + 25)).unwrap();
    w.net.produce_block(Timestamp(T0 + 30)).unwrap();
    let record = fhirbus::host::prove_json(w.net.state_mut(), "record", &entry_id.to_hex()).unwrap();
    let torn = log.len() - 7;
    log.extend_from_within(..torn);
    for (sub, name, bytes) in [
        ("block_log", "two-blocks-torn.bin", log),
        ("state_proof", "present.json", proof),
        ("state_proof", "absent.json", absent),
        ("state_proof", "record.json", record),
        ("tx_decode", "enrol.json", tx.encode().unwrap()),
        ("tx_decode", "register.json", Transaction::register_record("test-net", entry.clone()).encode().unwrap()),
        ("block_validate", "block.json", block.encode().unwrap()),
        ("record_decode", "entry.json", entry.encode().unwrap()),
    ] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(dir.join(sub).join(name), bytes).unwrap();
    }
}

mod consent_on_the_ledger {
    use super::*;
    use fhirbus::consent::{Consent, ConsentId, Provision, Purpose};
    use fhirbus::ledger::consents::ConsentDoc;

    /// A world with patient 1 enrolled (key sk(9)) and one record of Hospital A's.
    fn world_with_record() -> (World, Digest) {
        let mut w = World::new();
        let pkey = sk(9);
        w.enrol(patient(1), &pkey, T0 + 10);
        w.net.produce_block(Timestamp(T0 + 20)).unwrap();
        let dk = DataKey::from_bytes(&[4; 32]).unwrap();
        let entry = w.record(patient(1), T0 + 30, &dk);
        let id = Digest::sha256(&entry.entry.canonical_bytes().unwrap());
        w.net.submit(Transaction::register_record("test-net", entry), Timestamp(T0 + 30)).unwrap();
        w.net.produce_block(Timestamp(T0 + 40)).unwrap();
        (w, id)
    }

    fn grant_b(w: &mut World, signer: &SigningKey, time: u64) -> fhirbus::Result<Digest> {
        let root = Provision::permit().orgs([w.b.id.clone()]).purposes([Purpose::from_code("TREAT").unwrap()]);
        let consent = Consent::new(ConsentId::new("c-1").unwrap(), patient(1), root).unwrap();
        let stx = w.tx(time, TxBody::GrantConsent { consent: ConsentDoc(consent) }).sign(&[signer]).unwrap();
        w.net.submit(stx, Timestamp(time))
    }

    #[test]
    fn a_consent_signed_by_someone_other_than_the_patient_is_refused() {
        let (mut w, _) = world_with_record();
        let hospital = sk_clone(&w.a.sign);
        assert_eq!(grant_b(&mut w, &hospital, T0 + 50).unwrap_err().code(), ErrorCode::UnknownKey);
        assert_eq!(grant_b(&mut w, &sk(33), T0 + 50).unwrap_err().code(), ErrorCode::UnknownKey);
        grant_b(&mut w, &sk(9), T0 + 50).unwrap();
    }

    #[test]
    fn grant_decide_revoke_and_break_the_glass() {
        let (mut w, entry) = world_with_record();
        let treat = Purpose::from_code("TREAT").unwrap();
        let etreat = Purpose::from_code("ETREAT").unwrap();
        let b = w.b.id.clone();
        assert!(!w.net.state().decide_access(&b, &entry, treat, Timestamp(T0 + 45)).unwrap().is_permit(), "default deny");
        grant_b(&mut w, &sk(9), T0 + 50).unwrap();
        w.net.produce_block(Timestamp(T0 + 60)).unwrap();
        assert_eq!(w.net.state().visible_records(&b, &patient(1), treat, Timestamp(T0 + 70)).len(), 1);

        // B records a permitted request; a request recording the wrong decision is refused.
        let b_key = sk_clone(&w.b.sign);
        let (req, decision) = fhirbus::access::request_access(w.net.state(), &b, &b_key, &entry, treat, Timestamp(T0 + 70), [1; 16]).unwrap();
        assert!(decision.is_permit());
        let mut lying = req.clone();
        if let TxBody::RequestAccess { permitted, .. } = &mut lying.tx.body {
            *permitted = false;
        }
        let lying = lying.tx.sign(&[&b_key]).unwrap();
        assert_eq!(w.net.submit(lying, Timestamp(T0 + 70)).unwrap_err().code(), ErrorCode::InvalidValue);
        // Not yet on the ledger: the custodian releases nothing.
        assert_eq!(fhirbus::access::custodian_release(w.net.state(), &w.a.id, &req, Timestamp(T0 + 75)).unwrap_err().code(), ErrorCode::NotOnLedger);
        w.net.submit(req.clone(), Timestamp(T0 + 70)).unwrap();
        w.net.produce_block(Timestamp(T0 + 80)).unwrap();
        let release = fhirbus::access::custodian_release(w.net.state(), &w.a.id, &req, Timestamp(T0 + 85)).unwrap();
        assert!(!release.emergency);
        // Only the custodian of the entry releases it.
        assert!(fhirbus::access::custodian_release(w.net.state(), &w.b.id, &req, Timestamp(T0 + 85)).is_err());

        // The patient revokes; the same committed request no longer releases anything.
        let stx = w.tx(T0 + 90, TxBody::RevokeConsent { patient: patient(1), consent_id: "c-1".into() }).sign(&[&sk(9)]).unwrap();
        w.net.submit(stx, Timestamp(T0 + 90)).unwrap();
        w.net.produce_block(Timestamp(T0 + 100)).unwrap();
        assert_eq!(fhirbus::access::custodian_release(w.net.state(), &w.a.id, &req, Timestamp(T0 + 110)).unwrap_err().code(), ErrorCode::AccessDenied);
        assert!(!w.net.state().decide_access(&b, &entry, treat, Timestamp(T0 + 110)).unwrap().is_permit());
        // Decisions about earlier times still see the consent.
        assert!(w.net.state().decide_access(&b, &entry, treat, Timestamp(T0 + 85)).unwrap().is_permit());

        // Break the glass: permitted under the network's emergency policy, marked, audited.
        let (req, decision) = fhirbus::access::request_access(w.net.state(), &b, &b_key, &entry, etreat, Timestamp(T0 + 120), [2; 16]).unwrap();
        assert!(decision.is_permit());
        assert!(decision.obligations.audit && decision.obligations.notify_patient);
        w.net.submit(req.clone(), Timestamp(T0 + 120)).unwrap();
        w.net.produce_block(Timestamp(T0 + 130)).unwrap();
        assert!(fhirbus::access::custodian_release(w.net.state(), &w.a.id, &req, Timestamp(T0 + 135)).unwrap().emergency);
        let trail = w.net.state().audit_trail(&patient(1));
        let emergency = trail.iter().find(|e| e.emergency).unwrap();
        assert_eq!(emergency.permitted, Some(true));
        let fhir = fhirbus::ledger::audit_fhir::to_fhir(emergency, "test-net");
        let text = fhir.to_string();
        assert!(text.contains("110127") && text.contains("ETREAT"), "{text}");
        assert!(!text.contains("123-45"), "no identifier in the audit export");
    }
}

/// A transaction's id and Merkle leaf are as documented, written out here byte by byte: an
/// envelope-signed transaction's id is SHA-256 of its canonical signed part; a registration's
/// is SHA-256 of a tag and the entry id; the leaf is SHA-256(0x00 || id || each signature's key
/// id and bytes), the entry's signature last.
#[test]
fn transaction_ids_and_leaves_are_as_documented() {
    let mut w = World::new();
    let enrol = enrol_tx(&mut w, 1, T0 + 10);
    let dk = DataKey::from_bytes(&[4; 32]).unwrap();
    let entry = w.record(patient(1), T0 + 25, &dk);
    let register = Transaction::register_record("test-net", entry.clone());
    let leaf = |id: &Digest, sigs: &[&fhirbus::signature::Signature]| {
        let mut data = id.as_bytes().to_vec();
        for s in sigs {
            data.extend_from_slice(&s.key_id.0);
            data.extend_from_slice(s.as_bytes());
        }
        fhirbus::ledger::merkle::leaf_hash(&data)
    };
    let p = enrol.prepare().unwrap();
    assert_eq!(p.id, Digest::sha256(&enrol.tx.canonical_bytes().unwrap()));
    assert_eq!(p.leaf, leaf(&p.id, &enrol.signatures.iter().collect::<Vec<_>>()));
    let p = register.prepare().unwrap();
    let entry_id = Digest::sha256(&entry.entry.canonical_bytes().unwrap());
    assert_eq!(p.id, Digest::sha256(&[&b"fhirbus/v1/register-record\0"[..], entry_id.as_bytes()].concat()));
    assert_eq!(p.leaf, leaf(&p.id, &[&entry.signature]));
    assert!(p.msg.is_none());
}

/// The embedded network's queue: each submission is applied (signatures checked) as it
/// comes, and the block made from the queue must pass every check a node makes of it.
mod embedded_network_queue {
    use super::*;

    const WINDOW: u64 = 10 * 60 * 1000;

    /// A second node from the same genesis applies `block` with every check, and ends in the
    /// state the producer is in.
    fn node_agrees(node: &mut World, w: &World, block: &Block) {
        node.net.apply_block(block).unwrap();
        assert_eq!(fingerprint(node.net.state()), fingerprint(w.net.state()));
    }

    #[test]
    fn a_produced_block_passes_every_check_a_node_makes_and_gives_the_same_events() {
        let (mut w, mut node) = (World::new(), World::new());
        let dk = DataKey::from_bytes(&[4; 32]).unwrap();
        // Each depends on the one before it in the same queue.
        w.enrol(patient(1), &sk(9), T0 + 10);
        let entry = w.record(patient(1), T0 + 11, &dk);
        w.net.submit(Transaction::register_record("test-net", entry), Timestamp(T0 + 11)).unwrap();
        w.enrol(patient(2), &sk(10), T0 + 12);
        assert_eq!(w.net.pending(), 3);
        let (block, events) = w.net.produce_block(Timestamp(T0 + 20)).unwrap();
        assert_eq!((block.txs.len(), w.net.pending()), (3, 0));
        let again = validate_and_apply(node.net.state(), &block).unwrap();
        assert_eq!(again.events, events);
        node_agrees(&mut node, &w, &block);
    }

    #[test]
    fn a_refused_submission_leaves_the_queue_as_it_was() {
        let (mut w, mut node) = (World::new(), World::new());
        let queued = enrol_tx(&mut w, 1, T0 + 10);
        w.net.submit(queued.clone(), Timestamp(T0 + 10)).unwrap();
        // Enrolled by hospital A, signed by hospital B's key.
        let body = TxBody::EnrolPatient { by: w.a.id.clone(), patient: patient(2), signing_key: pk(&sk(10)), encryption_key: PublicKeyBytes(ek(10).public_key().to_sec1()) };
        let forged = w.tx(T0 + 11, body).sign(&[&w.b.sign]).unwrap();
        assert_eq!(w.net.submit(forged, Timestamp(T0 + 11)).unwrap_err().code(), ErrorCode::UnknownKey);
        // A transaction already queued is a replay.
        assert!(w.net.submit(queued, Timestamp(T0 + 12)).unwrap_err().detail().contains("replayed"));
        // A bad signature, reported as the submitter's own (no position in the queue).
        let mut bad = enrol_tx(&mut w, 4, T0 + 12);
        let mut sig = bad.signatures[0].as_bytes().to_vec();
        sig[40] ^= 1;
        bad.signatures[0] = fhirbus::signature::Signature::from_bytes(bad.signatures[0].key_id, &sig).unwrap();
        let e = w.net.submit(bad, Timestamp(T0 + 12)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::BadSignature);
        assert!(!e.detail().contains("transaction 1"), "{e}");
        w.enrol(patient(3), &sk(11), T0 + 13);
        assert_eq!(w.net.pending(), 2);
        let (block, _) = w.net.produce_block(Timestamp(T0 + 20)).unwrap();
        assert_eq!(block.txs.len(), 2);
        assert_eq!(w.net.state().audit_trail(&patient(2)).len(), 0);
        node_agrees(&mut node, &w, &block);
    }

    #[test]
    fn a_queued_transaction_that_ages_out_is_taken_out_named_and_the_rest_produced() {
        let (mut w, mut node) = (World::new(), World::new());
        w.enrol(patient(1), &sk(9), T0 + 10);
        w.enrol(patient(2), &sk(10), T0 + WINDOW);
        let late = T0 + 10 + WINDOW + 1;
        let e = w.net.produce_block(Timestamp(late)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue);
        assert!(e.detail().starts_with("queued transaction 0 no longer applies"), "{e}");
        assert!(e.detail().contains("replay window"), "{e}");
        assert_eq!((w.net.pending(), w.net.state().height()), (1, 0));
        let (block, _) = w.net.produce_block(Timestamp(late)).unwrap();
        assert_eq!(block.txs.len(), 1);
        assert_eq!(w.net.state().audit_trail(&patient(1)).len(), 0);
        assert_eq!(w.net.state().audit_trail(&patient(2)).len(), 1);
        node_agrees(&mut node, &w, &block);
    }

    #[test]
    fn a_block_from_elsewhere_under_the_queue_takes_out_what_it_made_invalid() {
        let (mut w, mut other, mut node) = (World::new(), World::new(), World::new());
        let taken = enrol_tx(&mut w, 1, T0 + 10);
        w.net.submit(taken.clone(), Timestamp(T0 + 10)).unwrap();
        w.enrol(patient(2), &sk(10), T0 + 11);
        // Another proposer puts the first queued transaction in a block first.
        other.net.submit(taken, Timestamp(T0 + 10)).unwrap();
        let (elsewhere, _) = other.net.produce_block(Timestamp(T0 + 12)).unwrap();
        w.net.apply_block(&elsewhere).unwrap();
        let e = w.net.produce_block(Timestamp(T0 + 20)).unwrap_err();
        assert!(e.detail().starts_with("queued transaction 0 no longer applies") && e.detail().contains("replayed"), "{e}");
        assert_eq!(w.net.pending(), 1);
        let (block, _) = w.net.produce_block(Timestamp(T0 + 20)).unwrap();
        assert_eq!(block.header.height, 2);
        node.net.apply_block(&elsewhere).unwrap();
        node_agrees(&mut node, &w, &block);
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Any run of submissions (valid or not), block productions at times that may leave
        /// queued transactions behind the replay window, and blocks from another proposer:
        /// every block made passes a following node's checks and leaves it in the producer's
        /// state; a refused submission or production changes neither the state nor the
        /// queue, but for the one queued transaction it names; and every accepted
        /// transaction ends in a block, named in an error, or still queued.
        #[test]
        fn every_block_made_is_valid_and_no_transaction_goes_unaccounted(ops in proptest::collection::vec((0u8..8, 1u8..5, 0u64..400_000), 1..20)) {
            let (mut w, mut other, mut follower) = (World::new(), World::new(), World::new());
            let dk = DataKey::from_bytes(&[4; 32]).unwrap();
            let mut time = T0 + 10;
            let (mut accepted, mut in_blocks, mut named) = (0usize, 0usize, 0usize);
            for (kind, n, step) in ops {
                time += step;
                let before = (fingerprint(w.net.state()), w.net.pending());
                match kind {
                    0..=4 => {
                        let tx = if kind == 4 {
                            Transaction::register_record("test-net", w.record(patient(n), time, &dk))
                        } else {
                            enrol_tx(&mut w, n, time)
                        };
                        match w.net.submit(tx, Timestamp(time)) {
                            Ok(_) => accepted += 1,
                            Err(e) if e.detail().starts_with("queued transaction") => {
                                named += 1;
                                prop_assert_eq!(w.net.pending(), before.1 - 1);
                            }
                            Err(_) => prop_assert_eq!(&before, &(fingerprint(w.net.state()), w.net.pending())),
                        }
                    }
                    5 | 6 => match w.net.produce_block(Timestamp(time)) {
                        Ok((block, _)) => {
                            in_blocks += block.txs.len();
                            prop_assert_eq!(w.net.pending(), 0);
                            follower.net.apply_block(&block).unwrap();
                            other.net.apply_block(&block).unwrap();
                            prop_assert_eq!(fingerprint(follower.net.state()), fingerprint(w.net.state()));
                        }
                        Err(e) if e.detail().starts_with("queued transaction") => {
                            named += 1;
                            prop_assert_eq!(&before.0, &fingerprint(w.net.state()));
                            prop_assert_eq!(w.net.pending(), before.1 - 1);
                        }
                        Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
                    },
                    _ => {
                        // Another proposer, at the same height, enrols patient n first.
                        let tx = enrol_tx(&mut other, n, time);
                        if other.net.submit(tx, Timestamp(time)).is_ok() {
                            let (block, _) = other.net.produce_block(Timestamp(time)).unwrap();
                            w.net.apply_block(&block).unwrap();
                            follower.net.apply_block(&block).unwrap();
                            prop_assert_eq!(w.net.pending(), before.1, "applying a block keeps the queue");
                        }
                    }
                }
            }
            prop_assert_eq!(accepted, in_blocks + named + w.net.pending());
        }
    }

    #[test]
    fn when_the_validators_no_longer_make_a_quorum_nothing_is_produced_and_nothing_lost() {
        let mut w = World::new();
        let new_set: Vec<PublicKeyBytes> = (70..74).map(|i| pk(&sk(i))).collect();
        let gov = w.tx(T0 + 10, TxBody::SetValidators { validators: new_set }).sign(&[&w.a.sign, &w.b.sign, &w.c.sign]).unwrap();
        w.net.submit(gov, Timestamp(T0 + 10)).unwrap();
        w.net.produce_block(Timestamp(T0 + 20)).unwrap();
        w.enrol(patient(1), &sk(9), T0 + 30);
        let before = fingerprint(w.net.state());
        assert_eq!(w.net.produce_block(Timestamp(T0 + 40)).unwrap_err().code(), ErrorCode::UnknownKey);
        assert_eq!(w.net.pending(), 1, "the queue is kept");
        assert_eq!(fingerprint(w.net.state()), before);
        assert_eq!(w.net.produce_block(Timestamp(T0 + 40)).unwrap_err().code(), ErrorCode::UnknownKey);
    }
}
