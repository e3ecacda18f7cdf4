// The handle classes: IDisposable wrappers of the SafeHandles. Disposing twice does nothing;
// using a disposed object throws FhirbusException with code 901 INVALID_HANDLE. Every handle is
// thread-safe (include/fhirbus.h).
using System;
using static Fhirbus.Api;

namespace Fhirbus
{
    /// <summary>An ECDSA P-256 signing key; its secret is zeroized when disposed.</summary>
    public sealed class SigningKey : IDisposable
    {
        private readonly SigningKeyHandle h;
        private SigningKey(SigningKeyHandle h) { this.h = h; }
        internal SigningKeyHandle Live() { return Api.Live(h, "SigningKey"); }
        public void Dispose() { h.Dispose(); }

        public static SigningKey Generate(Backend backend = Backend.Default)
        {
            SigningKeyHandle h;
            Check(Native.fhirbus_signing_key_generate((uint)backend, out h));
            return new SigningKey(h);
        }

        public static SigningKey FromSecret(byte[] secret, Backend backend = Backend.Default)
        {
            SigningKeyHandle h;
            Check(Native.fhirbus_signing_key_from_secret((uint)backend, secret, Len(secret), out h));
            return new SigningKey(h);
        }

        public byte[] SecretBytes() { var o = new byte[SecretKeyLen]; Check(Native.fhirbus_signing_key_secret_bytes(Live(), o, Len(o))); return o; }
        public byte[] PublicKey() { var o = new byte[PublicKeyLen]; Check(Native.fhirbus_signing_key_public_key(Live(), o, Len(o))); return o; }
        public byte[] KeyId() { var o = new byte[KeyIdLen]; Check(Native.fhirbus_signing_key_key_id(Live(), o, Len(o))); return o; }

        public byte[] Sign(Domain domain, byte[] msg)
        {
            var o = new byte[SignatureLen];
            Check(Native.fhirbus_signing_key_sign(Live(), (uint)domain, msg, Len(msg), o, Len(o)));
            return o;
        }
    }

    /// <summary>An AES-256-GCM data key of one (patient, custodian, epoch); zeroized when disposed.</summary>
    public sealed class DataKey : IDisposable
    {
        private readonly DataKeyHandle h;
        internal DataKey(DataKeyHandle h) { this.h = h; }
        internal DataKeyHandle Live() { return Api.Live(h, "DataKey"); }
        public void Dispose() { h.Dispose(); }

        public static DataKey Generate(Backend backend = Backend.Default)
        {
            DataKeyHandle h;
            Check(Native.fhirbus_data_key_generate((uint)backend, out h));
            return new DataKey(h);
        }

        public static DataKey FromBytes(byte[] key, Backend backend = Backend.Default)
        {
            DataKeyHandle h;
            Check(Native.fhirbus_data_key_from_bytes((uint)backend, key, Len(key), out h));
            return new DataKey(h);
        }

        public byte[] ToBytes() { var o = new byte[SymmetricKeyLen]; Check(Native.fhirbus_data_key_to_bytes(Live(), o, Len(o))); return o; }

        public SealedPointer SealPointer(PointerContext c, string url)
        {
            var nonce = new byte[NonceLen];
            Buffer ct;
            Check(Native.fhirbus_data_key_seal_pointer(Live(), c.Patient, Len(c.Patient), CStr(c.Custodian), CStr(c.ResourceType),
                c.Digest, Len(c.Digest), c.Epoch, CStr(url), nonce, Len(nonce), out ct));
            return new SealedPointer(nonce, Take(ref ct));
        }

        public string OpenPointer(PointerContext c, SealedPointer sealedPointer)
        {
            Buffer url;
            Check(Native.fhirbus_data_key_open_pointer(Live(), c.Patient, Len(c.Patient), CStr(c.Custodian), CStr(c.ResourceType),
                c.Digest, Len(c.Digest), c.Epoch, sealedPointer.Nonce, Len(sealedPointer.Nonce), sealedPointer.Ciphertext,
                Len(sealedPointer.Ciphertext), out url));
            return TakeText(ref url);
        }
    }

