package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.PointerByReference;

/** An ECDSA P-256 signing key. Its secret is zeroized when it is closed. */
public final class SigningKey extends Handle {
  private SigningKey(PointerByReference ref) {
    super(ref.getValue(), Lib.C::fhirbus_signing_key_free);
  }

  /** A new key from the operating system's randomness, on the default backend. */
  public static SigningKey generate() {
    return generate(Backend.DEFAULT);
  }

  /** A new key on {@code backend}. */
  public static SigningKey generate(Backend backend) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_signing_key_generate(backend.number, ref));
    return new SigningKey(ref);
  }

  /** The key of a 32-byte secret scalar, on the default backend. */
  public static SigningKey fromSecret(byte[] secret) {
    return fromSecret(secret, Backend.DEFAULT);
  }

  /** The key of a 32-byte secret scalar, on {@code backend}. */
  public static SigningKey fromSecret(byte[] secret, Backend backend) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_signing_key_from_secret(backend.number, secret, len(secret), ref));
    return new SigningKey(ref);
  }

  /** The 32-byte secret scalar, for the host's key store. */
  public byte[] secretBytes() {
    byte[] out = new byte[Fhirbus.SECRET_KEY_LEN];
    check(Lib.C.fhirbus_signing_key_secret_bytes(ptr(), out, len(out)));
    return out;
  }

  /** The public key, uncompressed SEC1 (65 bytes). */
  public byte[] publicKey() {
    byte[] out = new byte[Fhirbus.PUBLIC_KEY_LEN];
    check(Lib.C.fhirbus_signing_key_public_key(ptr(), out, len(out)));
    return out;
  }

  /** The key id its signatures name (32 bytes). */
  public byte[] keyId() {
    byte[] out = new byte[Fhirbus.KEY_ID_LEN];
    check(Lib.C.fhirbus_signing_key_key_id(ptr(), out, len(out)));
    return out;
  }

  /** A 64-byte low-S signature of {@code msg} in {@code domain}. */
  public byte[] sign(Domain domain, byte[] msg) {
    byte[] out = new byte[Fhirbus.SIGNATURE_LEN];
    check(Lib.C.fhirbus_signing_key_sign(ptr(), domain.number, msg, len(msg), out, len(out)));
    return out;
  }
}
