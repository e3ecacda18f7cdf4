//! fhirbus for JavaScript (Node and browsers): the binding surface of `bindings/API.md`
//! exported with wasm-bindgen.
//!
//! The layer is thin: each export translates its arguments (byte buffers are `Uint8Array`s,
//! handles are classes with `free()`, contexts are plain objects), makes one core call, and
//! translates the result or the error. Errors are thrown as `Error` objects named
//! `FhirbusError` that carry the core's stable `code` and `codeName`. Randomness comes from
//! `crypto.getRandomValues`; the module does no other I/O.
#![forbid(unsafe_code)]

mod convert;
mod ledger;
mod random;

use fhirbus::backend::{BackendId, backend, default_backend};
use fhirbus::canonical::{self, FhirVariant};
use fhirbus::keys::{KeyPurpose, KeySet as CoreKeySet, PublicKey};
use fhirbus::pointer::{DataKey as CoreDataKey, PointerContext, SealedPointer};
use fhirbus::pseudonym::{NationalId, Pseudonym, PseudonymKey as CorePseudonymKey};
use fhirbus::record::{NewRecordEntry, RecordEntry as CoreRecordEntry, SignedRecordEntry};
use fhirbus::signature::{Domain, Signature, SigningKey as CoreSigningKey, VerifyingKey};
use fhirbus::wrap::{EncryptionPublicKey, EncryptionSecretKey, WrapContext, WrappedKey};
use fhirbus::{Digest, Error, ErrorCode, KeyId, OrgId, ResourceType, Timestamp};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use convert::{Res, bytes, field, key_id, millis, object, optional_small, secret, small, text, to_js_bytes, uint32};
use random::WebRandom;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What every function throws: an `Error` with the core's stable error code. */
export interface FhirbusError extends Error {
  name: "FhirbusError";
  /** The stable number (see `errorCodes()`), the same in every language. */
  code: number;
  /** The stable upper-snake-case name, e.g. "BAD_SIGNATURE". */
  codeName: string;
  /** A short detail that never carries identifiers, pointers in clear or keys. */
  detail: string;
}

/** The record entry fields a sealed pointer is bound to. */
export interface PointerContext {
  /** The patient's pseudonym, 32 bytes. */
  patient: Uint8Array;
  /** The custodian organisation id. */
  custodian: string;
  /** The FHIR resource type, e.g. "Observation". */
  resourceType: string;
  /** The resource's content digest, 32 bytes. */
  digest: Uint8Array;
  /** The data key epoch. */
  epoch: number;
}

/** What a wrapped data key is bound to. */
export interface WrapContext {
  /** The patient's pseudonym, 32 bytes. */
  patient: Uint8Array;
  /** The custodian organisation id. */
  custodian: string;
  /** The data key epoch. */
  epoch: number;
}

/** A pointer sealed with AES-256-GCM. */
export interface SealedPointer {
  /** 12 bytes. */
  nonce: Uint8Array;
  /** The ciphertext with its 16-byte tag. */
  ciphertext: Uint8Array;
}

/** A data key wrapped with HPKE to one recipient's encryption key. */
export interface WrappedKey {
  /** The recipient key's id, 32 bytes. */
  keyId: Uint8Array;
  /** The HPKE encapsulated key, 65 bytes. */
  enc: Uint8Array;
  /** The wrapped key and its tag, 48 bytes. */
  ciphertext: Uint8Array;
}

/** Milliseconds since 1970-01-01T00:00:00Z: a safe integer or a bigint. */
export type Millis = number | bigint;
"#;

fn rng() -> WebRandom {
    WebRandom
}

fn chosen_backend(n: Option<u8>) -> Res<&'static dyn fhirbus::Backend> {
    match n {
        None => Ok(default_backend()),
        Some(n) => Ok(backend(BackendId::from_u8(n)?)?),
    }
}

// ---------------------------------------------------------------------------------------------
// meta

/// The library's version.
#[wasm_bindgen]
pub fn version() -> String {
    fhirbus::VERSION.to_owned()
}

