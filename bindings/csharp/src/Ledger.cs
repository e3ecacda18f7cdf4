// Consents, the ledger and the access flow (issues 4, 5, 6): IDisposable wrappers of the
// SafeHandles, each method one C call. Every view is JSON bytes shaped by the library;
// enumerations of the domain (purposes of use, proof kinds) are its text codes.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using static Fhirbus.Api;

namespace Fhirbus
{
    /// <summary>
    /// A signed access request (the transaction's encoding, to submit whatever the decision) and
    /// the decision the ledger state gives it (JSON).
    /// </summary>
    public sealed class AccessRequest
    {
        public byte[] Transaction { get; }
        public byte[] Decision { get; }
        public AccessRequest(byte[] transaction, byte[] decision) { Transaction = transaction; Decision = decision; }
    }

    /// <summary>A patient's consent (immutable): FHIR Consent import and export, its canonical encoding.</summary>
    public sealed class Consent : IDisposable
    {
        private readonly ConsentHandle h;
        private Consent(ConsentHandle h) { this.h = h; }
        internal ConsentHandle Live() { return Api.Live(h, "Consent"); }
        public void Dispose() { h.Dispose(); }

        /// <summary>
        /// Import a FHIR Consent (JSON) of <paramref name="version"/> for the patient whose 32-byte
        /// pseudonym is <paramref name="patient"/>. Elements the model cannot represent are refused
        /// (CONSENT_UNSUPPORTED_ELEMENT 400, CONSENT_INVALID 401), the message naming the element.
        /// </summary>
        public static Consent FromFhir(byte[] json, FhirVersion version, byte[] patient)
        {
            ConsentHandle h;
            Check(Native.fhirbus_consent_from_fhir(json, Len(json), (uint)version, patient, Len(patient), out h));
            return new Consent(h);
        }

        /// <summary>Strict decoding of the canonical encoding (as Encode writes it).</summary>
        public static Consent Decode(byte[] encoded)
        {
            ConsentHandle h;
            Check(Native.fhirbus_consent_decode(encoded, Len(encoded), out h));
            return new Consent(h);
        }

        public byte[] ToFhir(FhirVersion version) { Buffer b; Check(Native.fhirbus_consent_to_fhir(Live(), (uint)version, out b)); return Take(ref b); }

        /// <summary>The canonical encoding: what a GrantConsent transaction carries as body.consent.</summary>
        public byte[] Encode() { Buffer b; Check(Native.fhirbus_consent_encode(Live(), out b)); return Take(ref b); }

        public string Id { get { Buffer b; Check(Native.fhirbus_consent_id(Live(), out b)); return TakeText(ref b); } }
        public byte[] Patient { get { var o = new byte[PseudonymLen]; Check(Native.fhirbus_consent_patient(Live(), o, Len(o))); return o; } }

        /// <summary>
        /// The consent engine's decision, as JSON ({"permit":bool,"basis":..,"consent":id?,"path":[..]?,
        /// "obligations":{"audit":bool,"notifyPatient":bool},"explanation":..}), on
        /// <paramref name="requester"/> asking for the patient's data of <paramref name="resourceType"/>
        /// recorded at <paramref name="dataDateMs"/>, for <paramref name="purpose"/> (a v3 ActReason code).
        /// </summary>
        public static byte[] Decide(IEnumerable<Consent> consents, string requester, byte[] patient, string purpose,
            string resourceType, ulong dataDateMs, bool allowEmergency, ulong nowMs)
        {
            SafeHandle[] list = consents == null ? null : consents.Select(c => c == null ? null : (SafeHandle)c.Live()).ToArray();
            Buffer b = new Buffer();
            Check(WithList(list, (items, count) => Native.fhirbus_decide(items, count, CStr(requester), patient, Len(patient),
                CStr(purpose), CStr(resourceType), dataDateMs, allowEmergency ? 1u : 0u, nowMs, out b)));
            return Take(ref b);
        }
    }

