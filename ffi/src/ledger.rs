//! The ledger: the state a chain of blocks founds (block validation, the state queries, proofs
//! for light clients), transactions, and the embedded network. Every view is JSON shaped by
//! `fhirbus::host`; enumerations (purposes of use, proof kinds) are its text codes.

use std::ffi::c_char;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use fhirbus::Digest;
use fhirbus::{OrgId, Timestamp};
use fhirbus::host;
use fhirbus::ledger::{Block, EmbeddedNetwork, Genesis, SignedTransaction, State, validate_and_apply_in_place_then};
use fhirbus::pseudonym::Pseudonym;
use fhirbus::signature::SigningKey;

use crate::{FHIRBUS_DIGEST_LEN, FHIRBUS_PUBLIC_KEY_LEN};
use crate::conv::{self, Res, fhirbus_buffer};
use crate::error::fhirbus_result;
use crate::signing::fhirbus_signing_key;

/// A ledger state (opaque): what a node holds after applying a chain of blocks. Thread-safe:
/// queries run concurrently; `fhirbus_ledger_state_apply_block`, `_state_root` and `_prove`
/// (which update the state commitment's cache) take an internal lock and are serialized with
/// them.
pub struct fhirbus_ledger_state {
    state: RwLock<State>,
}

impl fhirbus_ledger_state {
    pub(crate) fn new(state: State) -> Self {
        Self { state: RwLock::new(state) }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while the lock was held cannot leave the state half-changed: a block is
        // applied to a copy that replaces the state in one assignment, and the commitment's
        // cache is recomputed on demand.
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An embedded network (opaque): in-process validators that order submitted transactions
/// into blocks, sign and apply them. Thread-safe: every call takes an internal lock, so calls
/// on one network are serialized.
pub struct fhirbus_embedded_network {
    net: Mutex<EmbeddedNetwork>,
}

impl fhirbus_embedded_network {
    fn lock(&self) -> MutexGuard<'_, EmbeddedNetwork> {
        // As for the ledger state: the network replaces its state in one assignment.
        self.net.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// # Safety
/// The header's contract for input buffers.
unsafe fn patient(ptr: *const u8, len: usize) -> Res<Pseudonym> {
    // SAFETY: passed on from this function's own contract.
    Pseudonym::from_slice(unsafe { conv::bytes(ptr, len, "patient")? })
}

/// A query of one patient's part of the state, its JSON written to `out`.
///
/// # Safety
/// The header's contract for input buffers and out-parameters.
unsafe fn patient_query(
    state: *const fhirbus_ledger_state,
    patient: *const u8,
    patient_len: usize,
    out: *mut fhirbus_buffer,
    query: fn(&State, &Pseudonym) -> fhirbus::Result<Vec<u8>>,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: passed on from this function's own contract.
        let (patient, out) = unsafe { (self::patient(patient, patient_len)?, conv::out(out, "out")?) };
        out.write_bytes(query(&conv::handle(state, "state")?.read(), &patient)?);
        Ok(())
    })
}

/// A query of one organisation's part of the state, its JSON written to `out`.
///
/// # Safety
/// The header's contract for strings and out-parameters.
unsafe fn org_query(
    state: *const fhirbus_ledger_state,
    org: *const c_char,
    out: *mut fhirbus_buffer,
    query: fn(&State, &str) -> fhirbus::Result<Vec<u8>>,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: passed on from this function's own contract.
        let (org, out) = unsafe { (conv::text(org, "org")?, conv::out(out, "out")?) };
        out.write_bytes(query(&conv::handle(state, "state")?.read(), org)?);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Ledger state.

/// The state a genesis document founds (the genesis JSON: chain id, time, members, council,
/// validators, policy; at most 1 MiB, decoded strictly). Free it with
/// `fhirbus_ledger_state_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_from_genesis(
    genesis: *const u8,
    genesis_len: usize,
    out: *mut *mut fhirbus_ledger_state,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (genesis, out) = unsafe { (conv::bytes(genesis, genesis_len, "genesis")?, conv::out(out, "out")?) };
        let state = State::genesis(&Genesis::decode(genesis)?)?;
        out.write(conv::handle_new(fhirbus_ledger_state::new(state)));
        Ok(())
    })
}

