//! `fhirbus`: a local fhirbus network and the whole exchange, end to end.
//!
//! Every command works on a network directory (`--dir`, default `./fhirbus-net`): its genesis
//! document, its append-only block log and its key directory. Output is for people by
//! default and JSON with `--json`. Errors name what is wrong and exit with a non-zero code.

mod demo;
mod fhir;
mod keystore;
mod node;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fhirbus::consent::{ConsentId, Provision, Purpose};
use fhirbus::ledger::block::{GenesisMember, NetworkPolicy};
use fhirbus::ledger::tx::{PublicKeyBytes, TX_VERSION, Transaction, TxBody};
use fhirbus::ledger::Genesis;
use fhirbus::pseudonym::{NationalId, Pseudonym, PseudonymKey};
use fhirbus::random::OsRandom;
use fhirbus::record::{NewRecordEntry, RecordEntry};
use fhirbus::signature::SigningKey;
use fhirbus::wrap::{EncryptionSecretKey, WrapContext};
use fhirbus::{Digest, OrgId, ResourceType};
use serde_json::json;

use fhir::Fhir;
use keystore::{KeyStore, PartyKeys};
use node::{Node, now};
use output::Out;

/// An error the CLI reports: what went wrong, and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: u8,
}

impl CliError {
    pub fn usage(message: String) -> Self {
        Self { message, code: 2 }
    }
    pub fn io(path: &Path, e: &std::io::Error) -> Self {
        Self { message: format!("{}: {e}", path.display()), code: 3 }
    }
    pub fn fhir(message: String) -> Self {
        Self { message, code: 4 }
    }
}

impl From<fhirbus::Error> for CliError {
    fn from(e: fhirbus::Error) -> Self {
        Self { message: e.to_string(), code: 1 }
    }
}

