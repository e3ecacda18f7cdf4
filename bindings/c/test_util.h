/* A tiny test harness shared by the C tests: checks count as passed or failed, and the run
 * ends with the line "N passed, N failed" that CI reads. */
#ifndef FHIRBUS_TEST_UTIL_H
#define FHIRBUS_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "fhirbus.h"

static int t_passed, t_failed;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (cond) {                                                                      \
      t_passed++;                                                                    \
    } else {                                                                         \
      t_failed++;                                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                \
  } while (0)

/* The call returns exactly `code`. */
#define EXPECT(code, call)                                                           \
  do {                                                                               \
    fhirbus_result rc_ = (call);                                                     \
    if (rc_ == (fhirbus_result)(code)) {                                             \
      t_passed++;                                                                    \
    } else {                                                                         \
      char msg_[256];                                                                \
      fhirbus_last_error_message(msg_, sizeof msg_);                                 \
      t_failed++;                                                                    \
      fprintf(stderr, "%s:%d: %s\n  returned %u %s, expected %s (last error: %s)\n", \
              __FILE__, __LINE__, #call, (unsigned)rc_, fhirbus_error_name(rc_),     \
              #code, msg_);                                                          \
    }                                                                                \
  } while (0)

#define OK(call) EXPECT(FHIRBUS_OK, call)

/* Base64url without padding (RFC 4648 section 5) of n bytes into out (4 * ceil(n / 3) + 1
 * bytes at the most): how pseudonyms and key ids are written as text. */
static inline void t_b64url(const uint8_t *in, size_t n, char *out) {
  static const char *A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
    out[o++] = A[v >> 18 & 63];
    out[o++] = A[v >> 12 & 63];
    if (i + 1 < n) out[o++] = A[v >> 6 & 63];
    if (i + 2 < n) out[o++] = A[v & 63];
  }
  out[o] = 0;
}

static inline int t_finish(void) {
  printf("%d passed, %d failed\n", t_passed, t_failed);
  return t_failed == 0 ? 0 : 1;
}

static inline void t_hex(const char *label, const uint8_t *p, size_t n) {
  fprintf(stderr, "%s: ", label);
  for (size_t i = 0; i < n; i++) fprintf(stderr, "%02x", p[i]);
  fprintf(stderr, "\n");
}

/* Parse lower- or upper-case hex into out; returns the byte count or (size_t)-1. */
static inline size_t t_unhex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > cap) return (size_t)-1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) return (size_t)-1;
    out[i] = (uint8_t)v;
  }
  return n / 2;
}

#endif
