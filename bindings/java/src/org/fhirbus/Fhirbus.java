package org.fhirbus;

import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

/**
 * fhirbus from Java: the functions that need no handle (version, error names, canonical JSON,
 * digests, verification, wrapping), and the helpers every wrapper class uses. Every call is a
 * translation of one C function of include/fhirbus.h; failures throw {@link FhirbusException}.
 */
public final class Fhirbus {
  private Fhirbus() {}

  /** Sizes of the fixed-size values (include/fhirbus.h). */
  public static final int DIGEST_LEN = 32;
  public static final int KEY_ID_LEN = 32;
  public static final int SECRET_KEY_LEN = 32;
  public static final int PUBLIC_KEY_LEN = 65;
  public static final int SIGNATURE_LEN = 64;
  public static final int SYMMETRIC_KEY_LEN = 32;
  public static final int PSEUDONYM_LEN = 32;
  public static final int NONCE_LEN = 12;
  public static final int WRAP_ENC_LEN = 65;
  public static final int WRAP_CIPHERTEXT_LEN = 48;

  /** The library's version. */
  public static String version() {
    return Lib.C.fhirbus_version();
  }

  /** The stable name of a code ("BAD_SIGNATURE"; "OK" for 0; "UNKNOWN" for no code). */
  public static String errorName(int code) {
    return Lib.C.fhirbus_error_name(code);
  }

  /** A readable text for a code ("BAD_SIGNATURE (203)"). */
  public static String errorText(int code) {
    return Lib.C.fhirbus_error_text(code);
  }