    /// <summary>
    /// A ledger state: block validation, the state queries and proofs (JSON), and the access flow
    /// on it. Queries run concurrently; ApplyBlock, StateRoot and Prove are serialized with them.
    /// </summary>
    public sealed class LedgerState : IDisposable
    {
        private readonly LedgerStateHandle h;
        internal LedgerState(LedgerStateHandle h) { this.h = h; }
        internal LedgerStateHandle Live() { return Api.Live(h, "LedgerState"); }
        public void Dispose() { h.Dispose(); }

        /// <summary>The state a genesis document (JSON) founds.</summary>
        public static LedgerState FromGenesis(byte[] genesis)
        {
            LedgerStateHandle h;
            Check(Native.fhirbus_ledger_state_from_genesis(genesis, Len(genesis), out h));
            return new LedgerState(h);
        }

        /// <summary>Validate and apply a block (its encoding); the events it produced (JSON). A refused block changes nothing.</summary>
        public byte[] ApplyBlock(byte[] block) { Buffer b; Check(Native.fhirbus_ledger_state_apply_block(Live(), block, Len(block), out b)); return Take(ref b); }

        public ulong Height { get { ulong v; Check(Native.fhirbus_ledger_state_height(Live(), out v)); return v; } }
        public byte[] StateRoot() { var o = new byte[DigestLen]; Check(Native.fhirbus_ledger_state_state_root(Live(), o, Len(o))); return o; }
        public byte[] LastHash() { var o = new byte[DigestLen]; Check(Native.fhirbus_ledger_state_last_hash(Live(), o, Len(o))); return o; }
        public string Chain { get { Buffer b; Check(Native.fhirbus_ledger_state_chain(Live(), out b)); return TakeText(ref b); } }

        public byte[] Records(byte[] patient) { Buffer b; Check(Native.fhirbus_ledger_state_records(Live(), patient, Len(patient), out b)); return Take(ref b); }

        public byte[] VisibleRecords(string requester, byte[] patient, string purpose, ulong nowMs)
        {
            Buffer b;
            Check(Native.fhirbus_ledger_state_visible_records(Live(), CStr(requester), patient, Len(patient), CStr(purpose), nowMs, out b));
            return Take(ref b);
        }

        public byte[] Consents(byte[] patient) { Buffer b; Check(Native.fhirbus_ledger_state_consents(Live(), patient, Len(patient), out b)); return Take(ref b); }
        public byte[] Audit(byte[] patient) { Buffer b; Check(Native.fhirbus_ledger_state_audit(Live(), patient, Len(patient), out b)); return Take(ref b); }
        public byte[] AuditFhir(byte[] patient) { Buffer b; Check(Native.fhirbus_ledger_state_audit_fhir(Live(), patient, Len(patient), out b)); return Take(ref b); }
        public byte[] OrgActions(string org) { Buffer b; Check(Native.fhirbus_ledger_state_org_actions(Live(), CStr(org), out b)); return Take(ref b); }
        public byte[] Member(string org) { Buffer b; Check(Native.fhirbus_ledger_state_member(Live(), CStr(org), out b)); return Take(ref b); }

        /// <summary>An active member's primary key of <paramref name="purpose"/> ("signing" or "encryption"), SEC1 (65 bytes): what a data key share is wrapped to.</summary>
        public byte[] MemberPrimaryKey(string org, string purpose) { var o = new byte[PublicKeyLen]; Check(Native.fhirbus_ledger_state_member_primary_key(Live(), CStr(org), CStr(purpose), o, Len(o))); return o; }

        /// <summary>The current data key epoch of <paramref name="custodian"/> for the patient: what a new entry is sealed under.</summary>
        public uint DataKeyEpoch(byte[] patient, string custodian) { uint v; Check(Native.fhirbus_ledger_state_data_key_epoch(Live(), patient, Len(patient), CStr(custodian), out v)); return v; }

