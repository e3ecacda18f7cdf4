/* Tests of the consent, ledger and access part of the C API (issues 4, 5 and 6), including
 * hostile calls: NULL pointers, zero lengths, malformed JSON, oversized input, freed handles,
 * handles of another type in lists, out-parameters left untouched on failure, a block that
 * must be refused leaving the state unchanged, and concurrent queries. The story: a genesis of
 * three members and four validators (keys generated through the API) runs an embedded
 * network; Hospital A enrols a patient, registers a record and shares its data key with
 * Hospital B; the patient grants B a consent (an R4 FHIR Consent imported and carried in a
 * GrantConsent transaction); B requests access (permitted), opens the pointer and checks the
 * resource; the patient revokes; B is denied; B breaks the glass; the audit trail (JSON and
 * FHIR) shows it all; a record is proved to a light client; a second node applies the blocks
 * and reaches the same state root. Run against the static and the shared library, under
 * valgrind and under ASan/UBSan (scripts/test/c.sh). */
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#ifndef CONSENT_EXAMPLES_PATH
#define CONSENT_EXAMPLES_PATH "core/test-data/fhir-consent"
#endif

#define SENTINEL ((void *)(uintptr_t)0x5a5a5a5a)
#define CHAIN "c-net"

static const uint64_t T0 = 1764000000000ull;
static const char *SYSTEM = "urn:oid:2.16.840.1.113883.2.4.6.3";
static const char *RESOURCE = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"valueQuantity\":{\"value\":1.00}}";
static const char *URL = "http://127.0.0.1:8081/fhir/Observation/o1/_history/1";

/* A small R4 Consent: base decision OPTOUT (deny), with one exception permitting Hospital B
 * to access Observations for treatment. */
static const char *CONSENT_R4 =
    "{\"resourceType\":\"Consent\",\"id\":\"consent-b-treat\",\"status\":\"active\","
    "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
    "\"patient\":{\"reference\":\"Patient/p1\"},"
    "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTOUT\"}]},"
    "\"provision\":{\"provision\":[{\"type\":\"permit\","
    "\"actor\":[{\"role\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},"
    "\"reference\":{\"reference\":\"Organization/hospital-b\"}}],"
    "\"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}],"
    "\"class\":[{\"system\":\"http://hl7.org/fhir/resource-types\",\"code\":\"Observation\"}]}]}}";

/* ------------------------------------------------------------------------------------------ */
/* Helpers. */

static void to_hex(const uint8_t *in, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", in[i]);
  out[2 * n] = 0;
}

/* A library buffer as JSON (NULL, and a failed check, when it is not JSON). */
static json_t *parse(const fhirbus_buffer *b) {
  json_error_t err;
  json_t *j = b->data ? json_loadb((const char *)b->data, b->len, JSON_DECODE_ANY, &err) : NULL;
  CHECK(j != NULL);
  return j;
}

static bool buffer_is(const fhirbus_buffer *b, const char *text) {
  return b->data != NULL && b->len == strlen(text) && memcmp(b->data, text, b->len) == 0 && b->data[b->len] == 0;
}

static bool contains(const fhirbus_buffer *b, const char *needle) {
  return b->data != NULL && strstr((const char *)b->data, needle) != NULL;
}

static const char *jstr(json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  return s ? s : "";
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = 0;
  fclose(f);
  return buf;
}

/* One member organisation: its id, signing key and encryption key, generated through the API. */
typedef struct {
  const char *id;
  fhirbus_signing_key *sign;
  fhirbus_encryption_key *enc;
  char sign_pub[96], enc_pub[96]; /* base64url of the 65-byte SEC1 keys */
} org_t;

static void org_new(org_t *o, const char *id) {
  uint8_t pub[FHIRBUS_PUBLIC_KEY_LEN];
  o->id = id;
  OK(fhirbus_signing_key_generate(0, &o->sign));
  OK(fhirbus_encryption_key_generate(0, &o->enc));
  OK(fhirbus_signing_key_public_key(o->sign, pub, sizeof pub));
  t_b64url(pub, sizeof pub, o->sign_pub);
  OK(fhirbus_encryption_key_public_key(o->enc, pub, sizeof pub));
  t_b64url(pub, sizeof pub, o->enc_pub);
}

static void org_free(org_t *o) {
  fhirbus_signing_key_free(o->sign);
  fhirbus_encryption_key_free(o->enc);
}

/* The world of the story. */
typedef struct {
  org_t a, b, c;
  fhirbus_signing_key *validators[4];
  char genesis[4096];
  fhirbus_embedded_network *net;
  fhirbus_buffer blocks[16];
  size_t nblocks;
  uint64_t nonce;
  /* The patient. */
  uint8_t patient[FHIRBUS_PSEUDONYM_LEN];
  char patient_text[48];
  fhirbus_signing_key *patient_sign;
  fhirbus_encryption_key *patient_enc;
} world_t;

/* An unsigned transaction's JSON around `body`, with a fresh nonce. */
static void tx_json(world_t *w, char *out, size_t cap, uint64_t time, const char *body) {
  uint8_t nonce[16] = {0};
  w->nonce++;
  for (int i = 0; i < 8; i++) nonce[i] = (uint8_t)(w->nonce >> (56 - 8 * i));
  char n64[32];
  t_b64url(nonce, sizeof nonce, n64);
  snprintf(out, cap, "{\"v\":1,\"chain\":\"" CHAIN "\",\"time\":%llu,\"nonce\":\"%s\",\"body\":%s}",
           (unsigned long long)time, n64, body);
}

/* Sign `body` at `time` with one key and submit it; returns the submit's result. */
static fhirbus_result sign_submit(world_t *w, uint64_t time, const char *body, const fhirbus_signing_key *key) {
  char tx[8192];
  tx_json(w, tx, sizeof tx, time, body);
  fhirbus_buffer signed_tx = {NULL, 0};
  const fhirbus_signing_key *keys[1] = {key};
  fhirbus_result rc = fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), keys, 1, &signed_tx);
  CHECK(rc == FHIRBUS_OK);
  if (rc != FHIRBUS_OK) return rc;
  uint8_t id[FHIRBUS_DIGEST_LEN];
  rc = fhirbus_embedded_network_submit(w->net, signed_tx.data, signed_tx.len, time, id, sizeof id);
  fhirbus_buffer_free(&signed_tx);
  return rc;
}

static void produce(world_t *w, uint64_t time) {
  CHECK(w->nblocks < 16);
  OK(fhirbus_embedded_network_produce_block(w->net, time, &w->blocks[w->nblocks]));
  w->nblocks++;
}

static fhirbus_ledger_state *snapshot(world_t *w) {
  fhirbus_ledger_state *s = NULL;
  OK(fhirbus_embedded_network_state(w->net, &s));
  return s;
}

static void world_new(world_t *w) {
  memset(w, 0, sizeof *w);
  org_new(&w->a, "hospital-a");
  org_new(&w->b, "hospital-b");
  org_new(&w->c, "registry");
  char vals[4][96];
  for (int i = 0; i < 4; i++) {
    uint8_t pub[FHIRBUS_PUBLIC_KEY_LEN];
    OK(fhirbus_signing_key_generate(0, &w->validators[i]));
    OK(fhirbus_signing_key_public_key(w->validators[i], pub, sizeof pub));
    t_b64url(pub, sizeof pub, vals[i]);
  }
  snprintf(w->genesis, sizeof w->genesis,
           "{\"chain\":\"" CHAIN "\",\"time\":%llu,\"members\":["
           "{\"org\":\"%s\",\"name\":\"Hospital A\",\"signingKey\":\"%s\",\"encryptionKey\":\"%s\"},"
           "{\"org\":\"%s\",\"name\":\"Hospital B\",\"signingKey\":\"%s\",\"encryptionKey\":\"%s\"},"
           "{\"org\":\"%s\",\"name\":\"Registry\",\"signingKey\":\"%s\",\"encryptionKey\":\"%s\"}],"
           "\"council\":[\"hospital-a\",\"hospital-b\",\"registry\"],"
           "\"validators\":[\"%s\",\"%s\",\"%s\",\"%s\"],"
           "\"policy\":{\"allowEmergencyAccess\":true,\"maxTxAgeMs\":600000,\"maxClockSkewMs\":60000}}",
           (unsigned long long)T0, w->a.id, w->a.sign_pub, w->a.enc_pub, w->b.id, w->b.sign_pub, w->b.enc_pub, w->c.id,
           w->c.sign_pub, w->c.enc_pub, vals[0], vals[1], vals[2], vals[3]);
  const fhirbus_signing_key *v[4] = {w->validators[0], w->validators[1], w->validators[2], w->validators[3]};
  OK(fhirbus_embedded_network_new((const uint8_t *)w->genesis, strlen(w->genesis), v, 4, &w->net));

  fhirbus_pseudonym_key *pk = NULL;
  OK(fhirbus_pseudonym_key_generate(&pk));
  OK(fhirbus_pseudonym_key_pseudonym(pk, SYSTEM, "123456782", w->patient, sizeof w->patient));
  fhirbus_pseudonym_key_free(pk);
  t_b64url(w->patient, sizeof w->patient, w->patient_text);
  OK(fhirbus_signing_key_generate(0, &w->patient_sign));
  OK(fhirbus_encryption_key_generate(0, &w->patient_enc));
}