/// Free a ledger state (NULL, or a handle already freed: nothing happens).
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_ledger_state_free(state: *mut fhirbus_ledger_state) {
    conv::call_or((), || conv::handle_free(state));
}

/// Validate an encoded block (structure, every signature and the quorum, each transaction
/// against the state) and apply it. On success the state moves to the block and the events it
/// produced go to `*events_out` as a JSON array of audit events; on failure the state is left
/// exactly as it was (`FHIRBUS_BAD_SIGNATURE` for a short or forged quorum,
/// `FHIRBUS_INVALID_VALUE` for a block that does not link, ...).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_apply_block(
    state: *mut fhirbus_ledger_state,
    block: *const u8,
    block_len: usize,
    events_out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers and out-parameters.
        let (block, events_out) = unsafe { (conv::bytes(block, block_len, "block")?, conv::out(events_out, "events_out")?) };
        let block = Block::decode(block)?;
        let handle = conv::handle(state.cast_const(), "state")?;
        let mut state = handle.write();
        let events = validate_and_apply_in_place_then(&mut state, &block, |events| host::events_json(&events))?;
        events_out.write_bytes(events);
        Ok(())
    })
}

/// The height of the last applied block (0 at genesis).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_height(state: *const fhirbus_ledger_state, out: *mut u64) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write(conv::handle(state, "state")?.read().height());
        Ok(())
    })
}

/// The state commitment (`FHIRBUS_DIGEST_LEN` bytes): the root a block header commits to and
/// proofs are checked against.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_state_root(
    state: *const fhirbus_ledger_state,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_DIGEST_LEN, "out")? };
        out.write(conv::handle(state, "state")?.write().state_root().as_bytes());
        Ok(())
    })
}

/// The hash the next block must link to (`FHIRBUS_DIGEST_LEN` bytes).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_last_hash(
    state: *const fhirbus_ledger_state,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for output buffers.
        let out = unsafe { conv::out_bytes(out, out_len, FHIRBUS_DIGEST_LEN, "out")? };
        out.write(conv::handle(state, "state")?.read().last_hash().as_bytes());
        Ok(())
    })
}

/// The chain id, into `*out` (text).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_chain(state: *const fhirbus_ledger_state, out: *mut fhirbus_buffer) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        out.write_bytes(conv::handle(state, "state")?.read().chain().as_bytes().to_vec());
        Ok(())
    })
}

/// Every record entry of the patient (32-byte pseudonym), superseded ones included, in
/// registration order, as JSON: `[{"id":hex,"entry":<signed entry>,"supersededBy":hex?}...]`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_records(
    state: *const fhirbus_ledger_state,
    patient: *const u8,
    patient_len: usize,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    // SAFETY: passed on from this function's own contract.
    unsafe { patient_query(state, patient, patient_len, out, host::records_json) }
}

/// The patient's current entries that `requester` may open for `purpose` (a v3 ActReason
/// code) at `now_ms`, each with the decision that permits it, as JSON:
/// `[{"record":{...},"decision":{...}}...]`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_visible_records(
    state: *const fhirbus_ledger_state,
    requester: *const c_char,
    patient: *const u8,
    patient_len: usize,
    purpose: *const c_char,
    now_ms: u64,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, strings and out-parameters.
        let (requester, patient, purpose, out) = unsafe {
            (
                conv::text(requester, "requester")?,
                self::patient(patient, patient_len)?,
                conv::text(purpose, "purpose")?,
                conv::out(out, "out")?,
            )
        };
        let state = conv::handle(state, "state")?;
        out.write_bytes(host::visible_records_json(&state.read(), requester, &patient, purpose, Timestamp::from_millis(now_ms))?);
        Ok(())
    })
}