    /// <summary>An HPKE P-256 encryption key pair: data keys are wrapped to its public half.</summary>
    public sealed class EncryptionKey : IDisposable
    {
        private readonly EncryptionKeyHandle h;
        private EncryptionKey(EncryptionKeyHandle h) { this.h = h; }
        internal EncryptionKeyHandle Live() { return Api.Live(h, "EncryptionKey"); }
        public void Dispose() { h.Dispose(); }

        public static EncryptionKey Generate(Backend backend = Backend.Default)
        {
            EncryptionKeyHandle h;
            Check(Native.fhirbus_encryption_key_generate((uint)backend, out h));
            return new EncryptionKey(h);
        }

        public static EncryptionKey FromSecret(byte[] secret, Backend backend = Backend.Default)
        {
            EncryptionKeyHandle h;
            Check(Native.fhirbus_encryption_key_from_secret((uint)backend, secret, Len(secret), out h));
            return new EncryptionKey(h);
        }

        public byte[] SecretBytes() { var o = new byte[SecretKeyLen]; Check(Native.fhirbus_encryption_key_secret_bytes(Live(), o, Len(o))); return o; }
        public byte[] PublicKey() { var o = new byte[PublicKeyLen]; Check(Native.fhirbus_encryption_key_public_key(Live(), o, Len(o))); return o; }
        public byte[] KeyId() { var o = new byte[KeyIdLen]; Check(Native.fhirbus_encryption_key_key_id(Live(), o, Len(o))); return o; }

        public DataKey Unwrap(WrappedKey w, byte[] patient, string custodian, uint epoch)
        {
            DataKeyHandle dk;
            Check(Native.fhirbus_encryption_key_unwrap(Live(), w.KeyId, Len(w.KeyId), w.Enc, Len(w.Enc), w.Ciphertext, Len(w.Ciphertext),
                patient, Len(patient), CStr(custodian), epoch, out dk));
            return new DataKey(dk);
        }
    }

    /// <summary>The network's pseudonym key.</summary>
    public sealed class PseudonymKey : IDisposable
    {
        private readonly PseudonymKeyHandle h;
        private PseudonymKey(PseudonymKeyHandle h) { this.h = h; }
        internal PseudonymKeyHandle Live() { return Api.Live(h, "PseudonymKey"); }
        public void Dispose() { h.Dispose(); }

        public static PseudonymKey Generate()
        {
            PseudonymKeyHandle h;
            Check(Native.fhirbus_pseudonym_key_generate(out h));
            return new PseudonymKey(h);
        }

        public static PseudonymKey FromBytes(byte[] key)
        {
            PseudonymKeyHandle h;
            Check(Native.fhirbus_pseudonym_key_from_bytes(key, Len(key), out h));
            return new PseudonymKey(h);
        }

        public byte[] ToBytes() { var o = new byte[SymmetricKeyLen]; Check(Native.fhirbus_pseudonym_key_to_bytes(Live(), o, Len(o))); return o; }

        /// <summary>The 32-byte pseudonym of the national identifier <paramref name="value"/> issued by <paramref name="system"/>.</summary>
        public byte[] Pseudonym(string system, string value)
        {
            var o = new byte[PseudonymLen];
            Check(Native.fhirbus_pseudonym_key_pseudonym(Live(), CStr(system), CStr(value), o, Len(o)));
            return o;
        }
    }

    /// <summary>A decoded, signed record entry (immutable).</summary>
    public sealed class RecordEntry : IDisposable
    {
        private readonly RecordEntryHandle h;
        private RecordEntry(RecordEntryHandle h) { this.h = h; }
        internal RecordEntryHandle Live() { return Api.Live(h, "RecordEntry"); }
        public void Dispose() { h.Dispose(); }

