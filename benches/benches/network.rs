//! The embedded network making a block: each of `NETWORK_BLOCK` (default 1,000) record
//! registrations submitted, then the block produced, side by side with a node validating that
//! block (`validate_and_apply`), on the machine's threads.
//!
//! A submission applies its transaction to the state the queue has reached and checks its
//! signature there, on the caller's thread; producing the block then adds its header, quorum
//! certificate and state root. So the ratio is about the thread count (the node's checks run
//! in parallel, submissions one after another), and it does not grow with the block: a
//! queue that re-applied and re-checked itself at each submission would cost a block's
//! square.

use fhirbus::ledger::block::Block;
use fhirbus::ledger::tx::{SignedTransaction, Transaction};
use fhirbus::ledger::{EmbeddedNetwork, Genesis, validate_and_apply};
use fhirbus::pointer::DataKey;
use fhirbus::signature::SigningKey;
use fhirbus::wrap::EncryptionSecretKey;
use fhirbus::Timestamp;
use fhirbus_benches::ledger_fixture::{self, CHAIN, T0, patient, rng};
use fhirbus_benches::{candidate, candidate_with_setup, compare, env_usize};

const PATIENTS: u64 = 100;

fn key(seed: u8) -> fhirbus::Result<SigningKey> {
    SigningKey::from_secret(&[seed; 32])
}

fn validators() -> fhirbus::Result<Vec<SigningKey>> {
    (0..4).map(|i| key(100 + i)).collect()
}

/// The network's genesis and the block that enrols its patients, to build equal networks from.
struct Fixture {
    genesis: Genesis,
    custodian: SigningKey,
    enrolments: Vec<Block>,
}

impl Fixture {
    fn new() -> fhirbus::Result<Self> {
        let custodian = key(1)?;
        let enc = EncryptionSecretKey::from_secret(&[3; 32])?;
        let genesis = ledger_fixture::genesis(&custodian, &enc, &validators()?)?;
        let mut fixture = Self { genesis, custodian, enrolments: Vec::new() };
        let mut net = fixture.network()?;
        for i in 0..PATIENTS {
            net.submit(ledger_fixture::enrolment(&fixture.custodian, &enc, i)?, Timestamp(T0 + 1))?;
        }
        fixture.enrolments.push(net.produce_block(Timestamp(T0 + 2))?.0);
        Ok(fixture)
    }

    /// A network at the fixture's last block.
    fn network(&self) -> fhirbus::Result<EmbeddedNetwork> {
        let mut net = EmbeddedNetwork::new(&self.genesis, validators()?)?;
        net.apply_blocks(&self.enrolments)?;
        Ok(net)
    }

    fn registrations(&self, n: u64) -> fhirbus::Result<Vec<SignedTransaction>> {
        let dk = DataKey::from_bytes(&[9; 32])?;
        let mut random = rng(1);
        (0..n)
            .map(|i| Ok(Transaction::register_record(CHAIN, ledger_fixture::observation(&self.custodian, patient(i % PATIENTS), i, &dk, &mut random)?)))
            .collect()
    }
}

fn submit_and_produce(net: &mut EmbeddedNetwork, txs: &[SignedTransaction]) -> fhirbus::Result<Block> {
    for tx in txs {
        net.submit(tx.clone(), Timestamp(T0 + 10))?;
    }
    Ok(net.produce_block(Timestamp(T0 + 20))?.0)
}

fn main() -> fhirbus::Result<()> {
    let n = env_usize("NETWORK_BLOCK", 1000);
    let fixture = Fixture::new()?;
    let txs = fixture.registrations(n as u64)?;
    let block = submit_and_produce(&mut fixture.network()?, &txs)?;
    let state = fixture.network()?.state().clone();
    // Set up, untimed, before each production: a network at the fixture's last block.
    let fresh = std::cell::RefCell::new(None);
    let report = compare(
        &format!("the embedded network makes a block of {n} record registrations"),
        None,
        vec![
            candidate("validate_and_apply (a node checking the block)", || validate_and_apply(&state, &block).map(|a| a.events.len())),
            candidate_with_setup(
                "submit each transaction, then produce_block",
                || *fresh.borrow_mut() = fixture.network().ok(),
                || fresh.borrow_mut().take().map(|mut net| submit_and_produce(&mut net, &txs).map(|b| b.txs.len())),
            ),
        ],
    );
    if let Some(ratio) = report.ratio("submit each transaction, then produce_block") {
        println!("  making the block costs x{ratio:.2} of validating it ({} threads)", rayon::current_num_threads());
    }
    Ok(())
}
