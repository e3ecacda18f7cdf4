// Tests of the C# wrapper: every class and method, the failures with their stable codes,
// disposed handles, threads, and all of the shared vectors. A plain runner: each check counts,
// and the run ends with "N passed, N failed". Usage: mono FhirbusTest.exe [vectors.json]
using System;
using System.Collections.Generic;
using System.IO;
using System.Json;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Threading;
using Fhirbus;

public static partial class FhirbusTest
{
    static int passed, failed;
    const string System_ = "urn:oid:2.16.840.1.113883.2.4.6.3";
    const string Url = "https://fhir.hospital-a.example/Observation/o1/_history/3";
    static readonly byte[] Resource = U("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"valueQuantity\":{\"value\":1.00}}");

    static void Check(bool ok, string what)
    {
        if (ok) { passed++; return; }
        failed++;
        Console.Error.WriteLine("FAILED: " + what + "\n" + Environment.StackTrace);
    }

    /// <summary>The action throws a FhirbusException of this code.</summary>
    static void Fails(uint code, string name, Action a)
    {
        try
        {
            a();
            Check(false, "expected " + name + ", got success");
        }
        catch (FhirbusException e)
        {
            Check(e.Code == code && e.Name == name, "expected " + name + " (" + code + "), got " + e.Name + " (" + e.Code + "): " + e.Message);
        }
        catch (Exception e)
        {
            Check(false, "expected " + name + ", got " + e);
        }
    }

