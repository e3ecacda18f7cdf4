/* Tests of every function of the C API, including hostile calls: NULL pointers, zero lengths,
 * truncated and oversized inputs, invalid UTF-8, points off the curve, high-S signatures,
 * handles used after free, freed twice or of another type, and concurrent use. Run against the
 * static and the shared library, under valgrind and under ASan/UBSan (scripts/test/c.sh). */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const char *SYSTEM = "urn:oid:2.16.840.1.113883.2.4.6.3";
static const char *RESOURCE = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"valueQuantity\":{\"value\":1.00}}";
static const char *URL = "https://fhir.hospital-a.example/Observation/o1/_history/3";

/* A sentinel handle value: an out-parameter must still hold it after a failed call. */
#define SENTINEL ((void *)(uintptr_t)0x5a5a5a5a)

static bool is_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return false;
  return true;
}

static bool last_error_contains(const char *needle) {
  char msg[512];
  fhirbus_last_error_message(msg, sizeof msg);
  return strstr(msg, needle) != NULL;
}

static bool buffer_is(const fhirbus_buffer *b, const char *text) {
  return b->data != NULL && b->len == strlen(text) && memcmp(b->data, text, b->len) == 0 && b->data[b->len] == 0;
}

/* ------------------------------------------------------------------------------------------ */

static void *other_thread_last_error(void *arg) {
  (void)arg;
  char msg[64] = "x";
  size_t n = fhirbus_last_error_message(msg, sizeof msg);
  return (void *)(uintptr_t)(n == 0 && msg[0] == 0);
}

static void test_meta(void) {
  const char *v = fhirbus_version();
  CHECK(v != NULL && strlen(v) >= 5 && strchr(v, '.') != NULL);

  CHECK(strcmp(fhirbus_error_name(FHIRBUS_OK), "OK") == 0);
  CHECK(strcmp(fhirbus_error_name(FHIRBUS_BAD_SIGNATURE), "BAD_SIGNATURE") == 0);
  CHECK(strcmp(fhirbus_error_name(203), "BAD_SIGNATURE") == 0);
  CHECK(strcmp(fhirbus_error_name(12345), "UNKNOWN") == 0);
  CHECK(strcmp(fhirbus_error_name(UINT32_MAX), "UNKNOWN") == 0);
  CHECK(strcmp(fhirbus_error_text(FHIRBUS_BAD_SIGNATURE), "BAD_SIGNATURE (203)") == 0);
  CHECK(strncmp(fhirbus_error_text(12345), "UNKNOWN", 7) == 0);
  CHECK(strncmp(fhirbus_error_text(FHIRBUS_OK), "OK", 2) == 0);
  /* Every code of the header has its core name. */
  static const uint32_t codes[] = {
      FHIRBUS_MALFORMED_JSON, FHIRBUS_DUPLICATE_KEY, FHIRBUS_INVALID_TEXT, FHIRBUS_TOO_LARGE,
      FHIRBUS_TOO_DEEP, FHIRBUS_INVALID_NUMBER, FHIRBUS_UNKNOWN_FIELD, FHIRBUS_UNSUPPORTED_VERSION,
      FHIRBUS_INVALID_ENCODING, FHIRBUS_INVALID_LENGTH, FHIRBUS_MISSING_FIELD, FHIRBUS_INVALID_VALUE,
      FHIRBUS_INVALID_PUBLIC_KEY, FHIRBUS_INVALID_SECRET_KEY, FHIRBUS_INVALID_SIGNATURE_ENCODING,
      FHIRBUS_BAD_SIGNATURE, FHIRBUS_HIGH_S_SIGNATURE, FHIRBUS_DECRYPTION_FAILED,
      FHIRBUS_RANDOMNESS_UNAVAILABLE, FHIRBUS_KEY_ID_MISMATCH, FHIRBUS_BACKEND_UNAVAILABLE,
      FHIRBUS_DIGEST_MISMATCH, FHIRBUS_UNKNOWN_KEY, FHIRBUS_KEY_REVOKED, FHIRBUS_KEY_NOT_YET_VALID,
      FHIRBUS_DUPLICATE_KEY_ID, FHIRBUS_WRONG_KEY_PURPOSE, FHIRBUS_NO_PRIMARY_KEY,
      FHIRBUS_CONSENT_UNSUPPORTED_ELEMENT, FHIRBUS_CONSENT_INVALID, FHIRBUS_CONSENT_ALREADY_REVOKED,
      FHIRBUS_ACCESS_DENIED, FHIRBUS_NOT_ON_LEDGER, FHIRBUS_NO_DATA_KEY_SHARE, FHIRBUS_NULL_ARGUMENT,
      FHIRBUS_INVALID_HANDLE, FHIRBUS_BUFFER_TOO_SMALL, FHIRBUS_INTERNAL};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    const char *name = fhirbus_error_name(codes[i]);
    const char *text = fhirbus_error_text(codes[i]);
    CHECK(strcmp(name, "UNKNOWN") != 0 && strstr(text, name) == text);
  }
  CHECK(strcmp(fhirbus_error_name(FHIRBUS_INTERNAL), "INTERNAL") == 0);

  /* The last error message: set by a failure, sized like snprintf, cut at the buffer. */
  uint8_t d[32];
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_sha256(NULL, 5, d, sizeof d));
  size_t n = fhirbus_last_error_message(NULL, 0);
  CHECK(n > 10);
  char full[256];
  CHECK(fhirbus_last_error_message(full, sizeof full) == n);
  CHECK(strlen(full) == n && strncmp(full, "NULL_ARGUMENT (900)", 19) == 0 && strstr(full, "data") != NULL);
  char small[6] = "zzzzz";
  CHECK(fhirbus_last_error_message(small, sizeof small) == n);
  CHECK(strcmp(small, "NULL_") == 0);
  char one[1] = {'z'};
  CHECK(fhirbus_last_error_message(one, 1) == n && one[0] == 0);
  CHECK(fhirbus_last_error_message(NULL, 100) == n);
  /* Success leaves it unchanged. */
  OK(fhirbus_sha256(NULL, 0, d, sizeof d));
  CHECK(fhirbus_last_error_message(NULL, 0) == n);
  /* It is per thread. */
  pthread_t t;
  void *ret = NULL;
  CHECK(pthread_create(&t, NULL, other_thread_last_error, NULL) == 0);
  CHECK(pthread_join(t, &ret) == 0 && ret == (void *)1);

  /* Buffers: NULL, empty and freed-twice structs are harmless. */
  fhirbus_buffer_free(NULL);
  fhirbus_buffer empty = {NULL, 0};
  fhirbus_buffer_free(&empty);
  fhirbus_buffer b = {NULL, 0};
  OK(fhirbus_jcs((const uint8_t *)"[]", 2, &b));
  CHECK(buffer_is(&b, "[]"));
  fhirbus_buffer_free(&b);
  CHECK(b.data == NULL && b.len == 0);
  fhirbus_buffer_free(&b);
}

/* ------------------------------------------------------------------------------------------ */