  /** RFC 8785 canonical form of a JSON text. */
  public static byte[] jcs(byte[] json) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_jcs(json, len(json), out));
    return take(out);
  }

  /** FHIR canonical form of a resource. */
  public static byte[] fhirCanonical(byte[] json, FhirVariant variant) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_fhir_canonical(json, len(json), variant.number, out));
    return take(out);
  }

  /** SHA-256 of the FHIR canonical form: the content digest of a record entry. */
  public static byte[] fhirDigest(byte[] json, FhirVariant variant) {
    byte[] out = new byte[DIGEST_LEN];
    check(Lib.C.fhirbus_fhir_digest(json, len(json), variant.number, out, len(out)));
    return out;
  }

  /** SHA-256. */
  public static byte[] sha256(byte[] data) {
    byte[] out = new byte[DIGEST_LEN];
    check(Lib.C.fhirbus_sha256(data, len(data), out, len(out)));
    return out;
  }

  /**
   * Verify a signature (64 bytes or DER) over {@code msg} in {@code domain}, made by the key
   * {@code keyId}, with the SEC1 public key; throws {@link FhirbusException} (BAD_SIGNATURE,
   * KEY_ID_MISMATCH, HIGH_S_SIGNATURE, INVALID_PUBLIC_KEY, ...) when it does not verify.
   */
  public static void verify(byte[] publicKey, Domain domain, byte[] msg, byte[] keyId, byte[] sig) {
    check(Lib.C.fhirbus_verify(publicKey, len(publicKey), domain.number, msg, len(msg), keyId, len(keyId), sig,
        len(sig)));
  }

  /** A DER ECDSA signature as the 64-byte {@code r || s} the library uses. */
  public static byte[] signatureFromDer(byte[] der) {
    byte[] out = new byte[SIGNATURE_LEN];
    check(Lib.C.fhirbus_signature_from_der(der, len(der), out, len(out)));
    return out;
  }

  /** Wrap a data key to a recipient's public encryption key for (patient, custodian, epoch). */
  public static WrappedKey wrap(byte[] recipientPublicKey, DataKey dataKey, byte[] patient, String custodian,
      int epoch) {
    byte[] kid = new byte[KEY_ID_LEN];
    byte[] enc = new byte[WRAP_ENC_LEN];
    byte[] ct = new byte[WRAP_CIPHERTEXT_LEN];
    check(Lib.C.fhirbus_wrap(recipientPublicKey, len(recipientPublicKey), dataKey.ptr(), patient, len(patient),
        cstr(custodian), epoch, kid, len(kid), enc, len(enc), ct, len(ct)));
    return new WrappedKey(kid, enc, ct);
  }

  /**
   * A light client's check: {@code proof} (the {@code proof} member of what
   * {@link LedgerState#prove} returns, as JSON) shows that the item whose value hash is
   * {@code value} (32 bytes, computed from the answer given) is under the trusted state
   * {@code root} (32 bytes). Throws BAD_SIGNATURE (203) when it does not, and INVALID_VALUE
   * (111) for a null {@code value}: an absence is checked by {@link #verifyAbsence}.
   */
  public static void verifyProof(byte[] root, byte[] proof, byte[] value) {
    check(Lib.C.fhirbus_verify_proof(root, len(root), proof, len(proof), value,
        new Lib.SizeT(value == null ? 0 : value.length)));
  }

  /**
   * A light client's check: {@code proof} shows the item {@code kind} / {@code id} (as for
   * {@link LedgerState#prove}: member, patient or consent) absent under the trusted state
   * {@code root}. Throws BAD_SIGNATURE (203) when it does not, as when the proof is about
   * another item, and INVALID_VALUE (111) for kind record, whose absence has no proof.
   */
  public static void verifyAbsence(byte[] root, String kind, String id, byte[] proof) {
    check(Lib.C.fhirbus_verify_absence(root, len(root), cstr(kind), cstr(id), proof, len(proof)));
  }

  /**
   * Sign an unsigned transaction (its JSON: {@code {"v":1,"chain":..,"time":ms,"nonce":..,
   * "body":{"type":..}}}) with each key in order; returns the signed transaction's encoding.
   */
  public static byte[] transactionSign(byte[] tx, SigningKey... keys) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_transaction_sign(tx, len(tx), pointers(keys), count(keys), out));
    return take(out);
  }

  /** The transaction that registers a signed record entry (its encoding) on {@code chain}. */
  public static byte[] transactionRegisterRecord(String chain, byte[] entry) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_transaction_register_record(cstr(chain), entry, len(entry), out));
    return take(out);
  }

  // ------------------------------------------------------------------------------------------
  // Helpers of the wrapper classes.

  /**
   * The pointers of a list of handles (a closed handle throws INVALID_HANDLE; a null item goes
   * down as NULL, which the library refuses). A null list stays null.
   */
  static com.sun.jna.Pointer[] pointers(Handle[] handles) {
    if (handles == null) {
      return null;
    }
    com.sun.jna.Pointer[] out = new com.sun.jna.Pointer[handles.length];
    for (int i = 0; i < handles.length; i++) {
      out[i] = ptr(handles[i]);
    }
    return out;
  }

  /** The pointer of a handle argument; a null handle goes down as NULL (NULL_ARGUMENT). */
  static com.sun.jna.Pointer ptr(Handle h) {
    return h == null ? null : h.ptr();
  }

  /** The count passed with a list: a null list goes down as NULL with count 1 (NULL_ARGUMENT). */
  static Lib.SizeT count(Object[] list) {
    return new Lib.SizeT(list == null ? 1 : list.length);
  }

  /**
   * The length passed with an array. A Java null goes down as NULL with length 1, so that the
   * library refuses it (NULL_ARGUMENT) instead of reading NULL with length 0 as the empty buffer.
   */
  static Lib.SizeT len(byte[] a) {
    return new Lib.SizeT(a == null ? 1 : a.length);
  }

  /** A NUL-terminated UTF-8 copy of {@code s} (null stays null: the library answers NULL_ARGUMENT). */
  static byte[] cstr(String s) {
    if (s == null) {
      return null;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    System.arraycopy(utf8, 0, out, 0, utf8.length);
    return out;
  }

  /** Throw for a nonzero result, with this thread's last error message. */
  static void check(int rc) {
    if (rc != 0) {
      throw new FhirbusException(rc, lastErrorMessage());
    }
  }

  static String lastErrorMessage() {
    int n = (int) Lib.C.fhirbus_last_error_message(null, new Lib.SizeT(0)).longValue();
    byte[] buf = new byte[n + 1];
    Lib.C.fhirbus_last_error_message(buf, len(buf));
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  /** The bytes of a library buffer, which is then freed. */
  static byte[] take(Lib.Buffer b) {
    try {
      return b.data == null ? new byte[0] : b.data.getByteArray(0, (int) b.len.longValue());
    } finally {
      Lib.C.fhirbus_buffer_free(b);
    }
  }

  static String takeText(Lib.Buffer b) {
    return new String(take(b), StandardCharsets.UTF_8);
  }

  /** The handle an out-parameter received. */
  static com.sun.jna.Pointer out(PointerByReference ref) {
    return ref.getValue();
  }
}
