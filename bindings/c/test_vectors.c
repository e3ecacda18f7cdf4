/* The shared vectors (bindings/vectors/vectors.json, generated from core), every one of them,
 * through the C API. Usage: test_vectors [path] (default: the repository's file). The format
 * is described in core/tests/binding_vectors.rs: byte fields are lower-case hex, `code` is a
 * stable error number or null for success. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#ifndef VECTORS_PATH
#define VECTORS_PATH "bindings/vectors/vectors.json"
#endif

/* Hex field `key` of `obj`, decoded into a malloc'd buffer (at least 1 byte allocated). */
static uint8_t *hex_field(json_t *obj, const char *key, size_t *len) {
  const char *s = json_string_value(json_object_get(obj, key));
  if (!s) {
    fprintf(stderr, "missing hex field %s\n", key);
    *len = 0;
    return calloc(1, 1);
  }
  size_t n = strlen(s) / 2;
  uint8_t *out = calloc(n + 1, 1);
  *len = t_unhex(s, out, n);
  if (*len == (size_t)-1) {
    fprintf(stderr, "bad hex in %s\n", key);
    *len = 0;
  }
  return out;
}

static const char *str_field(json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  return s ? s : "";
}

/* The expected result: 0 for null, else the code. */
static fhirbus_result code_field(json_t *obj) {
  json_t *c = json_object_get(obj, "code");
  return json_is_integer(c) ? (fhirbus_result)json_integer_value(c) : FHIRBUS_OK;
}

static int count;

static void run_jcs(json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    const char *in = str_field(v, "input"), *want = str_field(v, "output");
    fhirbus_buffer out = {NULL, 0};
    OK(fhirbus_jcs((const uint8_t *)in, strlen(in), &out));
    CHECK(out.len == strlen(want) && memcmp(out.data, want, out.len) == 0);
    fhirbus_buffer_free(&out);
    count++;
  }
}

static void run_fhir_digest(json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    const char *res = str_field(v, "resource");
    uint32_t variant = (uint32_t)json_integer_value(json_object_get(v, "variant"));
    size_t wn;
    uint8_t *want = hex_field(v, "digest", &wn), got[32], again[32];
    OK(fhirbus_fhir_digest((const uint8_t *)res, strlen(res), variant, got, 32));
    CHECK(wn == 32 && memcmp(got, want, 32) == 0);
    /* And it is the SHA-256 of the canonical bytes. */
    fhirbus_buffer canon = {NULL, 0};
    OK(fhirbus_fhir_canonical((const uint8_t *)res, strlen(res), variant, &canon));
    OK(fhirbus_sha256(canon.data, canon.len, again, 32));
    CHECK(memcmp(again, want, 32) == 0);
    fhirbus_buffer_free(&canon);
    free(want);
    count++;
  }
}

static void run_canonical_errors(json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    const char *in = str_field(v, "input");
    fhirbus_result code = code_field(v);
    fhirbus_buffer out = {NULL, 0};
    uint8_t d[32];
    EXPECT(code, fhirbus_jcs((const uint8_t *)in, strlen(in), &out));
    for (uint32_t variant = 0; variant <= 2; variant++) {
      EXPECT(code, fhirbus_fhir_canonical((const uint8_t *)in, strlen(in), variant, &out));
      EXPECT(code, fhirbus_fhir_digest((const uint8_t *)in, strlen(in), variant, d, 32));
    }
    CHECK(out.data == NULL);
    count++;
  }
}

static void run_ecdsa(json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    size_t pn, kn, mn, sn;
    uint8_t *pub = hex_field(v, "public", &pn), *kid = hex_field(v, "key_id", &kn);
    uint8_t *msg = hex_field(v, "msg", &mn), *sig = hex_field(v, "sig", &sn);
    uint32_t domain = (uint32_t)json_integer_value(json_object_get(v, "domain"));
    EXPECT(code_field(v), fhirbus_verify(pub, pn, domain, msg, mn, kid, kn, sig, sn));
    /* The same through a key set that holds the key. */
    fhirbus_key_set *ks = NULL;
    uint8_t id[32];
    OK(fhirbus_key_set_new(&ks));
    OK(fhirbus_key_set_add(ks, 1, pub, pn, 0, id, 32));
    fhirbus_result want = code_field(v);
    if (memcmp(id, kid, 32) != 0 && want == FHIRBUS_KEY_ID_MISMATCH) want = FHIRBUS_UNKNOWN_KEY;
    EXPECT(want, fhirbus_key_set_verify(ks, domain, msg, mn, kid, kn, sig, sn, 1));
    fhirbus_key_set_free(ks);
    free(pub), free(kid), free(msg), free(sig);
    count++;
  }
}

