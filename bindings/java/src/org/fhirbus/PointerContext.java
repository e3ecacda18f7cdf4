package org.fhirbus;

/**
 * What a sealed pointer is bound to: the patient's pseudonym (32 bytes), the custodian's
 * organisation id, the FHIR resource type, the content digest (32 bytes) and the epoch.
 */
public record PointerContext(byte[] patient, String custodian, String resourceType, byte[] digest, int epoch) {}