fn code_of(code: &JsValue) -> Option<ErrorCode> {
    code.as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
        .and_then(|n| ErrorCode::from_u32(n as u32))
}

/// The stable name of an error code (`"BAD_SIGNATURE"`), or `undefined` for an unknown number.
#[wasm_bindgen(js_name = errorCodeName)]
pub fn error_code_name(#[wasm_bindgen(unchecked_param_type = "number")] code: JsValue) -> Option<String> {
    code_of(&code).map(|c| c.name().to_owned())
}

/// A description of an error code (`"BAD_SIGNATURE (203)"`), or `undefined` for an unknown number.
#[wasm_bindgen(js_name = errorCodeDescription)]
pub fn error_code_description(#[wasm_bindgen(unchecked_param_type = "number")] code: JsValue) -> Option<String> {
    code_of(&code).map(|c| c.to_string())
}

/// Every error code, in numeric order.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<u32> {
    ErrorCode::ALL.iter().map(|c| c.as_u32()).collect()
}

/// The error thrown for a freed handle, or an object of another class where a handle is
/// expected: the package's entry points (wasm/js/guard.js) translate wasm-bindgen's own errors
/// into it. `what` names the class and method. Not part of the API.
#[wasm_bindgen(js_name = __invalidHandle, skip_typescript)]
pub fn invalid_handle(what: JsValue) -> JsValue {
    let what = what.as_string().unwrap_or_default();
    let detail = format!("{what}: the handle was freed, or is not of the expected class");
    convert::Fail::Core(Error::new(ErrorCode::InvalidHandle, detail)).into()
}

// ---------------------------------------------------------------------------------------------
// canonical JSON and digests

/// RFC 8785 (JCS) canonical form of a JSON text (UTF-8 bytes).
#[wasm_bindgen]
pub fn jcs(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] json: JsValue) -> Res<Vec<u8>> {
    Ok(canonical::jcs(&bytes(&json, "json")?)?)
}

/// FHIR canonical form of a resource; `variant` 0 full, 1 `#data`, 2 `#static`.
#[wasm_bindgen(js_name = fhirCanonical)]
pub fn fhir_canonical(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] json: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] variant: JsValue,
) -> Res<Vec<u8>> {
    let variant = FhirVariant::from_u8(small(&variant, "variant")?)?;
    Ok(canonical::fhir(&bytes(&json, "json")?, variant)?)
}

/// SHA-256 of the FHIR canonical form of a resource (32 bytes).
#[wasm_bindgen(js_name = fhirDigest)]
pub fn fhir_digest(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] json: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] variant: JsValue,
) -> Res<Vec<u8>> {
    let variant = FhirVariant::from_u8(small(&variant, "variant")?)?;
    Ok(canonical::fhir_digest(&bytes(&json, "json")?, variant)?.0.to_vec())
}

/// SHA-256 (32 bytes).
#[wasm_bindgen]
pub fn sha256(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] data: JsValue) -> Res<Vec<u8>> {
    Ok(Digest::sha256(&bytes(&data, "data")?).0.to_vec())
}

// ---------------------------------------------------------------------------------------------
// signatures

/// An ECDSA P-256 signing key. Call `free()` when done: the secret is zeroized then.
#[wasm_bindgen]
pub struct SigningKey {
    inner: CoreSigningKey,
}

#[wasm_bindgen]
impl SigningKey {
    /// A new key from `crypto.getRandomValues`; `backend` 2 (RustCrypto) is the only one here.
    pub fn generate(#[wasm_bindgen(unchecked_optional_param_type = "number")] backend: JsValue) -> Res<SigningKey> {
        let backend = chosen_backend(optional_small(&backend, "backend")?)?;
        Ok(Self { inner: CoreSigningKey::generate_with(backend, &mut rng())? })
    }

    /// From a 32-byte big-endian secret scalar.
    #[wasm_bindgen(js_name = fromSecret)]
    pub fn from_secret(
        #[wasm_bindgen(js_name = secret, unchecked_param_type = "Uint8Array")] secret_scalar: JsValue,
    ) -> Res<SigningKey> {
        Ok(Self { inner: CoreSigningKey::from_secret(&secret(&secret_scalar, "secret")?)? })
    }

