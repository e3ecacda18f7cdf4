package org.fhirbus;

/** A data key wrapped to one recipient: its key id, the HPKE encapsulated key, the ciphertext. */
public record WrappedKey(byte[] keyId, byte[] enc, byte[] ciphertext) {}
