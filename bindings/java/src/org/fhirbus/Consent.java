package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.cstr;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.PointerByReference;
import java.util.List;

/** A patient's consent (immutable): FHIR Consent import and export, its canonical encoding. */
public final class Consent extends Handle {
  private Consent(PointerByReference ref) {
    super(ref.getValue(), Lib.C::fhirbus_consent_free);
  }

  /**
   * Import a FHIR Consent (JSON) of {@code version} for the patient whose 32-byte pseudonym is
   * {@code patient}. Elements the model cannot represent are refused (CONSENT_UNSUPPORTED_ELEMENT
   * 400, CONSENT_INVALID 401), the message naming the element.
   */
  public static Consent fromFhir(byte[] json, FhirVersion version, byte[] patient) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_consent_from_fhir(json, len(json), version.number, patient, len(patient), ref));
    return new Consent(ref);
  }

  /** Strict decoding of the canonical encoding (as {@link #encode} writes it). */
  public static Consent decode(byte[] encoded) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_consent_decode(encoded, len(encoded), ref));
    return new Consent(ref);
  }

  /** FHIR Consent JSON of {@code version}. */
  public byte[] toFhir(FhirVersion version) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_consent_to_fhir(ptr(), version.number, out));
    return Fhirbus.take(out);
  }

  /** The canonical encoding: what a GrantConsent transaction carries as {@code body.consent}. */
  public byte[] encode() {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_consent_encode(ptr(), out));
    return Fhirbus.take(out);
  }

  /** The consent's id on the network. */
  public String id() {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_consent_id(ptr(), out));
    return Fhirbus.takeText(out);
  }

  /** The patient's pseudonym (32 bytes). */
  public byte[] patient() {
    byte[] out = new byte[Fhirbus.PSEUDONYM_LEN];
    check(Lib.C.fhirbus_consent_patient(ptr(), out, len(out)));
    return out;
  }

  /**
   * The consent engine's decision, as JSON ({@code {"permit":bool,"basis":..,"consent":id?,
   * "path":[..]?,"obligations":{"audit":bool,"notifyPatient":bool},"explanation":..}}), on
   * {@code requester} asking for the patient's data of {@code resourceType} recorded at
   * {@code dataDateMs}, for {@code purpose} (a v3 ActReason code), at {@code nowMs}.
   */
  public static byte[] decide(List<Consent> consents, String requester, byte[] patient, String purpose,
      String resourceType, long dataDateMs, boolean allowEmergency, long nowMs) {
    Consent[] list = consents == null ? null : consents.toArray(new Consent[0]);
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_decide(Fhirbus.pointers(list), Fhirbus.count(list), cstr(requester), patient, len(patient),
        cstr(purpose), cstr(resourceType), dataDateMs, allowEmergency ? 1 : 0, nowMs, out));
    return Fhirbus.take(out);
  }
}
