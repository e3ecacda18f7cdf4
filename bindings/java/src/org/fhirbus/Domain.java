package org.fhirbus;

/** What a signature is for (the numbers of include/fhirbus.h). */
public enum Domain {
  RECORD_ENTRY(1), TRANSACTION(2), BLOCK_HEADER(3), CONSENT(4), ACCESS_REQUEST(5), APPLICATION(6);

  final int number;

  Domain(int number) {
    this.number = number;
  }
}
