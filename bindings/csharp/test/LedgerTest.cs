// Consents, the ledger and the access flow from C# (issues 4, 5, 6): decisions on consent
// handles, an HL7 example, and the whole story on an embedded network (a genesis of three
// members and four validators, enrolment, a record, a consent imported from FHIR R4 and granted,
// access permitted, the pointer opened and the resource checked, revocation, denial,
// break-the-glass, the audit trail in JSON and FHIR, a proof checked by a light client, and a
// second node reaching the same state root).
using System;
using System.Collections.Generic;
using System.IO;
using System.Json;
using System.Linq;
using System.Text;
using Fhirbus;

public static partial class FhirbusTest
{
    static string Root = ".";
    const ulong T0 = 1764000000000UL;
    const string ChainId = "cs-net";
    const string LedgerUrl = "http://127.0.0.1:8081/fhir/Observation/o1/_history/1";

    /// <summary>A small R4 Consent: base OPTOUT, one exception permitting Hospital B Observations for TREAT.</summary>
    static readonly byte[] ConsentR4 = U("{\"resourceType\":\"Consent\",\"id\":\"consent-b-treat\",\"status\":\"active\","
        + "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
        + "\"patient\":{\"reference\":\"Patient/p1\"},"
        + "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTOUT\"}]},"
        + "\"provision\":{\"provision\":[{\"type\":\"permit\",\"actor\":[{\"role\":{\"coding\":[{\"system\":"
        + "\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},"
        + "\"reference\":{\"reference\":\"Organization/hospital-b\"}}],"
        + "\"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}],"
        + "\"class\":[{\"system\":\"http://hl7.org/fhir/resource-types\",\"code\":\"Observation\"}]}]}}");

    static JsonValue J(byte[] json) { return JsonValue.Parse(Encoding.UTF8.GetString(json)); }
    static string T(byte[] b) { return Encoding.UTF8.GetString(b); }
    static bool Has(JsonValue o, string k) { return o is JsonObject && ((JsonObject)o).ContainsKey(k); }

    static void TestConsent()
    {
        var patient = Filled(32, 1);
        using (var c = Consent.FromFhir(ConsentR4, FhirVersion.R4, patient))
        {
            Check(c.Id == "consent-b-treat" && Eq(c.Patient, patient), "consent accessors");
            var enc = c.Encode();
            using (var d = Consent.Decode(enc)) Check(Eq(d.Encode(), enc), "decode round trip");
            foreach (FhirVersion v in Enum.GetValues(typeof(FhirVersion)))
            {
                var fhir = c.ToFhir(v);
                Check(T(fhir).Contains("\"Consent\""), "export " + v);
                using (var back = Consent.FromFhir(fhir, v, patient)) Check(Eq(back.Encode(), enc), "import export import " + v);
            }
            var dec = J(Consent.Decide(new[] { c }, "hospital-b", patient, "TREAT", "Observation", T0, false, T0));
            Check((bool)dec["permit"] && (string)dec["basis"] == "consent" && (string)dec["consent"] == "consent-b-treat", "permit " + dec.ToString());
            Check((bool)dec["obligations"]["audit"] && !(bool)dec["obligations"]["notifyPatient"], "obligations");
            dec = J(Consent.Decide(new[] { c }, "hospital-c", patient, "TREAT", "Observation", T0, false, T0));
            Check(!(bool)dec["permit"], "another requester denied");
            dec = J(Consent.Decide(new Consent[0], "hospital-c", patient, "ETREAT", "Observation", T0, true, T0));
            Check((bool)dec["permit"] && (string)dec["basis"] == "emergencyPolicy" && (bool)dec["obligations"]["notifyPatient"], "break the glass");
            dec = J(Consent.Decide(new Consent[0], "hospital-c", patient, "ETREAT", "Observation", T0, false, T0));
            Check(!(bool)dec["permit"] && (string)dec["basis"] == "networkDefault", "no emergency policy");
            Fails(111, "INVALID_VALUE", () => Consent.Decide(new[] { c }, "hospital-b", patient, "NOPE", "Observation", T0, false, T0));
            Fails(109, "INVALID_LENGTH", () => Consent.Decide(new[] { c }, "hospital-b", new byte[31], "TREAT", "Observation", T0, false, T0));
            Fails(900, "NULL_ARGUMENT", () => Consent.Decide(null, "hospital-b", patient, "TREAT", "Observation", T0, false, T0));
            Fails(900, "NULL_ARGUMENT", () => Consent.Decide(new[] { c, null }, "hospital-b", patient, "TREAT", "Observation", T0, false, T0));
            var closed = Consent.Decode(enc);
            closed.Dispose();
            closed.Dispose();
            Fails(901, "INVALID_HANDLE", () => Consent.Decide(new[] { c, closed }, "hospital-b", patient, "TREAT", "Observation", T0, false, T0));
            Fails(901, "INVALID_HANDLE", () => closed.Encode());
            Fails(401, "CONSENT_INVALID", () => Consent.Decode(U(T(enc).Replace("\"TREAT\"", "\"TREAT\",\"TREAT\""))));
        }
        Fails(100, "MALFORMED_JSON", () => Consent.FromFhir(ConsentR4.Take(40).ToArray(), FhirVersion.R4, Filled(32, 1)));
        Fails(100, "MALFORMED_JSON", () => Consent.FromFhir(new byte[0], FhirVersion.R4, Filled(32, 1)));
        Fails(103, "TOO_LARGE", () => Consent.FromFhir(new byte[(1 << 20) + 1], FhirVersion.R4, Filled(32, 1)));
        Fails(111, "INVALID_VALUE", () => Consent.FromFhir(ConsentR4, (FhirVersion)3, Filled(32, 1)));
        Fails(900, "NULL_ARGUMENT", () => Consent.FromFhir(null, FhirVersion.R4, Filled(32, 1)));
    }