static void world_free(world_t *w) {
  for (size_t i = 0; i < w->nblocks; i++) fhirbus_buffer_free(&w->blocks[i]);
  fhirbus_embedded_network_free(w->net);
  for (int i = 0; i < 4; i++) fhirbus_signing_key_free(w->validators[i]);
  org_free(&w->a);
  org_free(&w->b);
  org_free(&w->c);
  fhirbus_signing_key_free(w->patient_sign);
  fhirbus_encryption_key_free(w->patient_enc);
}

/* ------------------------------------------------------------------------------------------ */
/* Consents alone: import, export, encoding, decisions, an HL7 example, hostile input. */

static void test_consent(void) {
  uint8_t patient[32];
  memset(patient, 1, 32);
  fhirbus_consent *c = SENTINEL;
  OK(fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, strlen(CONSENT_R4), 4, patient, 32, &c));
  CHECK(c != SENTINEL && c != NULL);
  fhirbus_buffer b = {NULL, 0};
  OK(fhirbus_consent_id(c, &b));
  CHECK(buffer_is(&b, "consent-b-treat"));
  fhirbus_buffer_free(&b);
  uint8_t got[32];
  OK(fhirbus_consent_patient(c, got, sizeof got));
  CHECK(memcmp(got, patient, 32) == 0);

  /* The canonical encoding decodes to the same consent. */
  fhirbus_buffer enc = {NULL, 0}, enc2 = {NULL, 0};
  OK(fhirbus_consent_encode(c, &enc));
  fhirbus_consent *d = NULL;
  OK(fhirbus_consent_decode(enc.data, enc.len, &d));
  OK(fhirbus_consent_encode(d, &enc2));
  CHECK(enc.len == enc2.len && memcmp(enc.data, enc2.data, enc.len) == 0);
  fhirbus_buffer_free(&enc2);

  /* Export to R4 and R5; each imports back to the same model. */
  for (uint32_t v = 4; v <= 5; v++) {
    fhirbus_buffer fhir = {NULL, 0};
    OK(fhirbus_consent_to_fhir(c, v, &fhir));
    CHECK(contains(&fhir, "\"resourceType\":\"Consent\"") && contains(&fhir, "hospital-b"));
    fhirbus_consent *back = NULL;
    OK(fhirbus_consent_from_fhir(fhir.data, fhir.len, v, patient, 32, &back));
    OK(fhirbus_consent_encode(back, &enc2));
    CHECK(enc.len == enc2.len && memcmp(enc.data, enc2.data, enc.len) == 0);
    fhirbus_buffer_free(&enc2);
    fhirbus_consent_free(back);
    fhirbus_buffer_free(&fhir);
  }

  /* Decisions on a list of handles. */
  const fhirbus_consent *list[2] = {c, d};
  fhirbus_buffer dec = {NULL, 0};
  OK(fhirbus_decide(list, 1, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0 + 1, &dec));
  json_t *j = parse(&dec);
  CHECK(json_is_true(json_object_get(j, "permit")));
  CHECK(strcmp(jstr(j, "basis"), "consent") == 0 && strcmp(jstr(j, "consent"), "consent-b-treat") == 0);
  CHECK(json_array_size(json_object_get(j, "path")) == 1);
  CHECK(json_is_true(json_object_get(json_object_get(j, "obligations"), "audit")));
  CHECK(json_is_false(json_object_get(json_object_get(j, "obligations"), "notifyPatient")));
  json_decref(j);
  fhirbus_buffer_free(&dec);
  /* Two copies of the same consent decide alike. */
  OK(fhirbus_decide(list, 2, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0 + 1, &dec));
  CHECK(contains(&dec, "\"permit\":true"));
  fhirbus_buffer_free(&dec);
  /* Another requester, another resource type, another patient: the base deny. */
  OK(fhirbus_decide(list, 1, "hospital-c", patient, 32, "TREAT", "Observation", T0, 0, T0 + 1, &dec));
  CHECK(contains(&dec, "\"permit\":false"));
  fhirbus_buffer_free(&dec);
  OK(fhirbus_decide(list, 1, "hospital-b", patient, 32, "TREAT", "Condition", T0, 0, T0 + 1, &dec));
  CHECK(contains(&dec, "\"permit\":false"));
  fhirbus_buffer_free(&dec);
  uint8_t other[32];
  memset(other, 2, 32);
  OK(fhirbus_decide(list, 1, "hospital-b", other, 32, "TREAT", "Observation", T0, 0, T0 + 1, &dec));
  j = parse(&dec);
  CHECK(json_is_false(json_object_get(j, "permit")) && strcmp(jstr(j, "basis"), "networkDefault") == 0);
  json_decref(j);
  fhirbus_buffer_free(&dec);
  /* No consents at all (NULL, 0): the network's default; break-the-glass by the policy. */
  OK(fhirbus_decide(NULL, 0, "hospital-c", patient, 32, "ETREAT", "Observation", T0, 1, T0 + 1, &dec));
  j = parse(&dec);
  CHECK(json_is_true(json_object_get(j, "permit")) && strcmp(jstr(j, "basis"), "emergencyPolicy") == 0);
  CHECK(json_is_true(json_object_get(json_object_get(j, "obligations"), "notifyPatient")));
  json_decref(j);
  fhirbus_buffer_free(&dec);
  OK(fhirbus_decide(NULL, 0, "hospital-c", patient, 32, "ETREAT", "Observation", T0, 0, T0 + 1, &dec));
  CHECK(contains(&dec, "\"permit\":false"));
  fhirbus_buffer_free(&dec);
  /* A TREAT grant covers ETREAT: permitted by the consent, with the notify obligation. */
  OK(fhirbus_decide(list, 1, "hospital-b", patient, 32, "ETREAT", "Observation", T0, 0, T0 + 1, &dec));
  j = parse(&dec);
  CHECK(json_is_true(json_object_get(j, "permit")) && strcmp(jstr(j, "basis"), "consent") == 0);
  CHECK(json_is_true(json_object_get(json_object_get(j, "obligations"), "notifyPatient")));
  json_decref(j);
  fhirbus_buffer_free(&dec);

  /* Hostile arguments: out-parameters untouched. */
  fhirbus_buffer keep = {SENTINEL, 77};
  fhirbus_consent *kc = SENTINEL;
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_decide(list, 1, "hospital-b", patient, 32, "NOPE", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_decide(list, 1, "Hospital B", patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_decide(list, 1, "hospital-b", patient, 32, "TREAT", "observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_decide(list, 1, "hospital-b", patient, 32, "TREAT", "Observation", T0, 2, T0, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_decide(list, 1, "hospital-b", patient, 31, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_decide(list, 1, "hospital-b", NULL, 0, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_decide(list, 1, "hospital-\xff", patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_decide(NULL, 1, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  const fhirbus_consent *with_null[2] = {c, NULL};
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_decide(with_null, 2, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_decide(list, 1, NULL, patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_decide(list, 1, "hospital-b", patient, 32, NULL, "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_decide(list, 1, "hospital-b", patient, 32, "TREAT", NULL, T0, 0, T0, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_decide(list, 1, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0, NULL));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_decide(list, SIZE_MAX, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  /* A handle of another type in the list. */
  fhirbus_data_key *dk = NULL;
  OK(fhirbus_data_key_generate(0, &dk));
  const fhirbus_consent *wrong[2] = {c, (const fhirbus_consent *)dk};
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_decide(wrong, 2, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_consent_encode((const fhirbus_consent *)dk, &keep));
  fhirbus_data_key_free(dk);

  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_consent_from_fhir(NULL, 0, 4, patient, 32, &kc));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, 40, 4, patient, 32, &kc));
  EXPECT(FHIRBUS_DUPLICATE_KEY, fhirbus_consent_from_fhir((const uint8_t *)"{\"id\":\"a\",\"id\":\"b\"}", 19, 4, patient, 32, &kc));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, strlen(CONSENT_R4), 3, patient, 32, &kc));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, strlen(CONSENT_R4), 0x104, patient, 32, &kc));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, strlen(CONSENT_R4), 4, patient, 33, &kc));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_from_fhir(NULL, 5, 4, patient, 32, &kc));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, strlen(CONSENT_R4), 4, NULL, 32, &kc));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, strlen(CONSENT_R4), 4, patient, 32, NULL));
  /* Every prefix of the consent is refused cleanly. */
  size_t clen = strlen(CONSENT_R4);
  int refused = 0;
  for (size_t i = 0; i < clen; i++)
    if (fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, i, 4, patient, 32, &kc) != FHIRBUS_OK) refused++;
  CHECK(refused == (int)clen);
  /* An element the model cannot represent is refused, naming it. */
  const char *labelled = "{\"resourceType\":\"Consent\",\"id\":\"x\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/1\"},"
                         "\"provision\":{\"type\":\"permit\",\"securityLabel\":[{\"system\":\"s\",\"code\":\"R\"}]}}";
  EXPECT(FHIRBUS_CONSENT_UNSUPPORTED_ELEMENT, fhirbus_consent_from_fhir((const uint8_t *)labelled, strlen(labelled), 4, patient, 32, &kc));
  char msg[256];
  fhirbus_last_error_message(msg, sizeof msg);
  CHECK(strstr(msg, "Consent.provision.securityLabel") != NULL);
  /* Oversized: over the 1 MiB limit. */
  size_t big_len = (1u << 20) + 16;
  uint8_t *big = malloc(big_len);
  memset(big, ' ', big_len);
  memcpy(big, CONSENT_R4, clen);
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_consent_from_fhir(big, big_len, 4, patient, 32, &kc));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_consent_decode(big, big_len, &kc));
  free(big);
  /* Decoding is strict: only the canonical form. */
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_consent_decode(NULL, 0, &kc));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_decode(NULL, 3, &kc));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_decode(enc.data, enc.len, NULL));
  /* Whitespace and key order do not matter; a repeated value does (not the canonical form). */
  char *repeated = malloc(enc.len + 16);
  const char *at = strstr((const char *)enc.data, "\"TREAT\"");
  CHECK(at != NULL);
  if (at) {
    size_t pre = (size_t)(at - (const char *)enc.data);
    memcpy(repeated, enc.data, pre);
    memcpy(repeated + pre, "\"TREAT\",", 8);
    memcpy(repeated + pre + 8, at, enc.len - pre);
    EXPECT(FHIRBUS_CONSENT_INVALID, fhirbus_consent_decode((const uint8_t *)repeated, enc.len + 8, &kc));
  }
  free(repeated);
  uint8_t *spaced = malloc(enc.len + 1);
  spaced[0] = ' ';
  memcpy(spaced + 1, enc.data, enc.len);
  fhirbus_consent *sp = NULL;
  OK(fhirbus_consent_decode(spaced, enc.len + 1, &sp));
  fhirbus_consent_free(sp);
  free(spaced);
  refused = 0;
  for (size_t i = 0; i < enc.len; i++)
    if (fhirbus_consent_decode(enc.data, i, &kc) != FHIRBUS_OK) refused++;
  CHECK(refused == (int)enc.len);
  CHECK(kc == SENTINEL);
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_consent_to_fhir(c, 6, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_to_fhir(c, 4, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_to_fhir(NULL, 4, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_encode(c, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_id(c, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_consent_patient(c, NULL, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_consent_patient(c, got, 31));
  CHECK(keep.data == SENTINEL && keep.len == 77);

  /* Freed handles. */
  fhirbus_consent_free(d);
  fhirbus_consent_free(d);
  const fhirbus_consent *freed[1] = {d};
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_decide(freed, 1, "hospital-b", patient, 32, "TREAT", "Observation", T0, 0, T0, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_consent_encode(d, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_consent_to_fhir(d, 4, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_consent_id(d, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_consent_patient(d, got, 32));
  CHECK(keep.data == SENTINEL);
  fhirbus_consent_free(NULL);
  fhirbus_buffer_free(&enc);
  fhirbus_consent_free(c);
}

/* HL7's published R4 examples: notOrg imports (a typed root: the base decision), pkb is
 * refused (a security label the model cannot represent). */
static void test_hl7_examples(void) {
  uint8_t patient[32];
  memset(patient, 1, 32);
  size_t n = 0;
  char *json = read_file(CONSENT_EXAMPLES_PATH "/r4/Consent-consent-example-notOrg.json", &n);
  CHECK(json != NULL);
  if (!json) return;
  fhirbus_consent *c = NULL;
  OK(fhirbus_consent_from_fhir((const uint8_t *)json, n, 4, patient, 32, &c));
  free(json);
  fhirbus_buffer b = {NULL, 0};
  OK(fhirbus_consent_id(c, &b));
  CHECK(buffer_is(&b, "consent-example-notOrg"));
  fhirbus_buffer_free(&b);
  const fhirbus_consent *list[1] = {c};
  /* The patient withholds consent from f001: an explicit deny, from the root. */
  OK(fhirbus_decide(list, 1, "f001", patient, 32, "TREAT", "Observation", T0, 0, T0, &b));
  json_t *j = parse(&b);
  CHECK(json_is_false(json_object_get(j, "permit")) && strcmp(jstr(j, "basis"), "consent") == 0);
  CHECK(json_array_size(json_object_get(j, "path")) == 0);
  json_decref(j);
  fhirbus_buffer_free(&b);
  /* Not even under break-the-glass: the patient's restriction is never overridden. */
  OK(fhirbus_decide(list, 1, "f001", patient, 32, "ETREAT", "Observation", T0, 1, T0, &b));
  CHECK(contains(&b, "\"permit\":false"));
  fhirbus_buffer_free(&b);
  OK(fhirbus_consent_to_fhir(c, 4, &b));
  CHECK(contains(&b, "Organization/f001"));
  fhirbus_buffer_free(&b);
  fhirbus_consent_free(c);

  json = read_file(CONSENT_EXAMPLES_PATH "/r4/Consent-consent-example-pkb.json", &n);
  CHECK(json != NULL);
  if (!json) return;
  fhirbus_consent *kc = SENTINEL;
  EXPECT(FHIRBUS_CONSENT_UNSUPPORTED_ELEMENT, fhirbus_consent_from_fhir((const uint8_t *)json, n, 4, patient, 32, &kc));
  char msg[256];
  fhirbus_last_error_message(msg, sizeof msg);
  CHECK(strstr(msg, "securityLabel") != NULL && kc == SENTINEL);
  free(json);
}

/* ------------------------------------------------------------------------------------------ */
/* The story on an embedded network. */

typedef struct {
  fhirbus_ledger_state *state;
  const uint8_t *patient;
  int ok;
} reader_t;

static void *reader(void *arg) {
  reader_t *r = arg;
  for (int i = 0; i < 10; i++) {
    fhirbus_buffer b = {NULL, 0};
    uint8_t root[32];
    uint64_t h = 0;
    if (fhirbus_ledger_state_audit(r->state, r->patient, 32, &b) == FHIRBUS_OK) r->ok++;
    fhirbus_buffer_free(&b);
    if (fhirbus_ledger_state_state_root(r->state, root, 32) == FHIRBUS_OK) r->ok++;
    if (fhirbus_ledger_state_height(r->state, &h) == FHIRBUS_OK) r->ok++;
  }
  return NULL;
}

static void test_story(void) {
  world_t w;
  world_new(&w);
  char body[4096];
  fhirbus_buffer keep = {SENTINEL, 77};

  /* A second node, from the same genesis. */
  fhirbus_ledger_state *node2 = SENTINEL;
  OK(fhirbus_ledger_state_from_genesis((const uint8_t *)w.genesis, strlen(w.genesis), &node2));
  CHECK(node2 != SENTINEL);

  /* Hospital A enrols the patient. */
  uint8_t pub[65];
  char psign[96], penc[96];
  OK(fhirbus_signing_key_public_key(w.patient_sign, pub, 65));
  t_b64url(pub, 65, psign);
  OK(fhirbus_encryption_key_public_key(w.patient_enc, pub, 65));
  t_b64url(pub, 65, penc);
  snprintf(body, sizeof body,
           "{\"type\":\"enrol_patient\",\"by\":\"hospital-a\",\"patient\":\"%s\",\"signing_key\":\"%s\",\"encryption_key\":\"%s\"}",
           w.patient_text, psign, penc);
  /* Signed by another member: refused at submission. */
  EXPECT(FHIRBUS_UNKNOWN_KEY, sign_submit(&w, T0 + 1000, body, w.b.sign));
  OK(sign_submit(&w, T0 + 1000, body, w.a.sign));
  produce(&w, T0 + 2000);

  /* A registers a record entry and shares its data key with B. */
  fhirbus_data_key *dk = NULL;
  OK(fhirbus_data_key_generate(0, &dk));
  uint8_t digest[32];
  OK(fhirbus_fhir_digest((const uint8_t *)RESOURCE, strlen(RESOURCE), 0, digest, 32));
  fhirbus_buffer entry = {NULL, 0}, reg = {NULL, 0};
  OK(fhirbus_record_entry_seal_and_sign("hospital-a", w.patient, 32, "Observation", digest, 32, 1, T0 + 3000, URL, dk,
                                        w.a.sign, &entry));
  OK(fhirbus_transaction_register_record(CHAIN, entry.data, entry.len, &reg));
  CHECK(contains(&reg, "\"type\":\"register_record\""));
  uint8_t txid[32], txid2[32];
  OK(fhirbus_embedded_network_submit(w.net, reg.data, reg.len, T0 + 3000, txid, sizeof txid));
  /* The same registration again: refused (a replay), the id left as it was. */
  memcpy(txid2, txid, 32);
  CHECK(fhirbus_embedded_network_submit(w.net, reg.data, reg.len, T0 + 3000, txid2, sizeof txid2) != FHIRBUS_OK);
  CHECK(memcmp(txid, txid2, 32) == 0);
  uint8_t b_enc_pub[65], kid[32], wenc[65], wct[48];
  OK(fhirbus_encryption_key_public_key(w.b.enc, b_enc_pub, 65));
  OK(fhirbus_wrap(b_enc_pub, 65, dk, w.patient, 32, "hospital-a", 1, kid, 32, wenc, 65, wct, 48));
  char kid_hex[65], enc64[96], ct64[80];
  to_hex(kid, 32, kid_hex);
  t_b64url(wenc, 65, enc64);
  t_b64url(wct, 48, ct64);
  snprintf(body, sizeof body,
           "{\"type\":\"share_data_key\",\"custodian\":\"hospital-a\",\"patient\":\"%s\",\"epoch\":1,\"recipient\":\"hospital-b\","
           "\"wrapped\":{\"kid\":\"%s\",\"enc\":\"%s\",\"ct\":\"%s\"}}",
           w.patient_text, kid_hex, enc64, ct64);
  OK(sign_submit(&w, T0 + 3100, body, w.a.sign));
  produce(&w, T0 + 4000);

  /* The entry's id, from the records query. */
  fhirbus_ledger_state *s = snapshot(&w);
  fhirbus_buffer q = {NULL, 0};
  OK(fhirbus_ledger_state_records(s, w.patient, 32, &q));
  json_t *records = parse(&q);
  CHECK(json_array_size(records) == 1);
  char entry_hex[65];
  snprintf(entry_hex, sizeof entry_hex, "%s", jstr(json_array_get(records, 0), "id"));
  uint8_t entry_id[32];
  CHECK(t_unhex(entry_hex, entry_id, 32) == 32);
  json_decref(records);
  fhirbus_buffer_free(&q);
  /* Nothing visible to B yet: the network's default is deny. */
  OK(fhirbus_ledger_state_visible_records(s, "hospital-b", w.patient, 32, "TREAT", T0 + 4500, &q));
  CHECK(buffer_is(&q, "[]"));
  fhirbus_buffer_free(&q);
  fhirbus_ledger_state_free(s);

  /* The patient grants B a consent: an R4 FHIR Consent, imported, in a GrantConsent. */
  fhirbus_consent *consent = NULL;
  OK(fhirbus_consent_from_fhir((const uint8_t *)CONSENT_R4, strlen(CONSENT_R4), 4, w.patient, 32, &consent));
  fhirbus_buffer cenc = {NULL, 0};
  OK(fhirbus_consent_encode(consent, &cenc));
  snprintf(body, sizeof body, "{\"type\":\"grant_consent\",\"consent\":%s}", (const char *)cenc.data);
  fhirbus_buffer_free(&cenc);
  /* Signed by the hospital rather than the patient: refused. */
  EXPECT(FHIRBUS_UNKNOWN_KEY, sign_submit(&w, T0 + 5000, body, w.a.sign));
  OK(sign_submit(&w, T0 + 5000, body, w.patient_sign));
  produce(&w, T0 + 6000);

  s = snapshot(&w);
  OK(fhirbus_ledger_state_consents(s, w.patient, 32, &q));
  json_t *consents = parse(&q);
  CHECK(json_array_size(consents) == 1 && strcmp(jstr(json_array_get(consents, 0), "id"), "consent-b-treat") == 0);
  json_decref(consents);
  fhirbus_buffer_free(&q);
  OK(fhirbus_ledger_state_visible_records(s, "hospital-b", w.patient, 32, "TREAT", T0 + 7000, &q));
  json_t *visible = parse(&q);
  CHECK(json_array_size(visible) == 1);
  CHECK(strcmp(jstr(json_object_get(json_array_get(visible, 0), "record"), "id"), entry_hex) == 0);
  CHECK(json_is_true(json_object_get(json_object_get(json_array_get(visible, 0), "decision"), "permit")));
  json_decref(visible);
  fhirbus_buffer_free(&q);

  /* B requests access: permitted by the consent. */
  fhirbus_buffer req = {NULL, 0}, decision = {NULL, 0};
  OK(fhirbus_request_access(s, "hospital-b", w.b.sign, entry_id, 32, "TREAT", T0 + 7000, &req, &decision));
  json_t *j = parse(&decision);
  CHECK(json_is_true(json_object_get(j, "permit")) && strcmp(jstr(j, "consent"), "consent-b-treat") == 0);
  json_decref(j);
  fhirbus_buffer_free(&decision);
  /* Not on the ledger yet: the custodian releases nothing. */
  EXPECT(FHIRBUS_NOT_ON_LEDGER, fhirbus_custodian_release(s, "hospital-a", req.data, req.len, T0 + 7000, &keep));
  uint8_t reqid[32];
  OK(fhirbus_embedded_network_submit(w.net, req.data, req.len, T0 + 7000, reqid, 32));
  produce(&w, T0 + 8000);
  fhirbus_ledger_state_free(s);

  /* B opens the pointer with the shared key, fetches (here: has) the resource, checks it. */
  s = snapshot(&w);
  fhirbus_buffer url = {NULL, 0};
  OK(fhirbus_open_pointer(s, "hospital-b", w.b.enc, entry_id, 32, &url));
  CHECK(buffer_is(&url, URL));
  fhirbus_buffer_free(&url);
  OK(fhirbus_check_fetched(s, entry_id, 32, (const uint8_t *)RESOURCE, strlen(RESOURCE)));
  const char *spaced = "{ \"valueQuantity\":{\"value\":1.00}, \"id\":\"o1\", \"resourceType\":\"Observation\" }";
  OK(fhirbus_check_fetched(s, entry_id, 32, (const uint8_t *)spaced, strlen(spaced)));
  const char *tampered = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"valueQuantity\":{\"value\":1.01}}";
  EXPECT(FHIRBUS_DIGEST_MISMATCH, fhirbus_check_fetched(s, entry_id, 32, (const uint8_t *)tampered, strlen(tampered)));
  /* The registry got no share; B's key is not A's. */
  EXPECT(FHIRBUS_NO_DATA_KEY_SHARE, fhirbus_open_pointer(s, "registry", w.c.enc, entry_id, 32, &keep));
  EXPECT(FHIRBUS_NO_DATA_KEY_SHARE, fhirbus_open_pointer(s, "hospital-a", w.a.enc, entry_id, 32, &keep));
  EXPECT(FHIRBUS_KEY_ID_MISMATCH, fhirbus_open_pointer(s, "hospital-b", w.c.enc, entry_id, 32, &keep));
  /* The custodian releases it; nobody else does. */
  fhirbus_buffer rel = {NULL, 0};
  OK(fhirbus_custodian_release(s, "hospital-a", req.data, req.len, T0 + 8500, &rel));
  j = parse(&rel);
  CHECK(strcmp(jstr(j, "entry"), entry_hex) == 0 && strcmp(jstr(j, "requester"), "hospital-b") == 0);
  CHECK(json_is_false(json_object_get(j, "emergency")));
  CHECK(json_is_true(json_object_get(json_object_get(j, "obligations"), "audit")));
  json_decref(j);
  fhirbus_buffer_free(&rel);
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_custodian_release(s, "hospital-b", req.data, req.len, T0 + 8500, &keep));
  fhirbus_ledger_state_free(s);

  /* The patient revokes; B's next request is denied, and recorded. */
  snprintf(body, sizeof body, "{\"type\":\"revoke_consent\",\"patient\":\"%s\",\"consent_id\":\"consent-b-treat\"}", w.patient_text);
  OK(sign_submit(&w, T0 + 9000, body, w.patient_sign));
  produce(&w, T0 + 10000);
  s = snapshot(&w);
  EXPECT(FHIRBUS_ACCESS_DENIED, fhirbus_custodian_release(s, "hospital-a", req.data, req.len, T0 + 10500, &keep));
  fhirbus_buffer denied = {NULL, 0};
  OK(fhirbus_request_access(s, "hospital-b", w.b.sign, entry_id, 32, "TREAT", T0 + 11000, &denied, &decision));
  j = parse(&decision);
  CHECK(json_is_false(json_object_get(j, "permit")) && strcmp(jstr(j, "basis"), "networkDefault") == 0);
  json_decref(j);
  fhirbus_buffer_free(&decision);
  OK(fhirbus_embedded_network_submit(w.net, denied.data, denied.len, T0 + 11000, reqid, 32));
  produce(&w, T0 + 12000);
  fhirbus_ledger_state_free(s);
  s = snapshot(&w);
  EXPECT(FHIRBUS_ACCESS_DENIED, fhirbus_custodian_release(s, "hospital-a", denied.data, denied.len, T0 + 12500, &keep));
  OK(fhirbus_ledger_state_visible_records(s, "hospital-b", w.patient, 32, "TREAT", T0 + 12500, &q));
  CHECK(buffer_is(&q, "[]"));
  fhirbus_buffer_free(&q);

  /* B breaks the glass: permitted by the network's emergency policy, with the obligation to
   * notify the patient. */
  fhirbus_buffer btg = {NULL, 0};
  OK(fhirbus_request_access(s, "hospital-b", w.b.sign, entry_id, 32, "ETREAT", T0 + 13000, &btg, &decision));
  j = parse(&decision);
  CHECK(json_is_true(json_object_get(j, "permit")) && strcmp(jstr(j, "basis"), "emergencyPolicy") == 0);
  CHECK(json_is_true(json_object_get(json_object_get(j, "obligations"), "notifyPatient")));
  json_decref(j);
  fhirbus_buffer_free(&decision);
  OK(fhirbus_embedded_network_submit(w.net, btg.data, btg.len, T0 + 13000, reqid, 32));
  produce(&w, T0 + 14000);
  fhirbus_ledger_state_free(s);
  s = snapshot(&w);
  OK(fhirbus_custodian_release(s, "hospital-a", btg.data, btg.len, T0 + 14500, &rel));
  j = parse(&rel);
  CHECK(json_is_true(json_object_get(j, "emergency")));
  CHECK(json_is_true(json_object_get(json_object_get(j, "obligations"), "notifyPatient")));
  json_decref(j);
  fhirbus_buffer_free(&rel);

  /* The audit trail: enrolled, registered, shared, granted, permitted, revoked, denied,
   * emergency. */
  OK(fhirbus_ledger_state_audit(s, w.patient, 32, &q));
  json_t *trail = parse(&q);
  CHECK(json_array_size(trail) == 8);
  static const char *actions[8] = {"patient_enrolled", "record_registered", "data_key_shared", "consent_granted",
                                   "access_decided",   "consent_revoked",   "access_decided",  "access_decided"};
  for (size_t i = 0; i < 8 && i < json_array_size(trail); i++)
    CHECK(strcmp(jstr(json_array_get(trail, i), "action"), actions[i]) == 0);
  json_t *last = json_array_get(trail, 7);
  CHECK(json_is_true(json_object_get(last, "emergency")) && json_is_true(json_object_get(last, "permitted")));
  CHECK(strcmp(jstr(last, "purpose"), "ETREAT") == 0 && strcmp(jstr(last, "actor"), "hospital-b") == 0);
  CHECK(json_is_false(json_object_get(json_array_get(trail, 6), "permitted")));
  json_decref(trail);
  fhirbus_buffer_free(&q);
  OK(fhirbus_ledger_state_audit_fhir(s, w.patient, 32, &q));
  json_t *bundle = parse(&q);
  CHECK(strcmp(jstr(bundle, "resourceType"), "Bundle") == 0 && json_array_size(json_object_get(bundle, "entry")) == 8);
  CHECK(contains(&q, "\"110127\"") && contains(&q, "\"ETREAT\"") && contains(&q, "\"AuditEvent\""));
  CHECK(!contains(&q, "123456782"));
  json_decref(bundle);
  fhirbus_buffer_free(&q);
  OK(fhirbus_ledger_state_org_actions(s, "hospital-b", &q));
  json_t *acts = parse(&q);
  CHECK(json_array_size(acts) == 4); /* the share it received, and its three requests */
  json_decref(acts);
  fhirbus_buffer_free(&q);
  OK(fhirbus_ledger_state_member(s, "hospital-b", &q));
  json_t *m = parse(&q);
  CHECK(strcmp(jstr(m, "org"), "hospital-b") == 0 && strcmp(jstr(m, "name"), "Hospital B") == 0);
  CHECK(json_array_size(json_object_get(m, "keys")) == 2);
  json_decref(m);
  fhirbus_buffer_free(&q);
  OK(fhirbus_ledger_state_member(s, "nobody", &q));
  CHECK(buffer_is(&q, "null"));
  fhirbus_buffer_free(&q);
  OK(fhirbus_ledger_state_chain(s, &q));
  CHECK(buffer_is(&q, CHAIN));
  fhirbus_buffer_free(&q);
  uint64_t height = 0;
  OK(fhirbus_ledger_state_height(s, &height));
  CHECK(height == w.nblocks && height == 7);

  /* A light client checks the record against the state root. */
  uint8_t root[32], other_root[32];
  OK(fhirbus_ledger_state_state_root(s, root, 32));
  fhirbus_buffer proof_doc = {NULL, 0};
  OK(fhirbus_ledger_state_prove(s, "record", entry_hex, &proof_doc));
  json_t *pd = parse(&proof_doc);
  char root_hex[65];
  to_hex(root, 32, root_hex);
  CHECK(strcmp(jstr(pd, "root"), root_hex) == 0);
  uint8_t value[32];
  CHECK(t_unhex(jstr(pd, "value"), value, 32) == 32);
  char *proof = json_dumps(json_object_get(pd, "proof"), JSON_COMPACT);
  size_t plen = strlen(proof);
  OK(fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen, value, 32));
  /* No value: an absence, which names no item, is fhirbus_verify_absence's. */
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen, NULL, 0));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_verify_absence(root, 32, "record", entry_hex, (const uint8_t *)proof, plen));
  memcpy(other_root, root, 32);
  other_root[0] ^= 1;
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify_proof(other_root, 32, (const uint8_t *)proof, plen, value, 32));
  value[31] ^= 1;
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen, value, 32));
  value[31] ^= 1;
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_verify_proof(root, 31, (const uint8_t *)proof, plen, value, 32));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen, value, 31));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_verify_proof(NULL, 0, (const uint8_t *)proof, plen, value, 32));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_verify_proof(root, 32, NULL, 0, value, 32));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen - 1, value, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify_proof(NULL, 32, (const uint8_t *)proof, plen, value, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify_proof(root, 32, NULL, plen, value, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen, NULL, 32));
  free(proof);
  json_decref(pd);
  fhirbus_buffer_free(&proof_doc);
  /* An absent item (a member never admitted), the consent, the member and the patient. */
  OK(fhirbus_ledger_state_prove(s, "member", "never-admitted", &proof_doc));
  pd = parse(&proof_doc);
  CHECK(json_object_get(pd, "value") == NULL);
  proof = json_dumps(json_object_get(pd, "proof"), JSON_COMPACT);
  plen = strlen(proof);
  OK(fhirbus_verify_absence(root, 32, "member", "never-admitted", (const uint8_t *)proof, plen));
  /* The proof of one item's absence shows nothing about another's, nor a present item's. */
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify_absence(root, 32, "member", "never-admitted-either", (const uint8_t *)proof, plen));
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify_absence(root, 32, "patient", w.patient_text, (const uint8_t *)proof, plen));
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify_absence(other_root, 32, "member", "never-admitted", (const uint8_t *)proof, plen));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_verify_absence(root, 32, "block", "1", (const uint8_t *)proof, plen));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_verify_absence(root, 31, "member", "never-admitted", (const uint8_t *)proof, plen));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_verify_absence(root, 32, "member", "never-admitted", (const uint8_t *)proof, plen - 1));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify_absence(root, 32, NULL, "never-admitted", (const uint8_t *)proof, plen));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify_absence(root, 32, "member", NULL, (const uint8_t *)proof, plen));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify_absence(root, 32, "member", "never-admitted", NULL, plen));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen, value, 0)); /* no value */
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify_proof(root, 32, (const uint8_t *)proof, plen, value, 32));
  free(proof);
  json_decref(pd);
  fhirbus_buffer_free(&proof_doc);
  char consent_item[128];
  snprintf(consent_item, sizeof consent_item, "%s/consent-b-treat", w.patient_text);
  const char *items[4][2] = {{"consent", consent_item}, {"member", "hospital-b"}, {"patient", w.patient_text}, {"member", "registry"}};
  for (int i = 0; i < 4; i++) {
    OK(fhirbus_ledger_state_prove(s, items[i][0], items[i][1], &proof_doc));
    pd = parse(&proof_doc);
    CHECK(t_unhex(jstr(pd, "value"), value, 32) == 32);
    proof = json_dumps(json_object_get(pd, "proof"), JSON_COMPACT);
    OK(fhirbus_verify_proof(root, 32, (const uint8_t *)proof, strlen(proof), value, 32));
    free(proof);
    json_decref(pd);
    fhirbus_buffer_free(&proof_doc);
  }
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_prove(s, "block", "1", &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_prove(s, "consent", "no-slash", &keep));
  EXPECT(FHIRBUS_INVALID_ENCODING, fhirbus_ledger_state_prove(s, "record", "abcd", &keep));
  /* An entry never registered has no proof: entries are committed in order, not by id. */
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_prove(s, "record", "00000000000000000000000000000000000000000000000000000000000000ff", &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_prove(s, NULL, "1", &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_prove(s, "record", NULL, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_prove(s, "record", entry_hex, NULL));
  CHECK(keep.data == SENTINEL);

  /* The second node applies the blocks, reaching the same state. */
  uint64_t h2 = 99;
  OK(fhirbus_ledger_state_height(node2, &h2));
  CHECK(h2 == 0);
  size_t total_events = 0;
  for (size_t i = 0; i < w.nblocks; i++) {
    fhirbus_buffer events = {NULL, 0};
    OK(fhirbus_ledger_state_apply_block(node2, w.blocks[i].data, w.blocks[i].len, &events));
    json_t *ev = parse(&events);
    total_events += json_array_size(ev);
    json_decref(ev);
    fhirbus_buffer_free(&events);
  }
  CHECK(total_events == 8);
  uint8_t root2[32], last1[32], last2[32];
  OK(fhirbus_ledger_state_state_root(node2, root2, 32));
  CHECK(memcmp(root, root2, 32) == 0);
  OK(fhirbus_ledger_state_last_hash(s, last1, 32));
  OK(fhirbus_ledger_state_last_hash(node2, last2, 32));
  CHECK(memcmp(last1, last2, 32) == 0);
  OK(fhirbus_ledger_state_height(node2, &h2));
  CHECK(h2 == 7);

  /* Blocks that must be refused leave the state unchanged: a replayed block, a block with a
   * changed header, a short quorum, a tampered transaction, every prefix of a block. */
  fhirbus_buffer events_keep = {SENTINEL, 77};
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_apply_block(node2, w.blocks[6].data, w.blocks[6].len, &events_keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_apply_block(node2, w.blocks[0].data, w.blocks[0].len, &events_keep));
  produce(&w, T0 + 15000); /* an empty block, to tamper with */
  fhirbus_buffer *next = &w.blocks[w.nblocks - 1];
  json_error_t jerr;
  json_t *blk = json_loadb((const char *)next->data, next->len, 0, &jerr);
  CHECK(blk != NULL);
  json_t *header = json_object_get(blk, "header");
  json_int_t t = json_integer_value(json_object_get(header, "time"));
  json_object_set_new(header, "time", json_integer(t + 1));
  char *changed = json_dumps(blk, JSON_COMPACT | JSON_SORT_KEYS);
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_ledger_state_apply_block(node2, (const uint8_t *)changed, strlen(changed), &events_keep));
  free(changed);
  json_object_set_new(header, "time", json_integer(t));
  json_t *qc = json_object_get(blk, "qc");
  json_array_remove(qc, 3);
  json_array_remove(qc, 2);
  char *short_qc = json_dumps(blk, JSON_COMPACT | JSON_SORT_KEYS);
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_ledger_state_apply_block(node2, (const uint8_t *)short_qc, strlen(short_qc), &events_keep));
  free(short_qc);
  json_decref(blk);
  /* A block whose transaction was changed after signing (the enrolment's time). */
  blk = json_loadb((const char *)w.blocks[0].data, w.blocks[0].len, 0, &jerr);
  json_t *tx0 = json_object_get(json_array_get(json_object_get(blk, "txs"), 0), "tx");
  json_object_set_new(tx0, "time", json_integer((json_int_t)(T0 + 1001)));
  char *tampered_tx = json_dumps(blk, JSON_COMPACT | JSON_SORT_KEYS);
  fhirbus_ledger_state *fresh = NULL;
  OK(fhirbus_ledger_state_from_genesis((const uint8_t *)w.genesis, strlen(w.genesis), &fresh));
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_ledger_state_apply_block(fresh, (const uint8_t *)tampered_tx, strlen(tampered_tx), &events_keep));
  OK(fhirbus_ledger_state_height(fresh, &h2));
  CHECK(h2 == 0);
  free(tampered_tx);
  json_decref(blk);
  fhirbus_ledger_state_free(fresh);
  int refused = 0;
  for (size_t i = 0; i < next->len; i++)
    if (fhirbus_ledger_state_apply_block(node2, next->data, i, &events_keep) != FHIRBUS_OK) refused++;
  CHECK(refused == (int)next->len);
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_ledger_state_apply_block(node2, NULL, 0, &events_keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_apply_block(node2, NULL, 5, &events_keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_apply_block(node2, next->data, next->len, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_apply_block(NULL, next->data, next->len, &events_keep));
  size_t huge_len = (32u << 20) + 1;
  uint8_t *huge = malloc(huge_len);
  memset(huge, ' ', huge_len);
  huge[0] = '{';
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_ledger_state_apply_block(node2, huge, huge_len, &events_keep));
  CHECK(events_keep.data == SENTINEL && events_keep.len == 77);
  OK(fhirbus_ledger_state_state_root(node2, root2, 32));
  OK(fhirbus_ledger_state_height(node2, &h2));
  CHECK(memcmp(root, root2, 32) == 0 && h2 == 7);
  /* And the genuine block applies, with readers querying the state from other threads. */
  reader_t rd[3];
  pthread_t th[3];
  for (int i = 0; i < 3; i++) {
    rd[i] = (reader_t){node2, w.patient, 0};
    CHECK(pthread_create(&th[i], NULL, reader, &rd[i]) == 0);
  }
  fhirbus_buffer events = {NULL, 0};
  OK(fhirbus_ledger_state_apply_block(node2, next->data, next->len, &events));
  CHECK(buffer_is(&events, "[]"));
  fhirbus_buffer_free(&events);
  for (int i = 0; i < 3; i++) {
    CHECK(pthread_join(th[i], NULL) == 0);
    CHECK(rd[i].ok == 30);
  }
  OK(fhirbus_ledger_state_height(node2, &h2));
  CHECK(h2 == 8);
  /* The snapshot taken before does not move. */
  OK(fhirbus_ledger_state_height(s, &height));
  CHECK(height == 7);

  /* Hostile calls on the ledger state, the network, transactions and the access flow. */
  fhirbus_ledger_state *ks = SENTINEL;
  fhirbus_embedded_network *kn = SENTINEL;
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_ledger_state_from_genesis(NULL, 0, &ks));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_ledger_state_from_genesis((const uint8_t *)w.genesis, 10, &ks));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_from_genesis(NULL, 10, &ks));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_from_genesis((const uint8_t *)w.genesis, strlen(w.genesis), NULL));
  EXPECT(FHIRBUS_MISSING_FIELD, fhirbus_ledger_state_from_genesis((const uint8_t *)"{\"chain\":\"x\"}", 13, &ks));
  EXPECT(FHIRBUS_DUPLICATE_KEY, fhirbus_ledger_state_from_genesis((const uint8_t *)"{\"chain\":\"x\",\"chain\":\"y\"}", 25, &ks));
  uint8_t *big = malloc((1u << 20) + 8);
  memset(big, ' ', (1u << 20) + 8);
  memcpy(big, w.genesis, strlen(w.genesis));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_ledger_state_from_genesis(big, (1u << 20) + 8, &ks));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_embedded_network_new(big, (1u << 20) + 8, NULL, 0, &kn));
  CHECK(ks == SENTINEL);
  const fhirbus_signing_key *two[2] = {w.validators[0], w.validators[1]};
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), two, 2, &kn));
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), NULL, 0, &kn));
  const fhirbus_signing_key *bad3[3] = {w.validators[0], w.validators[1], w.a.sign};
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), bad3, 3, &kn));
  const fhirbus_signing_key *typo[3] = {w.validators[0], w.validators[1], (const fhirbus_signing_key *)w.a.enc};
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), typo, 3, &kn));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), NULL, 3, &kn));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), two, 2, NULL));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_embedded_network_new(NULL, 0, two, 2, &kn));
  CHECK(kn == SENTINEL);
  /* Three of the four validators are a quorum: that network runs. */
  const fhirbus_signing_key *three[3] = {w.validators[0], w.validators[1], w.validators[2]};
  fhirbus_embedded_network *net3 = NULL;
  OK(fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), three, 3, &net3));
  fhirbus_buffer b3 = {NULL, 0};
  OK(fhirbus_embedded_network_produce_block(net3, T0 + 100, &b3));
  fhirbus_ledger_state *g = NULL;
  OK(fhirbus_ledger_state_from_genesis((const uint8_t *)w.genesis, strlen(w.genesis), &g));
  OK(fhirbus_ledger_state_apply_block(g, b3.data, b3.len, &events));
  fhirbus_buffer_free(&events);
  fhirbus_ledger_state_free(g);
  fhirbus_buffer_free(&b3);
  /* A block time before the last block's: the block takes the last time instead. */
  OK(fhirbus_embedded_network_produce_block(net3, T0, &b3));
  CHECK(contains(&b3, "\"height\":2"));
  fhirbus_buffer_free(&b3);

  /* Transactions. */
  char tx[8192];
  /* The council admits a fourth member (a quorum of the council signs). */
  org_t lab;
  org_new(&lab, "lab-d");
  snprintf(body, sizeof body,
           "{\"type\":\"admit_member\",\"org\":\"lab-d\",\"name\":\"Lab D\",\"signing_key\":\"%s\",\"encryption_key\":\"%s\"}",
           lab.sign_pub, lab.enc_pub);
  tx_json(&w, tx, sizeof tx, T0 + 16000, body);
  const fhirbus_signing_key *council[3] = {w.a.sign, w.b.sign, w.c.sign};
  fhirbus_buffer stx = {NULL, 0};
  OK(fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), council, 3, &stx));
  j = parse(&stx);
  CHECK(json_array_size(json_object_get(j, "sigs")) == 3);
  json_decref(j);
  /* Only one council signature: refused by the rules at submission. */
  fhirbus_buffer one = {NULL, 0};
  OK(fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), council, 1, &one));
  uint8_t id[32];
  memset(id, 0xcd, 32);
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_embedded_network_submit(w.net, one.data, one.len, T0 + 16000, id, 32));
  fhirbus_buffer_free(&one);
  /* No signature at all. */
  OK(fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), NULL, 0, &one));
  CHECK(fhirbus_embedded_network_submit(w.net, one.data, one.len, T0 + 16000, id, 32) != FHIRBUS_OK);
  fhirbus_buffer_free(&one);
  /* Submission's hostile arguments; then the genuine one. */
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_embedded_network_submit(w.net, stx.data, stx.len, T0 + 16000, id, 31));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_submit(w.net, stx.data, stx.len, T0 + 16000, NULL, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_submit(w.net, NULL, stx.len, T0 + 16000, id, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_submit(NULL, stx.data, stx.len, T0 + 16000, id, 32));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_embedded_network_submit(w.net, NULL, 0, T0 + 16000, id, 32));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_embedded_network_submit(w.net, stx.data, stx.len - 1, T0 + 16000, id, 32));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_embedded_network_submit(w.net, stx.data, stx.len, T0 + 16000 + 10 * 60 * 1000 + 1, id, 32));
  CHECK(id[0] == 0xcd && id[31] == 0xcd);
  OK(fhirbus_embedded_network_submit(w.net, stx.data, stx.len, T0 + 16000, id, 32));
  uint8_t want_id[32];
  char *tx_only = NULL;
  j = parse(&stx);
  tx_only = json_dumps(json_object_get(j, "tx"), JSON_COMPACT | JSON_SORT_KEYS);
  OK(fhirbus_sha256((const uint8_t *)tx_only, strlen(tx_only), want_id, 32));
  CHECK(memcmp(id, want_id, 32) == 0); /* the id is the SHA-256 of the signed part */
  free(tx_only);
  json_decref(j);
  fhirbus_buffer_free(&stx);
  /* Hospital A moves the patient's data key to epoch 2 in the same block. */
  snprintf(body, sizeof body, "{\"type\":\"rotate_data_key_epoch\",\"custodian\":\"hospital-a\",\"patient\":\"%s\",\"epoch\":2}",
           w.patient_text);
  OK(sign_submit(&w, T0 + 16000, body, w.a.sign));
  produce(&w, T0 + 17000);
  fhirbus_ledger_state *after = snapshot(&w);
  /* The keys and epochs a custodian seals and shares under, read off the ledger. */
  uint8_t primary[FHIRBUS_PUBLIC_KEY_LEN], lab_enc_pub[FHIRBUS_PUBLIC_KEY_LEN];
  OK(fhirbus_encryption_key_public_key(lab.enc, lab_enc_pub, sizeof lab_enc_pub));
  OK(fhirbus_ledger_state_member_primary_key(after, "lab-d", "encryption", primary, sizeof primary));
  CHECK(memcmp(primary, lab_enc_pub, 65) == 0);
  OK(fhirbus_ledger_state_member_primary_key(after, "hospital-b", "encryption", primary, sizeof primary));
  CHECK(memcmp(primary, b_enc_pub, 65) == 0); /* the key A wrapped B's share to */
  uint32_t epoch = 0;
  OK(fhirbus_ledger_state_data_key_epoch(after, w.patient, 32, "hospital-a", &epoch));
  CHECK(epoch == 2);
  OK(fhirbus_ledger_state_data_key_epoch(after, w.patient, 32, "hospital-b", &epoch));
  CHECK(epoch == 1);
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_member_primary_key(after, "hospital-b", "Encryption", primary, 65));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_member_primary_key(after, "nobody", "signing", primary, 65));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_ledger_state_member_primary_key(after, "hospital-b", "signing", primary, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_member_primary_key(after, NULL, "signing", primary, 65));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_member_primary_key(after, "hospital-b", NULL, primary, 65));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_member_primary_key(after, "hospital-b", "signing", NULL, 65));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_ledger_state_data_key_epoch(after, w.patient, 31, "hospital-a", &epoch));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_ledger_state_data_key_epoch(after, w.patient, 32, "\xc3", &epoch));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_data_key_epoch(after, w.patient, 32, "Hospital A", &epoch));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_data_key_epoch(after, w.patient, 32, "hospital-a", NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_data_key_epoch(NULL, w.patient, 32, "hospital-a", &epoch));
  OK(fhirbus_ledger_state_member(after, "lab-d", &q));
  j = parse(&q);
  CHECK(strcmp(jstr(j, "name"), "Lab D") == 0 && json_array_size(json_object_get(j, "keys")) == 2);
  json_decref(j);
  fhirbus_buffer_free(&q);
  fhirbus_ledger_state_free(after);
  org_free(&lab);

  fhirbus_buffer kt = {SENTINEL, 77};
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_transaction_sign(NULL, 0, council, 1, &kt));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx) - 1, council, 1, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_transaction_sign(NULL, 3, council, 1, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), NULL, 1, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), council, 1, NULL));
  const fhirbus_signing_key *with_null[2] = {w.a.sign, NULL};
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), with_null, 2, &kt));
  const fhirbus_signing_key *not_keys[1] = {(const fhirbus_signing_key *)node2};
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), not_keys, 1, &kt));
  const char *unknown_type = "{\"v\":1,\"chain\":\"c-net\",\"time\":1,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"body\":{\"type\":\"mint\"}}";
  CHECK(fhirbus_transaction_sign((const uint8_t *)unknown_type, strlen(unknown_type), council, 1, &kt) != FHIRBUS_OK);
  const char *extra = "{\"v\":1,\"chain\":\"c-net\",\"time\":1,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"x\":1,"
                      "\"body\":{\"type\":\"remove_member\",\"org\":\"registry\"}}";
  EXPECT(FHIRBUS_UNKNOWN_FIELD, fhirbus_transaction_sign((const uint8_t *)extra, strlen(extra), council, 1, &kt));
  const char *v2 = "{\"v\":2,\"chain\":\"c-net\",\"time\":1,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\","
                   "\"body\":{\"type\":\"remove_member\",\"org\":\"registry\"}}";
  EXPECT(FHIRBUS_UNSUPPORTED_VERSION, fhirbus_transaction_sign((const uint8_t *)v2, strlen(v2), council, 1, &kt));
  size_t over = 64 * 1024 + 1;
  uint8_t *big_tx = malloc(over);
  memset(big_tx, ' ', over);
  memcpy(big_tx, tx, strlen(tx));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_transaction_sign(big_tx, over, council, 1, &kt));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_embedded_network_submit(w.net, big_tx, over, T0 + 16000, id, 32));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_custodian_release(s, "hospital-a", big_tx, over, T0, &kt));
  free(big_tx);
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_transaction_register_record(CHAIN, NULL, 0, &kt));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_transaction_register_record(CHAIN, entry.data, entry.len - 1, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_transaction_register_record(NULL, entry.data, entry.len, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_transaction_register_record(CHAIN, NULL, entry.len, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_transaction_register_record(CHAIN, entry.data, entry.len, NULL));
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_transaction_register_record(CHAIN, big, (1u << 20) + 8, &kt));
  free(big);
  /* A registration for another chain is refused by this one. */
  fhirbus_buffer elsewhere = {NULL, 0};
  OK(fhirbus_transaction_register_record("other-net", entry.data, entry.len, &elsewhere));
  CHECK(fhirbus_embedded_network_submit(w.net, elsewhere.data, elsewhere.len, T0 + 3000, id, 32) != FHIRBUS_OK);
  fhirbus_buffer_free(&elsewhere);
  CHECK(kt.data == SENTINEL && kt.len == 77);
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_produce_block(w.net, T0, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_produce_block(NULL, T0, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_state(w.net, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_embedded_network_state(NULL, &ks));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_embedded_network_state((const fhirbus_embedded_network *)s, &ks));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_height((const fhirbus_ledger_state *)w.net, &height));

  /* Queries and the access flow, hostile. */
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_ledger_state_records(s, w.patient, 31, &kt));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_ledger_state_audit(s, NULL, 0, &kt));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_ledger_state_audit_fhir(s, w.patient, 33, &kt));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_ledger_state_consents(s, w.patient, 0, &kt));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_visible_records(s, "hospital-b", w.patient, 32, "treat", T0, &kt));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_visible_records(s, "", w.patient, 32, "TREAT", T0, &kt));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_ledger_state_org_actions(s, "Hospital B", &kt));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_ledger_state_member(s, "\xc3", &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_records(s, NULL, 32, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_records(s, w.patient, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_records(NULL, w.patient, 32, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_visible_records(s, NULL, w.patient, 32, "TREAT", T0, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_visible_records(s, "hospital-b", w.patient, 32, NULL, T0, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_audit(s, w.patient, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_audit_fhir(s, w.patient, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_consents(s, w.patient, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_org_actions(s, NULL, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_member(s, "hospital-b", NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_chain(s, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_height(s, NULL));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_ledger_state_state_root(s, root2, 31));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_ledger_state_last_hash(s, root2, 0));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_ledger_state_state_root(s, NULL, 32));
  /* An unknown patient has nothing. */
  OK(fhirbus_ledger_state_records(s, root, 32, &q));
  CHECK(buffer_is(&q, "[]"));
  fhirbus_buffer_free(&q);

  fhirbus_buffer kd = {SENTINEL, 77};
  uint8_t nowhere[32] = {0};
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_request_access(s, "hospital-b", w.b.sign, nowhere, 32, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_request_access(s, "outsider", w.b.sign, entry_id, 32, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_request_access(s, "hospital-b", w.b.sign, entry_id, 32, "NOPE", T0, &kt, &kd));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_request_access(s, "hospital-b", w.b.sign, entry_id, 31, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_request_access(s, "hospital-b", w.b.sign, entry_id, 32, "TREAT", T0, &kt, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_request_access(s, "hospital-b", w.b.sign, entry_id, 32, "TREAT", T0, NULL, &kd));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_request_access(s, "hospital-b", NULL, entry_id, 32, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_request_access(NULL, "hospital-b", w.b.sign, entry_id, 32, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_request_access(s, "hospital-b", w.b.sign, NULL, 32, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_request_access(s, "hospital-b", (const fhirbus_signing_key *)w.b.enc, entry_id, 32, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_open_pointer(s, "hospital-b", w.b.enc, nowhere, 32, &kt));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_open_pointer(s, "hospital-b", w.b.enc, NULL, 0, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_open_pointer(s, "hospital-b", w.b.enc, entry_id, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_open_pointer(s, NULL, w.b.enc, entry_id, 32, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_open_pointer(s, "hospital-b", NULL, entry_id, 32, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_open_pointer(s, "hospital-b", (const fhirbus_encryption_key *)w.b.sign, entry_id, 32, &kt));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_check_fetched(s, nowhere, 32, (const uint8_t *)RESOURCE, strlen(RESOURCE)));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_check_fetched(s, entry_id, 32, NULL, 0));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_check_fetched(s, entry_id, 32, NULL, 4));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_check_fetched(NULL, entry_id, 32, (const uint8_t *)RESOURCE, strlen(RESOURCE)));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_custodian_release(s, "hospital-a", reg.data, reg.len, T0, &kt)); /* not a request */
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_custodian_release(s, "hospital-a", NULL, 0, T0, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_custodian_release(s, NULL, btg.data, btg.len, T0, &kt));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_custodian_release(s, "hospital-a", btg.data, btg.len, T0, NULL));
  CHECK(kt.data == SENTINEL && kd.data == SENTINEL);

  /* Freed handles. */
  fhirbus_ledger_state_free(node2);
  fhirbus_ledger_state_free(node2);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_apply_block(node2, next->data, next->len, &events_keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_height(node2, &h2));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_state_root(node2, root2, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_last_hash(node2, root2, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_chain(node2, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_records(node2, w.patient, 32, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_visible_records(node2, "hospital-b", w.patient, 32, "TREAT", T0, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_consents(node2, w.patient, 32, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_audit(node2, w.patient, 32, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_audit_fhir(node2, w.patient, 32, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_org_actions(node2, "hospital-b", &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_member(node2, "hospital-b", &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_ledger_state_prove(node2, "record", entry_hex, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_request_access(node2, "hospital-b", w.b.sign, entry_id, 32, "TREAT", T0, &kt, &kd));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_open_pointer(node2, "hospital-b", w.b.enc, entry_id, 32, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_check_fetched(node2, entry_id, 32, (const uint8_t *)RESOURCE, strlen(RESOURCE)));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_custodian_release(node2, "hospital-a", btg.data, btg.len, T0, &kt));
  fhirbus_embedded_network_free(net3);
  fhirbus_embedded_network_free(net3);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_embedded_network_submit(net3, req.data, req.len, T0, id, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_embedded_network_produce_block(net3, T0, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_embedded_network_state(net3, &ks));
  fhirbus_signing_key *gone = NULL;
  OK(fhirbus_signing_key_generate(0, &gone));
  fhirbus_signing_key_free(gone);
  const fhirbus_signing_key *freed_keys[1] = {gone};
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_transaction_sign((const uint8_t *)tx, strlen(tx), freed_keys, 1, &kt));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_embedded_network_new((const uint8_t *)w.genesis, strlen(w.genesis), freed_keys, 1, &kn));
  CHECK(kt.data == SENTINEL && ks == SENTINEL && kn == SENTINEL && h2 == 8);
  fhirbus_ledger_state_free(NULL);
  fhirbus_embedded_network_free(NULL);
  /* The network kept copies of its validator keys: freeing the handles changes nothing. */
  for (int i = 0; i < 4; i++) {
    fhirbus_signing_key_free(w.validators[i]);
    w.validators[i] = NULL;
  }
  produce(&w, T0 + 18000);

  free(huge);
  fhirbus_buffer_free(&btg);
  fhirbus_buffer_free(&denied);
  fhirbus_buffer_free(&req);
  fhirbus_ledger_state_free(s);
  fhirbus_consent_free(consent);
  fhirbus_buffer_free(&reg);
  fhirbus_buffer_free(&entry);
  fhirbus_data_key_free(dk);
  world_free(&w);
}

int main(void) {
  test_consent();
  test_hl7_examples();
  test_story();
  return t_finish();
}
