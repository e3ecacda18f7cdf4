// The C API (include/fhirbus.h) as P/Invoke declarations: one per C function, no logic.
// Strings go down as NUL-terminated UTF-8 byte arrays (Util.CStr), never as .NET strings.
using System;
using System.Runtime.InteropServices;

namespace Fhirbus
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct Buffer
    {
        public IntPtr Data;
        public UIntPtr Len;
    }

    internal static class Native
    {
        private const string Lib = "fhirbus_ffi";
        private const CallingConvention C = CallingConvention.Cdecl;

        // meta
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr fhirbus_version();
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr fhirbus_error_name(uint code);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr fhirbus_error_text(uint code);
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr fhirbus_last_error_message(byte[] buf, UIntPtr bufLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_buffer_free(ref Buffer buf);

        // canonical
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_jcs(byte[] json, UIntPtr jsonLen, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_fhir_canonical(byte[] json, UIntPtr jsonLen, uint variant, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_fhir_digest(byte[] json, UIntPtr jsonLen, uint variant, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_sha256(byte[] data, UIntPtr dataLen, byte[] output, UIntPtr outLen);

        // signing
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_signing_key_generate(uint backend, out SigningKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_signing_key_from_secret(uint backend, byte[] secret, UIntPtr secretLen, out SigningKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_signing_key_free(IntPtr key);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_signing_key_secret_bytes(SigningKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_signing_key_public_key(SigningKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_signing_key_key_id(SigningKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_signing_key_sign(SigningKeyHandle key, uint domain, byte[] msg, UIntPtr msgLen, byte[] sigOut, UIntPtr sigOutLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_verify(byte[] publicKey, UIntPtr publicKeyLen, uint domain, byte[] msg, UIntPtr msgLen, byte[] keyId, UIntPtr keyIdLen, byte[] sig, UIntPtr sigLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_signature_from_der(byte[] der, UIntPtr derLen, byte[] output, UIntPtr outLen);

        // pointer
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_data_key_generate(uint backend, out DataKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_data_key_from_bytes(uint backend, byte[] key, UIntPtr keyLen, out DataKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_data_key_to_bytes(DataKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_data_key_free(IntPtr key);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_data_key_seal_pointer(DataKeyHandle key, byte[] patient, UIntPtr patientLen, byte[] custodian, byte[] resourceType, byte[] digest, UIntPtr digestLen, uint epoch, byte[] url, byte[] nonceOut, UIntPtr nonceOutLen, out Buffer ciphertextOut);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_data_key_open_pointer(DataKeyHandle key, byte[] patient, UIntPtr patientLen, byte[] custodian, byte[] resourceType, byte[] digest, UIntPtr digestLen, uint epoch, byte[] nonce, UIntPtr nonceLen, byte[] ciphertext, UIntPtr ciphertextLen, out Buffer urlOut);

        // wrap
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_encryption_key_generate(uint backend, out EncryptionKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_encryption_key_from_secret(uint backend, byte[] secret, UIntPtr secretLen, out EncryptionKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_encryption_key_free(IntPtr key);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_encryption_key_secret_bytes(EncryptionKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_encryption_key_public_key(EncryptionKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_encryption_key_key_id(EncryptionKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_wrap(byte[] recipientPublicKey, UIntPtr recipientPublicKeyLen, DataKeyHandle dataKey, byte[] patient, UIntPtr patientLen, byte[] custodian, uint epoch, byte[] keyIdOut, UIntPtr keyIdOutLen, byte[] encOut, UIntPtr encOutLen, byte[] ciphertextOut, UIntPtr ciphertextOutLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_encryption_key_unwrap(EncryptionKeyHandle key, byte[] keyId, UIntPtr keyIdLen, byte[] enc, UIntPtr encLen, byte[] ciphertext, UIntPtr ciphertextLen, byte[] patient, UIntPtr patientLen, byte[] custodian, uint epoch, out DataKeyHandle output);

        // pseudonym
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_pseudonym_key_generate(out PseudonymKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_pseudonym_key_from_bytes(byte[] key, UIntPtr keyLen, out PseudonymKeyHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_pseudonym_key_to_bytes(PseudonymKeyHandle key, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_pseudonym_key_free(IntPtr key);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_pseudonym_key_pseudonym(PseudonymKeyHandle key, byte[] system, byte[] value, byte[] output, UIntPtr outLen);

        // record
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_seal_and_sign(byte[] custodian, byte[] patient, UIntPtr patientLen, byte[] resourceType, byte[] digest, UIntPtr digestLen, uint epoch, ulong timeMs, byte[] pointerUrl, DataKeyHandle dataKey, SigningKeyHandle signingKey, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_decode(byte[] bytes, UIntPtr bytesLen, out RecordEntryHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_record_entry_free(IntPtr entry);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_encode(RecordEntryHandle entry, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_custodian(RecordEntryHandle entry, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_resource_type(RecordEntryHandle entry, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_patient(RecordEntryHandle entry, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_digest(RecordEntryHandle entry, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_key_id(RecordEntryHandle entry, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_epoch(RecordEntryHandle entry, out uint output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_time_ms(RecordEntryHandle entry, out ulong output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_verify(RecordEntryHandle entry, byte[] publicKey, UIntPtr publicKeyLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_verify_with_key_set(RecordEntryHandle entry, KeySetHandle keySet);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_open_pointer(RecordEntryHandle entry, DataKeyHandle dataKey, out Buffer urlOut);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_record_entry_check_resource(RecordEntryHandle entry, byte[] json, UIntPtr jsonLen);

        // keys
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_key_set_new(out KeySetHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_key_set_free(IntPtr keySet);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_key_set_add(KeySetHandle keySet, uint purpose, byte[] publicKey, UIntPtr publicKeyLen, ulong atMs, byte[] keyIdOut, UIntPtr keyIdOutLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_key_set_rotate(KeySetHandle keySet, uint purpose, byte[] publicKey, UIntPtr publicKeyLen, ulong atMs, byte[] keyIdOut, UIntPtr keyIdOutLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_key_set_promote(KeySetHandle keySet, byte[] keyId, UIntPtr keyIdLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_key_set_revoke(KeySetHandle keySet, byte[] keyId, UIntPtr keyIdLen, ulong atMs);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_key_set_verify(KeySetHandle keySet, uint domain, byte[] msg, UIntPtr msgLen, byte[] keyId, UIntPtr keyIdLen, byte[] sig, UIntPtr sigLen, ulong claimedMs);

        // consent (lists of handles are IntPtr[] with their count: see Api.WithList)
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_consent_from_fhir(byte[] json, UIntPtr jsonLen, uint version, byte[] patient, UIntPtr patientLen, out ConsentHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_consent_decode(byte[] bytes, UIntPtr bytesLen, out ConsentHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_consent_free(IntPtr consent);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_consent_to_fhir(ConsentHandle consent, uint version, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_consent_encode(ConsentHandle consent, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_consent_id(ConsentHandle consent, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_consent_patient(ConsentHandle consent, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_decide(IntPtr[] consents, UIntPtr consentsCount, byte[] requester, byte[] patient, UIntPtr patientLen, byte[] purpose, byte[] resourceType, ulong dataDateMs, uint allowEmergency, ulong nowMs, out Buffer output);

        // ledger
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_from_genesis(byte[] genesis, UIntPtr genesisLen, out LedgerStateHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_ledger_state_free(IntPtr state);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_apply_block(LedgerStateHandle state, byte[] block, UIntPtr blockLen, out Buffer eventsOut);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_height(LedgerStateHandle state, out ulong output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_state_root(LedgerStateHandle state, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_last_hash(LedgerStateHandle state, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_chain(LedgerStateHandle state, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_records(LedgerStateHandle state, byte[] patient, UIntPtr patientLen, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_visible_records(LedgerStateHandle state, byte[] requester, byte[] patient, UIntPtr patientLen, byte[] purpose, ulong nowMs, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_consents(LedgerStateHandle state, byte[] patient, UIntPtr patientLen, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_audit(LedgerStateHandle state, byte[] patient, UIntPtr patientLen, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_audit_fhir(LedgerStateHandle state, byte[] patient, UIntPtr patientLen, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_org_actions(LedgerStateHandle state, byte[] org, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_member(LedgerStateHandle state, byte[] org, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_member_primary_key(LedgerStateHandle state, byte[] org, byte[] purpose, byte[] output, UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_data_key_epoch(LedgerStateHandle state, byte[] patient, UIntPtr patientLen, byte[] custodian, out uint output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_ledger_state_prove(LedgerStateHandle state, byte[] kind, byte[] id, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_verify_proof(byte[] root, UIntPtr rootLen, byte[] proof, UIntPtr proofLen, byte[] value, UIntPtr valueLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_verify_absence(byte[] root, UIntPtr rootLen, byte[] kind, byte[] id, byte[] proof, UIntPtr proofLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_transaction_sign(byte[] tx, UIntPtr txLen, IntPtr[] keys, UIntPtr keysCount, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_transaction_register_record(byte[] chain, byte[] entry, UIntPtr entryLen, out Buffer output);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_embedded_network_new(byte[] genesis, UIntPtr genesisLen, IntPtr[] validators, UIntPtr validatorsCount, out EmbeddedNetworkHandle output);
        [DllImport(Lib, CallingConvention = C)] internal static extern void fhirbus_embedded_network_free(IntPtr net);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_embedded_network_submit(EmbeddedNetworkHandle net, byte[] tx, UIntPtr txLen, ulong nowMs, byte[] txIdOut, UIntPtr txIdOutLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_embedded_network_produce_block(EmbeddedNetworkHandle net, ulong nowMs, out Buffer blockOut);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_embedded_network_state(EmbeddedNetworkHandle net, out LedgerStateHandle output);

        // access
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_request_access(LedgerStateHandle state, byte[] requester, SigningKeyHandle signingKey, byte[] entry, UIntPtr entryLen, byte[] purpose, ulong nowMs, out Buffer txOut, out Buffer decisionOut);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_open_pointer(LedgerStateHandle state, byte[] requester, EncryptionKeyHandle encryptionKey, byte[] entry, UIntPtr entryLen, out Buffer urlOut);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_check_fetched(LedgerStateHandle state, byte[] entry, UIntPtr entryLen, byte[] resource, UIntPtr resourceLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint fhirbus_custodian_release(LedgerStateHandle state, byte[] custodian, byte[] request, UIntPtr requestLen, ulong nowMs, out Buffer output);
    }
}
