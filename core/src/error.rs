//! The one error type of fhirbus, with a stable numeric code for every kind of failure.
//!
//! Codes never change meaning once released; the C, WASM and uniffi layers pass them through
//! unchanged. The detail text is built only from static text, positions, lengths and element
//! names: never from a national identifier, a pointer in clear, or key material.

use core::fmt;

/// A stable error code. The number is the contract; the name is for humans.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum ErrorCode {
    // 1xx: input that is not well formed.
    /// The bytes are not valid JSON (or not the JSON this call expects).
    MalformedJson = 100,
    /// An object has the same key twice.
    DuplicateKey = 101,
    /// A string is not valid UTF-8, or an escape encodes a lone surrogate.
    InvalidText = 102,
    /// The input is larger than the limit for its kind.
    TooLarge = 103,
    /// The input nests deeper than the limit.
    TooDeep = 104,
    /// A number cannot be represented (for example outside the IEEE 754 double range in JCS).
    InvalidNumber = 105,
    /// A field that this version of the format does not define.
    UnknownField = 106,
    /// A format version this library does not read.
    UnsupportedVersion = 107,
    /// Bytes in a text encoding (base64url, hex) that do not decode.
    InvalidEncoding = 108,
    /// A value of the wrong length (a key, a digest, a nonce).
    InvalidLength = 109,
    /// A required field is absent.
    MissingField = 110,
    /// A value that breaks the rules of its field (an identifier, a resource type, a range).
    InvalidValue = 111,

    // 2xx: cryptography.
    /// A public key that is not a valid point of the expected curve and encoding.
    InvalidPublicKey = 200,
    /// A secret key that is not a valid scalar.
    InvalidSecretKey = 201,
    /// A signature that is not a well-formed encoding (wrong length, bad DER, zero r or s).
    InvalidSignatureEncoding = 202,
    /// A signature that does not verify.
    BadSignature = 203,
    /// A signature with a high S value: refused, see `signature` module docs.
    HighSSignature = 204,
    /// Authenticated decryption failed: wrong key, wrong context, or tampered bytes.
    DecryptionFailed = 205,
    /// The randomness source failed.
    RandomnessUnavailable = 206,
    /// A signature names a key id that does not belong to the key used to check it.
    KeyIdMismatch = 207,
    /// The requested crypto backend is not compiled into this build.
    BackendUnavailable = 208,
    /// A digest does not match the content it should describe.
    DigestMismatch = 209,

    // 3xx: keys and key sets.
    /// No key with this id in the key set.
    UnknownKey = 300,
    /// The key was revoked before the time the signature claims.
    KeyRevoked = 301,
    /// The signature claims a time before the key was added.
    KeyNotYetValid = 302,
    /// A key with this id is already in the key set.
    DuplicateKeyId = 303,
    /// The key exists but serves another purpose (signing versus encryption).
    WrongKeyPurpose = 304,
    /// The key set has no primary key of the needed purpose.
    NoPrimaryKey = 305,

    // 4xx: consent. (Reserved for the consent module.)
    /// A FHIR Consent element that the consent model cannot represent.
    ConsentUnsupportedElement = 400,
    /// A FHIR Consent that breaks the rules of FHIR or of the consent model.
    ConsentInvalid = 401,
    /// A consent that is already revoked cannot be revoked again.
    ConsentAlreadyRevoked = 402,

    // 5xx: the ledger and the access flow.
    /// The consent engine (or the custodian's check of a request) refused access.
    AccessDenied = 500,
    /// A transaction or request that the ledger does not hold (not committed, or expired).
    NotOnLedger = 501,
    /// No data key was shared with this party for the entry's epoch.
    NoDataKeyShare = 502,

    // 9xx: the binding layers (they share this table so every language sees one set of codes).
    /// A required pointer argument was NULL.
    NullArgument = 900,
    /// A handle that is not live (already freed, or of another type).
    InvalidHandle = 901,
    /// An output buffer is too small.
    BufferTooSmall = 902,
    /// A bug inside the library (a caught panic). Please report it.
    Internal = 999,
}

