// fhirbus from C#: the functions that need no handle, the exception, the enumerations and the
// helpers of the wrapper classes. Every call translates one C function of include/fhirbus.h.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Fhirbus
{
    /// <summary>What a signature is for (the numbers of include/fhirbus.h).</summary>
    public enum Domain : uint { RecordEntry = 1, Transaction = 2, BlockHeader = 3, Consent = 4, AccessRequest = 5, Application = 6 }

    /// <summary>FHIR canonicalization: the whole resource, #data (no text), #static (no text, no meta).</summary>
    public enum FhirVariant : uint { Full = 0, Data = 1, Static = 2 }

    /// <summary>Which cryptographic backend a key uses.</summary>
    public enum Backend : uint { Default = 0, AwsLc = 1, RustCrypto = 2 }

    /// <summary>What a key of a key set is for.</summary>
    public enum KeyPurpose : uint { Signing = 1, Encryption = 2 }

    /// <summary>The FHIR version of a Consent resource.</summary>
    public enum FhirVersion : uint { R4 = 4, R5 = 5 }

    /// <summary>
    /// A failure reported by the library: the stable code (the same number and name in every
    /// fhirbus binding, e.g. 203 BAD_SIGNATURE) and a message that never carries a national
    /// identifier, a pointer in clear or key material.
    /// </summary>
    public sealed class FhirbusException : Exception
    {
        public uint Code { get; }
        public string Name { get; }

        internal FhirbusException(uint code, string message)
            : base(message.Length == 0 ? Api.ErrorText(code) : message)
        {
            Code = code;
            Name = Api.ErrorName(code);
        }

        internal const uint InvalidHandle = 901;
    }

    /// <summary>A data key wrapped to one recipient.</summary>
    public sealed class WrappedKey
    {
        public byte[] KeyId { get; }
        public byte[] Enc { get; }
        public byte[] Ciphertext { get; }
        public WrappedKey(byte[] keyId, byte[] enc, byte[] ciphertext) { KeyId = keyId; Enc = enc; Ciphertext = ciphertext; }
    }

    /// <summary>A sealed pointer: its nonce and its ciphertext (with the tag).</summary>
    public sealed class SealedPointer
    {
        public byte[] Nonce { get; }
        public byte[] Ciphertext { get; }
        public SealedPointer(byte[] nonce, byte[] ciphertext) { Nonce = nonce; Ciphertext = ciphertext; }
    }

    /// <summary>What a sealed pointer is bound to.</summary>
    public sealed class PointerContext
    {
        public byte[] Patient { get; }
        public string Custodian { get; }
        public string ResourceType { get; }
        public byte[] Digest { get; }
        public uint Epoch { get; }
        public PointerContext(byte[] patient, string custodian, string resourceType, byte[] digest, uint epoch)
        {
            Patient = patient; Custodian = custodian; ResourceType = resourceType; Digest = digest; Epoch = epoch;
        }
    }

    public static class Api
    {
        public const int DigestLen = 32, KeyIdLen = 32, SecretKeyLen = 32, PublicKeyLen = 65, SignatureLen = 64,
            SymmetricKeyLen = 32, PseudonymLen = 32, NonceLen = 12, WrapEncLen = 65, WrapCiphertextLen = 48;

        public static string Version() { return Utf8Z(Native.fhirbus_version()); }
        public static string ErrorName(uint code) { return Utf8Z(Native.fhirbus_error_name(code)); }
        public static string ErrorText(uint code) { return Utf8Z(Native.fhirbus_error_text(code)); }

        public static byte[] Jcs(byte[] json)
        {
            Buffer b;
            Check(Native.fhirbus_jcs(json, Len(json), out b));
            return Take(ref b);
        }

        public static byte[] FhirCanonical(byte[] json, FhirVariant variant)
        {
            Buffer b;
            Check(Native.fhirbus_fhir_canonical(json, Len(json), (uint)variant, out b));
            return Take(ref b);
        }

        public static byte[] FhirDigest(byte[] json, FhirVariant variant)
        {
            var o = new byte[DigestLen];
            Check(Native.fhirbus_fhir_digest(json, Len(json), (uint)variant, o, Len(o)));
            return o;
        }

        public static byte[] Sha256(byte[] data)
        {
            var o = new byte[DigestLen];
            Check(Native.fhirbus_sha256(data, Len(data), o, Len(o)));
            return o;
        }

        /// <summary>Verify a signature (64 bytes or DER); throws FhirbusException when it does not verify.</summary>
        public static void Verify(byte[] publicKey, Domain domain, byte[] msg, byte[] keyId, byte[] sig)
        {
            Check(Native.fhirbus_verify(publicKey, Len(publicKey), (uint)domain, msg, Len(msg), keyId, Len(keyId), sig, Len(sig)));
        }

        public static byte[] SignatureFromDer(byte[] der)
        {
            var o = new byte[SignatureLen];
            Check(Native.fhirbus_signature_from_der(der, Len(der), o, Len(o)));
            return o;
        }

        /// <summary>Wrap a data key to a recipient's public encryption key for (patient, custodian, epoch).</summary>
        public static WrappedKey Wrap(byte[] recipientPublicKey, DataKey dataKey, byte[] patient, string custodian, uint epoch)
        {
            byte[] kid = new byte[KeyIdLen], enc = new byte[WrapEncLen], ct = new byte[WrapCiphertextLen];
            Check(Native.fhirbus_wrap(recipientPublicKey, Len(recipientPublicKey), dataKey.Live(), patient, Len(patient),
                CStr(custodian), epoch, kid, Len(kid), enc, Len(enc), ct, Len(ct)));
            return new WrappedKey(kid, enc, ct);
        }

        /// <summary>
        /// A light client's check: <paramref name="proof"/> (the "proof" member of what
        /// LedgerState.Prove returns, as JSON) shows that the item whose value hash is
        /// <paramref name="value"/> (32 bytes, computed from the answer given) is under the trusted
        /// state <paramref name="root"/>. Throws BAD_SIGNATURE (203) when it does not, and
        /// INVALID_VALUE (111) for a null <paramref name="value"/>: an absence is checked by VerifyAbsence.
        /// </summary>
        public static void VerifyProof(byte[] root, byte[] proof, byte[] value)
        {
            Check(Native.fhirbus_verify_proof(root, Len(root), proof, Len(proof), value, new UIntPtr(value == null ? 0u : (ulong)value.LongLength)));
        }

        /// <summary>
        /// A light client's check: <paramref name="proof"/> shows the item <paramref name="kind"/> /
        /// <paramref name="id"/> (as for LedgerState.Prove: member, patient or consent) absent under
        /// the trusted state <paramref name="root"/>. Throws BAD_SIGNATURE (203) when it does not, as
        /// when the proof is about another item, and INVALID_VALUE (111) for kind record.
        /// </summary>
        public static void VerifyAbsence(byte[] root, string kind, string id, byte[] proof)
        {
            Check(Native.fhirbus_verify_absence(root, Len(root), CStr(kind), CStr(id), proof, Len(proof)));
        }

        /// <summary>Sign an unsigned transaction (its JSON) with each key in order; the signed transaction's encoding.</summary>
        public static byte[] TransactionSign(byte[] tx, params SigningKey[] keys)
        {
            Buffer b = new Buffer();
            Check(WithList(keys == null ? null : Array.ConvertAll(keys, k => k == null ? null : (SafeHandle)k.Live()),
                (items, count) => Native.fhirbus_transaction_sign(tx, Len(tx), items, count, out b)));
            return Take(ref b);
        }

        /// <summary>The transaction that registers a signed record entry (its encoding) on <paramref name="chain"/>.</summary>
        public static byte[] TransactionRegisterRecord(string chain, byte[] entry)
        {
            Buffer b;
            Check(Native.fhirbus_transaction_register_record(CStr(chain), entry, Len(entry), out b));
            return Take(ref b);
        }

        // --- helpers ------------------------------------------------------------------------

        internal delegate uint ListCall(IntPtr[] items, UIntPtr count);

        /// <summary>
        /// Call with a list of handles (const T *const *items, size_t count): each handle is kept
        /// alive (DangerousAddRef) for the call. A null list goes down as NULL with count 1 and a
        /// null item as NULL, which the library refuses (NULL_ARGUMENT).
        /// </summary>
        internal static uint WithList(SafeHandle[] handles, ListCall call)
        {
            if (handles == null) return call(null, new UIntPtr(1));
            var items = new IntPtr[handles.Length];
            var added = new bool[handles.Length];
            try
            {
                for (int i = 0; i < handles.Length; i++)
                {
                    if (handles[i] == null) continue;
                    handles[i].DangerousAddRef(ref added[i]);
                    items[i] = handles[i].DangerousGetHandle();
                }
                return call(items, new UIntPtr((ulong)items.Length));
            }
            finally
            {
                for (int i = 0; i < handles.Length; i++)
                    if (added[i]) handles[i].DangerousRelease();
            }
        }

        /// <summary>
        /// The length passed with an array. A null goes down as NULL with length 1, so that the
        /// library refuses it (NULL_ARGUMENT) instead of reading NULL with length 0 as empty.
        /// </summary>
        internal static UIntPtr Len(byte[] a) { return new UIntPtr(a == null ? 1u : (ulong)a.LongLength); }

        /// <summary>A NUL-terminated UTF-8 copy (null stays null: the library answers NULL_ARGUMENT).</summary>
        internal static byte[] CStr(string s)
        {
            if (s == null) return null;
            var utf8 = Encoding.UTF8.GetBytes(s);
            var o = new byte[utf8.Length + 1];
            System.Buffer.BlockCopy(utf8, 0, o, 0, utf8.Length);
            return o;
        }

        internal static void Check(uint rc)
        {
            if (rc != 0) throw new FhirbusException(rc, LastErrorMessage());
        }

        internal static string LastErrorMessage()
        {
            int n = (int)Native.fhirbus_last_error_message(null, UIntPtr.Zero).ToUInt64();
            var buf = new byte[n + 1];
            Native.fhirbus_last_error_message(buf, new UIntPtr((ulong)buf.Length));
            return Encoding.UTF8.GetString(buf, 0, n);
        }

        internal static byte[] Take(ref Buffer b)
        {
            try
            {
                var o = new byte[(int)b.Len.ToUInt64()];
                if (o.Length > 0) Marshal.Copy(b.Data, o, 0, o.Length);
                return o;
            }
            finally
            {
                Native.fhirbus_buffer_free(ref b);
            }
        }

        internal static string TakeText(ref Buffer b) { return Encoding.UTF8.GetString(Take(ref b)); }

        internal static string Utf8Z(IntPtr p)
        {
            if (p == IntPtr.Zero) return "";
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            var o = new byte[n];
            Marshal.Copy(p, o, 0, n);
            return Encoding.UTF8.GetString(o);
        }

        internal static T Live<T>(T h, string what) where T : SafeHandle
        {
            if (h.IsClosed || h.IsInvalid) throw new FhirbusException(FhirbusException.InvalidHandle, what + " is disposed");
            return h;
        }
    }
}
