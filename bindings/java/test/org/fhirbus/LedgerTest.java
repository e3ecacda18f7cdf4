package org.fhirbus;

import static org.fhirbus.FhirbusTest.check;
import static org.fhirbus.FhirbusTest.fails;
import static org.fhirbus.FhirbusTest.filled;
import static org.fhirbus.FhirbusTest.utf8;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Consents, the ledger and the access flow from Java (issues 4, 5, 6): decisions on consent
 * handles, an HL7 example, and the whole story on an embedded network (a genesis of three
 * members and four validators, enrolment, a record, a consent imported from FHIR R4 and granted,
 * access permitted, the pointer opened and the resource checked, revocation, denial,
 * break-the-glass, the audit trail in JSON and FHIR, a proof checked by a light client, and a
 * second node reaching the same state root).
 */
final class LedgerTest {
  private LedgerTest() {}

  static final long T0 = 1764000000000L;
  static final String CHAIN = "java-net";
  static final String URL = "http://127.0.0.1:8081/fhir/Observation/o1/_history/1";
  static final byte[] RESOURCE =
      utf8("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"valueQuantity\":{\"value\":1.00}}");

  /** A small R4 Consent: base OPTOUT, one exception permitting Hospital B Observations for TREAT. */
  static final byte[] CONSENT_R4 = utf8("{\"resourceType\":\"Consent\",\"id\":\"consent-b-treat\",\"status\":\"active\","
      + "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\","
      + "\"code\":\"patient-privacy\"}]},\"patient\":{\"reference\":\"Patient/p1\"},"
      + "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTOUT\"}]},"
      + "\"provision\":{\"provision\":[{\"type\":\"permit\",\"actor\":[{\"role\":{\"coding\":[{\"system\":"
      + "\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},"
      + "\"reference\":{\"reference\":\"Organization/hospital-b\"}}],"
      + "\"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}],"
      + "\"class\":[{\"system\":\"http://hl7.org/fhir/resource-types\",\"code\":\"Observation\"}]}]}}");

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(byte[] json) {
    return (Map<String, Object>) Json.parse(new String(json, StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  static List<Object> arr(byte[] json) {
    return (List<Object>) Json.parse(new String(json, StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> sub(Object o, String key) {
    return (Map<String, Object>) ((Map<String, Object>) o).get(key);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------

  static void testConsent() {
    byte[] patient = filled(32, 1);
    try (Consent c = Consent.fromFhir(CONSENT_R4, FhirVersion.R4, patient)) {
      check(c.id().equals("consent-b-treat"), "consent id");
      check(Arrays.equals(c.patient(), patient), "consent patient");
      byte[] enc = c.encode();
      try (Consent d = Consent.decode(enc)) {
        check(Arrays.equals(d.encode(), enc), "decode round trip");
      }
      for (FhirVersion v : FhirVersion.values()) {
        byte[] fhir = c.toFhir(v);
        check(text(fhir).contains("\"resourceType\":\"Consent\""), "export " + v);
        try (Consent back = Consent.fromFhir(fhir, v, patient)) {
          check(Arrays.equals(back.encode(), enc), "import export import " + v);
        }
      }
      Map<String, Object> d = obj(Consent.decide(List.of(c), "hospital-b", patient, "TREAT", "Observation", T0, false, T0));
      check(Boolean.TRUE.equals(d.get("permit")) && "consent".equals(d.get("basis"))
          && "consent-b-treat".equals(d.get("consent")), "permit by the consent " + d);
      check(Boolean.TRUE.equals(sub(d, "obligations").get("audit"))
          && Boolean.FALSE.equals(sub(d, "obligations").get("notifyPatient")), "obligations");
      d = obj(Consent.decide(List.of(c), "hospital-c", patient, "TREAT", "Observation", T0, false, T0));
      check(Boolean.FALSE.equals(d.get("permit")), "another requester: denied");
      d = obj(Consent.decide(List.of(), "hospital-c", patient, "ETREAT", "Observation", T0, true, T0));
      check(Boolean.TRUE.equals(d.get("permit")) && "emergencyPolicy".equals(d.get("basis"))
          && Boolean.TRUE.equals(sub(d, "obligations").get("notifyPatient")), "break the glass");
      d = obj(Consent.decide(List.of(), "hospital-c", patient, "ETREAT", "Observation", T0, false, T0));
      check(Boolean.FALSE.equals(d.get("permit")) && "networkDefault".equals(d.get("basis")), "no emergency policy");
      fails(111, "INVALID_VALUE", () -> Consent.decide(List.of(c), "hospital-b", patient, "NOPE", "Observation", T0,
          false, T0));
      fails(109, "INVALID_LENGTH", () -> Consent.decide(List.of(c), "hospital-b", new byte[31], "TREAT",
          "Observation", T0, false, T0));
      fails(900, "NULL_ARGUMENT", () -> Consent.decide(null, "hospital-b", patient, "TREAT", "Observation", T0, false,
          T0));
      List<Consent> withNull = new ArrayList<>();
      withNull.add(c);
      withNull.add(null);
      fails(900, "NULL_ARGUMENT", () -> Consent.decide(withNull, "hospital-b", patient, "TREAT", "Observation", T0,
          false, T0));
      Consent closed = Consent.decode(enc);
      closed.close();
      fails(901, "INVALID_HANDLE", () -> Consent.decide(List.of(c, closed), "hospital-b", patient, "TREAT",
          "Observation", T0, false, T0));
      fails(901, "INVALID_HANDLE", closed::encode);
    }
    fails(100, "MALFORMED_JSON", () -> Consent.fromFhir(Arrays.copyOf(CONSENT_R4, 40), FhirVersion.R4, filled(32, 1)));
    fails(100, "MALFORMED_JSON", () -> Consent.fromFhir(new byte[0], FhirVersion.R4, filled(32, 1)));
    fails(103, "TOO_LARGE", () -> Consent.fromFhir(new byte[(1 << 20) + 1], FhirVersion.R4, filled(32, 1)));
    fails(900, "NULL_ARGUMENT", () -> Consent.fromFhir(null, FhirVersion.R4, filled(32, 1)));
    fails(109, "INVALID_LENGTH", () -> Consent.fromFhir(CONSENT_R4, FhirVersion.R4, new byte[5]));
    fails(401, "CONSENT_INVALID", () -> Consent.decode(utf8(text(consentEncoding()).replace("\"TREAT\"",
        "\"TREAT\",\"TREAT\""))));
  }

  static byte[] consentEncoding() {
    try (Consent c = Consent.fromFhir(CONSENT_R4, FhirVersion.R4, filled(32, 1))) {
      return c.encode();
    }
  }

  static void testHl7Examples(Path root) throws Exception {
    Path dir = root.resolve("core/test-data/fhir-consent/r4");
    byte[] patient = filled(32, 1);
    try (Consent c = Consent.fromFhir(Files.readAllBytes(dir.resolve("Consent-consent-example-notOrg.json")),
        FhirVersion.R4, patient)) {
      check(c.id().equals("consent-example-notOrg"), "notOrg id");
      Map<String, Object> d = obj(Consent.decide(List.of(c), "f001", patient, "TREAT", "Observation", T0, true, T0));
      check(Boolean.FALSE.equals(d.get("permit")) && "consent".equals(d.get("basis")), "notOrg denies f001 " + d);
      d = obj(Consent.decide(List.of(c), "f001", patient, "ETREAT", "Observation", T0, true, T0));
      check(Boolean.FALSE.equals(d.get("permit")), "a restriction is never overridden");
    }
    try {
      Consent.fromFhir(Files.readAllBytes(dir.resolve("Consent-consent-example-pkb.json")), FhirVersion.R4, patient);
      check(false, "pkb imported");
    } catch (FhirbusException e) {
      check(e.code() == 400 && e.getMessage().contains("securityLabel"), "pkb refused: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------

  /** A member: id, keys generated through the API. */
  record Org(String id, String name, SigningKey sign, EncryptionKey enc) implements AutoCloseable {
    static Org create(String id, String name) {
      return new Org(id, name, SigningKey.generate(), EncryptionKey.generate());
    }

    String json() {
      return "{\"org\":\"" + id + "\",\"name\":\"" + name + "\",\"signingKey\":\"" + b64(sign.publicKey())
          + "\",\"encryptionKey\":\"" + b64(enc.publicKey()) + "\"}";
    }

    @Override
    public void close() {
      sign.close();
      enc.close();
    }
  }

  static long nonce;

  static byte[] tx(long time, String body, SigningKey... keys) {
    byte[] n = new byte[16];
    nonce++;
    for (int i = 0; i < 8; i++) {
      n[i] = (byte) (nonce >>> (56 - 8 * i));
    }
    String json = "{\"v\":1,\"chain\":\"" + CHAIN + "\",\"time\":" + time + ",\"nonce\":\"" + b64(n) + "\",\"body\":"
        + body + "}";
    return Fhirbus.transactionSign(utf8(json), keys);
  }

  static void testStory() {
    List<byte[]> blocks = new ArrayList<>();
    try (Org a = Org.create("hospital-a", "Hospital A");
        Org b = Org.create("hospital-b", "Hospital B");
        Org c = Org.create("registry", "Registry");
        SigningKey v0 = SigningKey.generate();
        SigningKey v1 = SigningKey.generate();
        SigningKey v2 = SigningKey.generate();
        SigningKey v3 = SigningKey.generate();
        SigningKey patientSign = SigningKey.generate();
        EncryptionKey patientEnc = EncryptionKey.generate();
        PseudonymKey pk = PseudonymKey.generate();
        DataKey dk = DataKey.generate()) {
      String genesis = "{\"chain\":\"" + CHAIN + "\",\"time\":" + T0 + ",\"members\":[" + a.json() + "," + b.json()
          + "," + c.json() + "],\"council\":[\"hospital-a\",\"hospital-b\",\"registry\"],\"validators\":[\""
          + b64(v0.publicKey()) + "\",\"" + b64(v1.publicKey()) + "\",\"" + b64(v2.publicKey()) + "\",\""
          + b64(v3.publicKey()) + "\"],\"policy\":{\"allowEmergencyAccess\":true,\"maxTxAgeMs\":600000,"
          + "\"maxClockSkewMs\":60000}}";
      byte[] g = utf8(genesis);
      fails(300, "UNKNOWN_KEY", () -> new EmbeddedNetwork(g, v0, v1).close());
      fails(900, "NULL_ARGUMENT", () -> new EmbeddedNetwork(g, (SigningKey[]) null).close());
      try (EmbeddedNetwork net = new EmbeddedNetwork(g, v0, v1, v2, v3); LedgerState node2 = LedgerState.fromGenesis(g)) {
        byte[] patient = pk.pseudonym("urn:oid:2.16.840.1.113883.2.4.6.3", "123456782");
        String p = b64(patient);

        // Enrolment by Hospital A.
        String enrol = "{\"type\":\"enrol_patient\",\"by\":\"hospital-a\",\"patient\":\"" + p + "\",\"signing_key\":\""
            + b64(patientSign.publicKey()) + "\",\"encryption_key\":\"" + b64(patientEnc.publicKey()) + "\"}";
        fails(300, "UNKNOWN_KEY", () -> net.submit(tx(T0 + 1000, enrol, b.sign()), T0 + 1000));
        check(net.submit(tx(T0 + 1000, enrol, a.sign()), T0 + 1000).length == 32, "tx id");
        blocks.add(net.produceBlock(T0 + 2000));

        // A record entry, and its data key shared with Hospital B.
        byte[] digest = Fhirbus.fhirDigest(RESOURCE, FhirVariant.FULL);
        byte[] entry = RecordEntry.sealAndSign("hospital-a", patient, "Observation", digest, 1, T0 + 3000, URL, dk,
            a.sign());
        net.submit(Fhirbus.transactionRegisterRecord(CHAIN, entry), T0 + 3000);
        WrappedKey w = Fhirbus.wrap(b.enc().publicKey(), dk, patient, "hospital-a", 1);
        String share = "{\"type\":\"share_data_key\",\"custodian\":\"hospital-a\",\"patient\":\"" + p
            + "\",\"epoch\":1,\"recipient\":\"hospital-b\",\"wrapped\":{\"kid\":\"" + hex(w.keyId()) + "\",\"enc\":\""
            + b64(w.enc()) + "\",\"ct\":\"" + b64(w.ciphertext()) + "\"}}";
        net.submit(tx(T0 + 3100, share, a.sign()), T0 + 3100);
        blocks.add(net.produceBlock(T0 + 4000));

        String entryHex;
        byte[] entryId;
        try (LedgerState s = net.state()) {
          List<Object> records = arr(s.records(patient));
          check(records.size() == 1, "one record");
          entryHex = (String) ((Map<?, ?>) records.get(0)).get("id");
          entryId = HexFormat.of().parseHex(entryHex);
          check(text(s.visibleRecords("hospital-b", patient, "TREAT", T0 + 4500)).equals("[]"), "default deny");
        }

        // The patient's consent: FHIR R4 imported, canonical encoding in a GrantConsent.
        try (Consent consent = Consent.fromFhir(CONSENT_R4, FhirVersion.R4, patient)) {
          String grant = "{\"type\":\"grant_consent\",\"consent\":" + text(consent.encode()) + "}";
          fails(300, "UNKNOWN_KEY", () -> net.submit(tx(T0 + 5000, grant, a.sign()), T0 + 5000));
          net.submit(tx(T0 + 5000, grant, patientSign), T0 + 5000);
        }
        blocks.add(net.produceBlock(T0 + 6000));

        AccessRequest permitted;
        try (LedgerState s = net.state()) {
          check(arr(s.consents(patient)).size() == 1, "one consent");
          check(arr(s.visibleRecords("hospital-b", patient, "TREAT", T0 + 7000)).size() == 1, "visible to B");
          permitted = s.requestAccess("hospital-b", b.sign(), entryId, "TREAT", T0 + 7000);
          Map<String, Object> d = obj(permitted.decision());
          check(Boolean.TRUE.equals(d.get("permit")) && "consent-b-treat".equals(d.get("consent")), "permitted " + d);
          fails(501, "NOT_ON_LEDGER", () -> s.custodianRelease("hospital-a", permitted.transaction(), T0 + 7000));
          fails(111, "INVALID_VALUE", () -> s.requestAccess("hospital-b", b.sign(), new byte[32], "TREAT", T0 + 7000));
          fails(900, "NULL_ARGUMENT", () -> s.requestAccess("hospital-b", null, entryId, "TREAT", T0 + 7000));
        }
        net.submit(permitted.transaction(), T0 + 7000);
        blocks.add(net.produceBlock(T0 + 8000));

        try (LedgerState s = net.state()) {
          check(s.openPointer("hospital-b", b.enc(), entryId).equals(URL), "pointer opened");
          s.checkFetched(entryId, RESOURCE);
          fails(209, "DIGEST_MISMATCH", () -> s.checkFetched(entryId, utf8(text(RESOURCE).replace("1.00", "1.01"))));
          fails(502, "NO_DATA_KEY_SHARE", () -> s.openPointer("registry", c.enc(), entryId));
          Map<String, Object> rel = obj(s.custodianRelease("hospital-a", permitted.transaction(), T0 + 8500));
          check(entryHex.equals(rel.get("entry")) && Boolean.FALSE.equals(rel.get("emergency")), "released " + rel);
          fails(111, "INVALID_VALUE", () -> s.custodianRelease("hospital-b", permitted.transaction(), T0 + 8500));
        }

        // The patient revokes; B is denied (and the denial is recorded).
        String revoke = "{\"type\":\"revoke_consent\",\"patient\":\"" + p + "\",\"consent_id\":\"consent-b-treat\"}";
        net.submit(tx(T0 + 9000, revoke, patientSign), T0 + 9000);
        blocks.add(net.produceBlock(T0 + 10000));
        try (LedgerState s = net.state()) {
          fails(500, "ACCESS_DENIED", () -> s.custodianRelease("hospital-a", permitted.transaction(), T0 + 10500));
          AccessRequest denied = s.requestAccess("hospital-b", b.sign(), entryId, "TREAT", T0 + 11000);
          Map<String, Object> d = obj(denied.decision());
          check(Boolean.FALSE.equals(d.get("permit")) && "networkDefault".equals(d.get("basis")), "denied " + d);
          net.submit(denied.transaction(), T0 + 11000);
        }
        blocks.add(net.produceBlock(T0 + 12000));

        // Break the glass.
        AccessRequest btg;
        try (LedgerState s = net.state()) {
          btg = s.requestAccess("hospital-b", b.sign(), entryId, "ETREAT", T0 + 13000);
          Map<String, Object> d = obj(btg.decision());
          check(Boolean.TRUE.equals(d.get("permit")) && "emergencyPolicy".equals(d.get("basis"))
              && Boolean.TRUE.equals(sub(d, "obligations").get("notifyPatient")), "break the glass " + d);
          net.submit(btg.transaction(), T0 + 13000);
        }
        blocks.add(net.produceBlock(T0 + 14000));

        try (LedgerState s = net.state()) {
          Map<String, Object> rel = obj(s.custodianRelease("hospital-a", btg.transaction(), T0 + 14500));
          check(Boolean.TRUE.equals(rel.get("emergency")), "emergency release");
          // The audit trail.
          List<Object> trail = arr(s.audit(patient));
          check(trail.size() == 8, "eight events: " + trail.size());
          Map<?, ?> last = (Map<?, ?>) trail.get(7);
          check("access_decided".equals(last.get("action")) && Boolean.TRUE.equals(last.get("emergency"))
              && "ETREAT".equals(last.get("purpose")), "emergency audited " + last);
          String fhir = text(s.auditFhir(patient));
          check(fhir.contains("\"Bundle\"") && fhir.contains("110127") && fhir.contains("ETREAT")
              && !fhir.contains("123456782"), "FHIR audit");
          check(arr(s.orgActions("hospital-b")).size() == 4, "B's actions");
          check("hospital-b".equals(obj(s.member("hospital-b")).get("org")), "member view");
          check(text(s.member("nobody")).equals("null"), "no such member");
          check(s.chain().equals(CHAIN) && s.height() == 7, "chain and height");
          // What a custodian wraps a share to and seals a new entry under, read off the ledger.
          check(Arrays.equals(s.memberPrimaryKey("hospital-b", "encryption"), b.enc().publicKey()), "B's primary encryption key");
          check(Arrays.equals(s.memberPrimaryKey("hospital-a", "signing"), a.sign().publicKey()), "A's primary signing key");
          check(s.dataKeyEpoch(patient, "hospital-a") == 1, "epoch 1 until rotated");
          fails(111, "INVALID_VALUE", () -> s.memberPrimaryKey("nobody", "signing"));
          fails(111, "INVALID_VALUE", () -> s.memberPrimaryKey("hospital-b", "Encryption"));
          fails(109, "INVALID_LENGTH", () -> s.dataKeyEpoch(new byte[31], "hospital-a"));
          fails(111, "INVALID_VALUE", () -> s.dataKeyEpoch(patient, "Hospital A"));

          // A light client proves the record against the state root.
          byte[] root = s.stateRoot();
          Map<String, Object> doc = obj(s.prove("record", entryHex));
          check(hex(root).equals(doc.get("root")), "proof root");
          byte[] proof = utf8(Json.write(doc.get("proof")));
          byte[] value = HexFormat.of().parseHex((String) doc.get("value"));
          Fhirbus.verifyProof(root, proof, value);
          fails(111, "INVALID_VALUE", () -> Fhirbus.verifyProof(root, proof, null));
          byte[] otherRoot = root.clone();
          otherRoot[0] ^= 1;
          fails(203, "BAD_SIGNATURE", () -> Fhirbus.verifyProof(otherRoot, proof, value));
          fails(100, "MALFORMED_JSON", () -> Fhirbus.verifyProof(root, Arrays.copyOf(proof, proof.length - 1), value));
          // A member never admitted is shown absent; an entry never registered has no proof.
          Map<String, Object> absent = obj(s.prove("member", "never-admitted"));
          check(!absent.containsKey("value"), "absent item");
          byte[] absentProof = utf8(Json.write(absent.get("proof")));
          Fhirbus.verifyAbsence(root, "member", "never-admitted", absentProof);
          fails(203, "BAD_SIGNATURE", () -> Fhirbus.verifyAbsence(root, "member", "hospital-b", absentProof));
          fails(203, "BAD_SIGNATURE", () -> Fhirbus.verifyAbsence(otherRoot, "member", "never-admitted", absentProof));
          fails(111, "INVALID_VALUE", () -> Fhirbus.verifyAbsence(root, "record", entryHex, proof));
          fails(111, "INVALID_VALUE", () -> Fhirbus.verifyProof(root, absentProof, null));
          fails(111, "INVALID_VALUE", () -> s.prove("record", "00".repeat(32)));
          Map<String, Object> cdoc = obj(s.prove("consent", p + "/consent-b-treat"));
          Fhirbus.verifyProof(root, utf8(Json.write(cdoc.get("proof"))), HexFormat.of().parseHex((String) cdoc.get("value")));
          fails(111, "INVALID_VALUE", () -> s.prove("block", "1"));

          // The second node applies the blocks and reaches the same state.
          int events = 0;
          for (byte[] block : blocks) {
            events += arr(node2.applyBlock(block)).size();
          }
          check(events == 8, "events " + events);
          check(Arrays.equals(node2.stateRoot(), root) && Arrays.equals(node2.lastHash(), s.lastHash())
              && node2.height() == 7, "same state on the second node");
          // A refused block leaves it unchanged.
          fails(111, "INVALID_VALUE", () -> node2.applyBlock(blocks.get(6)));
          byte[] tampered = utf8(text(blocks.get(6)).replace("\"time\":" + (T0 + 14000), "\"time\":" + (T0 + 14001)));
          fails(111, "INVALID_VALUE", () -> node2.applyBlock(tampered));
          fails(100, "MALFORMED_JSON", () -> node2.applyBlock(new byte[0]));
          check(Arrays.equals(node2.stateRoot(), root) && node2.height() == 7, "unchanged");
        }
        byte[] next = net.produceBlock(T0 + 15000);
        byte[] changed = utf8(text(next).replace("\"time\":" + (T0 + 15000), "\"time\":" + (T0 + 15001)));
        fails(203, "BAD_SIGNATURE", () -> node2.applyBlock(changed));
        check(text(node2.applyBlock(next)).equals("[]") && node2.height() == 8, "the genuine block");
        fails(100, "MALFORMED_JSON", () -> Fhirbus.transactionSign(utf8("{"), a.sign()));
        fails(900, "NULL_ARGUMENT", () -> Fhirbus.transactionSign(utf8("{}"), (SigningKey) null));

        // Closed handles.
        LedgerState closed = net.state();
        check(closed.height() == 8, "snapshot height");
        closed.close();
        closed.close();
        fails(901, "INVALID_HANDLE", closed::height);
        fails(901, "INVALID_HANDLE", () -> closed.records(patient));
        fails(901, "INVALID_HANDLE", () -> closed.requestAccess("hospital-b", b.sign(), new byte[32], "TREAT", T0));
        EmbeddedNetwork gone = new EmbeddedNetwork(g, v0, v1, v2);
        gone.close();
        fails(901, "INVALID_HANDLE", () -> gone.produceBlock(T0));
        fails(901, "INVALID_HANDLE", gone::state);
        SigningKey freed = SigningKey.generate();
        freed.close();
        fails(901, "INVALID_HANDLE", () -> Fhirbus.transactionSign(utf8("{}"), freed));
      }
    }
    fails(100, "MALFORMED_JSON", () -> LedgerState.fromGenesis(utf8("{")));
    fails(111, "INVALID_VALUE", () -> LedgerState.fromGenesis(utf8("{\"chain\":\"x\",\"time\":1,\"members\":[],"
        + "\"council\":[],\"validators\":[],\"policy\":{\"allowEmergencyAccess\":true,\"maxTxAgeMs\":1,"
        + "\"maxClockSkewMs\":1}}")));
  }
}