        /// <summary>Build an entry, seal its pointer, sign it as the custodian; its canonical encoding.</summary>
        public static byte[] SealAndSign(string custodian, byte[] patient, string resourceType, byte[] digest, uint epoch,
            ulong timeMs, string pointerUrl, DataKey dataKey, SigningKey signingKey)
        {
            Buffer b;
            Check(Native.fhirbus_record_entry_seal_and_sign(CStr(custodian), patient, Len(patient), CStr(resourceType), digest,
                Len(digest), epoch, timeMs, CStr(pointerUrl), dataKey.Live(), signingKey.Live(), out b));
            return Take(ref b);
        }

        /// <summary>Strict decoding (the signature is not checked: see Verify).</summary>
        public static RecordEntry Decode(byte[] encoded)
        {
            RecordEntryHandle h;
            Check(Native.fhirbus_record_entry_decode(encoded, Len(encoded), out h));
            return new RecordEntry(h);
        }

        public byte[] Encode() { Buffer b; Check(Native.fhirbus_record_entry_encode(Live(), out b)); return Take(ref b); }
        public string Custodian { get { Buffer b; Check(Native.fhirbus_record_entry_custodian(Live(), out b)); return TakeText(ref b); } }
        public string ResourceType { get { Buffer b; Check(Native.fhirbus_record_entry_resource_type(Live(), out b)); return TakeText(ref b); } }
        public byte[] Patient { get { var o = new byte[PseudonymLen]; Check(Native.fhirbus_record_entry_patient(Live(), o, Len(o))); return o; } }
        public byte[] Digest { get { var o = new byte[DigestLen]; Check(Native.fhirbus_record_entry_digest(Live(), o, Len(o))); return o; } }
        public byte[] KeyId { get { var o = new byte[KeyIdLen]; Check(Native.fhirbus_record_entry_key_id(Live(), o, Len(o))); return o; } }
        public uint Epoch { get { uint v; Check(Native.fhirbus_record_entry_epoch(Live(), out v)); return v; } }
        public ulong TimeMs { get { ulong v; Check(Native.fhirbus_record_entry_time_ms(Live(), out v)); return v; } }

        public void Verify(byte[] publicKey) { Check(Native.fhirbus_record_entry_verify(Live(), publicKey, Len(publicKey))); }
        public void Verify(KeySet keySet) { Check(Native.fhirbus_record_entry_verify_with_key_set(Live(), keySet.Live())); }

        public string OpenPointer(DataKey dataKey)
        {
            Buffer b;
            Check(Native.fhirbus_record_entry_open_pointer(Live(), dataKey.Live(), out b));
            return TakeText(ref b);
        }

        public void CheckResource(byte[] json) { Check(Native.fhirbus_record_entry_check_resource(Live(), json, Len(json))); }
    }

    /// <summary>The public keys of one organisation or patient over time.</summary>
    public sealed class KeySet : IDisposable
    {
        private readonly KeySetHandle h;
        public KeySet() { Check(Native.fhirbus_key_set_new(out h)); }
        internal KeySetHandle Live() { return Api.Live(h, "KeySet"); }
        public void Dispose() { h.Dispose(); }

        public byte[] Add(KeyPurpose purpose, byte[] publicKey, ulong atMs)
        {
            var o = new byte[KeyIdLen];
            Check(Native.fhirbus_key_set_add(Live(), (uint)purpose, publicKey, Len(publicKey), atMs, o, Len(o)));
            return o;
        }

        public byte[] Rotate(KeyPurpose purpose, byte[] publicKey, ulong atMs)
        {
            var o = new byte[KeyIdLen];
            Check(Native.fhirbus_key_set_rotate(Live(), (uint)purpose, publicKey, Len(publicKey), atMs, o, Len(o)));
            return o;
        }

        public void Promote(byte[] keyId) { Check(Native.fhirbus_key_set_promote(Live(), keyId, Len(keyId))); }
        public void Revoke(byte[] keyId, ulong atMs) { Check(Native.fhirbus_key_set_revoke(Live(), keyId, Len(keyId), atMs)); }

        public void Verify(Domain domain, byte[] msg, byte[] keyId, byte[] sig, ulong claimedMs)
        {
            Check(Native.fhirbus_key_set_verify(Live(), (uint)domain, msg, Len(msg), keyId, Len(keyId), sig, Len(sig), claimedMs));
        }
    }
}
