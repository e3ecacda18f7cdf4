package org.fhirbus;

/**
 * A signed access request (the transaction's encoding, to submit whatever the decision) and the
 * decision the ledger state gives it (JSON: {@code {"permit":..,"basis":..,"obligations":..}}).
 */
public record AccessRequest(byte[] transaction, byte[] decision) {}
