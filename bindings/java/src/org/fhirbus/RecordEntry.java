package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.cstr;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/** A decoded, signed record entry (immutable). */
public final class RecordEntry extends Handle {
  private RecordEntry(PointerByReference ref) {
    super(ref.getValue(), Lib.C::fhirbus_record_entry_free);
  }

  /**
   * Build an entry, seal its pointer under {@code dataKey}, sign it with the custodian's key, and
   * return its canonical encoding.
   */
  public static byte[] sealAndSign(String custodian, byte[] patient, String resourceType, byte[] digest, int epoch,
      long timeMs, String pointerUrl, DataKey dataKey, SigningKey signingKey) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_record_entry_seal_and_sign(cstr(custodian), patient, len(patient), cstr(resourceType), digest,
        len(digest), epoch, timeMs, cstr(pointerUrl), dataKey.ptr(), signingKey.ptr(), out));
    return Fhirbus.take(out);
  }

  /** Strict decoding (the signature is not checked: see {@link #verify}). */
  public static RecordEntry decode(byte[] encoded) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_record_entry_decode(encoded, len(encoded), ref));
    return new RecordEntry(ref);
  }

  public byte[] encode() {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_record_entry_encode(ptr(), out));
    return Fhirbus.take(out);
  }

  public String custodian() {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_record_entry_custodian(ptr(), out));
    return Fhirbus.takeText(out);
  }

  public String resourceType() {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_record_entry_resource_type(ptr(), out));
    return Fhirbus.takeText(out);
  }

  public byte[] patient() {
    byte[] out = new byte[Fhirbus.PSEUDONYM_LEN];
    check(Lib.C.fhirbus_record_entry_patient(ptr(), out, len(out)));
    return out;
  }

  public byte[] digest() {
    byte[] out = new byte[Fhirbus.DIGEST_LEN];
    check(Lib.C.fhirbus_record_entry_digest(ptr(), out, len(out)));
    return out;
  }

  public byte[] keyId() {
    byte[] out = new byte[Fhirbus.KEY_ID_LEN];
    check(Lib.C.fhirbus_record_entry_key_id(ptr(), out, len(out)));
    return out;
  }

  /** The data key epoch (an unsigned 32-bit number). */
  public long epoch() {
    IntByReference out = new IntByReference();
    check(Lib.C.fhirbus_record_entry_epoch(ptr(), out));
    return Integer.toUnsignedLong(out.getValue());
  }

  public long timeMs() {
    LongByReference out = new LongByReference();
    check(Lib.C.fhirbus_record_entry_time_ms(ptr(), out));
    return out.getValue();
  }

  /** Check the signature with the custodian's SEC1 public key. */
  public void verify(byte[] publicKey) {
    check(Lib.C.fhirbus_record_entry_verify(ptr(), publicKey, len(publicKey)));
  }

  /** Check the signature against the custodian's key set at the entry's time. */
  public void verify(KeySet keySet) {
    check(Lib.C.fhirbus_record_entry_verify_with_key_set(ptr(), keySet.ptr()));
  }

  public String openPointer(DataKey dataKey) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_record_entry_open_pointer(ptr(), dataKey.ptr(), out));
    return Fhirbus.takeText(out);
  }

  /** Check a fetched FHIR resource against the entry (DIGEST_MISMATCH when it differs). */
  public void checkResource(byte[] json) {
    check(Lib.C.fhirbus_record_entry_check_resource(ptr(), json, len(json)));
  }
}
