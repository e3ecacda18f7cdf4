package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.cstr;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.PointerByReference;

/** The network's pseudonym key. */
public final class PseudonymKey extends Handle {
  private PseudonymKey(PointerByReference ref) {
    super(ref.getValue(), Lib.C::fhirbus_pseudonym_key_free);
  }

  public static PseudonymKey generate() {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_pseudonym_key_generate(ref));
    return new PseudonymKey(ref);
  }

  public static PseudonymKey fromBytes(byte[] key) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_pseudonym_key_from_bytes(key, len(key), ref));
    return new PseudonymKey(ref);
  }

  public byte[] toBytes() {
    byte[] out = new byte[Fhirbus.SYMMETRIC_KEY_LEN];
    check(Lib.C.fhirbus_pseudonym_key_to_bytes(ptr(), out, len(out)));
    return out;
  }

  /** The 32-byte pseudonym of the national identifier {@code value} issued by {@code system}. */
  public byte[] pseudonym(String system, String value) {
    byte[] out = new byte[Fhirbus.PSEUDONYM_LEN];
    check(Lib.C.fhirbus_pseudonym_key_pseudonym(ptr(), cstr(system), cstr(value), out, len(out)));
    return out;
  }
}
