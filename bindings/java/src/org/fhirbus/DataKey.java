package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.cstr;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/** An AES-256-GCM data key of one (patient, custodian, epoch). Zeroized when closed. */
public final class DataKey extends Handle {
  DataKey(Pointer p) {
    super(p, Lib.C::fhirbus_data_key_free);
  }

  /** A fresh key from the operating system's randomness. */
  public static DataKey generate() {
    return generate(Backend.DEFAULT);
  }

  /** A fresh key on {@code backend}. */
  public static DataKey generate(Backend backend) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_data_key_generate(backend.number, ref));
    return new DataKey(ref.getValue());
  }

  /** The key of 32 bytes. */
  public static DataKey fromBytes(byte[] key) {
    return fromBytes(key, Backend.DEFAULT);
  }

  /** The key of 32 bytes, on {@code backend}. */
  public static DataKey fromBytes(byte[] key, Backend backend) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_data_key_from_bytes(backend.number, key, len(key), ref));
    return new DataKey(ref.getValue());
  }

  /** The 32 key bytes. */
  public byte[] toBytes() {
    byte[] out = new byte[Fhirbus.SYMMETRIC_KEY_LEN];
    check(Lib.C.fhirbus_data_key_to_bytes(ptr(), out, len(out)));
    return out;
  }

  /** Seal a FHIR versioned read URL for the entry described by {@code ctx}. */
  public SealedPointer sealPointer(PointerContext ctx, String url) {
    byte[] nonce = new byte[Fhirbus.NONCE_LEN];
    Lib.Buffer ct = new Lib.Buffer();
    check(Lib.C.fhirbus_data_key_seal_pointer(ptr(), ctx.patient(), len(ctx.patient()), cstr(ctx.custodian()),
        cstr(ctx.resourceType()), ctx.digest(), len(ctx.digest()), ctx.epoch(), cstr(url), nonce, len(nonce), ct));
    return new SealedPointer(nonce, Fhirbus.take(ct));
  }

  /** Open a sealed pointer; DECRYPTION_FAILED under another key or context, or when changed. */
  public String openPointer(PointerContext ctx, SealedPointer sealed) {
    Lib.Buffer url = new Lib.Buffer();
    check(Lib.C.fhirbus_data_key_open_pointer(ptr(), ctx.patient(), len(ctx.patient()), cstr(ctx.custodian()),
        cstr(ctx.resourceType()), ctx.digest(), len(ctx.digest()), ctx.epoch(), sealed.nonce(),
        len(sealed.nonce()), sealed.ciphertext(), len(sealed.ciphertext()), url));
    return Fhirbus.takeText(url);
  }
}
