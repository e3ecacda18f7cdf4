package org.fhirbus;

/** A pointer sealed with AES-256-GCM: its 12-byte nonce and its ciphertext (with the tag). */
public record SealedPointer(byte[] nonce, byte[] ciphertext) {}