static void run_pointer(json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    size_t kn, pn, dn, nn, cn;
    uint8_t *key = hex_field(v, "data_key", &kn), *patient = hex_field(v, "patient", &pn);
    uint8_t *digest = hex_field(v, "digest", &dn), *nonce = hex_field(v, "nonce", &nn);
    uint8_t *ct = hex_field(v, "ciphertext", &cn);
    uint32_t epoch = (uint32_t)json_integer_value(json_object_get(v, "epoch"));
    fhirbus_result code = code_field(v);
    for (uint32_t backend = 1; backend <= 2; backend++) {
      fhirbus_data_key *dk = NULL;
      OK(fhirbus_data_key_from_bytes(backend, key, kn, &dk));
      fhirbus_buffer url = {NULL, 0};
      EXPECT(code, fhirbus_data_key_open_pointer(dk, patient, pn, str_field(v, "custodian"), str_field(v, "resource_type"),
                                                 digest, dn, epoch, nonce, nn, ct, cn, &url));
      if (code == FHIRBUS_OK) {
        const char *want = str_field(v, "pointer");
        CHECK(url.len == strlen(want) && memcmp(url.data, want, url.len) == 0);
      } else {
        CHECK(url.data == NULL);
      }
      fhirbus_buffer_free(&url);
      fhirbus_data_key_free(dk);
    }
    free(key), free(patient), free(digest), free(nonce), free(ct);
    count++;
  }
}

static void run_pseudonym(json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    size_t kn;
    uint8_t *key = hex_field(v, "key", &kn), got[32];
    fhirbus_pseudonym_key *pk = NULL;
    OK(fhirbus_pseudonym_key_from_bytes(key, kn, &pk));
    OK(fhirbus_pseudonym_key_pseudonym(pk, str_field(v, "system"), str_field(v, "value"), got, 32));
    char text[64];
    t_b64url(got, 32, text);
    CHECK(strcmp(text, str_field(v, "pseudonym")) == 0);
    fhirbus_pseudonym_key_free(pk);
    free(key);
    count++;
  }
}

static void run_record_entry(json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    const char *enc = str_field(v, "encoded");
    size_t pn;
    uint8_t *pub = hex_field(v, "custodian_public", &pn);
    fhirbus_result code = code_field(v);
    fhirbus_record_entry *e = NULL;
    fhirbus_result r = fhirbus_record_entry_decode((const uint8_t *)enc, strlen(enc), &e);
    if (r == FHIRBUS_OK) {
      r = fhirbus_record_entry_verify(e, pub, pn);
      if (r == FHIRBUS_OK) {
        /* A valid entry re-encodes canonically, and that encoding decodes and verifies. */
        fhirbus_buffer again = {NULL, 0};
        fhirbus_record_entry *e2 = NULL;
        OK(fhirbus_record_entry_encode(e, &again));
        OK(fhirbus_record_entry_decode(again.data, again.len, &e2));
        OK(fhirbus_record_entry_verify(e2, pub, pn));
        fhirbus_record_entry_free(e2);
        fhirbus_buffer_free(&again);
      }
      fhirbus_record_entry_free(e);
    } else {
      CHECK(e == NULL);
    }
    EXPECT(code, r);
    free(pub);
    count++;
  }
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : VECTORS_PATH;
  json_error_t err;
  json_t *root = json_load_file(path, 0, &err);
  if (!root) {
    fprintf(stderr, "%s: %s (line %d)\n", path, err.text, err.line);
    return 2;
  }
  CHECK(json_integer_value(json_object_get(root, "version")) == 1);
  static const char *groups[] = {"jcs", "fhir_digest", "canonical_errors", "ecdsa", "pointer", "pseudonym", "record_entry"};
  for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
    json_t *arr = json_object_get(root, groups[g]);
    if (!json_is_array(arr) || json_array_size(arr) == 0) fprintf(stderr, "group %s missing or empty\n", groups[g]);
    CHECK(json_is_array(arr) && json_array_size(arr) > 0);
  }
  run_jcs(json_object_get(root, "jcs"));
  run_fhir_digest(json_object_get(root, "fhir_digest"));
  run_canonical_errors(json_object_get(root, "canonical_errors"));
  run_ecdsa(json_object_get(root, "ecdsa"));
  run_pointer(json_object_get(root, "pointer"));
  run_pseudonym(json_object_get(root, "pseudonym"));
  run_record_entry(json_object_get(root, "record_entry"));
  json_decref(root);
  CHECK(count > 0);
  printf("%d vectors\n", count);
  return t_finish();
}
