//! The key directory: secret keys as hex in files only the owner may read (0600) inside a
//! directory only the owner may enter (0700). Secrets never go to standard output.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use fhirbus::pointer::DataKey;
use fhirbus::pseudonym::{Pseudonym, PseudonymKey};
use fhirbus::signature::SigningKey;
use fhirbus::wrap::EncryptionSecretKey;
use fhirbus::OrgId;

use crate::CliError;

/// The keys of one party: a signing key and an encryption key.
pub struct PartyKeys {
    pub signing: SigningKey,
    pub encryption: EncryptionSecretKey,
}

pub struct KeyStore {
    root: PathBuf,
}

fn private_dir(path: &Path) -> Result<(), CliError> {
    fs::DirBuilder::new().recursive(true).mode(0o700).create(path).map_err(|e| CliError::io(path, &e))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(|e| CliError::io(path, &e))
}

fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        private_dir(parent)?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| CliError::io(path, &e))?;
    f.write_all(hex::encode(bytes).as_bytes()).map_err(|e| CliError::io(path, &e))?;
    f.sync_all().map_err(|e| CliError::io(path, &e))
}

fn read_secret(path: &Path) -> Result<Vec<u8>, CliError> {
    let meta = fs::metadata(path).map_err(|e| CliError::io(path, &e))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(CliError::usage(format!("{} is readable by others: chmod 600 it", path.display())));
    }
    let text = fs::read_to_string(path).map_err(|e| CliError::io(path, &e))?;
    hex::decode(text.trim()).map_err(|_| CliError::usage(format!("{} is not a hex key file", path.display())))
}

impl KeyStore {
    pub fn open(root: &Path) -> Result<Self, CliError> {
        private_dir(root)?;
        Ok(Self { root: root.to_owned() })
    }

    fn party_dir(&self, kind: &str, name: &str) -> PathBuf {
        self.root.join(kind).join(name)
    }

    pub fn save_party(&self, kind: &str, name: &str, keys: &PartyKeys) -> Result<(), CliError> {
        let dir = self.party_dir(kind, name);
        write_secret(&dir.join("signing.key"), keys.signing.to_secret_bytes().as_ref())?;
        write_secret(&dir.join("encryption.key"), keys.encryption.to_secret_bytes().as_ref())
    }

    pub fn load_party(&self, kind: &str, name: &str) -> Result<PartyKeys, CliError> {
        let dir = self.party_dir(kind, name);
        if !dir.exists() {
            return Err(CliError::usage(format!("no keys for {kind} {name} in {}", self.root.display())));
        }
        Ok(PartyKeys {
            signing: SigningKey::from_secret(&read_secret(&dir.join("signing.key"))?)?,
            encryption: EncryptionSecretKey::from_secret(&read_secret(&dir.join("encryption.key"))?)?,
        })
    }

    pub fn org(&self, org: &OrgId) -> Result<PartyKeys, CliError> {
        self.load_party("orgs", org.as_str())
    }

    pub fn patient(&self, p: &Pseudonym) -> Result<PartyKeys, CliError> {
        self.load_party("patients", &p.to_text())
    }

    pub fn save_validator(&self, index: usize, key: &SigningKey) -> Result<(), CliError> {
        write_secret(&self.root.join("validators").join(format!("validator-{index}.key")), key.to_secret_bytes().as_ref())
    }

    pub fn validators(&self) -> Result<Vec<SigningKey>, CliError> {
        let dir = self.root.join("validators");
        let mut paths: Vec<PathBuf> =
            fs::read_dir(&dir).map_err(|e| CliError::io(&dir, &e))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        paths.iter().map(|p| Ok(SigningKey::from_secret(&read_secret(p)?)?)).collect()
    }

    pub fn save_pseudonym_key(&self, key: &PseudonymKey) -> Result<(), CliError> {
        write_secret(&self.root.join("pseudonym.key"), key.to_bytes().as_ref())
    }

    pub fn pseudonym_key(&self) -> Result<PseudonymKey, CliError> {
        Ok(PseudonymKey::from_bytes(&read_secret(&self.root.join("pseudonym.key"))?)?)
    }

    fn data_key_path(&self, custodian: &OrgId, patient: &Pseudonym, epoch: u32) -> PathBuf {
        self.root.join("data-keys").join(custodian.as_str()).join(patient.to_text()).join(format!("epoch-{epoch}.key"))
    }

    /// The custodian's data key of (patient, epoch), made on first use.
    pub fn data_key(&self, custodian: &OrgId, patient: &Pseudonym, epoch: u32) -> Result<DataKey, CliError> {
        let path = self.data_key_path(custodian, patient, epoch);
        if path.exists() {
            return Ok(DataKey::from_bytes(&read_secret(&path)?)?);
        }
        let key = DataKey::generate(&mut fhirbus::random::OsRandom)?;
        write_secret(&path, key.to_bytes().as_ref())?;
        Ok(key)
    }
}
