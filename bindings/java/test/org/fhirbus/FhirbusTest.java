package org.fhirbus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tests of the Java wrapper: every class and method, the failures with their stable codes,
 * closed handles, threads, and all of the shared vectors. A plain runner: each check counts,
 * and the run ends with "N passed, N failed". Usage: FhirbusTest [vectors.json]
 */
public final class FhirbusTest {
  private static int passed;
  private static int failed;

  private static final String SYSTEM = "urn:oid:2.16.840.1.113883.2.4.6.3";
  private static final String URL = "https://fhir.hospital-a.example/Observation/o1/_history/3";
  private static final byte[] RESOURCE =
      utf8("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"valueQuantity\":{\"value\":1.00}}");

  interface Body {
    void run() throws Exception;
  }

  static void check(boolean ok, String what) {
    if (ok) {
      passed++;
    } else {
      failed++;
      System.err.println("FAILED: " + what);
      new Throwable().printStackTrace();
    }
  }

  /** The body throws a FhirbusException of this code. */
  static void fails(int code, String name, Body body) {
    try {
      body.run();
      check(false, "expected " + name + " (" + code + "), got success");
    } catch (FhirbusException e) {
      check(e.code() == code && e.name().equals(name),
          "expected " + name + " (" + code + "), got " + e.name() + " (" + e.code() + "): " + e.getMessage());
    } catch (Exception e) {
      check(false, "expected " + name + ", got " + e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  // ------------------------------------------------------------------------------------------

  static void testMeta() {
    check(Fhirbus.version().matches("\\d+\\.\\d+\\.\\d+.*"), "version");
    check(Fhirbus.errorName(0).equals("OK"), "OK");
    check(Fhirbus.errorName(203).equals("BAD_SIGNATURE"), "name 203");
    check(Fhirbus.errorName(4242).equals("UNKNOWN"), "unknown name");
    check(Fhirbus.errorText(203).equals("BAD_SIGNATURE (203)"), "text 203");
    fails(900, "NULL_ARGUMENT", () -> Fhirbus.sha256(null));
    try {
      Fhirbus.jcs(utf8("{\"a\":1,\"a\":2}"));
      check(false, "duplicate key accepted");
    } catch (FhirbusException e) {
      check(e.code() == 101 && e.getMessage().startsWith("DUPLICATE_KEY (101)"), "message " + e.getMessage());
    }
  }

  static void testCanonical() {
    check(Arrays.equals(Fhirbus.jcs(utf8(" { \"b\" : 1 , \"a\" : [ 1.0 , \"\\u00e9\" ] } ")),
        utf8("{\"a\":[1,\"é\"],\"b\":1}")), "jcs");
    byte[] res = utf8("{\"resourceType\":\"Patient\",\"text\":{\"div\":\"x\"},\"meta\":{\"versionId\":\"2\"},\"v\":1.00}");
    check(new String(Fhirbus.fhirCanonical(res, FhirVariant.STATIC), StandardCharsets.UTF_8)
        .equals("{\"resourceType\":\"Patient\",\"v\":1.00}"), "static");
    check(new String(Fhirbus.fhirCanonical(res, FhirVariant.DATA), StandardCharsets.UTF_8)
        .equals("{\"meta\":{\"versionId\":\"2\"},\"resourceType\":\"Patient\",\"v\":1.00}"), "data");
    check(Arrays.equals(Fhirbus.fhirDigest(res, FhirVariant.FULL),
        Fhirbus.sha256(Fhirbus.fhirCanonical(res, FhirVariant.FULL))), "digest");
    check(HexFormat.of().formatHex(Fhirbus.sha256(utf8("abc")))
        .equals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256 abc");
    check(Fhirbus.sha256(new byte[0]).length == 32, "sha256 empty");
    fails(100, "MALFORMED_JSON", () -> Fhirbus.jcs(new byte[0]));
    fails(100, "MALFORMED_JSON", () -> Fhirbus.jcs(utf8("{\"a\":")));
    fails(102, "INVALID_TEXT", () -> Fhirbus.jcs(new byte[] {'[', '"', (byte) 0xff, '"', ']'}));
    fails(104, "TOO_DEEP", () -> Fhirbus.jcs(utf8("[".repeat(300) + "]".repeat(300))));
    fails(111, "INVALID_VALUE", () -> Fhirbus.fhirDigest(utf8("[]"), FhirVariant.FULL));
    fails(900, "NULL_ARGUMENT", () -> Fhirbus.jcs(null));
    fails(900, "NULL_ARGUMENT", () -> Fhirbus.fhirCanonical(null, FhirVariant.FULL));
  }

  static void testSigning() {
    byte[] secret = filled(32, 7);
    try (SigningKey key = SigningKey.fromSecret(secret);
        SigningKey portable = SigningKey.fromSecret(secret, Backend.RUST_CRYPTO);
        SigningKey gen = SigningKey.generate(Backend.AWS_LC)) {
      check(Arrays.equals(key.secretBytes(), secret), "secret");
      check(Arrays.equals(key.publicKey(), portable.publicKey()), "same point");
      check(Arrays.equals(key.keyId(), portable.keyId()), "same id");
      check(!Arrays.equals(gen.publicKey(), key.publicKey()), "generated");
      byte[] msg = utf8("a message");
      for (Domain d : Domain.values()) {
        byte[] sig = key.sign(d, msg);
        Fhirbus.verify(key.publicKey(), d, msg, key.keyId(), sig);
        Fhirbus.verify(key.publicKey(), d, msg, key.keyId(), portable.sign(d, msg));
        check(sig.length == 64, "sig length");
      }
      byte[] sig = key.sign(Domain.APPLICATION, msg);
      fails(203, "BAD_SIGNATURE", () -> Fhirbus.verify(key.publicKey(), Domain.CONSENT, msg, key.keyId(), sig));
      fails(203, "BAD_SIGNATURE", () -> Fhirbus.verify(key.publicKey(), Domain.APPLICATION, utf8("other"), key.keyId(), sig));
      fails(207, "KEY_ID_MISMATCH", () -> Fhirbus.verify(key.publicKey(), Domain.APPLICATION, msg, gen.keyId(), sig));
      fails(202, "INVALID_SIGNATURE_ENCODING",
          () -> Fhirbus.verify(key.publicKey(), Domain.APPLICATION, msg, key.keyId(), Arrays.copyOf(sig, 63)));
      byte[] off = key.publicKey();
      off[64] ^= 1;
      fails(200, "INVALID_PUBLIC_KEY", () -> Fhirbus.verify(off, Domain.APPLICATION, msg, key.keyId(), sig));
      fails(109, "INVALID_LENGTH", () -> Fhirbus.verify(key.publicKey(), Domain.APPLICATION, msg, new byte[31], sig));
      fails(900, "NULL_ARGUMENT", () -> Fhirbus.verify(key.publicKey(), Domain.APPLICATION, msg, key.keyId(), null) );
      fails(202, "INVALID_SIGNATURE_ENCODING", () -> Fhirbus.signatureFromDer(sig));
      // DER of (r, s), converted back.
      byte[] der = der(sig);
      check(Arrays.equals(Fhirbus.signatureFromDer(der), sig), "from der");
      Fhirbus.verify(key.publicKey(), Domain.APPLICATION, msg, key.keyId(), der);
      fails(109, "INVALID_LENGTH", () -> SigningKey.fromSecret(new byte[31]));
      fails(201, "INVALID_SECRET_KEY", () -> SigningKey.fromSecret(new byte[32]));
      fails(201, "INVALID_SECRET_KEY", () -> SigningKey.fromSecret(filled(32, 0xff), Backend.RUST_CRYPTO));
      fails(900, "NULL_ARGUMENT", () -> SigningKey.fromSecret(null));
      SigningKey.generate().close();
    }
  }

  static byte[] der(byte[] sig) {
    byte[] r = derInt(Arrays.copyOfRange(sig, 0, 32));
    byte[] s = derInt(Arrays.copyOfRange(sig, 32, 64));
    byte[] out = new byte[2 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (r.length + s.length);
    System.arraycopy(r, 0, out, 2, r.length);
    System.arraycopy(s, 0, out, 2 + r.length, s.length);
    return out;
  }

  static byte[] derInt(byte[] v) {
    byte[] mag = new java.math.BigInteger(1, v).toByteArray(); // minimal, with a 0 when the top bit is set
    byte[] out = new byte[2 + mag.length];
    out[0] = 2;
    out[1] = (byte) mag.length;
    System.arraycopy(mag, 0, out, 2, mag.length);
    return out;
  }

  static PointerContext context() {
    return new PointerContext(filled(32, 3), "hospital-a", "Observation", Fhirbus.fhirDigest(RESOURCE, FhirVariant.FULL), 1);
  }

  static void testPointerAndWrap() {
    PointerContext ctx = context();
    try (DataKey key = DataKey.fromBytes(filled(32, 9));
        DataKey portable = DataKey.fromBytes(filled(32, 9), Backend.RUST_CRYPTO);
        DataKey other = DataKey.generate()) {
      check(Arrays.equals(key.toBytes(), filled(32, 9)), "data key bytes");
      SealedPointer sealed = key.sealPointer(ctx, URL);
      check(sealed.nonce().length == 12 && sealed.ciphertext().length == utf8(URL).length + 16, "sealed sizes");
      check(key.openPointer(ctx, sealed).equals(URL), "open");
      check(portable.openPointer(ctx, sealed).equals(URL), "open portable");
      fails(205, "DECRYPTION_FAILED", () -> other.openPointer(ctx, sealed));
      PointerContext epoch2 = new PointerContext(ctx.patient(), ctx.custodian(), ctx.resourceType(), ctx.digest(), 2);
      fails(205, "DECRYPTION_FAILED", () -> key.openPointer(epoch2, sealed));
      fails(109, "INVALID_LENGTH", () -> key.openPointer(ctx, new SealedPointer(new byte[11], sealed.ciphertext())));
      fails(111, "INVALID_VALUE",
          () -> key.sealPointer(new PointerContext(ctx.patient(), "Hospital A", "Observation", ctx.digest(), 1), URL));
      fails(103, "TOO_LARGE", () -> key.sealPointer(ctx, "u".repeat(2049)));
      fails(900, "NULL_ARGUMENT", () -> key.sealPointer(ctx, null));
      fails(109, "INVALID_LENGTH", () -> DataKey.fromBytes(new byte[16]));

      try (EncryptionKey ek = EncryptionKey.fromSecret(filled(32, 6));
          EncryptionKey ekPortable = EncryptionKey.fromSecret(filled(32, 6), Backend.RUST_CRYPTO);
          EncryptionKey ek2 = EncryptionKey.generate()) {
        check(Arrays.equals(ek.secretBytes(), filled(32, 6)), "ek secret");
        WrappedKey w = Fhirbus.wrap(ek.publicKey(), key, ctx.patient(), "hospital-a", 1);
        check(Arrays.equals(w.keyId(), ek.keyId()) && w.enc().length == 65 && w.ciphertext().length == 48, "wrapped");
        try (DataKey un = ek.unwrap(w, ctx.patient(), "hospital-a", 1);
            DataKey un2 = ekPortable.unwrap(w, ctx.patient(), "hospital-a", 1)) {
          check(Arrays.equals(un.toBytes(), key.toBytes()) && Arrays.equals(un2.toBytes(), key.toBytes()), "unwrapped");
        }
        fails(205, "DECRYPTION_FAILED", () -> ek.unwrap(w, ctx.patient(), "hospital-a", 2));
        fails(207, "KEY_ID_MISMATCH", () -> ek2.unwrap(w, ctx.patient(), "hospital-a", 1));
        fails(109, "INVALID_LENGTH", () -> ek.unwrap(new WrappedKey(w.keyId(), w.enc(), new byte[47]), ctx.patient(), "hospital-a", 1));
        fails(200, "INVALID_PUBLIC_KEY", () -> Fhirbus.wrap(new byte[65], key, ctx.patient(), "hospital-a", 1));
        EncryptionKey.generate(Backend.RUST_CRYPTO).close();
      }
    }
  }

  static void testPseudonym() {
    try (PseudonymKey key = PseudonymKey.fromBytes(filled(32, 7)); PseudonymKey gen = PseudonymKey.generate()) {
      check(Arrays.equals(key.toBytes(), filled(32, 7)), "pseudonym key bytes");
      check(Arrays.equals(key.pseudonym(SYSTEM, "123-45-678a"), key.pseudonym(" " + SYSTEM + " ", " 12345 678A ")),
          "normalized");
      check(!Arrays.equals(key.pseudonym(SYSTEM, "1"), gen.pseudonym(SYSTEM, "1")), "keyed");
      try {
        key.pseudonym(SYSTEM, "98765*4321");
        check(false, "bad identifier accepted");
      } catch (FhirbusException e) {
        check(e.code() == 111 && !e.getMessage().contains("98765"), "no identifier in the message");
      }
      fails(111, "INVALID_VALUE", () -> key.pseudonym("", "1"));
      fails(900, "NULL_ARGUMENT", () -> key.pseudonym(SYSTEM, null));
    }
  }

  static void testRecordAndKeys() {
    try (SigningKey sk = SigningKey.fromSecret(filled(32, 7));
        SigningKey other = SigningKey.generate();
        DataKey dk = DataKey.fromBytes(filled(32, 9));
        PseudonymKey pk = PseudonymKey.fromBytes(filled(32, 9));
        KeySet ks = new KeySet()) {
      byte[] patient = pk.pseudonym(SYSTEM, "123456782");
      byte[] digest = Fhirbus.fhirDigest(RESOURCE, FhirVariant.FULL);
      long t = 1764000000000L;
      byte[] enc = RecordEntry.sealAndSign("hospital-a", patient, "Observation", digest, 3, t, URL, dk, sk);
      try (RecordEntry e = RecordEntry.decode(enc)) {
        check(e.custodian().equals("hospital-a") && e.resourceType().equals("Observation"), "text accessors");
        check(Arrays.equals(e.patient(), patient) && Arrays.equals(e.digest(), digest)
            && Arrays.equals(e.keyId(), sk.keyId()), "byte accessors");
        check(e.epoch() == 3 && e.timeMs() == t, "numbers");
        check(Arrays.equals(e.encode(), enc), "encode");
        e.verify(sk.publicKey());
        fails(207, "KEY_ID_MISMATCH", () -> e.verify(other.publicKey()));
        check(e.openPointer(dk).equals(URL), "open pointer");
        e.checkResource(utf8("{ \"valueQuantity\":{\"value\":1.00}, \"id\":\"o1\", \"resourceType\":\"Observation\" }"));
        fails(209, "DIGEST_MISMATCH", () -> e.checkResource(utf8("{\"resourceType\":\"Observation\",\"id\":\"o2\"}")));
        fails(300, "UNKNOWN_KEY", () -> e.verify(ks));
        byte[] id = ks.add(KeyPurpose.SIGNING, sk.publicKey(), t - 1);
        check(Arrays.equals(id, sk.keyId()), "key set id");
        e.verify(ks);
        ks.revoke(id, t);
        fails(301, "KEY_REVOKED", () -> e.verify(ks));
        e.close();
        e.close();
        fails(901, "INVALID_HANDLE", e::custodian);
        check(e.isClosed(), "closed");
      }
      fails(100, "MALFORMED_JSON", () -> RecordEntry.decode(Arrays.copyOf(enc, enc.length - 1)));
      fails(107, "UNSUPPORTED_VERSION",
          () -> RecordEntry.decode(utf8(new String(enc, StandardCharsets.UTF_8).replace("\"v\":1", "\"v\":2"))));
      fails(103, "TOO_LARGE", () -> RecordEntry.decode(new byte[9000]));
      fails(900, "NULL_ARGUMENT", () -> RecordEntry.decode(null));

      // Key sets: rotation, revocation, purposes.
      byte[] msg = utf8("tx");
      byte[] s1 = sk.sign(Domain.TRANSACTION, msg);
      byte[] s2 = other.sign(Domain.TRANSACTION, msg);
      try (KeySet set = new KeySet(); EncryptionKey ek = EncryptionKey.generate()) {
        byte[] id1 = set.rotate(KeyPurpose.SIGNING, sk.publicKey(), 10);
        fails(303, "DUPLICATE_KEY_ID", () -> set.add(KeyPurpose.SIGNING, sk.publicKey(), 11));
        set.verify(Domain.TRANSACTION, msg, id1, s1, 15);
        fails(302, "KEY_NOT_YET_VALID", () -> set.verify(Domain.TRANSACTION, msg, id1, s1, 9));
        fails(300, "UNKNOWN_KEY", () -> set.verify(Domain.TRANSACTION, msg, other.keyId(), s2, 15));
        byte[] id2 = set.rotate(KeyPurpose.SIGNING, other.publicKey(), 20);
        set.verify(Domain.TRANSACTION, msg, id1, s1, 25);
        set.verify(Domain.TRANSACTION, msg, id2, s2, 25);
        set.revoke(id1, 100);
        fails(301, "KEY_REVOKED", () -> set.verify(Domain.TRANSACTION, msg, id1, s1, 100));
        fails(301, "KEY_REVOKED", () -> set.promote(id1));
        set.promote(id2);
        byte[] ide = set.add(KeyPurpose.ENCRYPTION, ek.publicKey(), 1);
        fails(304, "WRONG_KEY_PURPOSE", () -> set.verify(Domain.TRANSACTION, msg, ide, s2, 25));
        fails(200, "INVALID_PUBLIC_KEY", () -> set.add(KeyPurpose.SIGNING, new byte[65], 1));
      }
    }
  }

  static void testHandles() throws Exception {
    SigningKey k = SigningKey.generate();
    byte[] id = k.keyId();
    k.close();
    k.close(); // closing twice does nothing
    fails(901, "INVALID_HANDLE", k::keyId);
    fails(901, "INVALID_HANDLE", () -> k.sign(Domain.APPLICATION, id));
    DataKey d = DataKey.generate();
    d.close();
    fails(901, "INVALID_HANDLE", () -> Fhirbus.wrap(new byte[65], d, new byte[32], "a", 1));
    // Unclosed handles are freed by the cleaner (nothing to observe but the absence of a crash).
    for (int i = 0; i < 200; i++) {
      DataKey.generate();
    }
    System.gc();
    // Threads share one key and one key set.
    try (SigningKey key = SigningKey.generate(); KeySet set = new KeySet()) {
      byte[] kid = set.rotate(KeyPurpose.SIGNING, key.publicKey(), 1);
      AtomicInteger ok = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          for (int i = 0; i < 25; i++) {
            byte[] m = utf8("m" + i);
            set.verify(Domain.APPLICATION, m, kid, key.sign(Domain.APPLICATION, m), 2);
            ok.incrementAndGet();
          }
        });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
      check(ok.get() == 100, "threads " + ok.get());
    }
  }

  // ------------------------------------------------------------------------------------------
  // The shared vectors.

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> group(Map<String, Object> root, String name) {
    Object g = root.get(name);
    check(g instanceof List && !((List<?>) g).isEmpty(), "vector group " + name);
    return g instanceof List ? (List<Map<String, Object>>) g : List.of();
  }

  static String str(Map<String, Object> v, String k) {
    return (String) v.get(k);
  }

  static int num(Map<String, Object> v, String k) {
    return ((Long) v.get(k)).intValue();
  }

  static Integer code(Map<String, Object> v) {
    Object c = v.get("code");
    return c == null ? null : ((Long) c).intValue();
  }

  /** The body succeeds when {@code code} is null, else fails with it. */
  static void outcome(Integer code, Body body) {
    if (code == null) {
      try {
        body.run();
        check(true, "");
      } catch (Exception e) {
        check(false, "vector: " + e);
      }
    } else {
      fails(code, Fhirbus.errorName(code), body);
    }
  }

  @SuppressWarnings("unchecked")
  static int testVectors(Path path) throws Exception {
    Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(path));
    check(((Long) root.get("version")) == 1, "vectors version");
    int n = 0;
    for (Map<String, Object> v : group(root, "jcs")) {
      check(Arrays.equals(Fhirbus.jcs(utf8(str(v, "input"))), utf8(str(v, "output"))), "jcs vector");
      n++;
    }
    for (Map<String, Object> v : group(root, "fhir_digest")) {
      FhirVariant variant = FhirVariant.values()[num(v, "variant")];
      check(Arrays.equals(Fhirbus.fhirDigest(utf8(str(v, "resource")), variant), hex(str(v, "digest"))), "digest vector");
      n++;
    }
    for (Map<String, Object> v : group(root, "canonical_errors")) {
      byte[] in = utf8(str(v, "input"));
      outcome(code(v), () -> Fhirbus.jcs(in));
      for (FhirVariant variant : FhirVariant.values()) {
        outcome(code(v), () -> Fhirbus.fhirCanonical(in, variant));
        outcome(code(v), () -> Fhirbus.fhirDigest(in, variant));
      }
      n++;
    }
    for (Map<String, Object> v : group(root, "ecdsa")) {
      Domain domain = Domain.values()[num(v, "domain") - 1];
      outcome(code(v), () -> Fhirbus.verify(hex(str(v, "public")), domain, hex(str(v, "msg")), hex(str(v, "key_id")),
          hex(str(v, "sig"))));
      n++;
    }
    for (Map<String, Object> v : group(root, "pointer")) {
      PointerContext ctx = new PointerContext(hex(str(v, "patient")), str(v, "custodian"), str(v, "resource_type"),
          hex(str(v, "digest")), num(v, "epoch"));
      SealedPointer sealed = new SealedPointer(hex(str(v, "nonce")), hex(str(v, "ciphertext")));
      for (Backend b : new Backend[] {Backend.AWS_LC, Backend.RUST_CRYPTO}) {
        try (DataKey key = DataKey.fromBytes(hex(str(v, "data_key")), b)) {
          outcome(code(v), () -> check(key.openPointer(ctx, sealed).equals(str(v, "pointer")), "pointer vector"));
        }
      }
      n++;
    }
    for (Map<String, Object> v : group(root, "pseudonym")) {
      try (PseudonymKey key = PseudonymKey.fromBytes(hex(str(v, "key")))) {
        byte[] p = key.pseudonym(str(v, "system"), str(v, "value"));
        check(Base64.getUrlEncoder().withoutPadding().encodeToString(p).equals(str(v, "pseudonym")), "pseudonym vector");
      }
      n++;
    }
    for (Map<String, Object> v : group(root, "record_entry")) {
      outcome(code(v), () -> {
        try (RecordEntry e = RecordEntry.decode(utf8(str(v, "encoded")))) {
          e.verify(hex(str(v, "custodian_public")));
        }
      });
      n++;
    }
    return n;
  }

  public static void main(String[] args) throws Exception {
    Path vectors = Path.of(args.length > 0 ? args[0] : "bindings/vectors/vectors.json");
    // The repository's root (the vectors are at bindings/vectors/vectors.json under it).
    Path root = vectors.toAbsolutePath().getParent().getParent().getParent();
    Body[] tests = {
      FhirbusTest::testMeta, FhirbusTest::testCanonical, FhirbusTest::testSigning, FhirbusTest::testPointerAndWrap,
      FhirbusTest::testPseudonym, FhirbusTest::testRecordAndKeys, FhirbusTest::testHandles,
      LedgerTest::testConsent, () -> LedgerTest.testHl7Examples(root), LedgerTest::testStory,
    };
    for (Body t : tests) {
      try {
        t.run();
      } catch (Exception e) {
        check(false, "test threw " + e);
        e.printStackTrace();
      }
    }
    int n = 0;
    try {
      n = testVectors(vectors);
    } catch (Exception e) {
      check(false, "vectors threw " + e);
      e.printStackTrace();
    }
    System.out.println(n + " vectors");
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}
