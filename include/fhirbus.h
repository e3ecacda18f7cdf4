/*
 * fhirbus: the C API.
 *
 * The embeddable core of a consent-gated record-locator network for healthcare: canonical
 * JSON and digests, signatures, pointer encryption, key wrapping, pseudonyms, record entries
 * and key sets; consents (FHIR Consent import and export, decisions), the ledger (block
 * validation, state queries, light-client proofs, transactions, an embedded network) and the
 * access flow. Link libfhirbus_ffi (shared: -lfhirbus_ffi; static: libfhirbus_ffi.a plus
 * -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc, see bindings/c/README.md).
 *
 * CONVENTIONS (they hold for every function below unless its comment says otherwise)
 *
 * Results. Every fallible function returns a fhirbus_result: FHIRBUS_OK (0) on success, or
 *   the core's stable error number (FHIRBUS_BAD_SIGNATURE = 203, ...), the same number and
 *   name in every fhirbus binding. fhirbus_error_name() and fhirbus_error_text() turn any
 *   number into a static string. After a failure, fhirbus_last_error_message() gives a detail
 *   for the calling thread's last failed call; it never carries a national identifier, a
 *   pointer in clear or key material.
 *
 * Out-parameters are written only on success; on failure they are left untouched.
 *
 * Pointers. Every pointer argument is checked for NULL (FHIRBUS_NULL_ARGUMENT). An input
 *   buffer is a pointer and a length; NULL with length 0 is the empty buffer. A non-NULL
 *   pointer must point to as many readable (input) or writable (output) bytes as its length
 *   says, for the duration of the call: the library cannot check that. `const` means the
 *   library does not modify what the pointer points to. The library keeps no pointer to
 *   caller memory after a call returns.
 *
 * Text arguments (const char *) are NUL-terminated UTF-8; invalid UTF-8 is
 *   FHIRBUS_INVALID_TEXT. JSON documents are byte buffers (pointer and length). Every view
 *   the library returns (decisions, records, audit trails, proofs, releases) is RFC 8785 JSON
 *   with camelCase keys, digests and key ids in lower-case hex, pseudonyms in base64url and
 *   times in milliseconds since the Unix epoch.
 *
 * Lists of handles are a pointer to an array of handles and a count
 *   (const T *const *items, size_t count): NULL with count 0 is the empty list; a NULL item
 *   is FHIRBUS_NULL_ARGUMENT and an item that is no live handle of the type
 *   FHIRBUS_INVALID_HANDLE. The library keeps no pointer to the array.
 *
 * Fixed-size outputs (digests, keys, key ids, signatures, nonces) are written to a caller
 *   buffer of at least the size given by the FHIRBUS_*_LEN constants; a smaller out_len is
 *   FHIRBUS_BUFFER_TOO_SMALL. Secret outputs should be wiped by the caller after use.
 *
 * Variable-size outputs are a fhirbus_buffer the library allocates and the caller owns: free
 *   it with fhirbus_buffer_free(), exactly once. Its bytes are followed by a NUL that `len`
 *   does not count, so a buffer holding text is also a C string. The library zeroizes a
 *   buffer's bytes when it is freed.
 *
 * Handles. Stateful things are opaque handles: fhirbus_signing_key, fhirbus_data_key,
 *   fhirbus_encryption_key, fhirbus_pseudonym_key, fhirbus_record_entry, fhirbus_key_set,
 *   fhirbus_consent, fhirbus_ledger_state, fhirbus_embedded_network.
 *   Each comes from a _generate/_new/_from_.../_decode function (a ledger state also from
 *   fhirbus_embedded_network_state) and is released by its _free function, which accepts
 *   NULL. Key handles, and networks (which hold validator keys), zeroize their secrets when
 *   freed.
 *   Every handle is checked before use against the library's registry of live handles: a
 *   freed handle, a handle of another type, or any other pointer is FHIRBUS_INVALID_HANDLE,
 *   and freeing it again does nothing; the library never reads through a handle pointer.
 *   This detection is best effort: once the allocator reuses the address for a new handle of
 *   the same type, a stale pointer names that new object. Do not rely on it: free once.
 *
 * Threads. Every handle type is thread-safe: one handle may be used by several threads at
 *   once. fhirbus_key_set serializes its mutations (add, rotate, promote, revoke) with an
 *   internal lock. fhirbus_ledger_state runs its queries concurrently and serializes
 *   apply_block, state_root and prove (which update its commitment cache) with them through an
 *   internal read-write lock. fhirbus_embedded_network serializes every call on it with an
 *   internal lock (a snapshot from fhirbus_embedded_network_state is a separate handle). All
 *   other handles (keys, record entries, consents) are immutable. Freeing a handle while
 *   another thread is inside a call with it is memory-safe (the object lives until that call
 *   returns), but is a logic error of the caller. Last error messages are per thread.
 *
 * Enumerations are passed as integers and validated (FHIRBUS_INVALID_VALUE otherwise):
 *   domain: 1 record entry, 2 transaction, 3 block header, 4 consent, 5 access request,
 *           6 application;
 *   FHIR canonicalization variant: 0 full, 1 #data (no text), 2 #static (no text, no meta);
 *   backend: 0 the default (AWS-LC), 1 AWS-LC, 2 RustCrypto;
 *   key purpose: 1 signing, 2 encryption;
 *   FHIR version of a Consent: 4 (R4), 5 (R5);
 *   flags (allow_emergency): 0 false, 1 true (uint32_t rather than bool, which JNA and
 *           P/Invoke would marshal as a 4-byte int).
 *   Codes of the domain are text, checked by the core: purposes of use are v3 ActReason codes
 *   ("TREAT", "ETREAT", "BTG", ...); proof kinds are "record", "member", "patient", "consent".
 *
 * Randomness comes from the operating system (getrandom); time is always an argument
 *   (milliseconds since the Unix epoch), never read from a clock.
 *
 * Panics. No Rust panic crosses into C: every entry point catches it and returns
 *   FHIRBUS_INTERNAL (a bug in the library: please report it).
 */