    /// The 32-byte secret scalar, for the host's key store.
    #[wasm_bindgen(js_name = secretBytes)]
    pub fn secret_bytes(&self) -> Uint8Array {
        to_js_bytes(self.inner.to_secret_bytes().as_ref())
    }

    /// The public key, uncompressed SEC1 (65 bytes).
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.verifying_key().to_sec1().to_vec()
    }

    /// The key id (32 bytes).
    #[wasm_bindgen(js_name = keyId)]
    pub fn key_id(&self) -> Vec<u8> {
        self.inner.key_id().0.to_vec()
    }

    /// Sign `message` in `domain` (1 to 6); a 64-byte `r || s` signature with low S.
    pub fn sign(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] domain: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] message: JsValue,
    ) -> Res<Vec<u8>> {
        let domain = Domain::from_u8(small(&domain, "domain")?)?;
        Ok(self.inner.sign(domain, &bytes(&message, "message")?)?.as_bytes().to_vec())
    }
}

/// Check a signature made by the key `publicKey` (SEC1) over `message` in `domain`; `keyId` is
/// the id the signature names, `signature` 64 bytes `r || s` or DER. Returns nothing on success
/// and throws otherwise (`BAD_SIGNATURE`, `KEY_ID_MISMATCH`, `HIGH_S_SIGNATURE`, ...).
#[wasm_bindgen]
pub fn verify(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "Uint8Array")] public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] domain: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] message: JsValue,
    #[wasm_bindgen(js_name = keyId, unchecked_param_type = "Uint8Array")] key_id_bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
) -> Res<()> {
    let key = VerifyingKey::from_sec1(&bytes(&public_key, "publicKey")?)?;
    let domain = Domain::from_u8(small(&domain, "domain")?)?;
    let signature = Signature::from_bytes(key_id(&key_id_bytes, "keyId")?, &bytes(&signature, "signature")?)?;
    Ok(key.verify(domain, &bytes(&message, "message")?, &signature)?)
}

/// A DER `ECDSA-Sig-Value` as the 64-byte `r || s` form.
#[wasm_bindgen(js_name = signatureFromDer)]
pub fn signature_from_der(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] der: JsValue) -> Res<Vec<u8>> {
    Ok(Signature::from_der(KeyId([0; 32]), &bytes(&der, "der")?)?.as_bytes().to_vec())
}

// ---------------------------------------------------------------------------------------------
// pointers

struct OwnedPointerContext {
    patient: Pseudonym,
    custodian: OrgId,
    resource_type: ResourceType,
    digest: Digest,
    epoch: u32,
}

impl OwnedPointerContext {
    fn from_js(ctx: &JsValue) -> Res<Self> {
        Ok(Self {
            patient: Pseudonym::from_slice(&bytes(&field(ctx, "patient", "context")?, "context.patient")?)?,
            custodian: OrgId::new(&text(&field(ctx, "custodian", "context")?, "context.custodian")?)?,
            resource_type: ResourceType::new(&text(&field(ctx, "resourceType", "context")?, "context.resourceType")?)?,
            digest: Digest::from_slice(&bytes(&field(ctx, "digest", "context")?, "context.digest")?)?,
            epoch: uint32(&field(ctx, "epoch", "context")?, "context.epoch")?,
        })
    }

    fn get(&self) -> PointerContext<'_> {
        PointerContext {
            patient: &self.patient,
            custodian: &self.custodian,
            resource_type: &self.resource_type,
            digest: &self.digest,
            epoch: self.epoch,
        }
    }
}

/// A 256-bit AES-GCM data key for one (patient, custodian, epoch). Call `free()` when done.
#[wasm_bindgen]
pub struct DataKey {
    inner: CoreDataKey,
}

#[wasm_bindgen]
impl DataKey {
    /// A fresh key from `crypto.getRandomValues`.
    pub fn generate() -> Res<DataKey> {
        Ok(Self { inner: CoreDataKey::generate(&mut rng())? })
    }

