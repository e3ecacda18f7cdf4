//! Version and the table of error codes.

use fhirbus::ErrorCode;

/// The library's version (`fhirbus::VERSION`).
#[uniffi::export]
pub fn version() -> String {
    fhirbus::VERSION.to_owned()
}

/// The stable name of an error code (`203` gives `"BAD_SIGNATURE"`), or null when no code
/// has this number.
#[uniffi::export]
pub fn error_code_name(code: u32) -> Option<String> {
    ErrorCode::from_u32(code).map(|c| c.name().to_owned())
}

/// The text of an error code (`"BAD_SIGNATURE (203)"`), or null when no code has this number.
#[uniffi::export]
pub fn error_code_description(code: u32) -> Option<String> {
    ErrorCode::from_u32(code).map(|c| c.to_string())
}

/// Every error code number, in increasing order.
#[uniffi::export]
pub fn error_codes() -> Vec<u32> {
    ErrorCode::ALL.iter().map(|c| c.as_u32()).collect()
}
