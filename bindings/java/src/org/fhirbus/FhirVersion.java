package org.fhirbus;

/** The FHIR version of a Consent resource (the numbers of include/fhirbus.h). */
public enum FhirVersion {
  R4(4), R5(5);

  final int number;

  FhirVersion(int number) {
    this.number = number;
  }
}