    /// From 32 bytes.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue) -> Res<DataKey> {
        Ok(Self { inner: CoreDataKey::from_bytes(&secret(&key, "key")?)? })
    }

    /// The 32 key bytes.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Uint8Array {
        to_js_bytes(self.inner.to_bytes().as_ref())
    }

    /// Seal a FHIR versioned read URL for the entry described by `context`.
    #[wasm_bindgen(js_name = sealPointer, unchecked_return_type = "SealedPointer")]
    pub fn seal_pointer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PointerContext")] context: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] pointer: JsValue,
    ) -> Res<JsValue> {
        let ctx = OwnedPointerContext::from_js(&context)?;
        let sealed = self.inner.seal_pointer(&ctx.get(), &text(&pointer, "pointer")?, &mut rng())?;
        Ok(object(&[
            ("nonce", to_js_bytes(sealed.nonce()).into()),
            ("ciphertext", to_js_bytes(sealed.ciphertext()).into()),
        ]))
    }

    /// Open a sealed pointer; throws `DECRYPTION_FAILED` under the wrong key or context.
    #[wasm_bindgen(js_name = openPointer)]
    pub fn open_pointer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PointerContext")] context: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] nonce: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ciphertext: JsValue,
    ) -> Res<String> {
        let ctx = OwnedPointerContext::from_js(&context)?;
        let sealed = SealedPointer::from_parts(&bytes(&nonce, "nonce")?, &bytes(&ciphertext, "ciphertext")?)?;
        Ok(self.inner.open_pointer(&ctx.get(), &sealed)?)
    }
}

// ---------------------------------------------------------------------------------------------
// key wrapping

struct OwnedWrapContext {
    patient: Pseudonym,
    custodian: OrgId,
    epoch: u32,
}

impl OwnedWrapContext {
    fn from_js(ctx: &JsValue) -> Res<Self> {
        Ok(Self {
            patient: Pseudonym::from_slice(&bytes(&field(ctx, "patient", "context")?, "context.patient")?)?,
            custodian: OrgId::new(&text(&field(ctx, "custodian", "context")?, "context.custodian")?)?,
            epoch: uint32(&field(ctx, "epoch", "context")?, "context.epoch")?,
        })
    }

    fn get(&self) -> WrapContext<'_> {
        WrapContext { patient: &self.patient, custodian: &self.custodian, epoch: self.epoch }
    }
}

/// An HPKE (P-256) encryption key pair that data keys are wrapped to. Call `free()` when done.
#[wasm_bindgen]
pub struct EncryptionKey {
    inner: EncryptionSecretKey,
}

#[wasm_bindgen]
impl EncryptionKey {
    /// A new key from `crypto.getRandomValues`; `backend` 2 (RustCrypto) is the only one here.
    pub fn generate(#[wasm_bindgen(unchecked_optional_param_type = "number")] backend: JsValue) -> Res<EncryptionKey> {
        let backend = chosen_backend(optional_small(&backend, "backend")?)?;
        Ok(Self { inner: EncryptionSecretKey::generate_with(backend, &mut rng())? })
    }

    /// From a 32-byte secret scalar.
    #[wasm_bindgen(js_name = fromSecret)]
    pub fn from_secret(
        #[wasm_bindgen(js_name = secret, unchecked_param_type = "Uint8Array")] secret_scalar: JsValue,
    ) -> Res<EncryptionKey> {
        Ok(Self { inner: EncryptionSecretKey::from_secret(&secret(&secret_scalar, "secret")?)? })
    }

    /// The 32-byte secret scalar.
    #[wasm_bindgen(js_name = secretBytes)]
    pub fn secret_bytes(&self) -> Uint8Array {
        to_js_bytes(self.inner.to_secret_bytes().as_ref())
    }

