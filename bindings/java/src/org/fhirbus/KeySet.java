package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.PointerByReference;

/** The public keys of one organisation or patient over time, with rotation and revocation. */
public final class KeySet extends Handle {
  public KeySet() {
    super(create(), Lib.C::fhirbus_key_set_free);
  }

  private static com.sun.jna.Pointer create() {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_key_set_new(ref));
    return ref.getValue();
  }

  /** Add a key (not primary) at {@code atMs}; returns its key id. */
  public byte[] add(KeyPurpose purpose, byte[] publicKey, long atMs) {
    byte[] out = new byte[Fhirbus.KEY_ID_LEN];
    check(Lib.C.fhirbus_key_set_add(ptr(), purpose.number, publicKey, len(publicKey), atMs, out, len(out)));
    return out;
  }

  /** Add a key at {@code atMs} and make it the primary of its purpose; returns its key id. */
  public byte[] rotate(KeyPurpose purpose, byte[] publicKey, long atMs) {
    byte[] out = new byte[Fhirbus.KEY_ID_LEN];
    check(Lib.C.fhirbus_key_set_rotate(ptr(), purpose.number, publicKey, len(publicKey), atMs, out, len(out)));
    return out;
  }

  public void promote(byte[] keyId) {
    check(Lib.C.fhirbus_key_set_promote(ptr(), keyId, len(keyId)));
  }

  public void revoke(byte[] keyId, long atMs) {
    check(Lib.C.fhirbus_key_set_revoke(ptr(), keyId, len(keyId), atMs));
  }

  /** Verify a signature made by the key {@code keyId} at the claimed time. */
  public void verify(Domain domain, byte[] msg, byte[] keyId, byte[] sig, long claimedMs) {
    check(Lib.C.fhirbus_key_set_verify(ptr(), domain.number, msg, len(msg), keyId, len(keyId), sig, len(sig),
        claimedMs));
  }
}