    static void TestHl7Examples()
    {
        var dir = Path.Combine(Root, "core", "test-data", "fhir-consent", "r4");
        var patient = Filled(32, 1);
        using (var c = Consent.FromFhir(File.ReadAllBytes(Path.Combine(dir, "Consent-consent-example-notOrg.json")), FhirVersion.R4, patient))
        {
            Check(c.Id == "consent-example-notOrg", "notOrg id");
            var dec = J(Consent.Decide(new[] { c }, "f001", patient, "TREAT", "Observation", T0, true, T0));
            Check(!(bool)dec["permit"] && (string)dec["basis"] == "consent", "notOrg denies f001");
            dec = J(Consent.Decide(new[] { c }, "f001", patient, "ETREAT", "Observation", T0, true, T0));
            Check(!(bool)dec["permit"], "a restriction is never overridden");
        }
        try
        {
            Consent.FromFhir(File.ReadAllBytes(Path.Combine(dir, "Consent-consent-example-pkb.json")), FhirVersion.R4, patient);
            Check(false, "pkb imported");
        }
        catch (FhirbusException e) { Check(e.Code == 400 && e.Message.Contains("securityLabel"), "pkb refused: " + e.Message); }
    }

    // --- the story on an embedded network ---------------------------------------------------

    sealed class Org : IDisposable
    {
        public readonly string Id, Name;
        public readonly SigningKey Sign = SigningKey.Generate();
        public readonly EncryptionKey Enc = EncryptionKey.Generate();
        public Org(string id, string name) { Id = id; Name = name; }
        public string Json()
        {
            return "{\"org\":\"" + Id + "\",\"name\":\"" + Name + "\",\"signingKey\":\"" + B64Url(Sign.PublicKey())
                + "\",\"encryptionKey\":\"" + B64Url(Enc.PublicKey()) + "\"}";
        }
        public void Dispose() { Sign.Dispose(); Enc.Dispose(); }
    }

    static ulong txNonce;

    static byte[] Tx(ulong time, string body, params SigningKey[] keys)
    {
        var n = new byte[16];
        txNonce++;
        for (int i = 0; i < 8; i++) n[i] = (byte)(txNonce >> (56 - 8 * i));
        var json = "{\"v\":1,\"chain\":\"" + ChainId + "\",\"time\":" + time + ",\"nonce\":\"" + B64Url(n) + "\",\"body\":" + body + "}";
        return Api.TransactionSign(U(json), keys);
    }

