package org.fhirbus;

/** FHIR canonicalization: the whole resource, {@code #data} (no text), {@code #static} (no text, no meta). */
public enum FhirVariant {
  FULL(0), DATA(1), STATIC(2);

  final int number;

  FhirVariant(int number) {
    this.number = number;
  }
}