/// The patient's consents (revoked ones included), each in its canonical encoding, as a JSON
/// array.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_consents(
    state: *const fhirbus_ledger_state,
    patient: *const u8,
    patient_len: usize,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    // SAFETY: passed on from this function's own contract.
    unsafe { patient_query(state, patient, patient_len, out, host::consents_json) }
}

/// The patient's audit trail (who asked for what, when, for which purpose, with what decision)
/// as a JSON array of events.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_audit(
    state: *const fhirbus_ledger_state,
    patient: *const u8,
    patient_len: usize,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    // SAFETY: passed on from this function's own contract.
    unsafe { patient_query(state, patient, patient_len, out, host::audit_json) }
}

/// The patient's audit trail as a FHIR R4 Bundle of AuditEvent resources (emergency access
/// marked with ETREAT and DICOM 110127 "Emergency Override Started").
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_audit_fhir(
    state: *const fhirbus_ledger_state,
    patient: *const u8,
    patient_len: usize,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    // SAFETY: passed on from this function's own contract.
    unsafe { patient_query(state, patient, patient_len, out, host::audit_fhir_json) }
}

/// An organisation's own actions as a JSON array of events.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_org_actions(
    state: *const fhirbus_ledger_state,
    org: *const c_char,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    // SAFETY: passed on from this function's own contract.
    unsafe { org_query(state, org, out, host::org_actions_json) }
}

/// A member's view as JSON (its name, keys with their history, admission and removal times),
/// or `null` when `org` is no member.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_member(
    state: *const fhirbus_ledger_state,
    org: *const c_char,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    // SAFETY: passed on from this function's own contract.
    unsafe { org_query(state, org, out, host::member_json) }
}

/// An active member's primary key of `purpose` (`"signing"` or `"encryption"`, the codes the
/// transactions use), uncompressed SEC1 (`FHIRBUS_PUBLIC_KEY_LEN` bytes): the key a data key
/// share must be wrapped to. `FHIRBUS_INVALID_VALUE` when `org` is no active member.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_member_primary_key(
    state: *const fhirbus_ledger_state,
    org: *const c_char,
    purpose: *const c_char,
    out: *mut u8,
    out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings and output buffers.
        let (org, purpose, out) =
            unsafe { (conv::text(org, "org")?, conv::text(purpose, "purpose")?, conv::out_bytes(out, out_len, FHIRBUS_PUBLIC_KEY_LEN, "out")?) };
        out.write(&host::member_primary_key(&conv::handle(state, "state")?.read(), org, purpose)?);
        Ok(())
    })
}

/// The current data key epoch of `custodian` for the patient (32-byte pseudonym), into
/// `*out`: the epoch a new record entry is sealed under (1 until the custodian rotates it).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_data_key_epoch(
    state: *const fhirbus_ledger_state,
    patient: *const u8,
    patient_len: usize,
    custodian: *const c_char,
    out: *mut u32,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, strings and out-parameters.
        let (patient, custodian, out) = unsafe { (self::patient(patient, patient_len)?, conv::text(custodian, "custodian")?, conv::out(out, "out")?) };
        out.write(conv::handle(state, "state")?.read().epoch(&patient, &OrgId::new(custodian)?));
        Ok(())
    })
}

/// A proof, for a light client, that an item is (or is not) under the current state root.
/// `kind` and `id`: `record` and the entry id in hex, `member` and the organisation id,
/// `patient` and the pseudonym in base64url, or `consent` and `<pseudonym>/<consent id>`.
/// Writes `{"root":hex,"value":hex?,"proof":{...}}` to `*out` (`value`, the item's value hash,
/// is absent when the item is). An entry never registered has no proof:
/// `FHIRBUS_INVALID_VALUE`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_ledger_state_prove(
    state: *const fhirbus_ledger_state,
    kind: *const c_char,
    id: *const c_char,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings and out-parameters.
        let (kind, id, out) = unsafe { (conv::text(kind, "kind")?, conv::text(id, "id")?, conv::out(out, "out")?) };
        out.write_bytes(host::prove_json(&mut conv::handle(state, "state")?.write(), kind, id)?);
        Ok(())
    })
}

