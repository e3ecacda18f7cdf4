//! Block decoding and validation against a fixed state on arbitrary bytes: never a panic, and
//! a refused block leaves the state's commitment as it was.
#![no_main]

use std::sync::OnceLock;

use fhirbus::ledger::block::{GenesisMember, NetworkPolicy};
use fhirbus::ledger::tx::PublicKeyBytes;
use fhirbus::ledger::{Block, Genesis, State, validate_and_apply};
use fhirbus::signature::SigningKey;
use fhirbus::wrap::EncryptionSecretKey;
use fhirbus::{OrgId, Timestamp};
use libfuzzer_sys::fuzz_target;

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| {
        let key = |s: u8| SigningKey::from_secret(&[s; 32]).expect("fixed key");
        let public = |k: &SigningKey| PublicKeyBytes(k.verifying_key().to_sec1());
        let enc = EncryptionSecretKey::from_secret(&[9; 32]).expect("fixed key");
        let genesis = Genesis {
            chain: "fuzz-net".into(),
            time: Timestamp(1_764_000_000_000),
            members: vec![GenesisMember {
                org: OrgId::new("hospital-a").expect("fixed id"),
                name: "A".into(),
                signing_key: public(&key(1)),
                encryption_key: PublicKeyBytes(enc.public_key().to_sec1()),
            }],
            council: vec![OrgId::new("hospital-a").expect("fixed id")],
            validators: vec![public(&key(2))],
            policy: NetworkPolicy::default(),
        };
        State::genesis(&genesis).expect("fixed genesis")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(block) = Block::decode(data) {
        let before = state().clone().state_root();
        if validate_and_apply(state(), &block).is_err() {
            assert_eq!(state().clone().state_root(), before);
        }
    }
});
