//! The one error of the bindings: the core's [`fhirbus::Error`], its code as a number and a name.

use core::fmt;

/// A failure of a fhirbus call. Kotlin sees it as `FhirbusException.Failed`, Swift as
/// `FhirbusError.Failed`, Python as `FhirbusError.Failed`.
///
/// `code` is the core's stable `ErrorCode` number (the same numbers as the C ABI's result
/// codes), `name` its stable upper-snake-case name (`BAD_SIGNATURE`), `detail` a short text
/// that never carries an identifier, a pointer in clear or key material.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum FhirbusError {
    /// The only variant: every failure, told apart by its code.
    Failed {
        /// The stable number (`ErrorCode::as_u32`).
        code: u32,
        /// The stable name (`ErrorCode::name`).
        name: String,
        /// The core's detail text (safe to log).
        detail: String,
    },
}

impl From<fhirbus::Error> for FhirbusError {
    fn from(e: fhirbus::Error) -> Self {
        let code = e.code();
        Self::Failed {
            code: code.as_u32(),
            name: code.name().to_owned(),
            detail: e.detail().to_owned(),
        }
    }
}

impl From<fhirbus::ErrorCode> for FhirbusError {
    fn from(code: fhirbus::ErrorCode) -> Self {
        fhirbus::Error::from(code).into()
    }
}

impl fmt::Display for FhirbusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self::Failed { code, name, detail } = self;
        if detail.is_empty() {
            write!(f, "{name} ({code})")
        } else {
            write!(f, "{name} ({code}): {detail}")
        }
    }
}

impl std::error::Error for FhirbusError {}

/// The result of every fallible call of the bindings.
pub(crate) type Result<T, E = FhirbusError> = core::result::Result<T, E>;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]
mod tests {
    use super::*;
    use fhirbus::ErrorCode;

    #[test]
    fn carries_the_core_code_name_and_detail() {
        let e = FhirbusError::from(fhirbus::Error::new(ErrorCode::BadSignature, "record entry"));
        assert_eq!(
            e,
            FhirbusError::Failed {
                code: 203,
                name: "BAD_SIGNATURE".into(),
                detail: "record entry".into()
            }
        );
        assert_eq!(e.to_string(), "BAD_SIGNATURE (203): record entry");
        assert_eq!(
            FhirbusError::from(ErrorCode::Internal).to_string(),
            "INTERNAL (999)"
        );
    }

    #[test]
    fn every_code_passes_through_unchanged() {
        for code in ErrorCode::ALL {
            let FhirbusError::Failed { code: n, name, .. } = FhirbusError::from(*code);
            assert_eq!((n, name.as_str()), (code.as_u32(), code.name()));
        }
    }
}