/// A light client's check, with no ledger state: the proof (the `proof` member of what
/// `fhirbus_ledger_state_prove` writes, as JSON) shows that the item whose value hash is
/// `value` (32 bytes, computed by the caller from the answer it was given) is under the
/// trusted state `root` (32 bytes, from a block header). `FHIRBUS_OK` when it does;
/// `FHIRBUS_BAD_SIGNATURE` when it does not. With `value_len` 0 (`value` may then be NULL),
/// `FHIRBUS_INVALID_VALUE`: an absence names no value, so it is checked by
/// `fhirbus_verify_absence`, naming its item.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_verify_proof(
    root: *const u8,
    root_len: usize,
    proof: *const u8,
    proof_len: usize,
    value: *const u8,
    value_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers (a zero length is never read).
        let (root, proof, value) = unsafe {
            (
                conv::bytes(root, root_len, "root")?,
                conv::bytes(proof, proof_len, "proof")?,
                if value_len == 0 { None } else { Some(conv::bytes(value, value_len, "value")?) },
            )
        };
        let value = value.map(Digest::from_slice).transpose()?;
        host::verify_proof(&Digest::from_slice(root)?, proof, value.as_ref())
    })
}

/// A light client's check, with no ledger state: the proof (as for `fhirbus_verify_proof`)
/// shows the item `kind` / `id` (as for `fhirbus_ledger_state_prove`: `member`, `patient` or
/// `consent`) absent under the trusted state `root` (32 bytes). `FHIRBUS_OK` when it does;
/// `FHIRBUS_BAD_SIGNATURE` when it does not, as when the proof is about another item;
/// `FHIRBUS_INVALID_VALUE` for kind `record`, whose absence has no proof.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_verify_absence(
    root: *const u8,
    root_len: usize,
    kind: *const c_char,
    id: *const c_char,
    proof: *const u8,
    proof_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings and input buffers.
        let (root, kind, id, proof) = unsafe {
            (conv::bytes(root, root_len, "root")?, conv::text(kind, "kind")?, conv::text(id, "id")?, conv::bytes(proof, proof_len, "proof")?)
        };
        host::verify_absence(&Digest::from_slice(root)?, kind, id, proof)
    })
}

// ---------------------------------------------------------------------------------------------
// Transactions.

/// Sign an unsigned transaction, given as JSON (`{"v":1,"chain":..,"time":ms,"nonce":base64url
/// of 16 bytes,"body":{"type":"enrol_patient",...}}`, at most 64 KiB), with each of the keys
/// `keys[0..keys_count]` in order (a list of handles: the signers its kind needs, a member, a
/// patient, a council quorum). Writes the signed transaction's canonical encoding to `*out`,
/// ready for `fhirbus_embedded_network_submit`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_transaction_sign(
    tx: *const u8,
    tx_len: usize,
    keys: *const *const fhirbus_signing_key,
    keys_count: usize,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, lists and out-parameters.
        let (tx, keys, out) =
            unsafe { (conv::bytes(tx, tx_len, "tx")?, conv::handles(keys, keys_count, "keys")?, conv::out(out, "out")?) };
        let keys: Vec<&SigningKey> = keys.iter().map(|k| &k.key).collect();
        out.write_bytes(host::sign_transaction(tx, &keys)?);
        Ok(())
    })
}