static void test_canonical(void) {
  fhirbus_buffer b = {NULL, 0};
  const char *in = " { \"b\" : 1 , \"a\" : [ 1.0 , \"\\u00e9\" , 1e2 ] } ";
  OK(fhirbus_jcs((const uint8_t *)in, strlen(in), &b));
  CHECK(buffer_is(&b, "{\"a\":[1,\"\xc3\xa9\",100],\"b\":1}"));
  fhirbus_buffer_free(&b);

  /* FHIR canonical form keeps decimals as written; variants drop text and meta. */
  const char *res = "{\"resourceType\":\"Patient\",\"text\":{\"div\":\"x\"},\"meta\":{\"versionId\":\"2\"},\"v\":1.00}";
  OK(fhirbus_fhir_canonical((const uint8_t *)res, strlen(res), 0, &b));
  CHECK(buffer_is(&b, "{\"meta\":{\"versionId\":\"2\"},\"resourceType\":\"Patient\",\"text\":{\"div\":\"x\"},\"v\":1.00}"));
  fhirbus_buffer_free(&b);
  OK(fhirbus_fhir_canonical((const uint8_t *)res, strlen(res), 1, &b));
  CHECK(buffer_is(&b, "{\"meta\":{\"versionId\":\"2\"},\"resourceType\":\"Patient\",\"v\":1.00}"));
  fhirbus_buffer_free(&b);
  OK(fhirbus_fhir_canonical((const uint8_t *)res, strlen(res), 2, &b));
  CHECK(buffer_is(&b, "{\"resourceType\":\"Patient\",\"v\":1.00}"));
  /* The digest is the SHA-256 of the canonical bytes. */
  uint8_t d1[FHIRBUS_DIGEST_LEN], d2[FHIRBUS_DIGEST_LEN];
  OK(fhirbus_sha256(b.data, b.len, d1, sizeof d1));
  OK(fhirbus_fhir_digest((const uint8_t *)res, strlen(res), 2, d2, sizeof d2));
  CHECK(memcmp(d1, d2, 32) == 0);
  fhirbus_buffer_free(&b);

  /* Enumerations out of range. */
  fhirbus_buffer keep = {SENTINEL, 77};
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_fhir_canonical((const uint8_t *)res, strlen(res), 3, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_fhir_canonical((const uint8_t *)res, strlen(res), 256, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_fhir_digest((const uint8_t *)res, strlen(res), UINT32_MAX, d1, 32));
  CHECK(keep.data == SENTINEL && keep.len == 77);

  /* SHA-256: FIPS 180-2 B.1 and the empty input. */
  uint8_t want[32];
  t_unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, 32);
  OK(fhirbus_sha256((const uint8_t *)"abc", 3, d1, sizeof d1));
  CHECK(memcmp(d1, want, 32) == 0);
  t_unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, 32);
  OK(fhirbus_sha256(NULL, 0, d1, sizeof d1));
  CHECK(memcmp(d1, want, 32) == 0);
  OK(fhirbus_sha256((const uint8_t *)"abc", 0, d1, sizeof d1));
  CHECK(memcmp(d1, want, 32) == 0);
  /* A larger output buffer is fine; only 32 bytes are written. */
  uint8_t big[40];
  memset(big, 0xee, sizeof big);
  OK(fhirbus_sha256(NULL, 0, big, sizeof big));
  CHECK(memcmp(big, want, 32) == 0 && big[32] == 0xee && big[39] == 0xee);

  /* NULLs, small outputs: nothing written. */
  memset(d1, 0xab, 32);
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_sha256((const uint8_t *)"abc", 3, d1, 31));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_fhir_digest((const uint8_t *)res, strlen(res), 0, d1, 0));
  CHECK(d1[0] == 0xab && d1[31] == 0xab);
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_sha256((const uint8_t *)"abc", 3, NULL, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_jcs(NULL, 1, &b));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_jcs((const uint8_t *)"1", 1, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_fhir_canonical(NULL, 3, 0, &b));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_fhir_canonical((const uint8_t *)res, strlen(res), 0, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_fhir_digest(NULL, 3, 0, d1, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_fhir_digest((const uint8_t *)res, strlen(res), 0, NULL, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_sha256(NULL, SIZE_MAX, d1, 32));
  /* Lengths beyond PTRDIFF_MAX are refused before anything is read. */
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_sha256((const uint8_t *)"abc", SIZE_MAX, d1, 32));

  /* Hostile JSON. */
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_jcs(NULL, 0, &keep));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_jcs((const uint8_t *)"{\"a\":", 5, &keep));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_jcs((const uint8_t *)"[1,]", 4, &keep));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_jcs((const uint8_t *)"[1] x", 5, &keep));
  EXPECT(FHIRBUS_DUPLICATE_KEY, fhirbus_jcs((const uint8_t *)"{\"a\":1,\"a\":2}", 13, &keep));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_jcs((const uint8_t *)"[\"\xff\"]", 5, &keep));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_jcs((const uint8_t *)"[\"\\ud800\"]", 10, &keep));
  EXPECT(FHIRBUS_INVALID_NUMBER, fhirbus_jcs((const uint8_t *)"[1e999]", 7, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_fhir_canonical((const uint8_t *)"{\"id\":1}", 8, 0, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_fhir_digest((const uint8_t *)"[]", 2, 0, d1, 32));
  /* Every prefix of a valid text is refused cleanly. */
  size_t rlen = strlen(RESOURCE);
  int prefix_ok = 0;
  for (size_t i = 0; i < rlen; i++) {
    if (fhirbus_fhir_digest((const uint8_t *)RESOURCE, i, 0, d1, 32) != FHIRBUS_OK) prefix_ok++;
  }
  CHECK(prefix_ok == (int)rlen);
  /* Too deep. */
  char deep[1002];
  memset(deep, '[', 500);
  memset(deep + 500, ']', 500);
  EXPECT(FHIRBUS_TOO_DEEP, fhirbus_jcs((const uint8_t *)deep, 1000, &keep));
  /* Too large: over the 16 MiB limit. */
  size_t huge_len = (16u << 20) + 16;
  uint8_t *huge = malloc(huge_len);
  CHECK(huge != NULL);
  if (huge) {
    memset(huge, ' ', huge_len);
    huge[0] = '1';
    EXPECT(FHIRBUS_TOO_LARGE, fhirbus_jcs(huge, huge_len, &keep));
    free(huge);
  }
  CHECK(keep.data == SENTINEL && keep.len == 77);
}

/* ------------------------------------------------------------------------------------------ */

/* The order of the P-256 group. */
static const char *P256_N = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

/* s := n - s (big-endian, 32 bytes). */
static void negate_s(uint8_t sig[64]) {
  uint8_t n[32];
  t_unhex(P256_N, n, 32);
  int borrow = 0;
  for (int i = 31; i >= 0; i--) {
    int v = (int)n[i] - (int)sig[32 + i] - borrow;
    borrow = v < 0;
    sig[32 + i] = (uint8_t)(v + (borrow ? 256 : 0));
  }
}

/* DER INTEGER of a 32-byte big-endian value. */
static size_t der_int(const uint8_t *v, uint8_t *out) {
  size_t i = 0;
  while (i < 31 && v[i] == 0) i++;
  size_t n = 32 - i, pad = (v[i] & 0x80) ? 1 : 0;
  out[0] = 0x02;
  out[1] = (uint8_t)(n + pad);
  if (pad) out[2] = 0;
  memcpy(out + 2 + pad, v + i, n);
  return 2 + pad + n;
}

static size_t to_der(const uint8_t sig[64], uint8_t out[72]) {
  uint8_t body[70];
  size_t n = der_int(sig, body);
  n += der_int(sig + 32, body + n);
  out[0] = 0x30;
  out[1] = (uint8_t)n;
  memcpy(out + 2, body, n);
  return n + 2;
}

static void test_signing(void) {
  uint8_t secret[32];
  memset(secret, 7, 32);
  fhirbus_signing_key *key = SENTINEL, *portable = NULL, *gen = NULL;
  OK(fhirbus_signing_key_from_secret(0, secret, 32, &key));
  CHECK(key != NULL && key != SENTINEL);
  OK(fhirbus_signing_key_from_secret(2, secret, 32, &portable));
  OK(fhirbus_signing_key_generate(0, &gen));
  fhirbus_signing_key *g1 = NULL, *g2 = NULL;
  OK(fhirbus_signing_key_generate(1, &g1));
  OK(fhirbus_signing_key_generate(2, &g2));
  fhirbus_signing_key_free(g1);
  fhirbus_signing_key_free(g2);

  uint8_t pub[FHIRBUS_PUBLIC_KEY_LEN], pub2[65], kid[FHIRBUS_KEY_ID_LEN], kid2[32], back[32];
  OK(fhirbus_signing_key_public_key(key, pub, sizeof pub));
  CHECK(pub[0] == 0x04);
  OK(fhirbus_signing_key_public_key(portable, pub2, sizeof pub2));
  CHECK(memcmp(pub, pub2, 65) == 0); /* same secret, same point on both backends */
  OK(fhirbus_signing_key_key_id(key, kid, sizeof kid));
  OK(fhirbus_signing_key_key_id(portable, kid2, sizeof kid2));
  CHECK(memcmp(kid, kid2, 32) == 0);
  OK(fhirbus_signing_key_secret_bytes(key, back, sizeof back));
  CHECK(memcmp(back, secret, 32) == 0);
  OK(fhirbus_signing_key_secret_bytes(gen, back, sizeof back));
  CHECK(!is_zero(back, 32));

  /* Sign and verify in every domain, across backends. */
  const uint8_t msg[] = "a message";
  uint8_t sig[FHIRBUS_SIGNATURE_LEN];
  for (uint32_t domain = 1; domain <= 6; domain++) {
    OK(fhirbus_signing_key_sign(key, domain, msg, sizeof msg, sig, sizeof sig));
    OK(fhirbus_verify(pub, 65, domain, msg, sizeof msg, kid, 32, sig, 64));
    EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify(pub, 65, domain % 6 + 1, msg, sizeof msg, kid, 32, sig, 64));
    OK(fhirbus_signing_key_sign(portable, domain, msg, sizeof msg, sig, sizeof sig));
    OK(fhirbus_verify(pub, 65, domain, msg, sizeof msg, kid, 32, sig, 64));
  }
  /* An empty message, NULL with length 0. */
  OK(fhirbus_signing_key_sign(key, 6, NULL, 0, sig, sizeof sig));
  OK(fhirbus_verify(pub, 65, 6, (const uint8_t *)"", 0, kid, 32, sig, 64));
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify(pub, 65, 6, msg, 1, kid, 32, sig, 64));

  OK(fhirbus_signing_key_sign(key, 6, msg, sizeof msg, sig, sizeof sig));
  /* The compressed form of the public key verifies too. */
  uint8_t comp[33];
  comp[0] = (uint8_t)(0x02 | (pub[64] & 1));
  memcpy(comp + 1, pub + 1, 32);
  OK(fhirbus_verify(comp, 33, 6, msg, sizeof msg, kid, 32, sig, 64));
  /* DER in, DER converted. */
  uint8_t der[72], from_der[64];
  size_t der_len = to_der(sig, der);
  OK(fhirbus_signature_from_der(der, der_len, from_der, sizeof from_der));
  CHECK(memcmp(from_der, sig, 64) == 0);
  OK(fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 32, der, der_len));
  EXPECT(FHIRBUS_INVALID_SIGNATURE_ENCODING, fhirbus_signature_from_der(der, der_len - 1, from_der, 64));
  EXPECT(FHIRBUS_INVALID_SIGNATURE_ENCODING, fhirbus_signature_from_der(sig, 64, from_der, 64));
  EXPECT(FHIRBUS_INVALID_SIGNATURE_ENCODING, fhirbus_signature_from_der(NULL, 0, from_der, 64));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_signature_from_der(der, der_len, from_der, 63));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signature_from_der(der, der_len, NULL, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signature_from_der(NULL, 5, from_der, 64));

  /* Tampering. */
  uint8_t bad[64];
  memcpy(bad, sig, 64);
  bad[10] ^= 1;
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 32, bad, 64));
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_verify(pub, 65, 6, msg, sizeof msg - 1, kid, 32, sig, 64));
  memcpy(bad, sig, 64);
  negate_s(bad);
  EXPECT(FHIRBUS_HIGH_S_SIGNATURE, fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 32, bad, 64));
  memset(bad, 0, 32); /* r = 0 */
  memcpy(bad + 32, sig + 32, 32);
  EXPECT(FHIRBUS_INVALID_SIGNATURE_ENCODING, fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 32, bad, 64));
  EXPECT(FHIRBUS_INVALID_SIGNATURE_ENCODING, fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 32, sig, 63));
  EXPECT(FHIRBUS_INVALID_SIGNATURE_ENCODING, fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 32, NULL, 0));
  uint8_t other_kid[32];
  memcpy(other_kid, kid, 32);
  other_kid[0] ^= 1;
  EXPECT(FHIRBUS_KEY_ID_MISMATCH, fhirbus_verify(pub, 65, 6, msg, sizeof msg, other_kid, 32, sig, 64));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 31, sig, 64));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_verify(pub, 65, 6, msg, sizeof msg, NULL, 0, sig, 64));
  /* Wrong curve points: y changed (off the curve), truncated, the identity, secp256k1's G. */
  uint8_t off[65];
  memcpy(off, pub, 65);
  off[64] ^= 1;
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_verify(off, 65, 6, msg, sizeof msg, kid, 32, sig, 64));
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_verify(pub, 64, 6, msg, sizeof msg, kid, 32, sig, 64));
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_verify((const uint8_t *)"\0", 1, 6, msg, sizeof msg, kid, 32, sig, 64));
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_verify(NULL, 0, 6, msg, sizeof msg, kid, 32, sig, 64));
  uint8_t k1[65];
  t_unhex("0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
          "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8", k1, 65);
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_verify(k1, 65, 6, msg, sizeof msg, kid, 32, sig, 64));
  /* Domains out of range. */
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_verify(pub, 65, 0, msg, sizeof msg, kid, 32, sig, 64));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_verify(pub, 65, 7, msg, sizeof msg, kid, 32, sig, 64));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_verify(pub, 65, 0x106, msg, sizeof msg, kid, 32, sig, 64));
  memset(bad, 0xcd, 64);
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_signing_key_sign(key, 0, msg, sizeof msg, bad, 64));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_signing_key_sign(key, UINT32_MAX, msg, sizeof msg, bad, 64));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_signing_key_sign(key, 6, msg, sizeof msg, bad, 63));
  CHECK(bad[0] == 0xcd && bad[63] == 0xcd);
  /* NULLs everywhere. */
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify(NULL, 65, 6, msg, sizeof msg, kid, 32, sig, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify(pub, 65, 6, NULL, 3, kid, 32, sig, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify(pub, 65, 6, msg, sizeof msg, NULL, 32, sig, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_verify(pub, 65, 6, msg, sizeof msg, kid, 32, NULL, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_sign(NULL, 6, msg, sizeof msg, sig, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_sign(key, 6, NULL, 1, sig, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_sign(key, 6, msg, sizeof msg, NULL, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_public_key(key, NULL, 65));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_public_key(NULL, pub2, 65));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_signing_key_public_key(key, pub2, 64));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_key_id(NULL, kid2, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_signing_key_key_id(key, kid2, 31));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_secret_bytes(NULL, back, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_signing_key_secret_bytes(key, back, 31));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_generate(0, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_from_secret(0, secret, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_signing_key_from_secret(0, NULL, 32, &g1));

  /* Bad secrets and backends: the out-parameter keeps its value. */
  fhirbus_signing_key *keep = SENTINEL;
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_signing_key_from_secret(0, secret, 31, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_signing_key_from_secret(0, secret, 33, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_signing_key_from_secret(0, NULL, 0, &keep));
  uint8_t zero[32] = {0}, ff[32];
  memset(ff, 0xff, 32);
  EXPECT(FHIRBUS_INVALID_SECRET_KEY, fhirbus_signing_key_from_secret(0, zero, 32, &keep));
  EXPECT(FHIRBUS_INVALID_SECRET_KEY, fhirbus_signing_key_from_secret(1, ff, 32, &keep));
  EXPECT(FHIRBUS_INVALID_SECRET_KEY, fhirbus_signing_key_from_secret(2, ff, 32, &keep));
  uint8_t n[32];
  t_unhex(P256_N, n, 32);
  EXPECT(FHIRBUS_INVALID_SECRET_KEY, fhirbus_signing_key_from_secret(0, n, 32, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_signing_key_from_secret(3, secret, 32, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_signing_key_generate(3, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_signing_key_generate(0x101, &keep));
  CHECK(keep == SENTINEL);
  /* The secret never shows in an error message. */
  CHECK(!last_error_contains("0707"));

  /* Handles: used after free, freed twice, of another type, or never a handle. */
  fhirbus_data_key *dk = NULL;
  OK(fhirbus_data_key_from_bytes(0, secret, 32, &dk));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_signing_key_sign((const fhirbus_signing_key *)dk, 6, msg, 3, sig, 64));
  fhirbus_signing_key_free((fhirbus_signing_key *)dk); /* wrong type: not freed */
  uint8_t dkb[32];
  OK(fhirbus_data_key_to_bytes(dk, dkb, 32));
  fhirbus_data_key_free(dk);
  int local = 0;
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_signing_key_sign((const fhirbus_signing_key *)&local, 6, msg, 3, sig, 64));
  fhirbus_signing_key_free((fhirbus_signing_key *)&local); /* not a handle: ignored */
  fhirbus_signing_key_free(gen);
  fhirbus_signing_key_free(gen); /* double free: detected, harmless */
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_signing_key_sign(gen, 6, msg, 3, sig, 64));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_signing_key_public_key(gen, pub2, 65));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_signing_key_key_id(gen, kid2, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_signing_key_secret_bytes(gen, back, 32));
  fhirbus_signing_key_free(NULL);
  fhirbus_signing_key_free(portable);
  fhirbus_signing_key_free(key);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
  uint8_t patient[32];
  uint8_t digest[32];
  const char *custodian;
  const char *resource_type;
  uint32_t epoch;
} ctx_t;

static ctx_t base_ctx(void) {
  ctx_t c;
  memset(c.patient, 3, 32);
  fhirbus_fhir_digest((const uint8_t *)RESOURCE, strlen(RESOURCE), 0, c.digest, 32);
  c.custodian = "hospital-a";
  c.resource_type = "Observation";
  c.epoch = 1;
  return c;
}

static fhirbus_result seal(const fhirbus_data_key *k, const ctx_t *c, const char *url, uint8_t nonce[12], fhirbus_buffer *ct) {
  return fhirbus_data_key_seal_pointer(k, c->patient, 32, c->custodian, c->resource_type, c->digest, 32, c->epoch, url,
                                       nonce, 12, ct);
}

static fhirbus_result open_ptr(const fhirbus_data_key *k, const ctx_t *c, const uint8_t *nonce, size_t nonce_len,
                               const fhirbus_buffer *ct, fhirbus_buffer *url) {
  return fhirbus_data_key_open_pointer(k, c->patient, 32, c->custodian, c->resource_type, c->digest, 32, c->epoch, nonce,
                                       nonce_len, ct->data, ct->len, url);
}

static void test_pointer(void) {
  uint8_t raw[32];
  memset(raw, 9, 32);
  fhirbus_data_key *key = NULL, *portable = NULL, *gen = NULL, *other = NULL;
  OK(fhirbus_data_key_from_bytes(0, raw, 32, &key));
  OK(fhirbus_data_key_from_bytes(2, raw, 32, &portable));
  OK(fhirbus_data_key_generate(0, &gen));
  OK(fhirbus_data_key_generate(2, &other));
  uint8_t back[32];
  OK(fhirbus_data_key_to_bytes(key, back, sizeof back));
  CHECK(memcmp(back, raw, 32) == 0);
  OK(fhirbus_data_key_to_bytes(gen, back, sizeof back));
  CHECK(memcmp(back, raw, 32) != 0);

  ctx_t c = base_ctx();
  uint8_t nonce[FHIRBUS_NONCE_LEN];
  fhirbus_buffer ct = {NULL, 0}, url = {NULL, 0};
  OK(seal(key, &c, URL, nonce, &ct));
  CHECK(ct.len == strlen(URL) + 16);
  OK(open_ptr(key, &c, nonce, 12, &ct, &url));
  CHECK(buffer_is(&url, URL));
  fhirbus_buffer_free(&url);
  OK(open_ptr(portable, &c, nonce, 12, &ct, &url)); /* the other backend opens it */
  CHECK(buffer_is(&url, URL));
  fhirbus_buffer_free(&url);

  /* Any other context, key, nonce or byte: DECRYPTION_FAILED; url_out untouched. */
  fhirbus_buffer keep = {SENTINEL, 5};
  ctx_t d = c;
  d.epoch = 2;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &d, nonce, 12, &ct, &keep));
  d = c;
  d.custodian = "hospital-b";
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &d, nonce, 12, &ct, &keep));
  d = c;
  d.resource_type = "Patient";
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &d, nonce, 12, &ct, &keep));
  d = c;
  d.digest[0] ^= 1;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &d, nonce, 12, &ct, &keep));
  d = c;
  d.patient[31] ^= 1;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &d, nonce, 12, &ct, &keep));
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(gen, &c, nonce, 12, &ct, &keep));
  nonce[0] ^= 1;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &c, nonce, 12, &ct, &keep));
  nonce[0] ^= 1;
  ct.data[ct.len - 1] ^= 1;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &c, nonce, 12, &ct, &keep));
  ct.data[ct.len - 1] ^= 1;
  /* Truncated and oversized parts. */
  EXPECT(FHIRBUS_INVALID_LENGTH, open_ptr(key, &c, nonce, 11, &ct, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, open_ptr(key, &c, nonce, 13, &ct, &keep));
  fhirbus_buffer short_ct = {ct.data, 15};
  EXPECT(FHIRBUS_INVALID_LENGTH, open_ptr(key, &c, nonce, 12, &short_ct, &keep));
  fhirbus_buffer cut_ct = {ct.data, ct.len - 1};
  EXPECT(FHIRBUS_DECRYPTION_FAILED, open_ptr(key, &c, nonce, 12, &cut_ct, &keep));
  uint8_t *huge = calloc(3000, 1);
  fhirbus_buffer huge_ct = {huge, 3000};
  EXPECT(FHIRBUS_INVALID_LENGTH, open_ptr(key, &c, nonce, 12, &huge_ct, &keep));
  free(huge);
  CHECK(keep.data == SENTINEL && keep.len == 5);
  /* Bad context fields. */
  d = c;
  d.custodian = "Hospital A";
  EXPECT(FHIRBUS_INVALID_VALUE, seal(key, &d, URL, nonce, &keep));
  d.custodian = "hospital-\xff";
  EXPECT(FHIRBUS_INVALID_TEXT, seal(key, &d, URL, nonce, &keep));
  d = c;
  d.resource_type = "obs";
  EXPECT(FHIRBUS_INVALID_VALUE, seal(key, &d, URL, nonce, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_data_key_seal_pointer(key, c.patient, 31, c.custodian, c.resource_type, c.digest, 32, 1, URL, nonce, 12, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_data_key_seal_pointer(key, c.patient, 32, c.custodian, c.resource_type, c.digest, 33, 1, URL, nonce, 12, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_data_key_seal_pointer(key, NULL, 0, c.custodian, c.resource_type, c.digest, 32, 1, URL, nonce, 12, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_seal_pointer(key, c.patient, 32, NULL, c.resource_type, c.digest, 32, 1, URL, nonce, 12, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_seal_pointer(key, c.patient, 32, c.custodian, NULL, c.digest, 32, 1, URL, nonce, 12, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_seal_pointer(key, c.patient, 32, c.custodian, c.resource_type, NULL, 32, 1, URL, nonce, 12, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_seal_pointer(key, c.patient, 32, c.custodian, c.resource_type, c.digest, 32, 1, NULL, nonce, 12, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_seal_pointer(key, c.patient, 32, c.custodian, c.resource_type, c.digest, 32, 1, URL, NULL, 12, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_seal_pointer(key, c.patient, 32, c.custodian, c.resource_type, c.digest, 32, 1, URL, nonce, 12, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_seal_pointer(NULL, c.patient, 32, c.custodian, c.resource_type, c.digest, 32, 1, URL, nonce, 12, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, open_ptr(key, &c, NULL, 12, &ct, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, open_ptr(key, &c, nonce, 12, &ct, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, open_ptr(NULL, &c, nonce, 12, &ct, &keep));
  /* Small nonce buffer: neither output is written. */
  uint8_t n2[12];
  memset(n2, 0xcd, 12);
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_data_key_seal_pointer(key, c.patient, 32, c.custodian, c.resource_type, c.digest, 32, 1, URL, n2, 11, &keep));
  CHECK(n2[0] == 0xcd && keep.data == SENTINEL);
  /* Pointer length: 2048 bytes seal, 2049 are too large; empty and invalid UTF-8. */
  char *long_url = malloc(2050);
  memset(long_url, 'u', 2049);
  long_url[2049] = 0;
  EXPECT(FHIRBUS_TOO_LARGE, seal(key, &c, long_url, nonce, &keep));
  long_url[2048] = 0;
  fhirbus_buffer ct2 = {NULL, 0};
  OK(seal(key, &c, long_url, nonce, &ct2));
  OK(open_ptr(key, &c, nonce, 12, &ct2, &url));
  CHECK(buffer_is(&url, long_url));
  fhirbus_buffer_free(&url);
  fhirbus_buffer_free(&ct2);
  free(long_url);
  OK(seal(key, &c, "", nonce, &ct2));
  CHECK(ct2.len == 16);
  OK(open_ptr(key, &c, nonce, 12, &ct2, &url));
  CHECK(buffer_is(&url, ""));
  fhirbus_buffer_free(&url);
  fhirbus_buffer_free(&ct2);
  EXPECT(FHIRBUS_INVALID_TEXT, seal(key, &c, "https://x/\xc3\x28", nonce, &keep));

  /* Bad keys. */
  fhirbus_data_key *kk = SENTINEL;
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_data_key_from_bytes(0, raw, 31, &kk));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_data_key_from_bytes(0, NULL, 0, &kk));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_data_key_from_bytes(7, raw, 32, &kk));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_data_key_generate(7, &kk));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_from_bytes(0, NULL, 32, &kk));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_from_bytes(0, raw, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_generate(0, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_to_bytes(NULL, back, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_data_key_to_bytes(key, NULL, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_data_key_to_bytes(key, back, 31));
  CHECK(kk == SENTINEL);

  fhirbus_data_key_free(gen);
  fhirbus_data_key_free(gen);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_data_key_to_bytes(gen, back, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, seal(gen, &c, URL, nonce, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, open_ptr(gen, &c, nonce, 12, &ct, &keep));
  fhirbus_data_key_free(NULL);
  fhirbus_buffer_free(&ct);
  fhirbus_data_key_free(other);
  fhirbus_data_key_free(portable);
  fhirbus_data_key_free(key);
}

/* ------------------------------------------------------------------------------------------ */

static void test_wrap(void) {
  uint8_t secret[32];
  memset(secret, 6, 32);
  fhirbus_encryption_key *ek = NULL, *portable = NULL, *other = NULL;
  OK(fhirbus_encryption_key_from_secret(0, secret, 32, &ek));
  OK(fhirbus_encryption_key_from_secret(2, secret, 32, &portable));
  OK(fhirbus_encryption_key_generate(0, &other));
  fhirbus_encryption_key *g2 = NULL;
  OK(fhirbus_encryption_key_generate(2, &g2));
  fhirbus_encryption_key_free(g2);
  uint8_t pub[65], kid[32], back[32];
  OK(fhirbus_encryption_key_public_key(ek, pub, sizeof pub));
  OK(fhirbus_encryption_key_key_id(ek, kid, sizeof kid));
  OK(fhirbus_encryption_key_secret_bytes(ek, back, sizeof back));
  CHECK(memcmp(back, secret, 32) == 0);
  /* The same point as a signing key has another id. */
  fhirbus_signing_key *sk = NULL;
  uint8_t spub[65], skid[32];
  OK(fhirbus_signing_key_from_secret(0, secret, 32, &sk));
  OK(fhirbus_signing_key_public_key(sk, spub, 65));
  OK(fhirbus_signing_key_key_id(sk, skid, 32));
  CHECK(memcmp(spub, pub, 65) == 0 && memcmp(skid, kid, 32) != 0);
  fhirbus_signing_key_free(sk);

  uint8_t raw[32];
  memset(raw, 9, 32);
  fhirbus_data_key *dk = NULL, *un = SENTINEL;
  OK(fhirbus_data_key_from_bytes(0, raw, 32, &dk));
  uint8_t patient[32];
  memset(patient, 3, 32);
  uint8_t wkid[32], enc[FHIRBUS_WRAP_ENC_LEN], ct[FHIRBUS_WRAP_CIPHERTEXT_LEN];
  OK(fhirbus_wrap(pub, 65, dk, patient, 32, "hospital-a", 1, wkid, 32, enc, 65, ct, 48));
  CHECK(memcmp(wkid, kid, 32) == 0);
  OK(fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &un));
  uint8_t got[32];
  OK(fhirbus_data_key_to_bytes(un, got, 32));
  CHECK(memcmp(got, raw, 32) == 0);
  fhirbus_data_key_free(un);
  OK(fhirbus_encryption_key_unwrap(portable, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &un));
  OK(fhirbus_data_key_to_bytes(un, got, 32));
  CHECK(memcmp(got, raw, 32) == 0);
  fhirbus_data_key_free(un);

  /* Another context, key or byte. */
  fhirbus_data_key *keep = SENTINEL;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 2, &keep));
  EXPECT(FHIRBUS_DECRYPTION_FAILED, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-b", 1, &keep));
  patient[0] ^= 1;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  patient[0] ^= 1;
  EXPECT(FHIRBUS_KEY_ID_MISMATCH, fhirbus_encryption_key_unwrap(other, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  ct[47] ^= 1;
  EXPECT(FHIRBUS_DECRYPTION_FAILED, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  ct[47] ^= 1;
  enc[64] ^= 1; /* no longer a point on the curve */
  fhirbus_result r = fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep);
  CHECK(r == FHIRBUS_DECRYPTION_FAILED || r == FHIRBUS_INVALID_PUBLIC_KEY);
  enc[64] ^= 1;
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_encryption_key_unwrap(ek, wkid, 31, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 64, ct, 48, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 47, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 49, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 16, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "", 1, &keep));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "\xe2\x82", 1, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_unwrap(NULL, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_unwrap(ek, NULL, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_unwrap(ek, wkid, 32, NULL, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, NULL, 48, patient, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, NULL, 32, "hospital-a", 1, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, NULL, 1, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_unwrap(ek, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, NULL));
  CHECK(keep == SENTINEL);

  /* Wrapping to bad keys, into small buffers: nothing written. */
  uint8_t k2[32], e2[65], c2[48];
  memset(k2, 0xcd, 32);
  uint8_t off[65];
  memcpy(off, pub, 65);
  off[64] ^= 1;
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_wrap(off, 65, dk, patient, 32, "hospital-a", 1, k2, 32, e2, 65, c2, 48));
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_wrap(NULL, 0, dk, patient, 32, "hospital-a", 1, k2, 32, e2, 65, c2, 48));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_wrap(pub, 65, dk, patient, 32, "hospital-a", 1, k2, 32, e2, 65, c2, 47));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_wrap(pub, 65, dk, patient, 32, "hospital-a", 1, k2, 32, e2, 64, c2, 48));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_wrap(pub, 65, dk, patient, 32, "hospital-a", 1, k2, 31, e2, 65, c2, 48));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_wrap(pub, 65, NULL, patient, 32, "hospital-a", 1, k2, 32, e2, 65, c2, 48));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_wrap(pub, 65, dk, NULL, 32, "hospital-a", 1, k2, 32, e2, 65, c2, 48));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_wrap(pub, 65, dk, patient, 32, NULL, 1, k2, 32, e2, 65, c2, 48));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_wrap(pub, 65, dk, patient, 32, "hospital-a", 1, NULL, 32, e2, 65, c2, 48));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_wrap(pub, 65, dk, patient, 32, "hospital-a", 1, k2, 32, NULL, 65, c2, 48));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_wrap(pub, 65, dk, patient, 32, "hospital-a", 1, k2, 32, e2, 65, NULL, 48));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_wrap(pub, 65, (const fhirbus_data_key *)ek, patient, 32, "hospital-a", 1, k2, 32, e2, 65, c2, 48));
  CHECK(k2[0] == 0xcd && k2[31] == 0xcd);

  /* Bad secrets, NULLs, freed handles. */
  fhirbus_encryption_key *kk = SENTINEL;
  uint8_t zero[32] = {0};
  EXPECT(FHIRBUS_INVALID_SECRET_KEY, fhirbus_encryption_key_from_secret(0, zero, 32, &kk));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_encryption_key_from_secret(0, secret, 64, &kk));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_encryption_key_from_secret(9, secret, 32, &kk));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_encryption_key_generate(9, &kk));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_generate(0, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_from_secret(0, NULL, 32, &kk));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_public_key(NULL, pub, 65));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_key_id(ek, NULL, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_encryption_key_secret_bytes(ek, NULL, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_encryption_key_public_key(ek, pub, 33));
  CHECK(kk == SENTINEL);
  fhirbus_encryption_key_free(other);
  fhirbus_encryption_key_free(other);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_encryption_key_public_key(other, pub, 65));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_encryption_key_key_id(other, kid, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_encryption_key_secret_bytes(other, back, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_encryption_key_unwrap(other, wkid, 32, enc, 65, ct, 48, patient, 32, "hospital-a", 1, &keep));
  fhirbus_encryption_key_free(NULL);
  fhirbus_encryption_key_free(portable);
  fhirbus_encryption_key_free(ek);
  fhirbus_data_key_free(dk);
}

