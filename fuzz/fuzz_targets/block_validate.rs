//! Block decoding and validation against a fixed state on arbitrary bytes: never a panic, a
//! refused block leaves the state's commitment as it was, and validation in place (on a
//! copy) gives the same outcome, a refused block put back to the same commitment.
#![no_main]

use std::sync::OnceLock;

use fhirbus::ledger::block::{GenesisMember, NetworkPolicy};
use fhirbus::ledger::tx::PublicKeyBytes;
use fhirbus::ledger::{Block, Genesis, State, validate_and_apply, validate_and_apply_in_place};
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
        let copied = validate_and_apply(state(), &block);
        if copied.is_err() {
            assert_eq!(state().clone().state_root(), before);
        }
        let mut in_place = state().clone();
        match (validate_and_apply_in_place(&mut in_place, &block), copied) {
            (Ok(events), Ok(mut applied)) => {
                assert_eq!(events, applied.events);
                assert_eq!(in_place.state_root(), applied.state.state_root());
            }
            (Err(e), Err(f)) => {
                assert_eq!((e.code(), e.detail()), (f.code(), f.detail()));
                assert_eq!(in_place.state_root(), before);
                assert_eq!(in_place.height(), state().height());
            }
            _ => panic!("validation in place and on a copy disagree"),
        }
    }
});