/// The transaction that registers a signed record entry (its encoding, as
/// `fhirbus_record_entry_seal_and_sign` writes it) on `chain`, into `*out`. The entry's own
/// signature authorizes it: the transaction carries no other.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_transaction_register_record(
    chain: *const c_char,
    entry: *const u8,
    entry_len: usize,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings, input buffers and out-parameters.
        let (chain, entry, out) =
            unsafe { (conv::text(chain, "chain")?, conv::bytes(entry, entry_len, "entry")?, conv::out(out, "out")?) };
        out.write_bytes(host::register_record_transaction(chain, entry)?);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// The embedded network.

/// A network at the genesis `genesis` (JSON), run in this process by the validator keys
/// `validators[0..validators_count]` (a list of handles: the genesis validators, or at least a
/// quorum of them; the network keeps copies, so the handles may be freed afterwards).
/// `FHIRBUS_UNKNOWN_KEY` when they are not. Free it with `fhirbus_embedded_network_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_embedded_network_new(
    genesis: *const u8,
    genesis_len: usize,
    validators: *const *const fhirbus_signing_key,
    validators_count: usize,
    out: *mut *mut fhirbus_embedded_network,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers, lists and out-parameters.
        let (genesis, validators, out) = unsafe {
            (
                conv::bytes(genesis, genesis_len, "genesis")?,
                conv::handles(validators, validators_count, "validators")?,
                conv::out(out, "out")?,
            )
        };
        let keys: Vec<&SigningKey> = validators.iter().map(|k| &k.key).collect();
        let net = host::embedded_network(genesis, &keys)?;
        out.write(conv::handle_new(fhirbus_embedded_network { net: Mutex::new(net) }));
        Ok(())
    })
}

/// Free an embedded network (NULL, or a handle already freed: nothing happens). Its keys are
/// zeroized.
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_embedded_network_free(net: *mut fhirbus_embedded_network) {
    conv::call_or((), || conv::handle_free(net));
}

/// Queue a signed transaction (its encoding) for the next block, after checking that it would
/// apply at `now_ms` (a bad transaction is refused here, with its code, rather than dropped
/// later). Writes its transaction id (`FHIRBUS_DIGEST_LEN` bytes) to `tx_id_out`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_embedded_network_submit(
    net: *mut fhirbus_embedded_network,
    tx: *const u8,
    tx_len: usize,
    now_ms: u64,
    tx_id_out: *mut u8,
    tx_id_out_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input and output buffers.
        let (tx, tx_id_out) = unsafe {
            (conv::bytes(tx, tx_len, "tx")?, conv::out_bytes(tx_id_out, tx_id_out_len, FHIRBUS_DIGEST_LEN, "tx_id_out")?)
        };
        let tx = SignedTransaction::decode(tx)?;
        let id = conv::handle(net.cast_const(), "net")?.lock().submit(tx, Timestamp::from_millis(now_ms))?;
        tx_id_out.write(id.as_bytes());
        Ok(())
    })
}

/// Order the pending transactions into a block at `now_ms` (or the last block's time, if
/// later), sign it with every validator, validate and apply it. Writes the block's encoding to
/// `*block_out`, for the host's log and for other nodes (`fhirbus_ledger_state_apply_block`).
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_embedded_network_produce_block(
    net: *mut fhirbus_embedded_network,
    now_ms: u64,
    block_out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let block_out = unsafe { conv::out(block_out, "block_out")? };
        let (block, _events) = conv::handle(net.cast_const(), "net")?.lock().produce_block(Timestamp::from_millis(now_ms))?;
        block_out.write_bytes(block.encode()?);
        Ok(())
    })
}

/// A snapshot of the network's current state, as a new ledger state handle (later blocks do
/// not change it). Free it with `fhirbus_ledger_state_free`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_embedded_network_state(
    net: *const fhirbus_embedded_network,
    out: *mut *mut fhirbus_ledger_state,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for out-parameters.
        let out = unsafe { conv::out(out, "out")? };
        let state = conv::handle(net, "net")?.lock().state().clone();
        out.write(conv::handle_new(fhirbus_ledger_state::new(state)));
        Ok(())
    })
}
