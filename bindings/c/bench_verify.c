/* The cost of crossing the C layer for verify, from C: fhirbus_verify on the inputs of
 * ffi/benches/crossing.rs (secret 32 x 0x07, message 256 x 0x5a, domain 2), timed in batches of
 * about 2 ms, median of the batches. Compare with the Rust numbers of
 *   cargo bench -p fhirbus-ffi --bench crossing
 * Build and run: make -C bindings/c bench (links the release static library). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhirbus.h"

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 25;
  uint8_t secret[32], msg[256], pub[65], kid[32], sig[64];
  memset(secret, 7, sizeof secret);
  memset(msg, 0x5a, sizeof msg);
  fhirbus_signing_key *key = NULL;
  if (fhirbus_signing_key_from_secret(0, secret, 32, &key) != FHIRBUS_OK ||
      fhirbus_signing_key_public_key(key, pub, 65) != FHIRBUS_OK || fhirbus_signing_key_key_id(key, kid, 32) != FHIRBUS_OK ||
      fhirbus_signing_key_sign(key, 2, msg, sizeof msg, sig, 64) != FHIRBUS_OK ||
      fhirbus_verify(pub, 65, 2, msg, sizeof msg, kid, 32, sig, 64) != FHIRBUS_OK) {
    fprintf(stderr, "setup failed\n");
    return 1;
  }
  /* Batch size: about 2 ms. */
  int batch = 1;
  for (;;) {
    double t0 = now_ns();
    for (int i = 0; i < batch; i++) fhirbus_verify(pub, 65, 2, msg, sizeof msg, kid, 32, sig, 64);
    if (now_ns() - t0 >= 2e6) break;
    batch *= 2;
  }
  double *samples = calloc((size_t)rounds, sizeof *samples);
  int failures = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ns();
    for (int i = 0; i < batch; i++) failures += fhirbus_verify(pub, 65, 2, msg, sizeof msg, kid, 32, sig, 64) != FHIRBUS_OK;
    samples[r] = (now_ns() - t0) / batch;
  }
  qsort(samples, (size_t)rounds, sizeof *samples, cmp);
  printf("fhirbus_verify from C (static library): %.2f us/op (median of %d batches of %d)\n", samples[rounds / 2] / 1e3,
         rounds, batch);
  free(samples);
  fhirbus_signing_key_free(key);
  return failures != 0;
}