    /// The public key, uncompressed SEC1 (65 bytes).
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.public_key().to_sec1().to_vec()
    }

    /// The key id (32 bytes).
    #[wasm_bindgen(js_name = keyId)]
    pub fn key_id(&self) -> Vec<u8> {
        self.inner.public_key().key_id().0.to_vec()
    }

    /// Unwrap a data key wrapped to this key for `context` (the parts `wrap` returned).
    pub fn unwrap(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WrapContext")] context: JsValue,
        #[wasm_bindgen(js_name = keyId, unchecked_param_type = "Uint8Array")] recipient: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] enc: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ciphertext: JsValue,
    ) -> Res<DataKey> {
        let ctx = OwnedWrapContext::from_js(&context)?;
        let wrapped = WrappedKey::from_parts(
            key_id(&recipient, "keyId")?,
            &bytes(&enc, "enc")?,
            &bytes(&ciphertext, "ciphertext")?,
        )?;
        Ok(DataKey { inner: self.inner.unwrap(&wrapped, &ctx.get())? })
    }
}

/// Wrap `dataKey` to the encryption key `recipientPublicKey` (SEC1) for `context`.
#[wasm_bindgen(unchecked_return_type = "WrappedKey")]
pub fn wrap(
    #[wasm_bindgen(js_name = recipientPublicKey, unchecked_param_type = "Uint8Array")] recipient_public_key: JsValue,
    #[wasm_bindgen(js_name = dataKey)] data_key: &DataKey,
    #[wasm_bindgen(unchecked_param_type = "WrapContext")] context: JsValue,
) -> Res<JsValue> {
    let recipient = EncryptionPublicKey::from_sec1(&bytes(&recipient_public_key, "recipientPublicKey")?)?;
    let ctx = OwnedWrapContext::from_js(&context)?;
    let wrapped = recipient.wrap(&data_key.inner, &ctx.get(), &mut rng())?;
    Ok(object(&[
        ("keyId", to_js_bytes(&wrapped.recipient.0).into()),
        ("enc", to_js_bytes(wrapped.enc()).into()),
        ("ciphertext", to_js_bytes(wrapped.ciphertext()).into()),
    ]))
}

// ---------------------------------------------------------------------------------------------
// pseudonyms

/// The network's pseudonym key. Call `free()` when done.
#[wasm_bindgen]
pub struct PseudonymKey {
    inner: CorePseudonymKey,
}

#[wasm_bindgen]
impl PseudonymKey {
    /// A fresh key from `crypto.getRandomValues`.
    pub fn generate() -> Res<PseudonymKey> {
        Ok(Self { inner: CorePseudonymKey::generate(&mut rng())? })
    }

    /// From 32 bytes.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue) -> Res<PseudonymKey> {
        Ok(Self { inner: CorePseudonymKey::from_bytes(&secret(&key, "key")?)? })
    }

    /// The 32 key bytes.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Uint8Array {
        to_js_bytes(self.inner.to_bytes().as_ref())
    }

    /// The 32-byte pseudonym of the national identifier `value` issued by `system`.
    pub fn pseudonym(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] system: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] value: JsValue,
    ) -> Res<Vec<u8>> {
        let value = zeroize::Zeroizing::new(text(&value, "value")?);
        let id = NationalId::new(&text(&system, "system")?, &value)?;
        Ok(self.inner.pseudonym(&id).0.to_vec())
    }
}

// ---------------------------------------------------------------------------------------------
// record entries

/// Seal `pointerUrl` under `dataKey`, build the record entry, sign it with `signingKey` and
/// return its canonical encoding.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = recordEntrySealAndSign)]
pub fn record_entry_seal_and_sign(
    #[wasm_bindgen(unchecked_param_type = "string")] custodian: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] patient: JsValue,
    #[wasm_bindgen(js_name = resourceType, unchecked_param_type = "string")] resource_type: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] digest: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] epoch: JsValue,
    #[wasm_bindgen(js_name = timeMs, unchecked_param_type = "Millis")] time_ms: JsValue,
    #[wasm_bindgen(js_name = pointerUrl, unchecked_param_type = "string")] pointer_url: JsValue,
    #[wasm_bindgen(js_name = dataKey)] data_key: &DataKey,
    #[wasm_bindgen(js_name = signingKey)] signing_key: &SigningKey,
) -> Res<Vec<u8>> {
    let pointer = text(&pointer_url, "pointerUrl")?;
    let new = NewRecordEntry {
        custodian: OrgId::new(&text(&custodian, "custodian")?)?,
        patient: Pseudonym::from_slice(&bytes(&patient, "patient")?)?,
        resource_type: ResourceType::new(&text(&resource_type, "resourceType")?)?,
        digest: Digest::from_slice(&bytes(&digest, "digest")?)?,
        epoch: uint32(&epoch, "epoch")?,
        time: Timestamp::from_millis(millis(&time_ms, "timeMs")?),
        pointer: &pointer,
    };
    let entry = CoreRecordEntry::seal(new, &data_key.inner, &mut rng())?;
    Ok(entry.sign(&signing_key.inner)?.encode()?)
}

