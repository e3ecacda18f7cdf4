//! A network kept in a directory: its genesis document, its block log, its key directory.
//! Every command opens the node (replaying the log), submits transactions, makes one block and
//! appends it to the log.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use fhirbus::ledger::audit::AuditEvent;
use fhirbus::ledger::{Block, EmbeddedNetwork, Genesis, SignedTransaction};
use fhirbus::Timestamp;

use crate::keystore::KeyStore;
use crate::CliError;

pub struct Node {
    pub dir: PathBuf,
    pub genesis: Genesis,
    pub net: EmbeddedNetwork,
    pub keys: KeyStore,
    /// Set when opening found and cut a torn tail (a crash during an append).
    pub recovered_bytes: usize,
}

/// The host's clock, in milliseconds. (Core never reads a clock; the CLI is the host.)
pub fn now() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    Timestamp(u64::try_from(ms).unwrap_or(u64::MAX))
}

fn log_path(dir: &Path) -> PathBuf {
    dir.join("ledger").join("blocks.log")
}

impl Node {
    /// Write a new network's genesis document and an empty log.
    pub fn create(dir: &Path, genesis: &Genesis) -> Result<(), CliError> {
        if dir.join("genesis.json").exists() {
            return Err(CliError::usage(format!("{} already holds a network (genesis.json exists)", dir.display())));
        }
        fs::create_dir_all(dir.join("ledger")).map_err(|e| CliError::io(dir, &e))?;
        let path = dir.join("genesis.json");
        fs::write(&path, genesis.encode()?).map_err(|e| CliError::io(&path, &e))?;
        let log = log_path(dir);
        fs::write(&log, b"").map_err(|e| CliError::io(&log, &e))
    }

    /// Open the network in `dir`: read the genesis, replay the log (cutting a torn tail).
    pub fn open(dir: &Path) -> Result<Self, CliError> {
        let gpath = dir.join("genesis.json");
        let bytes = fs::read(&gpath).map_err(|e| CliError::io(&gpath, &e))?;
        let genesis = Genesis::decode(&bytes)?;
        let keys = KeyStore::open(&dir.join("keys"))?;
        let mut net = EmbeddedNetwork::new(&genesis, keys.validators()?)?;
        let log = log_path(dir);
        let raw = fs::read(&log).map_err(|e| CliError::io(&log, &e))?;
        let contents = fhirbus::ledger::log::read(&raw)?;
        if contents.tail == fhirbus::ledger::log::Tail::Corrupt {
            return Err(CliError::usage(format!(
                "{} is damaged at byte {} with complete data after it: not a crash, so nothing is cut; restore it from another node",
                log.display(),
                contents.valid_len
            )));
        }
        let recovered_bytes = raw.len() - contents.valid_len;
        if recovered_bytes > 0 {
            let f = fs::OpenOptions::new().write(true).open(&log).map_err(|e| CliError::io(&log, &e))?;
            f.set_len(contents.valid_len as u64).map_err(|e| CliError::io(&log, &e))?;
            f.sync_all().map_err(|e| CliError::io(&log, &e))?;
        }
        net.apply_blocks(&contents.blocks)?;
        Ok(Self { dir: dir.to_owned(), genesis, net, keys, recovered_bytes })
    }

    /// Submit transactions and commit them in one block, appended to the log.
    pub fn commit(&mut self, txs: Vec<SignedTransaction>) -> Result<(Block, Vec<AuditEvent>), CliError> {
        let at = now();
        for tx in txs {
            self.net.submit(tx, at)?;
        }
        let (block, events) = self.net.produce_block(at)?;
        let log = log_path(&self.dir);
        let mut f = fs::OpenOptions::new().append(true).open(&log).map_err(|e| CliError::io(&log, &e))?;
        f.write_all(&fhirbus::ledger::log::frame(&block)?).map_err(|e| CliError::io(&log, &e))?;
        f.sync_all().map_err(|e| CliError::io(&log, &e))?;
        Ok((block, events))
    }

    /// A fresh random nonce for a transaction.
    pub fn nonce() -> Result<[u8; 16], CliError> {
        let mut n = [0u8; 16];
        fhirbus::RandomSource::fill(&mut fhirbus::random::OsRandom, &mut n)?;
        Ok(n)
    }
}
