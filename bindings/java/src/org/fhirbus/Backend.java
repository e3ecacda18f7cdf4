package org.fhirbus;

/** Which cryptographic backend a key uses. */
public enum Backend {
  DEFAULT(0), AWS_LC(1), RUST_CRYPTO(2);

  final int number;

  Backend(int number) {
    this.number = number;
  }
}