/// A signed record entry, decoded strictly. Call `free()` when done.
#[wasm_bindgen]
pub struct RecordEntry {
    inner: SignedRecordEntry,
}

#[wasm_bindgen]
impl RecordEntry {
    /// Strict decoding of an encoded signed entry (the signature is not checked here).
    pub fn decode(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] encoded: JsValue) -> Res<RecordEntry> {
        Ok(Self { inner: SignedRecordEntry::decode(&bytes(&encoded, "encoded")?)? })
    }

    /// The custodian organisation id.
    #[wasm_bindgen(getter)]
    pub fn custodian(&self) -> String {
        self.inner.entry.custodian.as_str().to_owned()
    }

    /// The patient's pseudonym (32 bytes).
    #[wasm_bindgen(getter)]
    pub fn patient(&self) -> Vec<u8> {
        self.inner.entry.patient.0.to_vec()
    }

    /// The FHIR resource type.
    #[wasm_bindgen(getter, js_name = resourceType)]
    pub fn resource_type(&self) -> String {
        self.inner.entry.resource_type.as_str().to_owned()
    }

    /// The content digest (32 bytes).
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Vec<u8> {
        self.inner.entry.digest.0.to_vec()
    }

    /// The data key epoch.
    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.inner.entry.epoch
    }

    /// The registration time, milliseconds since the Unix epoch.
    #[wasm_bindgen(getter, js_name = timeMs)]
    pub fn time_ms(&self) -> u64 {
        self.inner.entry.time.as_millis()
    }

    /// The id of the key that signed the entry (32 bytes).
    #[wasm_bindgen(getter, js_name = keyId)]
    pub fn key_id(&self) -> Vec<u8> {
        self.inner.signature.key_id.0.to_vec()
    }

    /// Check the custodian's signature with its public key (SEC1).
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "Uint8Array")] public_key: JsValue,
    ) -> Res<()> {
        let key = VerifyingKey::from_sec1(&bytes(&public_key, "publicKey")?)?;
        Ok(self.inner.verify(&key)?)
    }

    /// Check the custodian's signature against its key set, at the time the entry claims (a
    /// key revoked at or before that time, or added after it, is refused).
    #[wasm_bindgen(js_name = verifyWithKeySet)]
    pub fn verify_with_key_set(&self, #[wasm_bindgen(js_name = keySet)] key_set: &KeySet) -> Res<()> {
        Ok(self.inner.verify_with(&key_set.inner)?)
    }

    /// Open the sealed pointer with the data key of the entry's epoch.
    #[wasm_bindgen(js_name = openPointer)]
    pub fn open_pointer(&self, #[wasm_bindgen(js_name = dataKey)] data_key: &DataKey) -> Res<String> {
        Ok(self.inner.entry.open_pointer(&data_key.inner)?)
    }

    /// Check a fetched FHIR resource (JSON bytes) against the entry's type and digest.
    #[wasm_bindgen(js_name = checkResource)]
    pub fn check_resource(&self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] json: JsValue) -> Res<()> {
        Ok(self.inner.entry.check_resource(&bytes(&json, "json")?)?)
    }

    /// The canonical encoding.
    pub fn encode(&self) -> Res<Vec<u8>> {
        Ok(self.inner.encode()?)
    }
}

// ---------------------------------------------------------------------------------------------
// key sets

