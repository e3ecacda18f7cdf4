package org.fhirbus;

/** What a key of a key set is for. */
public enum KeyPurpose {
  SIGNING(1), ENCRYPTION(2);

  final int number;

  KeyPurpose(int number) {
    this.number = number;
  }
}