#[derive(Parser)]
#[command(name = "fhirbus", version, about = "A consent-gated record-locator network for FHIR, on a local embedded ledger")]
struct Cli {
    /// The network directory.
    #[arg(long, global = true, default_value = "fhirbus-net")]
    dir: PathBuf,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Trust only the CA certificates in this PEM file for https:// FHIR servers.
    #[arg(long, global = true)]
    fhir_ca: Option<PathBuf>,
    /// Which roots https:// FHIR servers are checked against without --fhir-ca: Mozilla's, built
    /// in, or the operating system's (where a hospital network's own CA is usually installed).
    #[arg(long, global = true, value_enum, default_value_t = fhir::Roots::Mozilla, conflicts_with = "fhir_ca")]
    fhir_roots: fhir::Roots,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole story on a fresh network, against two FHIR servers.
    Demo {
        /// Hospital A's FHIR server base URL.
        #[arg(long, default_value = "http://127.0.0.1:8081/fhir")]
        fhir_a: String,
        /// Hospital B's FHIR server base URL.
        #[arg(long, default_value = "http://127.0.0.1:8082/fhir")]
        fhir_b: String,
    },
    /// Create a network: council, validators, members and their keys.
    Create {
        /// Member organisations (the first three form the council).
        #[arg(long, value_delimiter = ',', default_value = "hospital-a,hospital-b,registry")]
        members: Vec<String>,
        /// How many in-process validators.
        #[arg(long, default_value_t = 4)]
        validators: usize,
        /// Refuse emergency access where no consent speaks to it.
        #[arg(long)]
        no_emergency_access: bool,
    },
    /// Enrol a patient under the pseudonym of their national identifier.
    Enrol {
        /// The enrolling member.
        #[arg(long)]
        by: String,
        /// The identifier's issuing system (a URI).
        #[arg(long, default_value = "urn:oid:2.16.840.1.113883.2.4.6.3")]
        system: String,
        /// The national identifier (never stored, never printed).
        #[arg(long)]
        national_id: String,
    },
    /// Register a FHIR resource held by a custodian.
    Register {
        /// The custodian.
        #[arg(long)]
        custodian: String,
        /// The patient's pseudonym (base64url: it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        patient: String,
        /// The resource's versioned read URL on the custodian's FHIR server: the pointer, and
        /// where the resource is fetched from unless `--file` gives it.
        #[arg(long)]
        url: String,
        /// The resource as a JSON file (the custodian's own copy, the one its server serves at
        /// `--url`): registered without fetching it.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Grant a consent (signed with the patient's key).
    Grant {
        /// The patient's pseudonym (base64url: it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        patient: String,
        /// The organisation granted.
        #[arg(long)]
        to: String,
        /// Purposes of use (v3 ActReason codes).
        #[arg(long, value_delimiter = ',', default_value = "TREAT")]
        purpose: Vec<String>,
        /// Resource types covered (all when absent).
        #[arg(long, value_delimiter = ',')]
        classes: Vec<String>,
        /// The consent id.
        #[arg(long)]
        id: String,
    },
    /// Revoke a consent.
    Revoke {
        /// The patient's pseudonym (base64url: it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        patient: String,
        /// The consent id.
        #[arg(long)]
        id: String,
    },
    /// Request access to a patient's records: decide, record, open, fetch, check.
    Access {
        /// The requesting member.
        #[arg(long)]
        requester: String,
        /// The patient's pseudonym (base64url: it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        patient: String,
        /// The purpose of use (ETREAT or BTG for break-the-glass).
        #[arg(long, default_value = "TREAT")]
        purpose: String,
    },
    /// Show a patient's audit trail.
    Audit {
        /// The patient's pseudonym (base64url: it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        patient: String,
        /// As FHIR AuditEvent resources (a Bundle).
        #[arg(long)]
        fhir: bool,
    },
    /// Export everything the ledger holds that a patient may see, as one FHIR Bundle.
    Export {
        /// The patient's pseudonym (base64url: it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        patient: String,
    },
    /// Replay and verify the whole chain from the log.
    Verify,
}

fn org(s: &str) -> Result<OrgId, CliError> {
    OrgId::new(s).map_err(|e| CliError::usage(format!("organisation `{s}`: {}", e.detail())))
}

fn pseudonym(s: &str) -> Result<Pseudonym, CliError> {
    Pseudonym::from_text(s).map_err(|_| CliError::usage("a patient is named by their pseudonym (43 base64url characters)".into()))
}

fn purpose(s: &str) -> Result<Purpose, CliError> {
    Purpose::from_code(s).ok_or_else(|| CliError::usage(format!("unknown purpose of use `{s}` (try TREAT, ETREAT, BTG, HPAYMT, HRESCH)")))
}

fn tx(node: &Node, body: TxBody) -> Result<Transaction, CliError> {
    Ok(Transaction { v: TX_VERSION, chain: node.genesis.chain.clone(), time: now(), nonce: Node::nonce()?, body })
}

fn party() -> Result<PartyKeys, CliError> {
    Ok(PartyKeys { signing: SigningKey::generate(&mut OsRandom)?, encryption: EncryptionSecretKey::generate(&mut OsRandom)? })
}

pub fn create(dir: &Path, members: &[String], validators: usize, emergency: bool, out: &mut Out) -> Result<(), CliError> {
    if members.is_empty() || validators == 0 {
        return Err(CliError::usage("a network needs at least one member and one validator".into()));
    }
    // Check before writing any key: keys of a second network must never overwrite the first's.
    if dir.join("genesis.json").exists() {
        return Err(CliError::usage(format!("{} already holds a network (genesis.json exists)", dir.display())));
    }
    let keys = KeyStore::open(&dir.join("keys"))?;
    let mut genesis_members = Vec::new();
    for m in members {
        let id = org(m)?;
        let k = party()?;
        keys.save_party("orgs", id.as_str(), &k)?;
        genesis_members.push(GenesisMember {
            org: id.clone(),
            name: id.to_string(),
            signing_key: PublicKeyBytes(k.signing.verifying_key().to_sec1()),
            encryption_key: PublicKeyBytes(k.encryption.public_key().to_sec1()),
        });
    }
    let mut validator_keys = Vec::new();
    for i in 0..validators {
        let k = SigningKey::generate(&mut OsRandom)?;
        keys.save_validator(i, &k)?;
        validator_keys.push(PublicKeyBytes(k.verifying_key().to_sec1()));
    }
    keys.save_pseudonym_key(&PseudonymKey::generate(&mut OsRandom)?)?;
    let genesis = Genesis {
        chain: "fhirbus-local".into(),
        time: now(),
        council: genesis_members.iter().take(3).map(|m| m.org.clone()).collect(),
        members: genesis_members,
        validators: validator_keys,
        policy: NetworkPolicy { allow_emergency_access: emergency, ..NetworkPolicy::default() },
    };
    Node::create(dir, &genesis)?;
    out.line(&format!("created network `{}` in {}: {} members, {} validators", genesis.chain, dir.display(), members.len(), validators),
        json!({"chain": genesis.chain, "dir": dir.display().to_string(), "members": members, "validators": validators}));
    Ok(())
}

pub fn enrol(node: &mut Node, by: &str, system: &str, national_id: &str, out: &mut Out) -> Result<Pseudonym, CliError> {
    let by = org(by)?;
    let id = NationalId::new(system, national_id)?;
    let p = node.keys.pseudonym_key()?.pseudonym(&id);
    let k = party()?;
    node.keys.save_party("patients", &p.to_text(), &k)?;
    let body = TxBody::EnrolPatient {
        by: by.clone(),
        patient: p,
        signing_key: PublicKeyBytes(k.signing.verifying_key().to_sec1()),
        encryption_key: PublicKeyBytes(k.encryption.public_key().to_sec1()),
    };
    let signed = tx(node, body)?.sign(&[&node.keys.org(&by)?.signing])?;
    let (block, _) = node.commit(vec![signed])?;
    out.line(&format!("{by} enrolled patient {p} (block {})", block.header.height), json!({"patient": p.to_text(), "by": by.as_str(), "height": block.header.height}));
    Ok(p)
}

/// Register the resource at a versioned read URL: fetch it, digest it, seal the URL, sign.
pub fn register(node: &mut Node, fhir: &Fhir, custodian: &str, patient: &Pseudonym, url: &str, file: Option<&Path>, out: &mut Out) -> Result<Digest, CliError> {
    let custodian = org(custodian)?;
    if !url.contains("/_history/") {
        return Err(CliError::usage("the pointer must be a FHIR versioned read URL ([base]/[type]/[id]/_history/[vid])".into()));
    }
    let resource = match file {
        Some(path) => std::fs::read(path).map_err(|e| CliError::io(path, &e))?,
        None => fhir.get(url)?,
    };
    let digest = fhirbus::canonical::fhir_digest(&resource, fhirbus::canonical::FhirVariant::Full)?;
    let resource_type: ResourceType = fhirbus::canonical::fhir_resource_type(&resource)?;
    let epoch = node.net.state().epoch(patient, &custodian);
    let data_key = node.keys.data_key(&custodian, patient, epoch)?;
    let new = NewRecordEntry { custodian: custodian.clone(), patient: *patient, resource_type, digest, epoch, time: now(), pointer: url };
    let entry = RecordEntry::seal(new, &data_key, &mut OsRandom)?.sign(&node.keys.org(&custodian)?.signing)?;
    let entry_id = Digest::sha256(&entry.entry.canonical_bytes()?);
    let (block, _) = node.commit(vec![Transaction::register_record(&node.genesis.chain, entry)])?;
    out.line(
        &format!("{custodian} registered {} (digest {}…) as entry {}… (block {})", url, &digest.to_hex()[..12], &entry_id.to_hex()[..12], block.header.height),
        json!({"entry": entry_id.to_hex(), "digest": digest.to_hex(), "height": block.header.height}),
    );
    Ok(entry_id)
}

/// Share the custodian's current data key of a patient with `recipient`.
pub fn share_key(node: &mut Node, custodian: &OrgId, patient: &Pseudonym, recipient: &OrgId, epoch: u32) -> Result<(), CliError> {
    let data_key = node.keys.data_key(custodian, patient, epoch)?;
    let member = node.net.state().member(recipient).ok_or_else(|| CliError::usage(format!("{recipient} is not a member")))?;
    let entry = member.keys.primary(fhirbus::keys::KeyPurpose::Encryption)?;
    let fhirbus::keys::PublicKey::Encryption(to) = &entry.key else {
        return Err(CliError::usage("recipient has no encryption key".into()));
    };
    let wrapped = to.wrap(&data_key, &WrapContext { patient, custodian, epoch }, &mut OsRandom)?;
    let body = TxBody::ShareDataKey { custodian: custodian.clone(), patient: *patient, epoch, recipient: recipient.clone(), wrapped };
    let signed = tx(node, body)?.sign(&[&node.keys.org(custodian)?.signing])?;
    node.commit(vec![signed])?;
    Ok(())
}

/// Every custodian holding a record of the patient, once each.
fn custodians_of(node: &Node, patient: &Pseudonym) -> Vec<OrgId> {
    let mut c: Vec<OrgId> = node.net.state().records_of_patient(patient).iter().map(|r| r.entry.entry.custodian.clone()).collect();
    c.sort();
    c.dedup();
    c
}

pub fn grant(node: &mut Node, patient: &Pseudonym, to: &str, purposes: &[String], classes: &[String], id: &str, out: &mut Out) -> Result<(), CliError> {
    let to = org(to)?;
    let purposes = purposes.iter().map(|p| purpose(p)).collect::<Result<Vec<_>, _>>()?;
    let mut root = Provision::permit().orgs([to.clone()]).purposes(purposes);
    if !classes.is_empty() {
        root = root.classes(classes.iter().map(|c| ResourceType::new(c)).collect::<fhirbus::Result<Vec<_>>>()?);
    }
    let consent = fhirbus::consent::Consent::new(ConsentId::new(id)?, *patient, root)?;
    let body = TxBody::GrantConsent { consent: fhirbus::ledger::consents::ConsentDoc(consent) };
    let signed = tx(node, body)?.sign(&[&node.keys.patient(patient)?.signing])?;
    let (block, _) = node.commit(vec![signed])?;
    out.line(&format!("patient granted consent `{id}` to {to} (block {})", block.header.height), json!({"consent": id, "to": to.as_str(), "height": block.header.height}));
    // Every custodian of the patient's records reacts to the grant by sharing its data key.
    let custodians = custodians_of(node, patient);
    for custodian in custodians {
        if custodian != to {
            let epoch = node.net.state().epoch(patient, &custodian);
            if node.net.state().data_key_share(patient, &custodian, epoch, &to).is_none() {
                share_key(node, &custodian, patient, &to, epoch)?;
                out.line(&format!("{custodian} shared its data key (epoch {epoch}) with {to}"), json!({"shared": custodian.as_str(), "with": to.as_str(), "epoch": epoch}));
            }
        }
    }
    Ok(())
}

pub fn revoke(node: &mut Node, patient: &Pseudonym, id: &str, out: &mut Out) -> Result<(), CliError> {
    let body = TxBody::RevokeConsent { patient: *patient, consent_id: id.to_owned() };
    let signed = tx(node, body)?.sign(&[&node.keys.patient(patient)?.signing])?;
    let (block, _) = node.commit(vec![signed])?;
    out.line(&format!("patient revoked consent `{id}` (block {})", block.header.height), json!({"revoked": id, "height": block.header.height}));
    // Custodians move to a new data key epoch: new entries are sealed under a key the former
    // grantee never received.
    let custodians = custodians_of(node, patient);
    for custodian in custodians {
        let epoch = node.net.state().epoch(patient, &custodian) + 1;
        let body = TxBody::RotateDataKeyEpoch { custodian: custodian.clone(), patient: *patient, epoch };
        let signed = tx(node, body)?.sign(&[&node.keys.org(&custodian)?.signing])?;
        node.commit(vec![signed])?;
        out.line(&format!("{custodian} moved the patient's data key to epoch {epoch}"), json!({"rotated": custodian.as_str(), "epoch": epoch}));
    }
    Ok(())
}

/// The outcome of one access attempt to one entry.
pub struct AccessOutcome {
    pub entry: Digest,
    pub permitted: bool,
    pub fetched: Option<Vec<u8>>,
    pub explanation: String,
}

/// Request access to every current entry of a patient: record the request and its decision
/// on the ledger; where permitted, have the custodian check the request, open the pointer,
/// fetch and check the digest.
pub fn access(node: &mut Node, fhir: &Fhir, requester: &str, patient: &Pseudonym, purpose_code: &str, out: &mut Out) -> Result<Vec<AccessOutcome>, CliError> {
    let requester = org(requester)?;
    let purpose = purpose(purpose_code)?;
    let keys = node.keys.org(&requester)?;
    let entries: Vec<Digest> = node.net.state().records_of_patient(patient).iter().filter(|r| r.superseded_by.is_none()).map(|r| r.id).collect();
    if entries.is_empty() {
        return Err(CliError::usage("the ledger holds no record of this patient".into()));
    }
    let mut outcomes = Vec::new();
    for entry in entries {
        let (request, decision) = fhirbus::access::request_access(node.net.state(), &requester, &keys.signing, &entry, purpose, now(), Node::nonce()?)?;
        node.commit(vec![request.clone()])?;
        if !decision.is_permit() {
            out.line(&format!("{requester} → entry {}…: DENIED ({})", &entry.to_hex()[..12], decision.explanation), json!({"entry": entry.to_hex(), "permitted": false, "why": decision.explanation}));
            outcomes.push(AccessOutcome { entry, permitted: false, fetched: None, explanation: decision.explanation });
            continue;
        }
        // The custodian releases only for a request the ledger holds and the consents permit.
        let custodian = node.net.state().record(&entry).map(|r| r.entry.entry.custodian.clone()).ok_or_else(|| CliError::usage("entry vanished".into()))?;
        let release = fhirbus::access::custodian_release(node.net.state(), &custodian, &request, now())?;
        let (patient_of, epoch) = node.net.state().record(&entry).map(|r| (r.entry.entry.patient, r.entry.entry.epoch)).ok_or_else(|| CliError::usage("entry vanished".into()))?;
        if node.net.state().data_key_share(&patient_of, &custodian, epoch, &requester).is_none() {
            // An emergency release: the custodian shares the key for this epoch now.
            share_key(node, &custodian, &patient_of, &requester, epoch)?;
        }
        let url = fhirbus::access::open_pointer(node.net.state(), &requester, &keys.encryption, &entry)?;
        let resource = fhir.get(&url)?;
        fhirbus::access::check_fetched(node.net.state(), &entry, &resource)?;
        let flag = if release.emergency { " under BREAK-THE-GLASS (patient will be notified)" } else { "" };
        out.line(
            &format!("{requester} → entry {}…: PERMITTED{flag}; fetched {url} and its digest matches", &entry.to_hex()[..12]),
            json!({"entry": entry.to_hex(), "permitted": true, "emergency": release.emergency, "url": url, "digest_ok": true, "why": decision.explanation}),
        );
        outcomes.push(AccessOutcome { entry, permitted: true, fetched: Some(resource), explanation: decision.explanation });
    }
    Ok(outcomes)
}

pub fn audit(node: &Node, patient: &Pseudonym, fhir_out: bool, out: &mut Out) {
    let events = node.net.state().audit_trail(patient);
    if fhir_out {
        let bundle = fhirbus::ledger::audit_fhir::trail_bundle(&events, node.net.state().chain());
        out.json_or_text(&bundle);
        return;
    }
    out.table(
        &["time", "height", "action", "actor", "purpose", "outcome"],
        events
            .iter()
            .map(|e| {
                vec![
                    fhirbus::ledger::audit_fhir::instant(e.time),
                    e.height.to_string(),
                    serde_json::to_value(e.action).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                    e.actor.as_ref().map(|o| o.to_string()).unwrap_or_else(|| "patient".into()),
                    e.purpose.clone().unwrap_or_default(),
                    match (e.permitted, e.emergency) {
                        (Some(true), true) => "permitted (emergency)".into(),
                        (Some(true), false) => "permitted".into(),
                        (Some(false), _) => "denied".into(),
                        _ => "".into(),
                    },
                ]
            })
            .collect(),
        serde_json::to_value(&events).unwrap_or_default(),
    );
}

pub fn export(node: &Node, patient: &Pseudonym, out: &mut Out) -> Result<(), CliError> {
    let state = node.net.state();
    let mut entries = Vec::new();
    for r in state.records_of_patient(patient) {
        let e = &r.entry.entry;
        entries.push(json!({"fullUrl": format!("urn:fhirbus:record-entry:{}", r.id.to_hex()), "resource": {
            "resourceType": "DocumentReference",
            "status": if r.superseded_by.is_some() { "superseded" } else { "current" },
            "identifier": [{"system": "urn:fhirbus:record-entry", "value": r.id.to_hex()}],
            "subject": {"identifier": {"system": "urn:fhirbus:pseudonym", "value": patient.to_text()}},
            "custodian": {"identifier": {"system": "urn:fhirbus:org", "value": e.custodian.as_str()}},
            "date": fhirbus::ledger::audit_fhir::instant(e.time),
            "content": [{"attachment": {"contentType": "application/fhir+json", "hash": base64_of(e.digest.as_bytes()), "title": e.resource_type.as_str()}}],
        }}));
    }
    for c in state.consents(patient) {
        let fhir: serde_json::Value = serde_json::from_slice(&c.to_fhir(fhirbus::consent::FhirVersion::R4)?)
            .map_err(|_| CliError::usage("consent export".into()))?;
        entries.push(json!({"fullUrl": format!("urn:fhirbus:consent:{}", c.id().as_str()), "resource": fhir}));
    }
    let trail = fhirbus::ledger::audit_fhir::trail_bundle(&state.audit_trail(patient), state.chain());
    if let Some(list) = trail.get("entry").and_then(|e| e.as_array()) {
        entries.extend(list.iter().cloned());
    }
    out.json_or_text(&json!({"resourceType": "Bundle", "type": "collection", "timestamp": fhirbus::ledger::audit_fhir::instant(now()), "entry": entries}));
    Ok(())
}

/// FHIR's base64Binary: standard base64 with padding.
fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn run(cli: Cli) -> Result<(), CliError> {
    let mut out = Out::new(cli.json);
    // Only the commands that reach FHIR servers read the CA file.
    let fhir = || Fhir::new(cli.fhir_ca.as_deref(), cli.fhir_roots);
    match cli.command {
        Command::Demo { fhir_a, fhir_b } => return demo::run(&cli.dir, &fhir()?, &fhir_a, &fhir_b, &mut out),
        Command::Create { members, validators, no_emergency_access } => create(&cli.dir, &members, validators, !no_emergency_access, &mut out)?,
        Command::Enrol { by, system, national_id } => {
            let mut node = Node::open(&cli.dir)?;
            enrol(&mut node, &by, &system, &national_id, &mut out)?;
        }
        Command::Register { custodian, patient, url, file } => {
            let mut node = Node::open(&cli.dir)?;
            register(&mut node, &fhir()?, &custodian, &pseudonym(&patient)?, &url, file.as_deref(), &mut out)?;
        }
        Command::Grant { patient, to, purpose, classes, id } => {
            let mut node = Node::open(&cli.dir)?;
            grant(&mut node, &pseudonym(&patient)?, &to, &purpose, &classes, &id, &mut out)?;
        }
        Command::Revoke { patient, id } => {
            let mut node = Node::open(&cli.dir)?;
            revoke(&mut node, &pseudonym(&patient)?, &id, &mut out)?;
        }
        Command::Access { requester, patient, purpose } => {
            let mut node = Node::open(&cli.dir)?;
            let outcomes = access(&mut node, &fhir()?, &requester, &pseudonym(&patient)?, &purpose, &mut out)?;
            if outcomes.iter().all(|o| !o.permitted) {
                return Err(CliError { message: "access denied to every record".into(), code: 5 });
            }
        }
        Command::Audit { patient, fhir } => {
            let node = Node::open(&cli.dir)?;
            audit(&node, &pseudonym(&patient)?, fhir, &mut out);
        }
        Command::Export { patient } => {
            let node = Node::open(&cli.dir)?;
            export(&node, &pseudonym(&patient)?, &mut out)?;
        }
        Command::Verify => {
            let mut node = Node::open(&cli.dir)?;
            let root = node.net.state_mut().state_root();
            let recovered = if node.recovered_bytes > 0 { format!(" (cut a torn tail of {} bytes)", node.recovered_bytes) } else { String::new() };
            out.line(
                &format!("chain `{}` verified: {} blocks, every quorum, signature and rule checked; state root {}{recovered}", node.genesis.chain, node.net.state().height(), root),
                json!({"chain": node.genesis.chain, "height": node.net.state().height(), "state_root": root.to_hex(), "recovered_bytes": node.recovered_bytes}),
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                println!("{}", json!({"error": e.message, "exit": e.code}));
            } else {
                eprintln!("fhirbus: {}", e.message);
            }
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pseudonym is base64url, so one in 64 starts with `-`; it must still parse as the value
    /// of `--patient`, not as an option.
    #[test]
    fn a_pseudonym_starting_with_a_hyphen_is_a_value() {
        let p = "-7abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP";
        for args in [
            vec!["fhirbus", "audit", "--patient", p],
            vec!["fhirbus", "export", "--patient", p],
            vec!["fhirbus", "revoke", "--patient", p, "--id", "c1"],
            vec!["fhirbus", "grant", "--patient", p, "--to", "hospital-b", "--id", "c1"],
            vec!["fhirbus", "access", "--requester", "hospital-b", "--patient", p],
            vec!["fhirbus", "register", "--custodian", "hospital-a", "--patient", p, "--url", "http://x/Observation/1/_history/1"],
        ] {
            let cli = Cli::try_parse_from(&args).map_err(|e| e.to_string());
            let patient = match cli.map(|c| c.command) {
                Ok(Command::Audit { patient, .. } | Command::Export { patient } | Command::Revoke { patient, .. } | Command::Grant { patient, .. } | Command::Access { patient, .. } | Command::Register { patient, .. }) => patient,
                Ok(_) => String::from("another command"),
                Err(e) => e,
            };
            assert_eq!(patient, p, "{args:?}");
        }
    }
}