    static void TestStory()
    {
        var blocks = new List<byte[]>();
        using (var a = new Org("hospital-a", "Hospital A"))
        using (var b = new Org("hospital-b", "Hospital B"))
        using (var c = new Org("registry", "Registry"))
        using (var v0 = SigningKey.Generate())
        using (var v1 = SigningKey.Generate())
        using (var v2 = SigningKey.Generate())
        using (var v3 = SigningKey.Generate())
        using (var patientSign = SigningKey.Generate())
        using (var patientEnc = EncryptionKey.Generate())
        using (var pk = PseudonymKey.Generate())
        using (var dk = DataKey.Generate())
        {
            var g = U("{\"chain\":\"" + ChainId + "\",\"time\":" + T0 + ",\"members\":[" + a.Json() + "," + b.Json() + "," + c.Json()
                + "],\"council\":[\"hospital-a\",\"hospital-b\",\"registry\"],\"validators\":[\"" + B64Url(v0.PublicKey()) + "\",\""
                + B64Url(v1.PublicKey()) + "\",\"" + B64Url(v2.PublicKey()) + "\",\"" + B64Url(v3.PublicKey())
                + "\"],\"policy\":{\"allowEmergencyAccess\":true,\"maxTxAgeMs\":600000,\"maxClockSkewMs\":60000}}");
            Fails(300, "UNKNOWN_KEY", () => new EmbeddedNetwork(g, v0, v1).Dispose());
            Fails(900, "NULL_ARGUMENT", () => new EmbeddedNetwork(g, (SigningKey[])null).Dispose());
            using (var net = new EmbeddedNetwork(g, v0, v1, v2, v3))
            using (var node2 = LedgerState.FromGenesis(g))
            {
                var patient = pk.Pseudonym(System_, "123456782");
                var p = B64Url(patient);

                var enrol = "{\"type\":\"enrol_patient\",\"by\":\"hospital-a\",\"patient\":\"" + p + "\",\"signing_key\":\""
                    + B64Url(patientSign.PublicKey()) + "\",\"encryption_key\":\"" + B64Url(patientEnc.PublicKey()) + "\"}";
                Fails(300, "UNKNOWN_KEY", () => net.Submit(Tx(T0 + 1000, enrol, b.Sign), T0 + 1000));
                Check(net.Submit(Tx(T0 + 1000, enrol, a.Sign), T0 + 1000).Length == 32, "tx id");
                blocks.Add(net.ProduceBlock(T0 + 2000));

                var digest = Api.FhirDigest(Resource, FhirVariant.Full);
                var entry = RecordEntry.SealAndSign("hospital-a", patient, "Observation", digest, 1, T0 + 3000, LedgerUrl, dk, a.Sign);
                net.Submit(Api.TransactionRegisterRecord(ChainId, entry), T0 + 3000);
                var w = Api.Wrap(b.Enc.PublicKey(), dk, patient, "hospital-a", 1);
                var share = "{\"type\":\"share_data_key\",\"custodian\":\"hospital-a\",\"patient\":\"" + p
                    + "\",\"epoch\":1,\"recipient\":\"hospital-b\",\"wrapped\":{\"kid\":\"" + Hex(w.KeyId) + "\",\"enc\":\""
                    + B64Url(w.Enc) + "\",\"ct\":\"" + B64Url(w.Ciphertext) + "\"}}";
                net.Submit(Tx(T0 + 3100, share, a.Sign), T0 + 3100);
                blocks.Add(net.ProduceBlock(T0 + 4000));

                string entryHex;
                byte[] entryId;
                using (var s = net.State())
                {
                    var records = J(s.Records(patient));
                    Check(records.Count == 1, "one record");
                    entryHex = (string)records[0]["id"];
                    entryId = Unhex(entryHex);
                    Check(T(s.VisibleRecords("hospital-b", patient, "TREAT", T0 + 4500)) == "[]", "default deny");
                }

                using (var consent = Consent.FromFhir(ConsentR4, FhirVersion.R4, patient))
                {
                    var grant = "{\"type\":\"grant_consent\",\"consent\":" + T(consent.Encode()) + "}";
                    Fails(300, "UNKNOWN_KEY", () => net.Submit(Tx(T0 + 5000, grant, a.Sign), T0 + 5000));
                    net.Submit(Tx(T0 + 5000, grant, patientSign), T0 + 5000);
                }
                blocks.Add(net.ProduceBlock(T0 + 6000));

                AccessRequest permitted;
                using (var s = net.State())
                {
                    Check(J(s.Consents(patient)).Count == 1, "one consent");
                    Check(J(s.VisibleRecords("hospital-b", patient, "TREAT", T0 + 7000)).Count == 1, "visible to B");
                    permitted = s.RequestAccess("hospital-b", b.Sign, entryId, "TREAT", T0 + 7000);
                    var d = J(permitted.Decision);
                    Check((bool)d["permit"] && (string)d["consent"] == "consent-b-treat", "permitted " + d.ToString());
                    Fails(501, "NOT_ON_LEDGER", () => s.CustodianRelease("hospital-a", permitted.Transaction, T0 + 7000));
                    Fails(111, "INVALID_VALUE", () => s.RequestAccess("hospital-b", b.Sign, new byte[32], "TREAT", T0 + 7000));
                }
                net.Submit(permitted.Transaction, T0 + 7000);
                blocks.Add(net.ProduceBlock(T0 + 8000));

                using (var s = net.State())
                {
                    Check(s.OpenPointer("hospital-b", b.Enc, entryId) == LedgerUrl, "pointer opened");
                    s.CheckFetched(entryId, Resource);
                    Fails(209, "DIGEST_MISMATCH", () => s.CheckFetched(entryId, U(T(Resource).Replace("1.00", "1.01"))));
                    Fails(502, "NO_DATA_KEY_SHARE", () => s.OpenPointer("registry", c.Enc, entryId));
                    var rel = J(s.CustodianRelease("hospital-a", permitted.Transaction, T0 + 8500));
                    Check((string)rel["entry"] == entryHex && !(bool)rel["emergency"], "released");
                    Fails(111, "INVALID_VALUE", () => s.CustodianRelease("hospital-b", permitted.Transaction, T0 + 8500));
                }

                var revoke = "{\"type\":\"revoke_consent\",\"patient\":\"" + p + "\",\"consent_id\":\"consent-b-treat\"}";
                net.Submit(Tx(T0 + 9000, revoke, patientSign), T0 + 9000);
                blocks.Add(net.ProduceBlock(T0 + 10000));
                using (var s = net.State())
                {
                    Fails(500, "ACCESS_DENIED", () => s.CustodianRelease("hospital-a", permitted.Transaction, T0 + 10500));
                    var denied = s.RequestAccess("hospital-b", b.Sign, entryId, "TREAT", T0 + 11000);
                    var d = J(denied.Decision);
                    Check(!(bool)d["permit"] && (string)d["basis"] == "networkDefault", "denied");
                    net.Submit(denied.Transaction, T0 + 11000);
                }
                blocks.Add(net.ProduceBlock(T0 + 12000));

                AccessRequest btg;
                using (var s = net.State())
                {
                    btg = s.RequestAccess("hospital-b", b.Sign, entryId, "ETREAT", T0 + 13000);
                    var d = J(btg.Decision);
                    Check((bool)d["permit"] && (string)d["basis"] == "emergencyPolicy" && (bool)d["obligations"]["notifyPatient"], "break the glass");
                    net.Submit(btg.Transaction, T0 + 13000);
                }
                blocks.Add(net.ProduceBlock(T0 + 14000));

                using (var s = net.State())
                {
                    Check((bool)J(s.CustodianRelease("hospital-a", btg.Transaction, T0 + 14500))["emergency"], "emergency release");
                    var trail = J(s.Audit(patient));
                    Check(trail.Count == 8, "eight events: " + trail.Count);
                    var last = trail[7];
                    Check((string)last["action"] == "access_decided" && (bool)last["emergency"] && (string)last["purpose"] == "ETREAT", "emergency audited");
                    var fhir = T(s.AuditFhir(patient));
                    Check(fhir.Contains("\"Bundle\"") && fhir.Contains("110127") && fhir.Contains("ETREAT") && !fhir.Contains("123456782"), "FHIR audit");
                    Check(J(s.OrgActions("hospital-b")).Count == 4, "B's actions");
                    Check((string)J(s.Member("hospital-b"))["org"] == "hospital-b", "member view");
                    Check(T(s.Member("nobody")) == "null", "no such member");
                    Check(s.Chain == ChainId && s.Height == 7, "chain and height");
                    // What a custodian wraps a share to and seals a new entry under, read off the ledger.
                    Check(s.MemberPrimaryKey("hospital-b", "encryption").SequenceEqual(b.Enc.PublicKey()), "B's primary encryption key");
                    Check(s.MemberPrimaryKey("hospital-a", "signing").SequenceEqual(a.Sign.PublicKey()), "A's primary signing key");
                    Check(s.DataKeyEpoch(patient, "hospital-a") == 1, "epoch 1 until rotated");
                    Fails(111, "INVALID_VALUE", () => s.MemberPrimaryKey("nobody", "signing"));
                    Fails(111, "INVALID_VALUE", () => s.MemberPrimaryKey("hospital-b", "Encryption"));
                    Fails(109, "INVALID_LENGTH", () => s.DataKeyEpoch(new byte[31], "hospital-a"));
                    Fails(111, "INVALID_VALUE", () => s.DataKeyEpoch(patient, "Hospital A"));

                    var root = s.StateRoot();
                    var doc = J(s.Prove("record", entryHex));
                    Check((string)doc["root"] == Hex(root), "proof root");
                    var proof = U(doc["proof"].ToString());
                    var value = Unhex((string)doc["value"]);
                    Api.VerifyProof(root, proof, value);
                    Fails(111, "INVALID_VALUE", () => Api.VerifyProof(root, proof, null));
                    var otherRoot = (byte[])root.Clone();
                    otherRoot[0] ^= 1;
                    Fails(203, "BAD_SIGNATURE", () => Api.VerifyProof(otherRoot, proof, value));
                    Fails(100, "MALFORMED_JSON", () => Api.VerifyProof(root, proof.Take(proof.Length - 1).ToArray(), value));
                    // A member never admitted is shown absent; an entry never registered has no proof.
                    var absent = J(s.Prove("member", "never-admitted"));
                    Check(!Has(absent, "value"), "absent item");
                    var absentProof = U(absent["proof"].ToString());
                    Api.VerifyAbsence(root, "member", "never-admitted", absentProof);
                    Fails(203, "BAD_SIGNATURE", () => Api.VerifyAbsence(root, "member", "hospital-b", absentProof));
                    Fails(203, "BAD_SIGNATURE", () => Api.VerifyAbsence(otherRoot, "member", "never-admitted", absentProof));
                    Fails(111, "INVALID_VALUE", () => Api.VerifyAbsence(root, "record", entryHex, proof));
                    Fails(111, "INVALID_VALUE", () => Api.VerifyProof(root, absentProof, null));
                    Fails(111, "INVALID_VALUE", () => s.Prove("record", new string('0', 64)));
                    var cdoc = J(s.Prove("consent", p + "/consent-b-treat"));
                    Api.VerifyProof(root, U(cdoc["proof"].ToString()), Unhex((string)cdoc["value"]));
                    Fails(111, "INVALID_VALUE", () => s.Prove("block", "1"));

                    int events = 0;
                    foreach (var block in blocks) events += J(node2.ApplyBlock(block)).Count;
                    Check(events == 8, "events " + events);
                    Check(Eq(node2.StateRoot(), root) && Eq(node2.LastHash(), s.LastHash()) && node2.Height == 7, "same state on the second node");
                    Fails(111, "INVALID_VALUE", () => node2.ApplyBlock(blocks[6]));
                    Fails(100, "MALFORMED_JSON", () => node2.ApplyBlock(new byte[0]));
                    Check(Eq(node2.StateRoot(), root) && node2.Height == 7, "unchanged");
                }
                var next = net.ProduceBlock(T0 + 15000);
                var changed = U(T(next).Replace("\"time\":" + (T0 + 15000), "\"time\":" + (T0 + 15001)));
                Fails(203, "BAD_SIGNATURE", () => node2.ApplyBlock(changed));
                Check(T(node2.ApplyBlock(next)) == "[]" && node2.Height == 8, "the genuine block");
                Fails(100, "MALFORMED_JSON", () => Api.TransactionSign(U("{"), a.Sign));
                Fails(900, "NULL_ARGUMENT", () => Api.TransactionSign(U("{}"), (SigningKey)null));

                var closed = net.State();
                Check(closed.Height == 8, "snapshot height");
                closed.Dispose();
                closed.Dispose();
                Fails(901, "INVALID_HANDLE", () => { var h = closed.Height; });
                Fails(901, "INVALID_HANDLE", () => closed.Records(patient));
                var gone = new EmbeddedNetwork(g, v0, v1, v2);
                gone.Dispose();
                Fails(901, "INVALID_HANDLE", () => gone.ProduceBlock(T0));
                Fails(901, "INVALID_HANDLE", () => gone.State());
                var freed = SigningKey.Generate();
                freed.Dispose();
                Fails(901, "INVALID_HANDLE", () => Api.TransactionSign(U("{}"), freed));
            }
        }
        Fails(100, "MALFORMED_JSON", () => LedgerState.FromGenesis(U("{")));
    }
}