/* ------------------------------------------------------------------------------------------ */

static void test_pseudonym(void) {
  uint8_t raw[32];
  memset(raw, 7, 32);
  fhirbus_pseudonym_key *key = NULL, *gen = NULL;
  OK(fhirbus_pseudonym_key_from_bytes(raw, 32, &key));
  OK(fhirbus_pseudonym_key_generate(&gen));
  uint8_t back[32];
  OK(fhirbus_pseudonym_key_to_bytes(key, back, 32));
  CHECK(memcmp(back, raw, 32) == 0);

  uint8_t a[FHIRBUS_PSEUDONYM_LEN], b[32], c[32], d[32];
  OK(fhirbus_pseudonym_key_pseudonym(key, SYSTEM, "123-45-678a", a, 32));
  OK(fhirbus_pseudonym_key_pseudonym(key, " urn:oid:2.16.840.1.113883.2.4.6.3 ", " 12345 678A ", b, 32));
  CHECK(memcmp(a, b, 32) == 0);
  OK(fhirbus_pseudonym_key_pseudonym(key, "urn:oid:1.2.3", "12345678A", c, 32));
  CHECK(memcmp(a, c, 32) != 0);
  OK(fhirbus_pseudonym_key_pseudonym(gen, SYSTEM, "12345678A", d, 32));
  CHECK(memcmp(a, d, 32) != 0);

  /* Bad identifiers never show in the message. */
  memset(c, 0xcd, 32);
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_pseudonym_key_pseudonym(key, SYSTEM, "98765*4321", c, 32));
  CHECK(!last_error_contains("98765") && !last_error_contains("4321"));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_pseudonym_key_pseudonym(key, SYSTEM, "98765\xff", c, 32));
  CHECK(!last_error_contains("98765"));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_pseudonym_key_pseudonym(key, SYSTEM, "", c, 32));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_pseudonym_key_pseudonym(key, "", "1", c, 32));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_pseudonym_key_pseudonym(key, SYSTEM, "- . /", c, 32));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_pseudonym_key_pseudonym(key, "urn:\xc0\xaf", "1", c, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_pseudonym_key_pseudonym(key, NULL, "1", c, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_pseudonym_key_pseudonym(key, SYSTEM, NULL, c, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_pseudonym_key_pseudonym(key, SYSTEM, "1", NULL, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_pseudonym_key_pseudonym(NULL, SYSTEM, "1", c, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_pseudonym_key_pseudonym(key, SYSTEM, "1", c, 31));
  CHECK(c[0] == 0xcd);

  fhirbus_pseudonym_key *kk = SENTINEL;
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_pseudonym_key_from_bytes(raw, 16, &kk));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_pseudonym_key_from_bytes(NULL, 0, &kk));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_pseudonym_key_from_bytes(raw, 32, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_pseudonym_key_generate(NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_pseudonym_key_to_bytes(key, NULL, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_pseudonym_key_to_bytes(key, back, 3));
  CHECK(kk == SENTINEL);
  fhirbus_pseudonym_key_free(gen);
  fhirbus_pseudonym_key_free(gen);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_pseudonym_key_to_bytes(gen, back, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_pseudonym_key_pseudonym(gen, SYSTEM, "1", c, 32));
  fhirbus_pseudonym_key_free(NULL);
  fhirbus_pseudonym_key_free(key);
}

/* ------------------------------------------------------------------------------------------ */

/* Replace the first `from` in buffer `in` by `to`; returns a malloc'd copy and its length. */
static uint8_t *replace(const fhirbus_buffer *in, const char *from, const char *to, size_t *out_len) {
  const char *at = strstr((const char *)in->data, from);
  if (!at) return NULL;
  size_t pre = (size_t)(at - (const char *)in->data), fl = strlen(from), tl = strlen(to);
  *out_len = in->len - fl + tl;
  uint8_t *out = malloc(*out_len + 1);
  memcpy(out, in->data, pre);
  memcpy(out + pre, to, tl);
  memcpy(out + pre + tl, in->data + pre + fl, in->len - pre - fl);
  out[*out_len] = 0;
  return out;
}

static void test_record(void) {
  uint8_t s[32], raw[32];
  memset(s, 7, 32);
  memset(raw, 9, 32);
  fhirbus_signing_key *sk = NULL, *other_sk = NULL;
  fhirbus_data_key *dk = NULL, *other_dk = NULL;
  fhirbus_pseudonym_key *pk = NULL;
  OK(fhirbus_signing_key_from_secret(0, s, 32, &sk));
  OK(fhirbus_signing_key_generate(0, &other_sk));
  OK(fhirbus_data_key_from_bytes(0, raw, 32, &dk));
  OK(fhirbus_data_key_generate(0, &other_dk));
  OK(fhirbus_pseudonym_key_from_bytes(raw, 32, &pk));
  uint8_t patient[32], digest[32], pub[65], other_pub[65], kid[32];
  OK(fhirbus_pseudonym_key_pseudonym(pk, SYSTEM, "123456782", patient, 32));
  OK(fhirbus_fhir_digest((const uint8_t *)RESOURCE, strlen(RESOURCE), 0, digest, 32));
  OK(fhirbus_signing_key_public_key(sk, pub, 65));
  OK(fhirbus_signing_key_public_key(other_sk, other_pub, 65));
  OK(fhirbus_signing_key_key_id(sk, kid, 32));

  fhirbus_buffer enc = {NULL, 0};
  const uint64_t T = 1764000000000ull;
  OK(fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, URL, dk, sk, &enc));
  CHECK(enc.len > 100 && enc.data[enc.len] == 0 && strstr((const char *)enc.data, "\"v\":1") != NULL);
  CHECK(strstr((const char *)enc.data, "hospital-a.example") == NULL); /* the pointer is sealed */

  fhirbus_record_entry *e = NULL;
  OK(fhirbus_record_entry_decode(enc.data, enc.len, &e));
  fhirbus_buffer t = {NULL, 0};
  OK(fhirbus_record_entry_custodian(e, &t));
  CHECK(buffer_is(&t, "hospital-a"));
  fhirbus_buffer_free(&t);
  OK(fhirbus_record_entry_resource_type(e, &t));
  CHECK(buffer_is(&t, "Observation"));
  fhirbus_buffer_free(&t);
  uint8_t got[32];
  OK(fhirbus_record_entry_patient(e, got, 32));
  CHECK(memcmp(got, patient, 32) == 0);
  OK(fhirbus_record_entry_digest(e, got, 32));
  CHECK(memcmp(got, digest, 32) == 0);
  OK(fhirbus_record_entry_key_id(e, got, 32));
  CHECK(memcmp(got, kid, 32) == 0);
  uint32_t epoch = 0;
  uint64_t time = 0;
  OK(fhirbus_record_entry_epoch(e, &epoch));
  OK(fhirbus_record_entry_time_ms(e, &time));
  CHECK(epoch == 3 && time == T);
  OK(fhirbus_record_entry_encode(e, &t));
  CHECK(t.len == enc.len && memcmp(t.data, enc.data, t.len) == 0);
  fhirbus_buffer_free(&t);

  OK(fhirbus_record_entry_verify(e, pub, 65));
  EXPECT(FHIRBUS_KEY_ID_MISMATCH, fhirbus_record_entry_verify(e, other_pub, 65));
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_record_entry_verify(e, pub, 64));
  OK(fhirbus_record_entry_open_pointer(e, dk, &t));
  CHECK(buffer_is(&t, URL));
  fhirbus_buffer_free(&t);
  fhirbus_buffer keep = {SENTINEL, 1};
  EXPECT(FHIRBUS_DECRYPTION_FAILED, fhirbus_record_entry_open_pointer(e, other_dk, &keep));

  /* The fetched resource, however it is spelled, matches; a changed one does not. */
  const char *same = "{ \"valueQuantity\" : { \"value\" : 1.00 }, \"id\":\"o1\", \"resourceType\":\"Observation\" }";
  OK(fhirbus_record_entry_check_resource(e, (const uint8_t *)same, strlen(same)));
  const char *changed = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"valueQuantity\":{\"value\":1.0}}";
  EXPECT(FHIRBUS_DIGEST_MISMATCH, fhirbus_record_entry_check_resource(e, (const uint8_t *)changed, strlen(changed)));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_record_entry_check_resource(e, (const uint8_t *)"{", 1));
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_record_entry_check_resource(e, NULL, 0));

  /* Key sets: the custodian's key at the entry's time. */
  fhirbus_key_set *ks = NULL;
  OK(fhirbus_key_set_new(&ks));
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_record_entry_verify_with_key_set(e, ks));
  uint8_t kid2[32];
  OK(fhirbus_key_set_add(ks, 1, pub, 65, T - 1000, kid2, 32));
  OK(fhirbus_record_entry_verify_with_key_set(e, ks));
  OK(fhirbus_key_set_revoke(ks, kid, 32, T));
  EXPECT(FHIRBUS_KEY_REVOKED, fhirbus_record_entry_verify_with_key_set(e, ks));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_verify_with_key_set(e, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_verify_with_key_set(NULL, ks));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_verify_with_key_set(e, (const fhirbus_key_set *)e));
  fhirbus_key_set_free(ks);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_verify_with_key_set(e, ks));

  /* Hostile encodings. */
  fhirbus_record_entry *ke = SENTINEL;
  int refused = 0;
  for (size_t i = 0; i < enc.len; i++)
    if (fhirbus_record_entry_decode(enc.data, i, &ke) != FHIRBUS_OK) refused++;
  CHECK(refused == (int)enc.len);
  EXPECT(FHIRBUS_MALFORMED_JSON, fhirbus_record_entry_decode(NULL, 0, &ke));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_decode(NULL, 5, &ke));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_decode(enc.data, enc.len, NULL));
  size_t n = 0;
  uint8_t *m = replace(&enc, "\"v\":1", "\"v\":2", &n);
  EXPECT(FHIRBUS_UNSUPPORTED_VERSION, fhirbus_record_entry_decode(m, n, &ke));
  free(m);
  m = replace(&enc, "{\"entry\":{", "{\"entry\":{\"extra\":1,", &n);
  EXPECT(FHIRBUS_UNKNOWN_FIELD, fhirbus_record_entry_decode(m, n, &ke));
  free(m);
  m = replace(&enc, "{\"entry\":{", "{\"entry\":{\"epoch\":1,", &n);
  EXPECT(FHIRBUS_DUPLICATE_KEY, fhirbus_record_entry_decode(m, n, &ke));
  free(m);
  m = replace(&enc, "\"custodian\":\"hospital-a\",", "", &n);
  EXPECT(FHIRBUS_MISSING_FIELD, fhirbus_record_entry_decode(m, n, &ke));
  free(m);
  m = replace(&enc, "hospital-a", "hospital-\xff", &n);
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_record_entry_decode(m, n, &ke));
  free(m);
  m = replace(&enc, "hospital-a", "Hospital-A", &n);
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_record_entry_decode(m, n, &ke));
  free(m);
  /* Over the 8 KiB limit. */
  size_t big_len = 9000;
  uint8_t *big = malloc(big_len);
  memset(big, ' ', big_len);
  memcpy(big, enc.data, enc.len);
  EXPECT(FHIRBUS_TOO_LARGE, fhirbus_record_entry_decode(big, big_len, &ke));
  free(big);
  CHECK(ke == SENTINEL);
  /* A changed entry decodes but does not verify. */
  m = replace(&enc, "\"epoch\":3", "\"epoch\":4", &n);
  fhirbus_record_entry *e4 = NULL;
  OK(fhirbus_record_entry_decode(m, n, &e4));
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_record_entry_verify(e4, pub, 65));
  EXPECT(FHIRBUS_DECRYPTION_FAILED, fhirbus_record_entry_open_pointer(e4, dk, &keep));
  fhirbus_record_entry_free(e4);
  free(m);

  /* Bad fields when sealing. */
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_record_entry_seal_and_sign("Hospital A", patient, 32, "Observation", digest, 32, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "observation", digest, 32, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 31, "Observation", digest, 32, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 0, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_INVALID_TEXT, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, "\xff", dk, sk, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign(NULL, patient, 32, "Observation", digest, 32, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign("hospital-a", NULL, 32, "Observation", digest, 32, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, NULL, digest, 32, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", NULL, 32, 3, T, URL, dk, sk, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, NULL, dk, sk, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, URL, NULL, sk, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, URL, dk, NULL, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, URL, dk, sk, NULL));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, URL, (const fhirbus_data_key *)sk, sk, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_seal_and_sign("hospital-a", patient, 32, "Observation", digest, 32, 3, T, URL, dk, (const fhirbus_signing_key *)dk, &keep));
  CHECK(keep.data == SENTINEL);

  /* NULLs and small buffers on the accessors; then use after free. */
  uint32_t ep = 77;
  uint64_t tm = 77;
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_epoch(e, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_time_ms(e, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_custodian(e, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_resource_type(e, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_encode(e, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_open_pointer(e, dk, NULL));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_open_pointer(e, NULL, &keep));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_verify(e, NULL, 65));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_check_resource(e, NULL, 4));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_record_entry_patient(e, got, 31));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_record_entry_digest(e, got, 31));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_record_entry_key_id(e, got, 31));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_record_entry_patient(NULL, got, 32));
  fhirbus_record_entry_free(e);
  fhirbus_record_entry_free(e);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_epoch(e, &ep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_time_ms(e, &tm));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_custodian(e, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_resource_type(e, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_patient(e, got, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_digest(e, got, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_key_id(e, got, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_encode(e, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_verify(e, pub, 65));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_open_pointer(e, dk, &keep));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_record_entry_check_resource(e, (const uint8_t *)same, strlen(same)));
  CHECK(ep == 77 && tm == 77 && keep.data == SENTINEL);
  fhirbus_record_entry_free(NULL);

  fhirbus_buffer_free(&enc);
  fhirbus_pseudonym_key_free(pk);
  fhirbus_data_key_free(other_dk);
  fhirbus_data_key_free(dk);
  fhirbus_signing_key_free(other_sk);
  fhirbus_signing_key_free(sk);
}

/* ------------------------------------------------------------------------------------------ */

static void test_keys(void) {
  uint8_t s1[32], s2[32];
  memset(s1, 1, 32);
  memset(s2, 2, 32);
  fhirbus_signing_key *k1 = NULL, *k2 = NULL;
  fhirbus_encryption_key *ek = NULL;
  OK(fhirbus_signing_key_from_secret(0, s1, 32, &k1));
  OK(fhirbus_signing_key_from_secret(0, s2, 32, &k2));
  OK(fhirbus_encryption_key_from_secret(0, s2, 32, &ek));
  uint8_t p1[65], p2[65], pe[65], id1[32], id2[32], ide[32], got[32];
  OK(fhirbus_signing_key_public_key(k1, p1, 65));
  OK(fhirbus_signing_key_public_key(k2, p2, 65));
  OK(fhirbus_encryption_key_public_key(ek, pe, 65));
  OK(fhirbus_signing_key_key_id(k1, id1, 32));
  OK(fhirbus_signing_key_key_id(k2, id2, 32));

  const uint8_t msg[] = "tx";
  uint8_t sig1[64], sig2[64];
  OK(fhirbus_signing_key_sign(k1, 2, msg, 2, sig1, 64));
  OK(fhirbus_signing_key_sign(k2, 2, msg, 2, sig2, 64));

  fhirbus_key_set *ks = SENTINEL;
  OK(fhirbus_key_set_new(&ks));
  CHECK(ks != SENTINEL && ks != NULL);
  OK(fhirbus_key_set_rotate(ks, 1, p1, 65, 10, got, 32));
  CHECK(memcmp(got, id1, 32) == 0);
  EXPECT(FHIRBUS_DUPLICATE_KEY_ID, fhirbus_key_set_add(ks, 1, p1, 65, 11, got, 32));
  OK(fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 64, 15));
  EXPECT(FHIRBUS_KEY_NOT_YET_VALID, fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 64, 9));
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_key_set_verify(ks, 2, msg, 2, id2, 32, sig2, 64, 15));
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_key_set_verify(ks, 3, msg, 2, id1, 32, sig1, 64, 15));
  /* Another key's signature under this key's id. */
  EXPECT(FHIRBUS_BAD_SIGNATURE, fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig2, 64, 15));
  /* Rotation: the old key keeps verifying. */
  OK(fhirbus_key_set_rotate(ks, 1, p2, 65, 20, got, 32));
  CHECK(memcmp(got, id2, 32) == 0);
  OK(fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 64, 25));
  OK(fhirbus_key_set_verify(ks, 2, msg, 2, id2, 32, sig2, 64, 25));
  /* Revocation refuses later claims only; a revoked key cannot be promoted. */
  OK(fhirbus_key_set_revoke(ks, id1, 32, 100));
  OK(fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 64, 99));
  EXPECT(FHIRBUS_KEY_REVOKED, fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 64, 100));
  EXPECT(FHIRBUS_KEY_REVOKED, fhirbus_key_set_promote(ks, id1, 32));
  OK(fhirbus_key_set_promote(ks, id2, 32));
  OK(fhirbus_key_set_revoke(ks, id1, 32, 500)); /* keeps the earlier instant */
  OK(fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 64, 99));
  /* Encryption keys: purpose 2; they do not verify. */
  OK(fhirbus_key_set_add(ks, 2, pe, 65, 1, ide, 32));
  EXPECT(FHIRBUS_WRONG_KEY_PURPOSE, fhirbus_key_set_verify(ks, 2, msg, 2, ide, 32, sig2, 64, 25));
  OK(fhirbus_key_set_promote(ks, ide, 32));
  /* Hostile arguments: outputs untouched. */
  memset(got, 0xcd, 32);
  uint8_t off[65];
  memcpy(off, p1, 65);
  off[64] ^= 1;
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_key_set_add(ks, 1, off, 65, 1, got, 32));
  EXPECT(FHIRBUS_INVALID_PUBLIC_KEY, fhirbus_key_set_rotate(ks, 1, NULL, 0, 1, got, 32));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_key_set_add(ks, 0, p1, 65, 1, got, 32));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_key_set_add(ks, 3, p1, 65, 1, got, 32));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_key_set_rotate(ks, 0x101, p1, 65, 1, got, 32));
  EXPECT(FHIRBUS_BUFFER_TOO_SMALL, fhirbus_key_set_add(ks, 1, p1, 65, 1, got, 31));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_add(ks, 1, p1, 65, 1, NULL, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_add(NULL, 1, p1, 65, 1, got, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_rotate(ks, 1, NULL, 65, 1, got, 32));
  CHECK(got[0] == 0xcd);
  uint8_t unknown[32] = {0};
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_key_set_revoke(ks, unknown, 32, 1));
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_key_set_promote(ks, unknown, 32));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_key_set_revoke(ks, id1, 31, 1));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_key_set_promote(ks, NULL, 0));
  EXPECT(FHIRBUS_INVALID_LENGTH, fhirbus_key_set_verify(ks, 2, msg, 2, id1, 33, sig1, 64, 15));
  EXPECT(FHIRBUS_INVALID_VALUE, fhirbus_key_set_verify(ks, 9, msg, 2, id1, 32, sig1, 64, 15));
  EXPECT(FHIRBUS_INVALID_SIGNATURE_ENCODING, fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 10, 15));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_verify(NULL, 2, msg, 2, id1, 32, sig1, 64, 15));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_verify(ks, 2, NULL, 2, id1, 32, sig1, 64, 15));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_verify(ks, 2, msg, 2, NULL, 32, sig1, 64, 15));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, NULL, 64, 15));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_revoke(NULL, id1, 32, 1));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_promote(NULL, id1, 32));
  EXPECT(FHIRBUS_NULL_ARGUMENT, fhirbus_key_set_new(NULL));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_key_set_verify((const fhirbus_key_set *)k1, 2, msg, 2, id1, 32, sig1, 64, 15));
  fhirbus_key_set_free(ks);
  fhirbus_key_set_free(ks);
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_key_set_verify(ks, 2, msg, 2, id1, 32, sig1, 64, 15));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_key_set_add(ks, 1, p1, 65, 1, got, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_key_set_rotate(ks, 1, p1, 65, 1, got, 32));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_key_set_revoke(ks, id1, 32, 1));
  EXPECT(FHIRBUS_INVALID_HANDLE, fhirbus_key_set_promote(ks, id1, 32));
  fhirbus_key_set_free(NULL);
  fhirbus_encryption_key_free(ek);
  fhirbus_signing_key_free(k1);
  fhirbus_signing_key_free(k2);
}

