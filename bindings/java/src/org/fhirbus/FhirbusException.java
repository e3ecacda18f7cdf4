package org.fhirbus;

/**
 * A failure reported by the library: the stable code (the same number and name in every
 * fhirbus binding, for example 203 {@code BAD_SIGNATURE}) and the library's message, which never
 * carries a national identifier, a pointer in clear or key material.
 */
public final class FhirbusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String name;

  FhirbusException(int code, String message) {
    super(message.isEmpty() ? Fhirbus.errorText(code) : message);
    this.code = code;
    this.name = Fhirbus.errorName(code);
  }

  /** The stable number (see include/fhirbus.h, {@code fhirbus_code}). */
  public int code() {
    return code;
  }

  /** The stable name, for example {@code "BAD_SIGNATURE"}. */
  public String name() {
    return name;
  }
}
