//! The access flow on a ledger state: the requester's signed access request with its decision,
//! opening a pointer with the shared data key, checking a fetched resource; the custodian's
//! release decision.

use std::ffi::c_char;

use fhirbus::ledger::SignedTransaction;
use fhirbus::random::OsRandom;
use fhirbus::{Digest, OrgId, RandomSource, Timestamp, access, host};

use crate::conv::{self, Res, fhirbus_buffer};
use crate::error::fhirbus_result;
use crate::ledger::fhirbus_ledger_state;
use crate::signing::fhirbus_signing_key;
use crate::wrap::fhirbus_encryption_key;

/// # Safety
/// The header's contract for input buffers.
unsafe fn entry_id(ptr: *const u8, len: usize) -> Res<Digest> {
    // SAFETY: passed on from this function's own contract.
    Digest::from_slice(unsafe { conv::bytes(ptr, len, "entry")? })
}

/// Requester: the signed access request of `requester` (a member, signing with its key
/// `signing_key`) for the record entry `entry` (its 32-byte id) for `purpose` (a v3 ActReason
/// code; `ETREAT` or `BTG` to break the glass) at `now_ms`, carrying the decision the state
/// gives (validators recompute it). Writes the signed transaction's encoding to `*tx_out`
/// (submit it whatever the decision: a denied request belongs in the audit trail too) and the
/// decision as JSON (as `fhirbus_decide` writes it) to `*decision_out`. The transaction's nonce
/// comes from the operating system's randomness.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_request_access(
    state: *const fhirbus_ledger_state,
    requester: *const c_char,
    signing_key: *const fhirbus_signing_key,
    entry: *const u8,
    entry_len: usize,
    purpose: *const c_char,
    now_ms: u64,
    tx_out: *mut fhirbus_buffer,
    decision_out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings, input buffers and out-parameters.
        let (requester, entry, purpose, tx_out, decision_out) = unsafe {
            (
                conv::text(requester, "requester")?,
                entry_id(entry, entry_len)?,
                conv::text(purpose, "purpose")?,
                conv::out(tx_out, "tx_out")?,
                conv::out(decision_out, "decision_out")?,
            )
        };
        let requester = OrgId::new(requester)?;
        let purpose = host::purpose(purpose)?;
        let key = conv::handle(signing_key, "signing_key")?;
        let state = conv::handle(state, "state")?;
        let mut nonce = [0u8; 16];
        OsRandom.fill(&mut nonce)?;
        let (tx, decision) =
            access::request_access(&state.read(), &requester, &key.key, &entry, purpose, Timestamp::from_millis(now_ms), nonce)?;
        let (tx, decision) = (tx.encode()?, host::decision_json(&decision)?);
        tx_out.write_bytes(tx);
        decision_out.write_bytes(decision);
        Ok(())
    })
}

/// Requester: open the pointer of the record entry `entry` (its 32-byte id) with the data key
/// its custodian shared to `requester` for the entry's epoch, unwrapped with the requester's
/// `encryption_key`. The URL (a FHIR versioned read URL) goes to `*url_out`.
/// `FHIRBUS_NO_DATA_KEY_SHARE` when no key was shared to the requester for that epoch.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_open_pointer(
    state: *const fhirbus_ledger_state,
    requester: *const c_char,
    encryption_key: *const fhirbus_encryption_key,
    entry: *const u8,
    entry_len: usize,
    url_out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings, input buffers and out-parameters.
        let (requester, entry, url_out) =
            unsafe { (conv::text(requester, "requester")?, entry_id(entry, entry_len)?, conv::out(url_out, "url_out")?) };
        let requester = OrgId::new(requester)?;
        let key = conv::handle(encryption_key, "encryption_key")?;
        let state = conv::handle(state, "state")?;
        let url = access::open_pointer(&state.read(), &requester, &key.key, &entry)?;
        url_out.write_bytes(url.into_bytes());
        Ok(())
    })
}

/// Requester: check a fetched FHIR resource (JSON) against the record entry `entry` (its
/// 32-byte id) on the ledger: its resource type and content digest. `FHIRBUS_DIGEST_MISMATCH`
/// when it differs.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_check_fetched(
    state: *const fhirbus_ledger_state,
    entry: *const u8,
    entry_len: usize,
    resource: *const u8,
    resource_len: usize,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for input buffers.
        let (entry, resource) = unsafe { (entry_id(entry, entry_len)?, conv::bytes(resource, resource_len, "resource")?) };
        access::check_fetched(&conv::handle(state, "state")?.read(), &entry, resource)
    })
}

/// Custodian: whether `custodian` may release the record a committed access request (the
/// signed transaction's encoding, as `fhirbus_request_access` wrote it) asks for, at `now_ms`.
/// The request must be on the ledger (`FHIRBUS_NOT_ON_LEDGER`), for one of this custodian's
/// entries, recorded as permitted and still permitted by the consents now
/// (`FHIRBUS_ACCESS_DENIED`). Writes the release as JSON to `*out`:
/// `{"entry":hex,"requester":org,"emergency":bool,"obligations":{"audit":bool,"notifyPatient":bool}}`.
///
/// # Safety
/// See the header's conventions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_custodian_release(
    state: *const fhirbus_ledger_state,
    custodian: *const c_char,
    request: *const u8,
    request_len: usize,
    now_ms: u64,
    out: *mut fhirbus_buffer,
) -> fhirbus_result {
    conv::call(|| {
        // SAFETY: the header's contract for strings, input buffers and out-parameters.
        let (custodian, request, out) =
            unsafe { (conv::text(custodian, "custodian")?, conv::bytes(request, request_len, "request")?, conv::out(out, "out")?) };
        let custodian = OrgId::new(custodian)?;
        let request = SignedTransaction::decode(request)?;
        let state = conv::handle(state, "state")?;
        let release = access::custodian_release(&state.read(), &custodian, &request, Timestamp::from_millis(now_ms))?;
        out.write_bytes(host::release_json(&release)?);
        Ok(())
    })
}