/* ------------------------------------------------------------------------------------------ */
/* Threads: one key set and one signing key shared by workers that sign and verify while the
 * main thread rotates keys into the set. */

typedef struct {
  fhirbus_signing_key *key;
  fhirbus_key_set *set;
  uint8_t kid[32];
  int ok;
} shared_t;

static void *worker(void *arg) {
  shared_t *s = arg;
  uint8_t sig[64], msg[8] = "thread";
  int ok = 0;
  for (int i = 0; i < 20; i++) {
    msg[7] = (uint8_t)i;
    if (fhirbus_signing_key_sign(s->key, 6, msg, 8, sig, 64) != FHIRBUS_OK) continue;
    if (fhirbus_key_set_verify(s->set, 6, msg, 8, s->kid, 32, sig, 64, 50) == FHIRBUS_OK) ok++;
  }
  /* A failure on this thread does not touch the others' last error. */
  fhirbus_verify(NULL, 1, 6, NULL, 0, NULL, 0, NULL, 0);
  char m[64];
  fhirbus_last_error_message(m, sizeof m);
  if (strncmp(m, "NULL_ARGUMENT", 13) == 0) ok++;
  return (void *)(intptr_t)ok;
}

static void test_threads(void) {
  uint8_t s[32], pub[65];
  memset(s, 4, 32);
  shared_t sh = {0};
  OK(fhirbus_signing_key_from_secret(0, s, 32, &sh.key));
  OK(fhirbus_key_set_new(&sh.set));
  OK(fhirbus_signing_key_public_key(sh.key, pub, 65));
  OK(fhirbus_key_set_rotate(sh.set, 1, pub, 65, 1, sh.kid, 32));
  EXPECT(FHIRBUS_UNKNOWN_KEY, fhirbus_key_set_promote(sh.set, (const uint8_t *)"................................", 32));
  pthread_t t[4];
  for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, worker, &sh) == 0);
  for (int i = 0; i < 8; i++) {
    fhirbus_signing_key *k = NULL;
    uint8_t p[65], id[32];
    if (fhirbus_signing_key_generate(0, &k) != FHIRBUS_OK) continue;
    fhirbus_signing_key_public_key(k, p, 65);
    CHECK(fhirbus_key_set_rotate(sh.set, 1, p, 65, 2, id, 32) == FHIRBUS_OK);
    fhirbus_signing_key_free(k);
  }
  for (int i = 0; i < 4; i++) {
    void *r = NULL;
    CHECK(pthread_join(t[i], &r) == 0);
    CHECK((intptr_t)r == 21);
  }
  /* This thread's last error is its own (UNKNOWN_KEY, from before the workers ran). */
  char m[64];
  fhirbus_last_error_message(m, sizeof m);
  CHECK(strncmp(m, "UNKNOWN_KEY", 11) == 0);
  fhirbus_key_set_free(sh.set);
  fhirbus_signing_key_free(sh.key);
}

int main(void) {
  test_meta();
  test_canonical();
  test_signing();
  test_pointer();
  test_wrap();
  test_pseudonym();
  test_record();
  test_keys();
  test_threads();
  return t_finish();
}
