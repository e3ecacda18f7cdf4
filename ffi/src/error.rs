//! Result codes and the per-thread last error message.
//!
//! The numbers are the core's [`ErrorCode`](fhirbus::ErrorCode) numbers, unchanged, with 0
//! for success: a result is the core code's own number (`ErrorCode::as_u32`), passed through,
//! so a code is never lost in translation. The `fhirbus_code` table below mirrors `ErrorCode`
//! only so that the header can name each number; the tests check that it matches the core
//! exactly in both directions (number and name), so it cannot drift.

use std::cell::RefCell;

use fhirbus::Error;

/// The result of every fallible call: `FHIRBUS_OK` (0), or the core's stable error number (one
/// of the `fhirbus_code` values). Use `fhirbus_error_name` and `fhirbus_error_text` for its
/// name and text, and `fhirbus_last_error_message` for the detail of the last failure on this
/// thread.
pub type fhirbus_result = u32;

/// The result codes: 0 for success, then the core's stable error numbers, which never change
/// meaning (new codes may be added: treat an unknown nonzero number as a failure).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum fhirbus_code {
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
}

use fhirbus_code::*;

impl fhirbus_code {
    /// Every code, success first, then in the core's order.
    pub const ALL: &'static [fhirbus_code] = &[
        FHIRBUS_OK,
        FHIRBUS_MALFORMED_JSON,
        FHIRBUS_DUPLICATE_KEY,
        FHIRBUS_INVALID_TEXT,
        FHIRBUS_TOO_LARGE,
        FHIRBUS_TOO_DEEP,
        FHIRBUS_INVALID_NUMBER,
        FHIRBUS_UNKNOWN_FIELD,
        FHIRBUS_UNSUPPORTED_VERSION,
        FHIRBUS_INVALID_ENCODING,
        FHIRBUS_INVALID_LENGTH,
        FHIRBUS_MISSING_FIELD,
        FHIRBUS_INVALID_VALUE,
        FHIRBUS_INVALID_PUBLIC_KEY,
        FHIRBUS_INVALID_SECRET_KEY,
        FHIRBUS_INVALID_SIGNATURE_ENCODING,
        FHIRBUS_BAD_SIGNATURE,
        FHIRBUS_HIGH_S_SIGNATURE,
        FHIRBUS_DECRYPTION_FAILED,
        FHIRBUS_RANDOMNESS_UNAVAILABLE,
        FHIRBUS_KEY_ID_MISMATCH,
        FHIRBUS_BACKEND_UNAVAILABLE,
        FHIRBUS_DIGEST_MISMATCH,
        FHIRBUS_UNKNOWN_KEY,
        FHIRBUS_KEY_REVOKED,
        FHIRBUS_KEY_NOT_YET_VALID,
        FHIRBUS_DUPLICATE_KEY_ID,
        FHIRBUS_WRONG_KEY_PURPOSE,
        FHIRBUS_NO_PRIMARY_KEY,
        FHIRBUS_CONSENT_UNSUPPORTED_ELEMENT,
        FHIRBUS_CONSENT_INVALID,
        FHIRBUS_CONSENT_ALREADY_REVOKED,
        FHIRBUS_ACCESS_DENIED,
        FHIRBUS_NOT_ON_LEDGER,
        FHIRBUS_NO_DATA_KEY_SHARE,
        FHIRBUS_NULL_ARGUMENT,
        FHIRBUS_INVALID_HANDLE,
        FHIRBUS_BUFFER_TOO_SMALL,
        FHIRBUS_INTERNAL,
    ];

    /// The code's number.
    pub const fn result(self) -> fhirbus_result {
        self as u32
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Record `err` as this thread's last error and return its number. The text is the core's
/// `Display` (code name, number and a detail that by the core's contract carries no secret).
pub(crate) fn fail(err: &Error) -> fhirbus_result {
    set_last_error(err.to_string());
    err.code().as_u32()
}

pub(crate) fn set_last_error(text: String) {
    // A thread being torn down has no slot any more: then there is nothing to record.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = text;
        }
    });
}

/// Run `f` with this thread's last error text (empty when none).
pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    match LAST_ERROR.try_with(|slot| slot.try_borrow().map(|s| s.clone()).unwrap_or_default()) {
        Ok(text) => f(&text),
        Err(_) => f(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fhirbus::ErrorCode;

    #[test]
    fn table_matches_the_core_exactly() {
        // Every core code has a constant of the same number, named FHIRBUS_<NAME>.
        for code in ErrorCode::ALL {
            let c = fhirbus_code::ALL.iter().find(|c| c.result() == code.as_u32());
            assert_eq!(c.map(|c| format!("{c:?}")), Some(format!("FHIRBUS_{}", code.name())), "{code}");
        }
        // And every constant but OK is a core code.
        assert_eq!(fhirbus_code::ALL.len(), ErrorCode::ALL.len() + 1);
        for c in fhirbus_code::ALL.iter().skip(1) {
            assert!(ErrorCode::from_u32(c.result()).is_some(), "{c:?} is not a core code");
        }
        assert_eq!(fhirbus_code::ALL.first(), Some(&FHIRBUS_OK));
    }

    #[test]
    fn last_error_is_per_thread() {
        fail(&Error::new(ErrorCode::BadSignature, "here"));
        with_last_error(|t| assert_eq!(t, "BAD_SIGNATURE (203): here"));
        std::thread::spawn(|| with_last_error(|t| assert_eq!(t, ""))).join().unwrap();
    }
}
