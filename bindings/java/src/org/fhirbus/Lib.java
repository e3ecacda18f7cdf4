package org.fhirbus;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C API (include/fhirbus.h) as JNA sees it: one method per C function, no logic. Strings go
 * down as NUL-terminated UTF-8 byte arrays (see {@link Fhirbus#cstr}), never as Java strings,
 * so the platform encoding plays no part. Package-private: use the wrapper classes.
 */
interface Lib extends Library {
  Lib C = Native.load(System.getProperty("fhirbus.library", "fhirbus_ffi"), Lib.class);

  /** size_t. */
  final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    public SizeT() {
      this(0);
    }

    public SizeT(long value) {
      super(Native.SIZE_T_SIZE, value, true);
    }
  }

  /** fhirbus_buffer. */
  @Structure.FieldOrder({"data", "len"})
  final class Buffer extends Structure {
    public Pointer data;
    public SizeT len;
  }

  // meta
  String fhirbus_version();

  String fhirbus_error_name(int code);

  String fhirbus_error_text(int code);

  SizeT fhirbus_last_error_message(byte[] buf, SizeT bufLen);

  void fhirbus_buffer_free(Buffer buf);

  // canonical
  int fhirbus_jcs(byte[] json, SizeT jsonLen, Buffer out);

  int fhirbus_fhir_canonical(byte[] json, SizeT jsonLen, int variant, Buffer out);

  int fhirbus_fhir_digest(byte[] json, SizeT jsonLen, int variant, byte[] out, SizeT outLen);

  int fhirbus_sha256(byte[] data, SizeT dataLen, byte[] out, SizeT outLen);

  // signing
  int fhirbus_signing_key_generate(int backend, PointerByReference out);

  int fhirbus_signing_key_from_secret(int backend, byte[] secret, SizeT secretLen, PointerByReference out);

  void fhirbus_signing_key_free(Pointer key);

  int fhirbus_signing_key_secret_bytes(Pointer key, byte[] out, SizeT outLen);

  int fhirbus_signing_key_public_key(Pointer key, byte[] out, SizeT outLen);

  int fhirbus_signing_key_key_id(Pointer key, byte[] out, SizeT outLen);

  int fhirbus_signing_key_sign(Pointer key, int domain, byte[] msg, SizeT msgLen, byte[] sigOut, SizeT sigOutLen);

  int fhirbus_verify(byte[] publicKey, SizeT publicKeyLen, int domain, byte[] msg, SizeT msgLen, byte[] keyId,
      SizeT keyIdLen, byte[] sig, SizeT sigLen);

  int fhirbus_signature_from_der(byte[] der, SizeT derLen, byte[] out, SizeT outLen);

  // pointer
  int fhirbus_data_key_generate(int backend, PointerByReference out);

  int fhirbus_data_key_from_bytes(int backend, byte[] key, SizeT keyLen, PointerByReference out);

  int fhirbus_data_key_to_bytes(Pointer key, byte[] out, SizeT outLen);

  void fhirbus_data_key_free(Pointer key);

  int fhirbus_data_key_seal_pointer(Pointer key, byte[] patient, SizeT patientLen, byte[] custodian,
      byte[] resourceType, byte[] digest, SizeT digestLen, int epoch, byte[] url, byte[] nonceOut,
      SizeT nonceOutLen, Buffer ciphertextOut);

  int fhirbus_data_key_open_pointer(Pointer key, byte[] patient, SizeT patientLen, byte[] custodian,
      byte[] resourceType, byte[] digest, SizeT digestLen, int epoch, byte[] nonce, SizeT nonceLen,
      byte[] ciphertext, SizeT ciphertextLen, Buffer urlOut);

  // wrap
  int fhirbus_encryption_key_generate(int backend, PointerByReference out);

  int fhirbus_encryption_key_from_secret(int backend, byte[] secret, SizeT secretLen, PointerByReference out);

  void fhirbus_encryption_key_free(Pointer key);

  int fhirbus_encryption_key_secret_bytes(Pointer key, byte[] out, SizeT outLen);

  int fhirbus_encryption_key_public_key(Pointer key, byte[] out, SizeT outLen);

  int fhirbus_encryption_key_key_id(Pointer key, byte[] out, SizeT outLen);

  int fhirbus_wrap(byte[] recipientPublicKey, SizeT recipientPublicKeyLen, Pointer dataKey, byte[] patient,
      SizeT patientLen, byte[] custodian, int epoch, byte[] keyIdOut, SizeT keyIdOutLen, byte[] encOut,
      SizeT encOutLen, byte[] ciphertextOut, SizeT ciphertextOutLen);

  int fhirbus_encryption_key_unwrap(Pointer key, byte[] keyId, SizeT keyIdLen, byte[] enc, SizeT encLen,
      byte[] ciphertext, SizeT ciphertextLen, byte[] patient, SizeT patientLen, byte[] custodian, int epoch,
      PointerByReference out);

  // pseudonym
  int fhirbus_pseudonym_key_generate(PointerByReference out);

  int fhirbus_pseudonym_key_from_bytes(byte[] key, SizeT keyLen, PointerByReference out);

  int fhirbus_pseudonym_key_to_bytes(Pointer key, byte[] out, SizeT outLen);

  void fhirbus_pseudonym_key_free(Pointer key);

  int fhirbus_pseudonym_key_pseudonym(Pointer key, byte[] system, byte[] value, byte[] out, SizeT outLen);

  // record
  int fhirbus_record_entry_seal_and_sign(byte[] custodian, byte[] patient, SizeT patientLen, byte[] resourceType,
      byte[] digest, SizeT digestLen, int epoch, long timeMs, byte[] pointerUrl, Pointer dataKey,
      Pointer signingKey, Buffer out);

  int fhirbus_record_entry_decode(byte[] bytes, SizeT bytesLen, PointerByReference out);

  void fhirbus_record_entry_free(Pointer entry);

  int fhirbus_record_entry_encode(Pointer entry, Buffer out);

  int fhirbus_record_entry_custodian(Pointer entry, Buffer out);

  int fhirbus_record_entry_resource_type(Pointer entry, Buffer out);

  int fhirbus_record_entry_patient(Pointer entry, byte[] out, SizeT outLen);

  int fhirbus_record_entry_digest(Pointer entry, byte[] out, SizeT outLen);

  int fhirbus_record_entry_key_id(Pointer entry, byte[] out, SizeT outLen);

  int fhirbus_record_entry_epoch(Pointer entry, IntByReference out);

  int fhirbus_record_entry_time_ms(Pointer entry, LongByReference out);

  int fhirbus_record_entry_verify(Pointer entry, byte[] publicKey, SizeT publicKeyLen);

  int fhirbus_record_entry_verify_with_key_set(Pointer entry, Pointer keySet);

  int fhirbus_record_entry_open_pointer(Pointer entry, Pointer dataKey, Buffer urlOut);

  int fhirbus_record_entry_check_resource(Pointer entry, byte[] json, SizeT jsonLen);

  // keys
  int fhirbus_key_set_new(PointerByReference out);

  void fhirbus_key_set_free(Pointer keySet);

  int fhirbus_key_set_add(Pointer keySet, int purpose, byte[] publicKey, SizeT publicKeyLen, long atMs,
      byte[] keyIdOut, SizeT keyIdOutLen);

  int fhirbus_key_set_rotate(Pointer keySet, int purpose, byte[] publicKey, SizeT publicKeyLen, long atMs,
      byte[] keyIdOut, SizeT keyIdOutLen);

  int fhirbus_key_set_promote(Pointer keySet, byte[] keyId, SizeT keyIdLen);

  int fhirbus_key_set_revoke(Pointer keySet, byte[] keyId, SizeT keyIdLen, long atMs);

  int fhirbus_key_set_verify(Pointer keySet, int domain, byte[] msg, SizeT msgLen, byte[] keyId, SizeT keyIdLen,
      byte[] sig, SizeT sigLen, long claimedMs);

  // consent (lists of handles are Pointer[] with their count)
  int fhirbus_consent_from_fhir(byte[] json, SizeT jsonLen, int version, byte[] patient, SizeT patientLen,
      PointerByReference out);

  int fhirbus_consent_decode(byte[] bytes, SizeT bytesLen, PointerByReference out);

  void fhirbus_consent_free(Pointer consent);

  int fhirbus_consent_to_fhir(Pointer consent, int version, Buffer out);

  int fhirbus_consent_encode(Pointer consent, Buffer out);

  int fhirbus_consent_id(Pointer consent, Buffer out);

  int fhirbus_consent_patient(Pointer consent, byte[] out, SizeT outLen);

  int fhirbus_decide(Pointer[] consents, SizeT consentsCount, byte[] requester, byte[] patient, SizeT patientLen,
      byte[] purpose, byte[] resourceType, long dataDateMs, int allowEmergency, long nowMs, Buffer out);

  // ledger
  int fhirbus_ledger_state_from_genesis(byte[] genesis, SizeT genesisLen, PointerByReference out);

  void fhirbus_ledger_state_free(Pointer state);

  int fhirbus_ledger_state_apply_block(Pointer state, byte[] block, SizeT blockLen, Buffer eventsOut);

  int fhirbus_ledger_state_height(Pointer state, LongByReference out);

  int fhirbus_ledger_state_state_root(Pointer state, byte[] out, SizeT outLen);

  int fhirbus_ledger_state_last_hash(Pointer state, byte[] out, SizeT outLen);

  int fhirbus_ledger_state_chain(Pointer state, Buffer out);

  int fhirbus_ledger_state_records(Pointer state, byte[] patient, SizeT patientLen, Buffer out);

  int fhirbus_ledger_state_visible_records(Pointer state, byte[] requester, byte[] patient, SizeT patientLen,
      byte[] purpose, long nowMs, Buffer out);

  int fhirbus_ledger_state_consents(Pointer state, byte[] patient, SizeT patientLen, Buffer out);

  int fhirbus_ledger_state_audit(Pointer state, byte[] patient, SizeT patientLen, Buffer out);

  int fhirbus_ledger_state_audit_fhir(Pointer state, byte[] patient, SizeT patientLen, Buffer out);

  int fhirbus_ledger_state_org_actions(Pointer state, byte[] org, Buffer out);

  int fhirbus_ledger_state_member(Pointer state, byte[] org, Buffer out);

  int fhirbus_ledger_state_member_primary_key(Pointer state, byte[] org, byte[] purpose, byte[] out, SizeT outLen);

  int fhirbus_ledger_state_data_key_epoch(Pointer state, byte[] patient, SizeT patientLen, byte[] custodian,
      IntByReference out);

  int fhirbus_ledger_state_prove(Pointer state, byte[] kind, byte[] id, Buffer out);

  int fhirbus_verify_proof(byte[] root, SizeT rootLen, byte[] proof, SizeT proofLen, byte[] value, SizeT valueLen);

  int fhirbus_verify_absence(byte[] root, SizeT rootLen, byte[] kind, byte[] id, byte[] proof, SizeT proofLen);

  int fhirbus_transaction_sign(byte[] tx, SizeT txLen, Pointer[] keys, SizeT keysCount, Buffer out);

  int fhirbus_transaction_register_record(byte[] chain, byte[] entry, SizeT entryLen, Buffer out);

  int fhirbus_embedded_network_new(byte[] genesis, SizeT genesisLen, Pointer[] validators, SizeT validatorsCount,
      PointerByReference out);

  void fhirbus_embedded_network_free(Pointer net);

  int fhirbus_embedded_network_submit(Pointer net, byte[] tx, SizeT txLen, long nowMs, byte[] txIdOut,
      SizeT txIdOutLen);

  int fhirbus_embedded_network_produce_block(Pointer net, long nowMs, Buffer blockOut);

  int fhirbus_embedded_network_state(Pointer net, PointerByReference out);

  // access
  int fhirbus_request_access(Pointer state, byte[] requester, Pointer signingKey, byte[] entry, SizeT entryLen,
      byte[] purpose, long nowMs, Buffer txOut, Buffer decisionOut);

  int fhirbus_open_pointer(Pointer state, byte[] requester, Pointer encryptionKey, byte[] entry, SizeT entryLen,
      Buffer urlOut);

  int fhirbus_check_fetched(Pointer state, byte[] entry, SizeT entryLen, byte[] resource, SizeT resourceLen);

  int fhirbus_custodian_release(Pointer state, byte[] custodian, byte[] request, SizeT requestLen, long nowMs,
      Buffer out);
}