impl ErrorCode {
    /// Every code, in numeric order (for the binding layers' tables and tests).
    pub const ALL: &'static [ErrorCode] = &[
        Self::MalformedJson,
        Self::DuplicateKey,
        Self::InvalidText,
        Self::TooLarge,
        Self::TooDeep,
        Self::InvalidNumber,
        Self::UnknownField,
        Self::UnsupportedVersion,
        Self::InvalidEncoding,
        Self::InvalidLength,
        Self::MissingField,
        Self::InvalidValue,
        Self::InvalidPublicKey,
        Self::InvalidSecretKey,
        Self::InvalidSignatureEncoding,
        Self::BadSignature,
        Self::HighSSignature,
        Self::DecryptionFailed,
        Self::RandomnessUnavailable,
        Self::KeyIdMismatch,
        Self::BackendUnavailable,
        Self::DigestMismatch,
        Self::UnknownKey,
        Self::KeyRevoked,
        Self::KeyNotYetValid,
        Self::DuplicateKeyId,
        Self::WrongKeyPurpose,
        Self::NoPrimaryKey,
        Self::ConsentUnsupportedElement,
        Self::ConsentInvalid,
        Self::ConsentAlreadyRevoked,
        Self::AccessDenied,
        Self::NotOnLedger,
        Self::NoDataKeyShare,
        Self::NullArgument,
        Self::InvalidHandle,
        Self::BufferTooSmall,
        Self::Internal,
    ];

    /// The stable number.
    pub const fn as_u32(self) -> u32 {
        self as u32
    }

    /// The code with this number, if there is one.
    pub fn from_u32(n: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_u32() == n)
    }

    /// A stable, upper-snake-case name (`"BAD_SIGNATURE"`), the same in every language.
    pub const fn name(self) -> &'static str {
        match self {
            Self::MalformedJson => "MALFORMED_JSON",
            Self::DuplicateKey => "DUPLICATE_KEY",
            Self::InvalidText => "INVALID_TEXT",
            Self::TooLarge => "TOO_LARGE",
            Self::TooDeep => "TOO_DEEP",
            Self::InvalidNumber => "INVALID_NUMBER",
            Self::UnknownField => "UNKNOWN_FIELD",
            Self::UnsupportedVersion => "UNSUPPORTED_VERSION",
            Self::InvalidEncoding => "INVALID_ENCODING",
            Self::InvalidLength => "INVALID_LENGTH",
            Self::MissingField => "MISSING_FIELD",
            Self::InvalidValue => "INVALID_VALUE",
            Self::InvalidPublicKey => "INVALID_PUBLIC_KEY",
            Self::InvalidSecretKey => "INVALID_SECRET_KEY",
            Self::InvalidSignatureEncoding => "INVALID_SIGNATURE_ENCODING",
            Self::BadSignature => "BAD_SIGNATURE",
            Self::HighSSignature => "HIGH_S_SIGNATURE",
            Self::DecryptionFailed => "DECRYPTION_FAILED",
            Self::RandomnessUnavailable => "RANDOMNESS_UNAVAILABLE",
            Self::KeyIdMismatch => "KEY_ID_MISMATCH",
            Self::BackendUnavailable => "BACKEND_UNAVAILABLE",
            Self::DigestMismatch => "DIGEST_MISMATCH",
            Self::UnknownKey => "UNKNOWN_KEY",
            Self::KeyRevoked => "KEY_REVOKED",
            Self::KeyNotYetValid => "KEY_NOT_YET_VALID",
            Self::DuplicateKeyId => "DUPLICATE_KEY_ID",
            Self::WrongKeyPurpose => "WRONG_KEY_PURPOSE",
            Self::NoPrimaryKey => "NO_PRIMARY_KEY",
            Self::ConsentUnsupportedElement => "CONSENT_UNSUPPORTED_ELEMENT",
            Self::ConsentInvalid => "CONSENT_INVALID",
            Self::ConsentAlreadyRevoked => "CONSENT_ALREADY_REVOKED",
            Self::AccessDenied => "ACCESS_DENIED",
            Self::NotOnLedger => "NOT_ON_LEDGER",
            Self::NoDataKeyShare => "NO_DATA_KEY_SHARE",
            Self::NullArgument => "NULL_ARGUMENT",
            Self::InvalidHandle => "INVALID_HANDLE",
            Self::BufferTooSmall => "BUFFER_TOO_SMALL",
            Self::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.as_u32())
    }
}

/// A failure: a stable [`ErrorCode`] and a short detail that carries no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    detail: String,
}

impl Error {
    /// An error of this code with this detail. The detail must never contain identifiers,
    /// pointers or key material: build it from static text, positions and element names.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into() }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The detail text, safe to log.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Self {
        Self { code, detail: String::new() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{}: {}", self.code, self.detail)
        }
    }
}

impl std::error::Error for Error {}

/// The result type of every fallible fhirbus call.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_round_trip() {
        let mut last = 0;
        for code in ErrorCode::ALL {
            assert!(code.as_u32() > last, "{code} out of order");
            last = code.as_u32();
            assert_eq!(ErrorCode::from_u32(code.as_u32()), Some(*code));
        }
        assert_eq!(ErrorCode::from_u32(7), None);
    }

    #[test]
    fn display_has_name_number_and_detail() {
        let e = Error::new(ErrorCode::BadSignature, "record entry");
        assert_eq!(e.to_string(), "BAD_SIGNATURE (203): record entry");
    }
}