#ifndef FHIRBUS_H
#define FHIRBUS_H

/* Generated by cbindgen from ffi/src: do not edit by hand (see ffi/cbindgen.toml). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Length of a SHA-256 digest (content digests, pseudonyms' size too).
#define FHIRBUS_DIGEST_LEN 32

// Length of a key id.
#define FHIRBUS_KEY_ID_LEN 32

// Length of a P-256 secret scalar.
#define FHIRBUS_SECRET_KEY_LEN 32

// Length of an uncompressed SEC1 P-256 public key (as the library writes them; compressed
// 33-byte points are accepted on input).
#define FHIRBUS_PUBLIC_KEY_LEN 65

// Length of a signature (IEEE P1363 `r || s`).
#define FHIRBUS_SIGNATURE_LEN 64

// Length of a data key, and of a pseudonym key.
#define FHIRBUS_SYMMETRIC_KEY_LEN 32

// Length of a patient pseudonym.
#define FHIRBUS_PSEUDONYM_LEN 32

// Length of a sealed pointer's nonce.
#define FHIRBUS_NONCE_LEN 12

// Length of a wrapped data key's HPKE encapsulated key.
#define FHIRBUS_WRAP_ENC_LEN 65

// Length of a wrapped data key's ciphertext.
#define FHIRBUS_WRAP_CIPHERTEXT_LEN 48

// The result codes: 0 for success, then the core's stable error numbers, which never change
// meaning (new codes may be added: treat an unknown nonzero number as a failure).
enum fhirbus_code
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  FHIRBUS_OK = 0,
  FHIRBUS_MALFORMED_JSON = 100,
  FHIRBUS_DUPLICATE_KEY = 101,
  FHIRBUS_INVALID_TEXT = 102,
  FHIRBUS_TOO_LARGE = 103,
  FHIRBUS_TOO_DEEP = 104,
  FHIRBUS_INVALID_NUMBER = 105,
  FHIRBUS_UNKNOWN_FIELD = 106,
  FHIRBUS_UNSUPPORTED_VERSION = 107,
  FHIRBUS_INVALID_ENCODING = 108,
  FHIRBUS_INVALID_LENGTH = 109,
  FHIRBUS_MISSING_FIELD = 110,
  FHIRBUS_INVALID_VALUE = 111,
  FHIRBUS_INVALID_PUBLIC_KEY = 200,
  FHIRBUS_INVALID_SECRET_KEY = 201,
  FHIRBUS_INVALID_SIGNATURE_ENCODING = 202,
  FHIRBUS_BAD_SIGNATURE = 203,
  FHIRBUS_HIGH_S_SIGNATURE = 204,
  FHIRBUS_DECRYPTION_FAILED = 205,
  FHIRBUS_RANDOMNESS_UNAVAILABLE = 206,
  FHIRBUS_KEY_ID_MISMATCH = 207,
  FHIRBUS_BACKEND_UNAVAILABLE = 208,
  FHIRBUS_DIGEST_MISMATCH = 209,
  FHIRBUS_UNKNOWN_KEY = 300,
  FHIRBUS_KEY_REVOKED = 301,
  FHIRBUS_KEY_NOT_YET_VALID = 302,
  FHIRBUS_DUPLICATE_KEY_ID = 303,
  FHIRBUS_WRONG_KEY_PURPOSE = 304,
  FHIRBUS_NO_PRIMARY_KEY = 305,
  FHIRBUS_CONSENT_UNSUPPORTED_ELEMENT = 400,
  FHIRBUS_CONSENT_INVALID = 401,
  FHIRBUS_CONSENT_ALREADY_REVOKED = 402,
  FHIRBUS_ACCESS_DENIED = 500,
  FHIRBUS_NOT_ON_LEDGER = 501,
  FHIRBUS_NO_DATA_KEY_SHARE = 502,
  FHIRBUS_NULL_ARGUMENT = 900,
  FHIRBUS_INVALID_HANDLE = 901,
  FHIRBUS_BUFFER_TOO_SMALL = 902,
  FHIRBUS_INTERNAL = 999,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum fhirbus_code fhirbus_code;
#else
typedef uint32_t fhirbus_code;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// A patient's consent (opaque; immutable). Thread-safe.
typedef struct fhirbus_consent fhirbus_consent;

// An AES-256-GCM data key of one (patient, custodian, epoch) (opaque). Zeroized when freed.
// Thread-safe: one key may seal and open on several threads at once.
typedef struct fhirbus_data_key fhirbus_data_key;

// An embedded network (opaque): in-process validators that order submitted transactions
// into blocks, sign and apply them. Thread-safe: every call takes an internal lock, so calls
// on one network are serialized.
typedef struct fhirbus_embedded_network fhirbus_embedded_network;

// An HPKE P-256 encryption key pair (opaque): data keys are wrapped to its public half and
// unwrapped with it. The secret is zeroized when freed. Thread-safe.
typedef struct fhirbus_encryption_key fhirbus_encryption_key;

// The public keys of one organisation or patient over time (opaque). Thread-safe: lookups
// and verifications run concurrently; `add`, `rotate`, `promote` and `revoke` take an
// internal lock and are serialized with them.
typedef struct fhirbus_key_set fhirbus_key_set;

// A ledger state (opaque): what a node holds after applying a chain of blocks. Thread-safe:
// queries run concurrently; `fhirbus_ledger_state_apply_block`, `_state_root` and `_prove`
// (which update the state commitment's cache) take an internal lock and are serialized with
// them.
typedef struct fhirbus_ledger_state fhirbus_ledger_state;

// The network's pseudonym key (opaque). Zeroized when freed. Thread-safe.
typedef struct fhirbus_pseudonym_key fhirbus_pseudonym_key;

// A decoded, signed record entry (opaque; immutable). Thread-safe.
typedef struct fhirbus_record_entry fhirbus_record_entry;

// An ECDSA P-256 signing key (opaque). The secret is zeroized when the key is freed.
// Thread-safe: one key may sign on several threads at once.
typedef struct fhirbus_signing_key fhirbus_signing_key;

// A byte buffer the library allocated and the caller owns: `len` bytes at `data`, followed by
// one NUL byte that `len` does not count (so a buffer holding text is also a C string). Free
// it with `fhirbus_buffer_free`, exactly once.
typedef struct {
  // The bytes; never NULL in a buffer the library returned.
  uint8_t *data;
  // The number of bytes, without the trailing NUL.
  size_t len;
} fhirbus_buffer;

// The result of every fallible call: `FHIRBUS_OK` (0), or the core's stable error number (one
// of the `fhirbus_code` values). Use `fhirbus_error_name` and `fhirbus_error_text` for its
// name and text, and `fhirbus_last_error_message` for the detail of the last failure on this
// thread.
typedef uint32_t fhirbus_result;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// The library's version ("0.1.0"), a static NUL-terminated string. Never NULL.
const char *fhirbus_version(void);

// The stable name of a result code ("BAD_SIGNATURE"; "OK" for 0; "UNKNOWN" for a number
// that is no code), the same in every language. A static string: never NULL, never freed.
const char *fhirbus_error_name(uint32_t code);

// A readable text for a result code ("BAD_SIGNATURE (203)"), a static string: never NULL,
// never freed.
const char *fhirbus_error_text(uint32_t code);

// The message of the last failed call on the calling thread ("BAD_SIGNATURE (203): ..."),
// empty when no call failed on this thread yet. Successful calls leave it unchanged. It never
// carries a national identifier, a pointer in clear or key material.
//
// Copies the message into `buf` as a NUL-terminated UTF-8 string, cut at a character
// boundary if `buf_len` is too small, and returns the full message length in bytes (without
// the NUL), like `snprintf`: call with `buf` NULL and `buf_len` 0 to learn the size.
// Writes nothing when `buf` is NULL or `buf_len` is 0.
//
// # Safety
// A non-NULL `buf` points to `buf_len` writable bytes.
size_t fhirbus_last_error_message(char *buf, size_t buf_len);

// Free a buffer the library returned: its bytes are zeroized, then released, and the struct
// is reset to `{NULL, 0}` (so freeing the same struct twice is harmless). NULL, and a buffer
// whose `data` is NULL, are accepted and do nothing.
//
// # Safety
// A non-NULL `buf` points to a `fhirbus_buffer` that is `{NULL, 0}` or was filled in by this
// library and not modified since. Freeing a copy of a buffer struct that was already freed
// through another copy is undefined behaviour.
void fhirbus_buffer_free(fhirbus_buffer *buf);

// RFC 8785 (JCS) canonical form of the JSON text `json`, into `*out` (free it with
// `fhirbus_buffer_free`).
//
// # Safety
// See the header's conventions: `json` points to `json_len` bytes, `out` to a writable
// `fhirbus_buffer`.
fhirbus_result fhirbus_jcs(const uint8_t *json, size_t json_len, fhirbus_buffer *out);

// FHIR canonical form of a resource, in `variant` 0 (full), 1 (`#data`: without `text`) or 2
// (`#static`: without `text` and `meta`), into `*out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_fhir_canonical(const uint8_t *json,
                                      size_t json_len,
                                      uint32_t variant,
                                      fhirbus_buffer *out);

// SHA-256 of the FHIR canonical form of a resource (`variant` as for
// `fhirbus_fhir_canonical`): the content digest of a record entry. Writes 32 bytes to `out`
// (`out_len` at least `FHIRBUS_DIGEST_LEN`).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_fhir_digest(const uint8_t *json,
                                   size_t json_len,
                                   uint32_t variant,
                                   uint8_t *out,
                                   size_t out_len);

// SHA-256 of `data` (NULL with `data_len` 0 is the empty input). Writes 32 bytes to `out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_sha256(const uint8_t *data, size_t data_len, uint8_t *out, size_t out_len);

// A new signing key from the operating system's randomness, on `backend` (0 the default,
// 1 AWS-LC, 2 RustCrypto). Free it with `fhirbus_signing_key_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_signing_key_generate(uint32_t backend, fhirbus_signing_key **out);

// The signing key of a 32-byte big-endian secret scalar, on `backend` (0 the default).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_signing_key_from_secret(uint32_t backend,
                                               const uint8_t *secret,
                                               size_t secret_len,
                                               fhirbus_signing_key **out);

// Free a signing key (NULL, or a handle already freed: nothing happens).
void fhirbus_signing_key_free(fhirbus_signing_key *key);

// The 32-byte secret scalar, for the host's key store. Writes `FHIRBUS_SECRET_KEY_LEN` bytes;
// the caller should wipe them after use.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_signing_key_secret_bytes(const fhirbus_signing_key *key,
                                                uint8_t *out,
                                                size_t out_len);

// The public key, uncompressed SEC1 (`FHIRBUS_PUBLIC_KEY_LEN` bytes).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_signing_key_public_key(const fhirbus_signing_key *key,
                                              uint8_t *out,
                                              size_t out_len);

// The key id (`FHIRBUS_KEY_ID_LEN` bytes) that this key's signatures name.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_signing_key_key_id(const fhirbus_signing_key *key,
                                          uint8_t *out,
                                          size_t out_len);

// Sign `msg` in `domain` (1 record entry, 2 transaction, 3 block header, 4 consent, 5 access
// request, 6 application). Writes the 64-byte low-S signature (`r || s`) to `sig_out`; the
// signature names this key's id (see `fhirbus_signing_key_key_id`).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_signing_key_sign(const fhirbus_signing_key *key,
                                        uint32_t domain,
                                        const uint8_t *msg,
                                        size_t msg_len,
                                        uint8_t *sig_out,
                                        size_t sig_out_len);

// Verify `sig` (64 bytes `r || s`, or DER) over `msg` in `domain`, made by the key whose id
// is `key_id` (32 bytes), against the SEC1 public key `public_key` (65 or 33 bytes).
// `FHIRBUS_OK` when it verifies; otherwise `FHIRBUS_BAD_SIGNATURE`, `FHIRBUS_KEY_ID_MISMATCH`,
// `FHIRBUS_HIGH_S_SIGNATURE`, `FHIRBUS_INVALID_PUBLIC_KEY`, ...
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_verify(const uint8_t *public_key,
                              size_t public_key_len,
                              uint32_t domain,
                              const uint8_t *msg,
                              size_t msg_len,
                              const uint8_t *key_id,
                              size_t key_id_len,
                              const uint8_t *sig,
                              size_t sig_len);

// Convert a DER `ECDSA-Sig-Value` to the 64-byte `r || s` form the library uses.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_signature_from_der(const uint8_t *der,
                                          size_t der_len,
                                          uint8_t *out,
                                          size_t out_len);

// A fresh data key from the operating system's randomness, on `backend` (0 the default).
// Free it with `fhirbus_data_key_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_data_key_generate(uint32_t backend, fhirbus_data_key **out);

// The data key of 32 bytes, on `backend` (0 the default).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_data_key_from_bytes(uint32_t backend,
                                           const uint8_t *key,
                                           size_t key_len,
                                           fhirbus_data_key **out);

// The 32 key bytes (`FHIRBUS_SYMMETRIC_KEY_LEN`), for wrapping or the host's key store; the
// caller should wipe them after use.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_data_key_to_bytes(const fhirbus_data_key *key, uint8_t *out, size_t out_len);

// Free a data key (NULL, or a handle already freed: nothing happens).
void fhirbus_data_key_free(fhirbus_data_key *key);

// Seal the pointer `url` (a FHIR versioned read URL, NUL-terminated UTF-8, at most 2048
// bytes) for the record entry described by the context: the patient's 32-byte pseudonym, the
// custodian's organisation id, the resource type, the 32-byte content digest and the epoch.
// Writes the fresh 12-byte nonce to `nonce_out` and the ciphertext (with its 16-byte tag) to
// `*ciphertext_out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_data_key_seal_pointer(const fhirbus_data_key *key,
                                             const uint8_t *patient,
                                             size_t patient_len,
                                             const char *custodian,
                                             const char *resource_type,
                                             const uint8_t *digest,
                                             size_t digest_len,
                                             uint32_t epoch,
                                             const char *url,
                                             uint8_t *nonce_out,
                                             size_t nonce_out_len,
                                             fhirbus_buffer *ciphertext_out);

// Open a sealed pointer (its 12-byte nonce and its ciphertext) for the given context; the URL
// goes to `*url_out` (UTF-8, NUL-terminated). `FHIRBUS_DECRYPTION_FAILED` under another key
// or context, or when any byte was changed.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_data_key_open_pointer(const fhirbus_data_key *key,
                                             const uint8_t *patient,
                                             size_t patient_len,
                                             const char *custodian,
                                             const char *resource_type,
                                             const uint8_t *digest,
                                             size_t digest_len,
                                             uint32_t epoch,
                                             const uint8_t *nonce,
                                             size_t nonce_len,
                                             const uint8_t *ciphertext,
                                             size_t ciphertext_len,
                                             fhirbus_buffer *url_out);

// A fresh encryption key from the operating system's randomness, on `backend` (0 the
// default). Free it with `fhirbus_encryption_key_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_encryption_key_generate(uint32_t backend, fhirbus_encryption_key **out);

// The encryption key of a 32-byte secret scalar, on `backend` (0 the default).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_encryption_key_from_secret(uint32_t backend,
                                                  const uint8_t *secret,
                                                  size_t secret_len,
                                                  fhirbus_encryption_key **out);

// Free an encryption key (NULL, or a handle already freed: nothing happens).
void fhirbus_encryption_key_free(fhirbus_encryption_key *key);

// The 32-byte secret scalar (`FHIRBUS_SECRET_KEY_LEN`), for the host's key store.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_encryption_key_secret_bytes(const fhirbus_encryption_key *key,
                                                   uint8_t *out,
                                                   size_t out_len);

// The public key, uncompressed SEC1 (`FHIRBUS_PUBLIC_KEY_LEN` bytes): what others wrap to.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_encryption_key_public_key(const fhirbus_encryption_key *key,
                                                 uint8_t *out,
                                                 size_t out_len);

// The key id (`FHIRBUS_KEY_ID_LEN` bytes) of the public key (an encryption key's id differs
// from the id the same point would have as a signing key).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_encryption_key_key_id(const fhirbus_encryption_key *key,
                                             uint8_t *out,
                                             size_t out_len);

// Wrap `data_key` to the recipient's SEC1 public encryption key for the context (patient's
// 32-byte pseudonym, custodian, epoch). Writes the recipient's key id (32 bytes) to
// `key_id_out`, the HPKE encapsulated key (`FHIRBUS_WRAP_ENC_LEN`) to `enc_out` and the
// ciphertext (`FHIRBUS_WRAP_CIPHERTEXT_LEN`) to `ciphertext_out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_wrap(const uint8_t *recipient_public_key,
                            size_t recipient_public_key_len,
                            const fhirbus_data_key *data_key,
                            const uint8_t *patient,
                            size_t patient_len,
                            const char *custodian,
                            uint32_t epoch,
                            uint8_t *key_id_out,
                            size_t key_id_out_len,
                            uint8_t *enc_out,
                            size_t enc_out_len,
                            uint8_t *ciphertext_out,
                            size_t ciphertext_out_len);

// Unwrap a data key wrapped to this key for the context: the recipient key id, the
// encapsulated key and the ciphertext as `fhirbus_wrap` wrote them. The data key goes to
// `*out` (free it with `fhirbus_data_key_free`). `FHIRBUS_KEY_ID_MISMATCH` when it was
// wrapped to another key, `FHIRBUS_DECRYPTION_FAILED` under another context or when changed.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_encryption_key_unwrap(const fhirbus_encryption_key *key,
                                             const uint8_t *key_id,
                                             size_t key_id_len,
                                             const uint8_t *enc,
                                             size_t enc_len,
                                             const uint8_t *ciphertext,
                                             size_t ciphertext_len,
                                             const uint8_t *patient,
                                             size_t patient_len,
                                             const char *custodian,
                                             uint32_t epoch,
                                             fhirbus_data_key **out);

// A fresh pseudonym key from the operating system's randomness. Free it with
// `fhirbus_pseudonym_key_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_pseudonym_key_generate(fhirbus_pseudonym_key **out);

// The pseudonym key of 32 bytes.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_pseudonym_key_from_bytes(const uint8_t *key,
                                                size_t key_len,
                                                fhirbus_pseudonym_key **out);

// The 32 key bytes (`FHIRBUS_SYMMETRIC_KEY_LEN`), for the host's key store.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_pseudonym_key_to_bytes(const fhirbus_pseudonym_key *key,
                                              uint8_t *out,
                                              size_t out_len);

// Free a pseudonym key (NULL, or a handle already freed: nothing happens).
void fhirbus_pseudonym_key_free(fhirbus_pseudonym_key *key);

// The 32-byte pseudonym (`FHIRBUS_PSEUDONYM_LEN`) of the national identifier `value` issued
// by `system` (both NUL-terminated UTF-8). The identifier is normalized first (separators
// `- . /` and white space removed, letters upper-cased), so its spellings agree. Neither the
// identifier nor any part of it ever appears in an error message.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_pseudonym_key_pseudonym(const fhirbus_pseudonym_key *key,
                                               const char *system,
                                               const char *value,
                                               uint8_t *out,
                                               size_t out_len);

// Build a record entry, seal its pointer under `data_key` and sign it with `signing_key` (the
// custodian's), and write its canonical encoding to `*out`. The fields: custodian
// organisation id, the patient's 32-byte pseudonym, the FHIR resource type, the 32-byte
// content digest (`fhirbus_fhir_digest`, variant 0), the data key epoch, the registration
// time in milliseconds since the Unix epoch, and the FHIR versioned read URL to seal.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_seal_and_sign(const char *custodian,
                                                  const uint8_t *patient,
                                                  size_t patient_len,
                                                  const char *resource_type,
                                                  const uint8_t *digest,
                                                  size_t digest_len,
                                                  uint32_t epoch,
                                                  uint64_t time_ms,
                                                  const char *pointer_url,
                                                  const fhirbus_data_key *data_key,
                                                  const fhirbus_signing_key *signing_key,
                                                  fhirbus_buffer *out);

// Decode an encoded signed record entry, strictly (size limit, duplicate keys, unknown or
// missing fields, versions other than 1 and ill-formed values are refused). The signature is
// not checked here: see `fhirbus_record_entry_verify`. Free the entry with
// `fhirbus_record_entry_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_decode(const uint8_t *bytes,
                                           size_t bytes_len,
                                           fhirbus_record_entry **out);

// Free a record entry (NULL, or a handle already freed: nothing happens).
void fhirbus_record_entry_free(fhirbus_record_entry *entry);

// The canonical encoding of the entry, into `*out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_encode(const fhirbus_record_entry *entry, fhirbus_buffer *out);

// The custodian's organisation id, into `*out` (text).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_custodian(const fhirbus_record_entry *entry,
                                              fhirbus_buffer *out);

// The FHIR resource type, into `*out` (text).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_resource_type(const fhirbus_record_entry *entry,
                                                  fhirbus_buffer *out);

// The patient's pseudonym (`FHIRBUS_PSEUDONYM_LEN` bytes).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_patient(const fhirbus_record_entry *entry,
                                            uint8_t *out,
                                            size_t out_len);

// The content digest (`FHIRBUS_DIGEST_LEN` bytes).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_digest(const fhirbus_record_entry *entry,
                                           uint8_t *out,
                                           size_t out_len);

// The id of the key that signed the entry (`FHIRBUS_KEY_ID_LEN` bytes).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_key_id(const fhirbus_record_entry *entry,
                                           uint8_t *out,
                                           size_t out_len);

// The data key epoch.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_epoch(const fhirbus_record_entry *entry, uint32_t *out);

// The registration time, in milliseconds since the Unix epoch.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_time_ms(const fhirbus_record_entry *entry, uint64_t *out);

// Check the entry's signature with the custodian's SEC1 public signing key.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_verify(const fhirbus_record_entry *entry,
                                           const uint8_t *public_key,
                                           size_t public_key_len);

// Check the entry's signature against the custodian's key set, at the time the entry claims
// (a key revoked at or before that time, or added after it, is refused).
fhirbus_result fhirbus_record_entry_verify_with_key_set(const fhirbus_record_entry *entry,
                                                        const fhirbus_key_set *key_set);

// Open the entry's pointer with the data key of its epoch; the URL goes to `*url_out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_open_pointer(const fhirbus_record_entry *entry,
                                                 const fhirbus_data_key *data_key,
                                                 fhirbus_buffer *url_out);

// Check a fetched FHIR resource (JSON) against the entry: its digest and resource type.
// `FHIRBUS_DIGEST_MISMATCH` when it differs.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_record_entry_check_resource(const fhirbus_record_entry *entry,
                                                   const uint8_t *json,
                                                   size_t json_len);

// A new, empty key set. Free it with `fhirbus_key_set_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_key_set_new(fhirbus_key_set **out);

// Free a key set (NULL, or a handle already freed: nothing happens).
void fhirbus_key_set_free(fhirbus_key_set *key_set);

// Add a public key (SEC1) of `purpose` (1 signing, 2 encryption) at `at_ms`, not primary.
// Writes its key id (`FHIRBUS_KEY_ID_LEN` bytes) to `key_id_out`. `FHIRBUS_DUPLICATE_KEY_ID`
// when the key is already in the set.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_key_set_add(fhirbus_key_set *key_set,
                                   uint32_t purpose,
                                   const uint8_t *public_key,
                                   size_t public_key_len,
                                   uint64_t at_ms,
                                   uint8_t *key_id_out,
                                   size_t key_id_out_len);

// Rotate: add a public key of `purpose` at `at_ms` and make it the primary of its purpose.
// Older keys stay and keep verifying what they signed. Writes the new key's id.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_key_set_rotate(fhirbus_key_set *key_set,
                                      uint32_t purpose,
                                      const uint8_t *public_key,
                                      size_t public_key_len,
                                      uint64_t at_ms,
                                      uint8_t *key_id_out,
                                      size_t key_id_out_len);

// Make the key `key_id` (present, not revoked) the primary of its purpose.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_key_set_promote(fhirbus_key_set *key_set,
                                       const uint8_t *key_id,
                                       size_t key_id_len);

// Revoke the key `key_id` from `at_ms` on: signatures claiming that time or later are
// refused, earlier ones keep verifying. Revoking again keeps the earlier instant.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_key_set_revoke(fhirbus_key_set *key_set,
                                      const uint8_t *key_id,
                                      size_t key_id_len,
                                      uint64_t at_ms);

// Verify `sig` (64 bytes or DER) over `msg` in `domain`, made by the key `key_id` of this
// set at the time the signed object claims (`claimed_ms`). `FHIRBUS_UNKNOWN_KEY`,
// `FHIRBUS_KEY_REVOKED`, `FHIRBUS_KEY_NOT_YET_VALID`, `FHIRBUS_WRONG_KEY_PURPOSE`,
// `FHIRBUS_BAD_SIGNATURE`, ... when it does not.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_key_set_verify(const fhirbus_key_set *key_set,
                                      uint32_t domain,
                                      const uint8_t *msg,
                                      size_t msg_len,
                                      const uint8_t *key_id,
                                      size_t key_id_len,
                                      const uint8_t *sig,
                                      size_t sig_len,
                                      uint64_t claimed_ms);

// Import a FHIR Consent resource (JSON, at most 1 MiB) of FHIR `version` (4 for R4, 5 for R5)
// for the patient whose 32-byte pseudonym is `patient` (the Consent's own patient reference is
// the host's and is not carried). Elements the model cannot represent are refused, never
// dropped: `FHIRBUS_CONSENT_UNSUPPORTED_ELEMENT` or `FHIRBUS_CONSENT_INVALID`, the last error
// message naming the element (`Consent.provision.actor[0].role: ...`), never its value. Free
// the consent with `fhirbus_consent_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_consent_from_fhir(const uint8_t *json,
                                         size_t json_len,
                                         uint32_t version,
                                         const uint8_t *patient,
                                         size_t patient_len,
                                         fhirbus_consent **out);

// Decode a consent's canonical encoding (as `fhirbus_consent_encode` writes it and a
// GrantConsent transaction carries it), strictly: anything but the canonical form is refused.
// Free the consent with `fhirbus_consent_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_consent_decode(const uint8_t *bytes,
                                      size_t bytes_len,
                                      fhirbus_consent **out);

// Free a consent (NULL, or a handle already freed: nothing happens).
void fhirbus_consent_free(fhirbus_consent *consent);

// Export the consent as FHIR Consent JSON of FHIR `version` (4 or 5), into `*out`. The patient
// is named by its pseudonym (identifier system `urn:fhirbus:patient-pseudonym`).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_consent_to_fhir(const fhirbus_consent *consent,
                                       uint32_t version,
                                       fhirbus_buffer *out);

// The consent's canonical encoding (RFC 8785 JSON), into `*out`: what a GrantConsent
// transaction carries as its `body.consent`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_consent_encode(const fhirbus_consent *consent, fhirbus_buffer *out);

// The consent's id (its id on the network, text), into `*out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_consent_id(const fhirbus_consent *consent, fhirbus_buffer *out);

// The patient's pseudonym (`FHIRBUS_PSEUDONYM_LEN` bytes).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_consent_patient(const fhirbus_consent *consent,
                                       uint8_t *out,
                                       size_t out_len);

// The consent engine's decision on a request, from the consents `consents[0..consents_count]`
// (a list of handles; NULL with count 0 is no consent: the network's default, deny) at
// `now_ms`: `requester` (a member organisation id) asks for the patient's (32-byte pseudonym)
// data of `resource_type`, recorded at `data_date_ms`, for `purpose` (a v3 ActReason code:
// `TREAT`, `ETREAT`, `BTG`, ...). `allow_emergency` (0 or 1) is the network's emergency
// policy. Writes the decision as JSON to `*out`:
// `{"permit":bool,"basis":"consent"|"emergencyPolicy"|"networkDefault","consent":id?,
// "path":[n...]?,"obligations":{"audit":bool,"notifyPatient":bool},"explanation":text}`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_decide(const fhirbus_consent *const *consents,
                              size_t consents_count,
                              const char *requester,
                              const uint8_t *patient,
                              size_t patient_len,
                              const char *purpose,
                              const char *resource_type,
                              uint64_t data_date_ms,
                              uint32_t allow_emergency,
                              uint64_t now_ms,
                              fhirbus_buffer *out);

// The state a genesis document founds (the genesis JSON: chain id, time, members, council,
// validators, policy; at most 1 MiB, decoded strictly). Free it with
// `fhirbus_ledger_state_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_from_genesis(const uint8_t *genesis,
                                                 size_t genesis_len,
                                                 fhirbus_ledger_state **out);

// Free a ledger state (NULL, or a handle already freed: nothing happens).
void fhirbus_ledger_state_free(fhirbus_ledger_state *state);

// Validate an encoded block (structure, every signature and the quorum, each transaction
// against the state) and apply it. On success the state moves to the block and the events it
// produced go to `*events_out` as a JSON array of audit events; on failure the state is left
// exactly as it was (`FHIRBUS_BAD_SIGNATURE` for a short or forged quorum,
// `FHIRBUS_INVALID_VALUE` for a block that does not link, ...).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_apply_block(fhirbus_ledger_state *state,
                                                const uint8_t *block,
                                                size_t block_len,
                                                fhirbus_buffer *events_out);

// The height of the last applied block (0 at genesis).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_height(const fhirbus_ledger_state *state, uint64_t *out);

// The state commitment (`FHIRBUS_DIGEST_LEN` bytes): the root a block header commits to and
// proofs are checked against.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_state_root(const fhirbus_ledger_state *state,
                                               uint8_t *out,
                                               size_t out_len);

// The hash the next block must link to (`FHIRBUS_DIGEST_LEN` bytes).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_last_hash(const fhirbus_ledger_state *state,
                                              uint8_t *out,
                                              size_t out_len);

// The chain id, into `*out` (text).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_chain(const fhirbus_ledger_state *state, fhirbus_buffer *out);

// Every record entry of the patient (32-byte pseudonym), superseded ones included, in
// registration order, as JSON: `[{"id":hex,"entry":<signed entry>,"supersededBy":hex?}...]`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_records(const fhirbus_ledger_state *state,
                                            const uint8_t *patient,
                                            size_t patient_len,
                                            fhirbus_buffer *out);

// The patient's current entries that `requester` may open for `purpose` (a v3 ActReason
// code) at `now_ms`, each with the decision that permits it, as JSON:
// `[{"record":{...},"decision":{...}}...]`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_visible_records(const fhirbus_ledger_state *state,
                                                    const char *requester,
                                                    const uint8_t *patient,
                                                    size_t patient_len,
                                                    const char *purpose,
                                                    uint64_t now_ms,
                                                    fhirbus_buffer *out);

// The patient's consents (revoked ones included), each in its canonical encoding, as a JSON
// array.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_consents(const fhirbus_ledger_state *state,
                                             const uint8_t *patient,
                                             size_t patient_len,
                                             fhirbus_buffer *out);

// The patient's audit trail (who asked for what, when, for which purpose, with what decision)
// as a JSON array of events.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_audit(const fhirbus_ledger_state *state,
                                          const uint8_t *patient,
                                          size_t patient_len,
                                          fhirbus_buffer *out);

// The patient's audit trail as a FHIR R4 Bundle of AuditEvent resources (emergency access
// marked with ETREAT and DICOM 110127 "Emergency Override Started").
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_audit_fhir(const fhirbus_ledger_state *state,
                                               const uint8_t *patient,
                                               size_t patient_len,
                                               fhirbus_buffer *out);

// An organisation's own actions as a JSON array of events.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_org_actions(const fhirbus_ledger_state *state,
                                                const char *org,
                                                fhirbus_buffer *out);

// A member's view as JSON (its name, keys with their history, admission and removal times),
// or `null` when `org` is no member.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_member(const fhirbus_ledger_state *state,
                                           const char *org,
                                           fhirbus_buffer *out);

// An active member's primary key of `purpose` (`"signing"` or `"encryption"`, the codes the
// transactions use), uncompressed SEC1 (`FHIRBUS_PUBLIC_KEY_LEN` bytes): the key a data key
// share must be wrapped to. `FHIRBUS_INVALID_VALUE` when `org` is no active member.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_member_primary_key(const fhirbus_ledger_state *state,
                                                       const char *org,
                                                       const char *purpose,
                                                       uint8_t *out,
                                                       size_t out_len);

// The current data key epoch of `custodian` for the patient (32-byte pseudonym), into
// `*out`: the epoch a new record entry is sealed under (1 until the custodian rotates it).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_data_key_epoch(const fhirbus_ledger_state *state,
                                                   const uint8_t *patient,
                                                   size_t patient_len,
                                                   const char *custodian,
                                                   uint32_t *out);

// A proof, for a light client, that an item is (or is not) under the current state root.
// `kind` and `id`: `record` and the entry id in hex, `member` and the organisation id,
// `patient` and the pseudonym in base64url, or `consent` and `<pseudonym>/<consent id>`.
// Writes `{"root":hex,"value":hex?,"proof":{...}}` to `*out` (`value`, the item's value hash,
// is absent when the item is). An entry never registered has no proof:
// `FHIRBUS_INVALID_VALUE`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_ledger_state_prove(const fhirbus_ledger_state *state,
                                          const char *kind,
                                          const char *id,
                                          fhirbus_buffer *out);

// A light client's check, with no ledger state: the proof (the `proof` member of what
// `fhirbus_ledger_state_prove` writes, as JSON) shows that the item whose value hash is
// `value` (32 bytes, computed by the caller from the answer it was given) is under the
// trusted state `root` (32 bytes, from a block header). `FHIRBUS_OK` when it does;
// `FHIRBUS_BAD_SIGNATURE` when it does not. With `value_len` 0 (`value` may then be NULL),
// `FHIRBUS_INVALID_VALUE`: an absence names no value, so it is checked by
// `fhirbus_verify_absence`, naming its item.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_verify_proof(const uint8_t *root,
                                    size_t root_len,
                                    const uint8_t *proof,
                                    size_t proof_len,
                                    const uint8_t *value,
                                    size_t value_len);

// A light client's check, with no ledger state: the proof (as for `fhirbus_verify_proof`)
// shows the item `kind` / `id` (as for `fhirbus_ledger_state_prove`: `member`, `patient` or
// `consent`) absent under the trusted state `root` (32 bytes). `FHIRBUS_OK` when it does;
// `FHIRBUS_BAD_SIGNATURE` when it does not, as when the proof is about another item;
// `FHIRBUS_INVALID_VALUE` for kind `record`, whose absence has no proof.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_verify_absence(const uint8_t *root,
                                      size_t root_len,
                                      const char *kind,
                                      const char *id,
                                      const uint8_t *proof,
                                      size_t proof_len);

// Sign an unsigned transaction, given as JSON (`{"v":1,"chain":..,"time":ms,"nonce":base64url
// of 16 bytes,"body":{"type":"enrol_patient",...}}`, at most 64 KiB), with each of the keys
// `keys[0..keys_count]` in order (a list of handles: the signers its kind needs, a member, a
// patient, a council quorum). Writes the signed transaction's canonical encoding to `*out`,
// ready for `fhirbus_embedded_network_submit`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_transaction_sign(const uint8_t *tx,
                                        size_t tx_len,
                                        const fhirbus_signing_key *const *keys,
                                        size_t keys_count,
                                        fhirbus_buffer *out);

// The transaction that registers a signed record entry (its encoding, as
// `fhirbus_record_entry_seal_and_sign` writes it) on `chain`, into `*out`. The entry's own
// signature authorizes it: the transaction carries no other.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_transaction_register_record(const char *chain,
                                                   const uint8_t *entry,
                                                   size_t entry_len,
                                                   fhirbus_buffer *out);

// A network at the genesis `genesis` (JSON), run in this process by the validator keys
// `validators[0..validators_count]` (a list of handles: the genesis validators, or at least a
// quorum of them; the network keeps copies, so the handles may be freed afterwards).
// `FHIRBUS_UNKNOWN_KEY` when they are not. Free it with `fhirbus_embedded_network_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_embedded_network_new(const uint8_t *genesis,
                                            size_t genesis_len,
                                            const fhirbus_signing_key *const *validators,
                                            size_t validators_count,
                                            fhirbus_embedded_network **out);

// Free an embedded network (NULL, or a handle already freed: nothing happens). Its keys are
// zeroized.
void fhirbus_embedded_network_free(fhirbus_embedded_network *net);

// Queue a signed transaction (its encoding) for the next block, after checking that it would
// apply at `now_ms` (a bad transaction is refused here, with its code, rather than dropped
// later). Writes its transaction id (`FHIRBUS_DIGEST_LEN` bytes) to `tx_id_out`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_embedded_network_submit(fhirbus_embedded_network *net,
                                               const uint8_t *tx,
                                               size_t tx_len,
                                               uint64_t now_ms,
                                               uint8_t *tx_id_out,
                                               size_t tx_id_out_len);

// Order the pending transactions into a block at `now_ms` (or the last block's time, if
// later), sign it with every validator, validate and apply it. Writes the block's encoding to
// `*block_out`, for the host's log and for other nodes (`fhirbus_ledger_state_apply_block`).
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_embedded_network_produce_block(fhirbus_embedded_network *net,
                                                      uint64_t now_ms,
                                                      fhirbus_buffer *block_out);

// A snapshot of the network's current state, as a new ledger state handle (later blocks do
// not change it). Free it with `fhirbus_ledger_state_free`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_embedded_network_state(const fhirbus_embedded_network *net,
                                              fhirbus_ledger_state **out);

// Requester: the signed access request of `requester` (a member, signing with its key
// `signing_key`) for the record entry `entry` (its 32-byte id) for `purpose` (a v3 ActReason
// code; `ETREAT` or `BTG` to break the glass) at `now_ms`, carrying the decision the state
// gives (validators recompute it). Writes the signed transaction's encoding to `*tx_out`
// (submit it whatever the decision: a denied request belongs in the audit trail too) and the
// decision as JSON (as `fhirbus_decide` writes it) to `*decision_out`. The transaction's nonce
// comes from the operating system's randomness.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_request_access(const fhirbus_ledger_state *state,
                                      const char *requester,
                                      const fhirbus_signing_key *signing_key,
                                      const uint8_t *entry,
                                      size_t entry_len,
                                      const char *purpose,
                                      uint64_t now_ms,
                                      fhirbus_buffer *tx_out,
                                      fhirbus_buffer *decision_out);

// Requester: open the pointer of the record entry `entry` (its 32-byte id) with the data key
// its custodian shared to `requester` for the entry's epoch, unwrapped with the requester's
// `encryption_key`. The URL (a FHIR versioned read URL) goes to `*url_out`.
// `FHIRBUS_NO_DATA_KEY_SHARE` when no key was shared to the requester for that epoch.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_open_pointer(const fhirbus_ledger_state *state,
                                    const char *requester,
                                    const fhirbus_encryption_key *encryption_key,
                                    const uint8_t *entry,
                                    size_t entry_len,
                                    fhirbus_buffer *url_out);

// Requester: check a fetched FHIR resource (JSON) against the record entry `entry` (its
// 32-byte id) on the ledger: its resource type and content digest. `FHIRBUS_DIGEST_MISMATCH`
// when it differs.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_check_fetched(const fhirbus_ledger_state *state,
                                     const uint8_t *entry,
                                     size_t entry_len,
                                     const uint8_t *resource,
                                     size_t resource_len);

// Custodian: whether `custodian` may release the record a committed access request (the
// signed transaction's encoding, as `fhirbus_request_access` wrote it) asks for, at `now_ms`.
// The request must be on the ledger (`FHIRBUS_NOT_ON_LEDGER`), for one of this custodian's
// entries, recorded as permitted and still permitted by the consents now
// (`FHIRBUS_ACCESS_DENIED`). Writes the release as JSON to `*out`:
// `{"entry":hex,"requester":org,"emergency":bool,"obligations":{"audit":bool,"notifyPatient":bool}}`.
//
// # Safety
// See the header's conventions.
fhirbus_result fhirbus_custodian_release(const fhirbus_ledger_state *state,
                                         const char *custodian,
                                         const uint8_t *request,
                                         size_t request_len,
                                         uint64_t now_ms,
                                         fhirbus_buffer *out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* FHIRBUS_H */