        /// <summary>
        /// A proof of an item against the state root: {"root":hex,"value":hex?,"proof":{..}}. Kinds:
        /// record (entry id hex), member (org), patient (pseudonym base64url), consent (&lt;pseudonym&gt;/&lt;consent id&gt;).
        /// </summary>
        public byte[] Prove(string kind, string id) { Buffer b; Check(Native.fhirbus_ledger_state_prove(Live(), CStr(kind), CStr(id), out b)); return Take(ref b); }

        /// <summary>The signed access request of <paramref name="requester"/> for an entry (32-byte id), with this state's decision.</summary>
        public AccessRequest RequestAccess(string requester, SigningKey key, byte[] entryId, string purpose, ulong nowMs)
        {
            Buffer tx, decision;
            Check(Native.fhirbus_request_access(Live(), CStr(requester), key.Live(), entryId, Len(entryId), CStr(purpose), nowMs, out tx, out decision));
            var t = Take(ref tx);
            return new AccessRequest(t, Take(ref decision));
        }

        /// <summary>Open the entry's pointer with the data key shared to <paramref name="requester"/>, unwrapped with <paramref name="key"/>.</summary>
        public string OpenPointer(string requester, EncryptionKey key, byte[] entryId)
        {
            Buffer b;
            Check(Native.fhirbus_open_pointer(Live(), CStr(requester), key.Live(), entryId, Len(entryId), out b));
            return TakeText(ref b);
        }

        /// <summary>Check a fetched resource (JSON) against the entry (DIGEST_MISMATCH when it differs).</summary>
        public void CheckFetched(byte[] entryId, byte[] resource) { Check(Native.fhirbus_check_fetched(Live(), entryId, Len(entryId), resource, Len(resource))); }

        /// <summary>Whether <paramref name="custodian"/> may release what a committed access request asks for (JSON release).</summary>
        public byte[] CustodianRelease(string custodian, byte[] request, ulong nowMs)
        {
            Buffer b;
            Check(Native.fhirbus_custodian_release(Live(), CStr(custodian), request, Len(request), nowMs, out b));
            return Take(ref b);
        }
    }

    /// <summary>
    /// An embedded network: in-process validators that order submitted transactions into blocks,
    /// sign and apply them. Calls on one network are serialized by the library.
    /// </summary>
    public sealed class EmbeddedNetwork : IDisposable
    {
        private readonly EmbeddedNetworkHandle h;
        internal EmbeddedNetworkHandle Live() { return Api.Live(h, "EmbeddedNetwork"); }
        public void Dispose() { h.Dispose(); }

        /// <summary>A network at the genesis (JSON), run by the validator keys (a quorum of the genesis validators; it keeps copies).</summary>
        public EmbeddedNetwork(byte[] genesis, params SigningKey[] validators)
        {
            SafeHandle[] list = validators == null ? null : Array.ConvertAll(validators, k => k == null ? null : (SafeHandle)k.Live());
            EmbeddedNetworkHandle created = null;
            Check(WithList(list, (items, count) => Native.fhirbus_embedded_network_new(genesis, Len(genesis), items, count, out created)));
            h = created;
        }

        /// <summary>Queue a signed transaction (its encoding) after checking it would apply; its id (32 bytes).</summary>
        public byte[] Submit(byte[] tx, ulong nowMs)
        {
            var o = new byte[DigestLen];
            Check(Native.fhirbus_embedded_network_submit(Live(), tx, Len(tx), nowMs, o, Len(o)));
            return o;
        }

        /// <summary>Order the pending transactions into a block, sign and apply it; the block's encoding.</summary>
        public byte[] ProduceBlock(ulong nowMs) { Buffer b; Check(Native.fhirbus_embedded_network_produce_block(Live(), nowMs, out b)); return Take(ref b); }

        /// <summary>A snapshot of the current state (later blocks do not change it).</summary>
        public LedgerState State()
        {
            LedgerStateHandle s;
            Check(Native.fhirbus_embedded_network_state(Live(), out s));
            return new LedgerState(s);
        }
    }
}