    static byte[] U(string s) { return Encoding.UTF8.GetBytes(s); }
    static byte[] Filled(int n, byte v) { return Enumerable.Repeat(v, n).ToArray(); }
    static bool Eq(byte[] a, byte[] b) { return a.SequenceEqual(b); }
    static string Hex(byte[] b) { return BitConverter.ToString(b).Replace("-", "").ToLowerInvariant(); }
    static byte[] Unhex(string s)
    {
        var o = new byte[s.Length / 2];
        for (int i = 0; i < o.Length; i++) o[i] = Convert.ToByte(s.Substring(2 * i, 2), 16);
        return o;
    }
    static string B64Url(byte[] b) { return Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_'); }

    static void TestMeta()
    {
        Check(Api.Version().Split('.').Length >= 3, "version");
        Check(Api.ErrorName(0) == "OK" && Api.ErrorName(203) == "BAD_SIGNATURE" && Api.ErrorName(4242) == "UNKNOWN", "names");
        Check(Api.ErrorText(203) == "BAD_SIGNATURE (203)", "text");
        Fails(900, "NULL_ARGUMENT", () => Api.Sha256(null));
        try { Api.Jcs(U("{\"a\":1,\"a\":2}")); Check(false, "duplicate accepted"); }
        catch (FhirbusException e) { Check(e.Code == 101 && e.Message.StartsWith("DUPLICATE_KEY (101)"), e.Message); }
    }

    static void TestCanonical()
    {
        Check(Eq(Api.Jcs(U(" { \"b\" : 1 , \"a\" : [ 1.0 , \"\\u00e9\" ] } ")), U("{\"a\":[1,\"é\"],\"b\":1}")), "jcs");
        var res = U("{\"resourceType\":\"Patient\",\"text\":{\"div\":\"x\"},\"meta\":{\"versionId\":\"2\"},\"v\":1.00}");
        Check(Encoding.UTF8.GetString(Api.FhirCanonical(res, FhirVariant.Static)) == "{\"resourceType\":\"Patient\",\"v\":1.00}", "static");
        Check(Encoding.UTF8.GetString(Api.FhirCanonical(res, FhirVariant.Data)) == "{\"meta\":{\"versionId\":\"2\"},\"resourceType\":\"Patient\",\"v\":1.00}", "data");
        Check(Eq(Api.FhirDigest(res, FhirVariant.Full), Api.Sha256(Api.FhirCanonical(res, FhirVariant.Full))), "digest");
        Check(Hex(Api.Sha256(U("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256");
        Check(Hex(Api.Sha256(new byte[0])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 empty");
        Fails(100, "MALFORMED_JSON", () => Api.Jcs(new byte[0]));
        Fails(102, "INVALID_TEXT", () => Api.Jcs(new byte[] { (byte)'[', (byte)'"', 0xff, (byte)'"', (byte)']' }));
        Fails(104, "TOO_DEEP", () => Api.Jcs(U(new string('[', 300) + new string(']', 300))));
        Fails(111, "INVALID_VALUE", () => Api.FhirDigest(U("[]"), FhirVariant.Full));
        Fails(111, "INVALID_VALUE", () => Api.FhirDigest(Resource, (FhirVariant)7));
        Fails(900, "NULL_ARGUMENT", () => Api.FhirCanonical(null, FhirVariant.Full));
    }

    static byte[] DerInt(byte[] v)
    {
        var mag = new BigInteger(v.Reverse().Concat(new byte[] { 0 }).ToArray()).ToByteArray().Reverse().ToArray();
        int i = 0;
        while (i < mag.Length - 1 && mag[i] == 0 && (mag[i + 1] & 0x80) == 0) i++;
        mag = mag.Skip(i).ToArray();
        return new byte[] { 2, (byte)mag.Length }.Concat(mag).ToArray();
    }

    static byte[] Der(byte[] sig)
    {
        var body = DerInt(sig.Take(32).ToArray()).Concat(DerInt(sig.Skip(32).ToArray())).ToArray();
        return new byte[] { 0x30, (byte)body.Length }.Concat(body).ToArray();
    }

    static void TestSigning()
    {
        var secret = Filled(32, 7);
        using (var key = SigningKey.FromSecret(secret))
        using (var portable = SigningKey.FromSecret(secret, Backend.RustCrypto))
        using (var gen = SigningKey.Generate(Backend.AwsLc))
        {
            Check(Eq(key.SecretBytes(), secret), "secret");
            Check(Eq(key.PublicKey(), portable.PublicKey()) && Eq(key.KeyId(), portable.KeyId()), "same key");
            Check(!Eq(gen.PublicKey(), key.PublicKey()), "generated");
            var msg = U("a message");
            foreach (Domain d in Enum.GetValues(typeof(Domain)))
            {
                Api.Verify(key.PublicKey(), d, msg, key.KeyId(), key.Sign(d, msg));
                Api.Verify(key.PublicKey(), d, msg, key.KeyId(), portable.Sign(d, msg));
                passed++;
            }
            var sig = key.Sign(Domain.Application, msg);
            Fails(203, "BAD_SIGNATURE", () => Api.Verify(key.PublicKey(), Domain.Consent, msg, key.KeyId(), sig));
            Fails(207, "KEY_ID_MISMATCH", () => Api.Verify(key.PublicKey(), Domain.Application, msg, gen.KeyId(), sig));
            Fails(202, "INVALID_SIGNATURE_ENCODING", () => Api.Verify(key.PublicKey(), Domain.Application, msg, key.KeyId(), sig.Take(63).ToArray()));
            var off = key.PublicKey();
            off[64] ^= 1;
            Fails(200, "INVALID_PUBLIC_KEY", () => Api.Verify(off, Domain.Application, msg, key.KeyId(), sig));
            Fails(109, "INVALID_LENGTH", () => Api.Verify(key.PublicKey(), Domain.Application, msg, new byte[31], sig));
            Fails(111, "INVALID_VALUE", () => Api.Verify(key.PublicKey(), (Domain)0, msg, key.KeyId(), sig));
            Fails(900, "NULL_ARGUMENT", () => Api.Verify(key.PublicKey(), Domain.Application, msg, key.KeyId(), null));
            var der = Der(sig);
            Check(Eq(Api.SignatureFromDer(der), sig), "from der");
            Api.Verify(key.PublicKey(), Domain.Application, msg, key.KeyId(), der);
            Fails(202, "INVALID_SIGNATURE_ENCODING", () => Api.SignatureFromDer(sig));
            Fails(109, "INVALID_LENGTH", () => SigningKey.FromSecret(new byte[31]));
            Fails(201, "INVALID_SECRET_KEY", () => SigningKey.FromSecret(new byte[32]));
            Fails(111, "INVALID_VALUE", () => SigningKey.Generate((Backend)9));
            Fails(900, "NULL_ARGUMENT", () => SigningKey.FromSecret(null));
        }
    }

    static PointerContext Ctx(uint epoch = 1)
    {
        return new PointerContext(Filled(32, 3), "hospital-a", "Observation", Api.FhirDigest(Resource, FhirVariant.Full), epoch);
    }

    static void TestPointerAndWrap()
    {
        var ctx = Ctx();
        using (var key = DataKey.FromBytes(Filled(32, 9)))
        using (var portable = DataKey.FromBytes(Filled(32, 9), Backend.RustCrypto))
        using (var other = DataKey.Generate())
        {
            Check(Eq(key.ToBytes(), Filled(32, 9)), "data key bytes");
            var sealedPointer = key.SealPointer(ctx, Url);
            Check(sealedPointer.Nonce.Length == 12 && sealedPointer.Ciphertext.Length == U(Url).Length + 16, "sizes");
            Check(key.OpenPointer(ctx, sealedPointer) == Url && portable.OpenPointer(ctx, sealedPointer) == Url, "open");
            Fails(205, "DECRYPTION_FAILED", () => other.OpenPointer(ctx, sealedPointer));
            Fails(205, "DECRYPTION_FAILED", () => key.OpenPointer(Ctx(2), sealedPointer));
            Fails(109, "INVALID_LENGTH", () => key.OpenPointer(ctx, new SealedPointer(new byte[13], sealedPointer.Ciphertext)));
            Fails(111, "INVALID_VALUE", () => key.SealPointer(new PointerContext(ctx.Patient, "Hospital A", "Observation", ctx.Digest, 1), Url));
            Fails(103, "TOO_LARGE", () => key.SealPointer(ctx, new string('u', 2049)));
            Fails(900, "NULL_ARGUMENT", () => key.SealPointer(ctx, null));

            using (var ek = EncryptionKey.FromSecret(Filled(32, 6)))
            using (var ekPortable = EncryptionKey.FromSecret(Filled(32, 6), Backend.RustCrypto))
            using (var ek2 = EncryptionKey.Generate())
            {
                Check(Eq(ek.SecretBytes(), Filled(32, 6)), "ek secret");
                var w = Api.Wrap(ek.PublicKey(), key, ctx.Patient, "hospital-a", 1);
                Check(Eq(w.KeyId, ek.KeyId()) && w.Enc.Length == 65 && w.Ciphertext.Length == 48, "wrapped");
                using (var un = ek.Unwrap(w, ctx.Patient, "hospital-a", 1))
                using (var un2 = ekPortable.Unwrap(w, ctx.Patient, "hospital-a", 1))
                    Check(Eq(un.ToBytes(), key.ToBytes()) && Eq(un2.ToBytes(), key.ToBytes()), "unwrapped");
                Fails(205, "DECRYPTION_FAILED", () => ek.Unwrap(w, ctx.Patient, "hospital-b", 1));
                Fails(207, "KEY_ID_MISMATCH", () => ek2.Unwrap(w, ctx.Patient, "hospital-a", 1));
                Fails(109, "INVALID_LENGTH", () => ek.Unwrap(new WrappedKey(w.KeyId, w.Enc.Take(64).ToArray(), w.Ciphertext), ctx.Patient, "hospital-a", 1));
                Fails(200, "INVALID_PUBLIC_KEY", () => Api.Wrap(new byte[65], key, ctx.Patient, "hospital-a", 1));
                EncryptionKey.Generate(Backend.RustCrypto).Dispose();
            }
        }
    }

    static void TestPseudonym()
    {
        using (var key = PseudonymKey.FromBytes(Filled(32, 7)))
        using (var gen = PseudonymKey.Generate())
        {
            Check(Eq(key.ToBytes(), Filled(32, 7)), "bytes");
            Check(Eq(key.Pseudonym(System_, "123-45-678a"), key.Pseudonym(" " + System_ + " ", " 12345 678A ")), "normalized");
            Check(!Eq(key.Pseudonym(System_, "1"), gen.Pseudonym(System_, "1")), "keyed");
            try { key.Pseudonym(System_, "98765*4321"); Check(false, "accepted"); }
            catch (FhirbusException e) { Check(e.Code == 111 && !e.Message.Contains("98765"), "no identifier in message"); }
            Fails(111, "INVALID_VALUE", () => key.Pseudonym("", "1"));
            Fails(900, "NULL_ARGUMENT", () => key.Pseudonym(System_, null));
            Fails(109, "INVALID_LENGTH", () => PseudonymKey.FromBytes(new byte[5]));
        }
    }

    static void TestRecordAndKeys()
    {
        using (var sk = SigningKey.FromSecret(Filled(32, 7)))
        using (var other = SigningKey.Generate())
        using (var dk = DataKey.FromBytes(Filled(32, 9)))
        using (var pk = PseudonymKey.FromBytes(Filled(32, 9)))
        using (var ks = new KeySet())
        {
            var patient = pk.Pseudonym(System_, "123456782");
            var digest = Api.FhirDigest(Resource, FhirVariant.Full);
            const ulong t = 1764000000000UL;
            var enc = RecordEntry.SealAndSign("hospital-a", patient, "Observation", digest, 3, t, Url, dk, sk);
            var e = RecordEntry.Decode(enc);
            Check(e.Custodian == "hospital-a" && e.ResourceType == "Observation", "text accessors");
            Check(Eq(e.Patient, patient) && Eq(e.Digest, digest) && Eq(e.KeyId, sk.KeyId()), "byte accessors");
            Check(e.Epoch == 3 && e.TimeMs == t, "numbers");
            Check(Eq(e.Encode(), enc), "encode");
            e.Verify(sk.PublicKey());
            Fails(207, "KEY_ID_MISMATCH", () => e.Verify(other.PublicKey()));
            Check(e.OpenPointer(dk) == Url, "open pointer");
            e.CheckResource(U("{ \"valueQuantity\":{\"value\":1.00}, \"id\":\"o1\", \"resourceType\":\"Observation\" }"));
            Fails(209, "DIGEST_MISMATCH", () => e.CheckResource(U("{\"resourceType\":\"Observation\",\"id\":\"o2\"}")));
            Fails(300, "UNKNOWN_KEY", () => e.Verify(ks));
            var id = ks.Add(KeyPurpose.Signing, sk.PublicKey(), t - 1);
            Check(Eq(id, sk.KeyId()), "key set id");
            e.Verify(ks);
            ks.Revoke(id, t);
            Fails(301, "KEY_REVOKED", () => e.Verify(ks));
            e.Dispose();
            e.Dispose();
            Fails(901, "INVALID_HANDLE", () => { var c = e.Custodian; });
            Fails(100, "MALFORMED_JSON", () => RecordEntry.Decode(enc.Take(enc.Length - 1).ToArray()));
            Fails(107, "UNSUPPORTED_VERSION", () => RecordEntry.Decode(U(Encoding.UTF8.GetString(enc).Replace("\"v\":1", "\"v\":2"))));
            Fails(103, "TOO_LARGE", () => RecordEntry.Decode(new byte[9000]));
            Fails(900, "NULL_ARGUMENT", () => RecordEntry.Decode(null));

            var msg = U("tx");
            var s1 = sk.Sign(Domain.Transaction, msg);
            var s2 = other.Sign(Domain.Transaction, msg);
            using (var set = new KeySet())
            using (var ek = EncryptionKey.Generate())
            {
                var id1 = set.Rotate(KeyPurpose.Signing, sk.PublicKey(), 10);
                Fails(303, "DUPLICATE_KEY_ID", () => set.Add(KeyPurpose.Signing, sk.PublicKey(), 11));
                set.Verify(Domain.Transaction, msg, id1, s1, 15);
                Fails(302, "KEY_NOT_YET_VALID", () => set.Verify(Domain.Transaction, msg, id1, s1, 9));
                Fails(300, "UNKNOWN_KEY", () => set.Verify(Domain.Transaction, msg, other.KeyId(), s2, 15));
                var id2 = set.Rotate(KeyPurpose.Signing, other.PublicKey(), 20);
                set.Verify(Domain.Transaction, msg, id1, s1, 25);
                set.Verify(Domain.Transaction, msg, id2, s2, 25);
                set.Revoke(id1, 100);
                Fails(301, "KEY_REVOKED", () => set.Verify(Domain.Transaction, msg, id1, s1, 100));
                Fails(301, "KEY_REVOKED", () => set.Promote(id1));
                set.Promote(id2);
                var ide = set.Add(KeyPurpose.Encryption, ek.PublicKey(), 1);
                Fails(304, "WRONG_KEY_PURPOSE", () => set.Verify(Domain.Transaction, msg, ide, s2, 25));
                Fails(111, "INVALID_VALUE", () => set.Add((KeyPurpose)3, sk.PublicKey(), 1));
                Fails(200, "INVALID_PUBLIC_KEY", () => set.Add(KeyPurpose.Signing, new byte[65], 1));
            }
        }
    }

    static void TestHandles()
    {
        var k = SigningKey.Generate();
        var id = k.KeyId();
        k.Dispose();
        k.Dispose();
        Fails(901, "INVALID_HANDLE", () => k.KeyId());
        Fails(901, "INVALID_HANDLE", () => k.Sign(Domain.Application, id));
        var d = DataKey.Generate();
        d.Dispose();
        Fails(901, "INVALID_HANDLE", () => Api.Wrap(new byte[65], d, new byte[32], "a", 1));
        for (int i = 0; i < 200; i++) DataKey.Generate(); // left to the finalizer
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using (var key = SigningKey.Generate())
        using (var set = new KeySet())
        {
            var kid = set.Rotate(KeyPurpose.Signing, key.PublicKey(), 1);
            int ok = 0;
            var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
            {
                for (int i = 0; i < 25; i++)
                {
                    var m = U("m" + i);
                    set.Verify(Domain.Application, m, kid, key.Sign(Domain.Application, m), 2);
                    Interlocked.Increment(ref ok);
                }
            })).ToList();
            threads.ForEach(th => th.Start());
            threads.ForEach(th => th.Join());
            Check(ok == 100, "threads " + ok);
        }
    }

    // --- the shared vectors ---------------------------------------------------------------

    static string S(JsonValue v, string k) { return (string)v[k]; }
    static uint? Code(JsonValue v) { var c = v["code"]; return c == null ? (uint?)null : (uint)(int)c; }

    static void Outcome(uint? code, Action a)
    {
        if (code == null)
        {
            try { a(); passed++; }
            catch (Exception e) { Check(false, "vector: " + e); }
        }
        else
        {
            Fails(code.Value, Api.ErrorName(code.Value), a);
        }
    }

    static JsonArray Group(JsonValue root, string name)
    {
        var g = root.ContainsKey(name) ? root[name] as JsonArray : null;
        Check(g != null && g.Count > 0, "vector group " + name);
        return g ?? new JsonArray();
    }

    static int TestVectors(string path)
    {
        var root = JsonValue.Parse(File.ReadAllText(path, Encoding.UTF8));
        Check((int)root["version"] == 1, "vectors version");
        int n = 0;
        foreach (var v in Group(root, "jcs")) { Check(Eq(Api.Jcs(U(S(v, "input"))), U(S(v, "output"))), "jcs vector"); n++; }
        foreach (var v in Group(root, "fhir_digest"))
        {
            Check(Eq(Api.FhirDigest(U(S(v, "resource")), (FhirVariant)(int)v["variant"]), Unhex(S(v, "digest"))), "digest vector");
            n++;
        }
        foreach (var v in Group(root, "canonical_errors"))
        {
            var input = U(S(v, "input"));
            var code = Code(v);
            Outcome(code, () => Api.Jcs(input));
            foreach (FhirVariant variant in Enum.GetValues(typeof(FhirVariant)))
            {
                Outcome(code, () => Api.FhirCanonical(input, variant));
                Outcome(code, () => Api.FhirDigest(input, variant));
            }
            n++;
        }
        foreach (var v in Group(root, "ecdsa"))
        {
            Outcome(Code(v), () => Api.Verify(Unhex(S(v, "public")), (Domain)(int)v["domain"], Unhex(S(v, "msg")), Unhex(S(v, "key_id")), Unhex(S(v, "sig"))));
            n++;
        }
        foreach (var v in Group(root, "pointer"))
        {
            var ctx = new PointerContext(Unhex(S(v, "patient")), S(v, "custodian"), S(v, "resource_type"), Unhex(S(v, "digest")), (uint)(int)v["epoch"]);
            var sp = new SealedPointer(Unhex(S(v, "nonce")), Unhex(S(v, "ciphertext")));
            foreach (var b in new[] { Backend.AwsLc, Backend.RustCrypto })
                using (var key = DataKey.FromBytes(Unhex(S(v, "data_key")), b))
                    Outcome(Code(v), () => Check(key.OpenPointer(ctx, sp) == S(v, "pointer"), "pointer vector"));
            n++;
        }
        foreach (var v in Group(root, "pseudonym"))
        {
            using (var key = PseudonymKey.FromBytes(Unhex(S(v, "key"))))
                Check(B64Url(key.Pseudonym(S(v, "system"), S(v, "value"))) == S(v, "pseudonym"), "pseudonym vector");
            n++;
        }
        foreach (var v in Group(root, "record_entry"))
        {
            Outcome(Code(v), () => { using (var e = RecordEntry.Decode(U(S(v, "encoded")))) e.Verify(Unhex(S(v, "custodian_public"))); });
            n++;
        }
        return n;
    }

    public static int Main(string[] args)
    {
        var vectors = args.Length > 0 ? args[0] : "bindings/vectors/vectors.json";
        // The repository's root (the vectors are at bindings/vectors/vectors.json under it).
        Root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(vectors))));
        var tests = new Action[] { TestMeta, TestCanonical, TestSigning, TestPointerAndWrap, TestPseudonym, TestRecordAndKeys, TestHandles,
            TestConsent, TestHl7Examples, TestStory };
        foreach (var t in tests)
        {
            try { t(); }
            catch (Exception e) { Check(false, t.Method.Name + " threw " + e); }
        }
        int n = 0;
        try { n = TestVectors(vectors); }
        catch (Exception e) { Check(false, "vectors threw " + e); }
        Console.WriteLine(n + " vectors");
        Console.WriteLine(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