fn purpose(v: &JsValue) -> Res<KeyPurpose> {
    // By its `#[repr(u8)]` number (core's `KeyPurpose` has no `from_u8` yet).
    match small(v, "purpose")? {
        n if n == KeyPurpose::Signing as u8 => Ok(KeyPurpose::Signing),
        n if n == KeyPurpose::Encryption as u8 => Ok(KeyPurpose::Encryption),
        _ => Err(Error::new(ErrorCode::InvalidValue, "key purpose: 1 (signing) or 2 (encryption)").into()),
    }
}

/// The public keys of one organisation or patient over time. Call `free()` when done.
#[wasm_bindgen]
#[derive(Default)]
pub struct KeySet {
    inner: CoreKeySet,
}

#[wasm_bindgen]
impl KeySet {
    /// An empty key set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> KeySet {
        Self::default()
    }

    /// Add a key (not primary) of `purpose` (1 signing, 2 encryption) at `atMs`; returns its id.
    pub fn add(
        &mut self,
        #[wasm_bindgen(js_name = purpose, unchecked_param_type = "number")] purpose_number: JsValue,
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "Uint8Array")] public_key: JsValue,
        #[wasm_bindgen(js_name = atMs, unchecked_param_type = "Millis")] at_ms: JsValue,
    ) -> Res<Vec<u8>> {
        let key =
            PublicKey::from_sec1_with(default_backend(), purpose(&purpose_number)?, &bytes(&public_key, "publicKey")?)?;
        let at = Timestamp::from_millis(millis(&at_ms, "atMs")?);
        Ok(self.inner.add(key, at)?.0.to_vec())
    }

    /// Rotate: add a key at `atMs` and make it the primary of its purpose; returns its id.
    pub fn rotate(
        &mut self,
        #[wasm_bindgen(js_name = purpose, unchecked_param_type = "number")] purpose_number: JsValue,
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "Uint8Array")] public_key: JsValue,
        #[wasm_bindgen(js_name = atMs, unchecked_param_type = "Millis")] at_ms: JsValue,
    ) -> Res<Vec<u8>> {
        let key =
            PublicKey::from_sec1_with(default_backend(), purpose(&purpose_number)?, &bytes(&public_key, "publicKey")?)?;
        let at = Timestamp::from_millis(millis(&at_ms, "atMs")?);
        Ok(self.inner.rotate(key, at)?.0.to_vec())
    }

    /// Make a present, unrevoked key the primary of its purpose.
    pub fn promote(&mut self, #[wasm_bindgen(js_name = keyId, unchecked_param_type = "Uint8Array")] key_id_bytes: JsValue) -> Res<()> {
        Ok(self.inner.promote(&key_id(&key_id_bytes, "keyId")?)?)
    }

    /// Revoke a key from `atMs` on.
    pub fn revoke(
        &mut self,
        #[wasm_bindgen(js_name = keyId, unchecked_param_type = "Uint8Array")] key_id_bytes: JsValue,
        #[wasm_bindgen(js_name = atMs, unchecked_param_type = "Millis")] at_ms: JsValue,
    ) -> Res<()> {
        let id = key_id(&key_id_bytes, "keyId")?;
        Ok(self.inner.revoke(&id, Timestamp::from_millis(millis(&at_ms, "atMs")?))?)
    }

    /// Verify `signature` over `message` in `domain`, by the key `keyId`, made (as the signed
    /// object claims) at `claimedMs`.
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] domain: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] message: JsValue,
        #[wasm_bindgen(js_name = keyId, unchecked_param_type = "Uint8Array")] key_id_bytes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
        #[wasm_bindgen(js_name = claimedMs, unchecked_param_type = "Millis")] claimed_ms: JsValue,
    ) -> Res<()> {
        let domain = Domain::from_u8(small(&domain, "domain")?)?;
        let signature = Signature::from_bytes(key_id(&key_id_bytes, "keyId")?, &bytes(&signature, "signature")?)?;
        let claimed = Timestamp::from_millis(millis(&claimed_ms, "claimedMs")?);
        Ok(self.inner.verify(domain, &bytes(&message, "message")?, &signature, claimed)?)
    }
}
