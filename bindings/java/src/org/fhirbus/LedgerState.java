package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.cstr;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * A ledger state: block validation, the state queries and proofs (every view is JSON), and the
 * access flow on it. Queries run concurrently; {@link #applyBlock}, {@link #stateRoot} and
 * {@link #prove} are serialized with them by the library.
 */
public final class LedgerState extends Handle {
  LedgerState(com.sun.jna.Pointer pointer) {
    super(pointer, Lib.C::fhirbus_ledger_state_free);
  }

  /** The state a genesis document (JSON) founds. */
  public static LedgerState fromGenesis(byte[] genesis) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_ledger_state_from_genesis(genesis, len(genesis), ref));
    return new LedgerState(ref.getValue());
  }

  /**
   * Validate and apply a block (its encoding); returns the events it produced (JSON). A block
   * that is refused leaves the state as it was.
   */
  public byte[] applyBlock(byte[] block) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_apply_block(ptr(), block, len(block), out));
    return Fhirbus.take(out);
  }

  public long height() {
    LongByReference out = new LongByReference();
    check(Lib.C.fhirbus_ledger_state_height(ptr(), out));
    return out.getValue();
  }

  /** The state commitment (32 bytes). */
  public byte[] stateRoot() {
    byte[] out = new byte[Fhirbus.DIGEST_LEN];
    check(Lib.C.fhirbus_ledger_state_state_root(ptr(), out, len(out)));
    return out;
  }

  /** The hash the next block must link to (32 bytes). */
  public byte[] lastHash() {
    byte[] out = new byte[Fhirbus.DIGEST_LEN];
    check(Lib.C.fhirbus_ledger_state_last_hash(ptr(), out, len(out)));
    return out;
  }

  public String chain() {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_chain(ptr(), out));
    return Fhirbus.takeText(out);
  }

  /** Every record entry of the patient (JSON). */
  public byte[] records(byte[] patient) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_records(ptr(), patient, len(patient), out));
    return Fhirbus.take(out);
  }

  /** The patient's entries {@code requester} may open for {@code purpose} now, with decisions (JSON). */
  public byte[] visibleRecords(String requester, byte[] patient, String purpose, long nowMs) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_visible_records(ptr(), cstr(requester), patient, len(patient), cstr(purpose),
        nowMs, out));
    return Fhirbus.take(out);
  }

  /** The patient's consents, each in its canonical encoding (JSON array). */
  public byte[] consents(byte[] patient) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_consents(ptr(), patient, len(patient), out));
    return Fhirbus.take(out);
  }

  /** The patient's audit trail (JSON events). */
  public byte[] audit(byte[] patient) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_audit(ptr(), patient, len(patient), out));
    return Fhirbus.take(out);
  }

  /** The patient's audit trail as a FHIR R4 Bundle of AuditEvents (JSON). */
  public byte[] auditFhir(byte[] patient) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_audit_fhir(ptr(), patient, len(patient), out));
    return Fhirbus.take(out);
  }

  /** An organisation's own actions (JSON events). */
  public byte[] orgActions(String org) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_org_actions(ptr(), cstr(org), out));
    return Fhirbus.take(out);
  }

  /** A member's view (JSON; {@code null} when unknown). */
  public byte[] member(String org) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_member(ptr(), cstr(org), out));
    return Fhirbus.take(out);
  }

  /**
   * An active member's primary key of {@code purpose} ("signing" or "encryption"), SEC1 (65
   * bytes): the key a data key share is wrapped to.
   */
  public byte[] memberPrimaryKey(String org, String purpose) {
    byte[] out = new byte[Fhirbus.PUBLIC_KEY_LEN];
    check(Lib.C.fhirbus_ledger_state_member_primary_key(ptr(), cstr(org), cstr(purpose), out, len(out)));
    return out;
  }

  /** The current data key epoch of {@code custodian} for the patient: what a new entry is sealed under. */
  public int dataKeyEpoch(byte[] patient, String custodian) {
    IntByReference out = new IntByReference();
    check(Lib.C.fhirbus_ledger_state_data_key_epoch(ptr(), patient, len(patient), cstr(custodian), out));
    return out.getValue();
  }

  /**
   * A proof of an item against the state root: {@code {"root":hex,"value":hex?,"proof":{..}}}.
   * {@code kind}: record (id: entry id hex), member (org), patient (pseudonym base64url),
   * consent ({@code <pseudonym>/<consent id>}).
   */
  public byte[] prove(String kind, String id) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_ledger_state_prove(ptr(), cstr(kind), cstr(id), out));
    return Fhirbus.take(out);
  }

  /**
   * The signed access request of {@code requester} for the entry {@code entryId} (32 bytes) for
   * {@code purpose} at {@code nowMs}, with the decision this state gives it.
   */
  public AccessRequest requestAccess(String requester, SigningKey key, byte[] entryId, String purpose, long nowMs) {
    Lib.Buffer tx = new Lib.Buffer();
    Lib.Buffer decision = new Lib.Buffer();
    check(Lib.C.fhirbus_request_access(ptr(), cstr(requester), Fhirbus.ptr(key), entryId, len(entryId), cstr(purpose),
        nowMs, tx, decision));
    return new AccessRequest(Fhirbus.take(tx), Fhirbus.take(decision));
  }

  /** Open the entry's pointer with the data key shared to {@code requester}, unwrapped with {@code key}. */
  public String openPointer(String requester, EncryptionKey key, byte[] entryId) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_open_pointer(ptr(), cstr(requester), Fhirbus.ptr(key), entryId, len(entryId), out));
    return Fhirbus.takeText(out);
  }

  /** Check a fetched resource (JSON) against the entry (DIGEST_MISMATCH when it differs). */
  public void checkFetched(byte[] entryId, byte[] resource) {
    check(Lib.C.fhirbus_check_fetched(ptr(), entryId, len(entryId), resource, len(resource)));
  }

  /** Whether {@code custodian} may release what a committed access request asks for (JSON release). */
  public byte[] custodianRelease(String custodian, byte[] request, long nowMs) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_custodian_release(ptr(), cstr(custodian), request, len(request), nowMs, out));
    return Fhirbus.take(out);
  }
}
