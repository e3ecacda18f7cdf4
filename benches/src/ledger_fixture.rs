//! What the ledger benches build their networks from: one hospital (the council and the
//! custodian of every record), four validators, and record entries of one realistic shape.

use fhirbus::ledger::Genesis;
use fhirbus::ledger::block::{GenesisMember, NetworkPolicy};
use fhirbus::ledger::tx::{PublicKeyBytes, SignedTransaction, TX_VERSION, Transaction, TxBody};
use fhirbus::pointer::DataKey;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::record::{NewRecordEntry, RecordEntry, SignedRecordEntry};
use fhirbus::signature::SigningKey;
use fhirbus::wrap::EncryptionSecretKey;
use fhirbus::{Digest, OrgId, ResourceType, Timestamp};

/// The genesis time.
pub const T0: u64 = 1_764_000_000_000;
/// The chain id.
pub const CHAIN: &str = "bench-net";
/// The one member.
pub const HOSPITAL: &str = "hospital-a";

/// A deterministic byte source (xorshift), for sealing entries reproducibly.
pub fn rng(seed: u64) -> impl FnMut(&mut [u8]) -> fhirbus::Result<()> {
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

/// A genesis with [`HOSPITAL`] as the only member and council, and `validators`.
pub fn genesis(custodian: &SigningKey, encryption: &EncryptionSecretKey, validators: &[SigningKey]) -> fhirbus::Result<Genesis> {
    Ok(Genesis {
        chain: CHAIN.into(),
        time: Timestamp(T0),
        members: vec![GenesisMember {
            org: OrgId::new(HOSPITAL)?,
            name: "Hospital A".into(),
            signing_key: PublicKeyBytes(custodian.verifying_key().to_sec1()),
            encryption_key: PublicKeyBytes(encryption.public_key().to_sec1()),
        }],
        council: vec![OrgId::new(HOSPITAL)?],
        validators: validators.iter().map(|v| PublicKeyBytes(v.verifying_key().to_sec1())).collect(),
        policy: NetworkPolicy::default(),
    })
}

/// An Observation's entry for `patient`, its digest from `n`, sealed under `dk` and signed by
/// the custodian.
pub fn observation(
    custodian: &SigningKey,
    patient: Pseudonym,
    n: u64,
    dk: &DataKey,
    random: &mut dyn fhirbus::RandomSource,
) -> fhirbus::Result<SignedRecordEntry> {
    let new = NewRecordEntry {
        custodian: OrgId::new(HOSPITAL)?,
        patient,
        resource_type: ResourceType::new("Observation")?,
        digest: Digest::sha256(&n.to_be_bytes()),
        epoch: 1,
        time: Timestamp(T0 + 10),
        pointer: "https://fhir.hospital-a.example/fhir/Observation/5f3c2a9e-0b7d-4c61-9a0e-2d8f4b1c7e55/_history/1",
    };
    RecordEntry::seal(new, dk, random)?.sign(custodian)
}

/// Patient `i`'s pseudonym.
pub fn patient(i: u64) -> Pseudonym {
    Pseudonym(*Digest::sha256(&i.to_be_bytes()).as_bytes())
}

/// The enrolment of patient `i` by [`HOSPITAL`] at `T0 + 1`, with the custodian's keys as the
/// patient's (the benches never sign as the patient).
pub fn enrolment(custodian: &SigningKey, encryption: &EncryptionSecretKey, i: u64) -> fhirbus::Result<SignedTransaction> {
    let mut nonce = [0u8; 16];
    nonce[..8].copy_from_slice(&i.to_be_bytes());
    let body = TxBody::EnrolPatient {
        by: OrgId::new(HOSPITAL)?,
        patient: patient(i),
        signing_key: PublicKeyBytes(custodian.verifying_key().to_sec1()),
        encryption_key: PublicKeyBytes(encryption.public_key().to_sec1()),
    };
    Transaction { v: TX_VERSION, chain: CHAIN.into(), time: Timestamp(T0 + 1), nonce, body }.sign(&[custodian])
}
