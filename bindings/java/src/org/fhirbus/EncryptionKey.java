package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.cstr;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.PointerByReference;

/** An HPKE P-256 encryption key pair: data keys are wrapped to its public half. */
public final class EncryptionKey extends Handle {
  private EncryptionKey(PointerByReference ref) {
    super(ref.getValue(), Lib.C::fhirbus_encryption_key_free);
  }

  public static EncryptionKey generate() {
    return generate(Backend.DEFAULT);
  }

  public static EncryptionKey generate(Backend backend) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_encryption_key_generate(backend.number, ref));
    return new EncryptionKey(ref);
  }

  public static EncryptionKey fromSecret(byte[] secret) {
    return fromSecret(secret, Backend.DEFAULT);
  }

  public static EncryptionKey fromSecret(byte[] secret, Backend backend) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_encryption_key_from_secret(backend.number, secret, len(secret), ref));
    return new EncryptionKey(ref);
  }

  public byte[] secretBytes() {
    byte[] out = new byte[Fhirbus.SECRET_KEY_LEN];
    check(Lib.C.fhirbus_encryption_key_secret_bytes(ptr(), out, len(out)));
    return out;
  }

  public byte[] publicKey() {
    byte[] out = new byte[Fhirbus.PUBLIC_KEY_LEN];
    check(Lib.C.fhirbus_encryption_key_public_key(ptr(), out, len(out)));
    return out;
  }

  public byte[] keyId() {
    byte[] out = new byte[Fhirbus.KEY_ID_LEN];
    check(Lib.C.fhirbus_encryption_key_key_id(ptr(), out, len(out)));
    return out;
  }

  /** Unwrap a data key wrapped to this key for (patient, custodian, epoch). */
  public DataKey unwrap(WrappedKey wrapped, byte[] patient, String custodian, int epoch) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_encryption_key_unwrap(ptr(), wrapped.keyId(), len(wrapped.keyId()), wrapped.enc(),
        len(wrapped.enc()), wrapped.ciphertext(), len(wrapped.ciphertext()), patient, len(patient), cstr(custodian),
        epoch, ref));
    return new DataKey(ref.getValue());
  }
}
