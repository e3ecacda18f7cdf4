//! Version, result code names and texts, the last error message, and freeing buffers.

use std::ffi::{CStr, CString, c_char};
use std::sync::LazyLock;

use fhirbus::ErrorCode;

use crate::conv::{self, fhirbus_buffer};
use crate::error;

static VERSION: LazyLock<CString> = LazyLock::new(|| CString::new(fhirbus::VERSION).unwrap_or_default());

/// (number, name, text) of every code, success first: the core's names and `Display`.
static CODES: LazyLock<Vec<(u32, CString, CString)>> = LazyLock::new(|| {
    let mut all = vec![(0, c"OK".to_owned(), c"OK (0): success".to_owned())];
    for code in ErrorCode::ALL {
        let name = CString::new(code.name()).unwrap_or_default();
        let text = CString::new(code.to_string()).unwrap_or_default();
        all.push((code.as_u32(), name, text));
    }
    all
});

fn lookup(code: u32, pick: impl Fn(&(u32, CString, CString)) -> &CStr, unknown: &'static CStr) -> *const c_char {
    conv::call_or(unknown.as_ptr(), || {
        CODES.iter().find(|c| c.0 == code).map_or(unknown.as_ptr(), |c| pick(c).as_ptr())
    })
}

/// The library's version ("0.1.0"), a static NUL-terminated string. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_version() -> *const c_char {
    conv::call_or(c"".as_ptr(), || VERSION.as_ptr())
}

/// The stable name of a result code ("BAD_SIGNATURE"; "OK" for 0; "UNKNOWN" for a number
/// that is no code), the same in every language. A static string: never NULL, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_error_name(code: u32) -> *const c_char {
    lookup(code, |c| &c.1, c"UNKNOWN")
}

/// A readable text for a result code ("BAD_SIGNATURE (203)"), a static string: never NULL,
/// never freed.
#[unsafe(no_mangle)]
pub extern "C" fn fhirbus_error_text(code: u32) -> *const c_char {
    lookup(code, |c| &c.2, c"UNKNOWN: not a fhirbus result code")
}

/// The message of the last failed call on the calling thread ("BAD_SIGNATURE (203): ..."),
/// empty when no call failed on this thread yet. Successful calls leave it unchanged. It never
/// carries a national identifier, a pointer in clear or key material.
///
/// Copies the message into `buf` as a NUL-terminated UTF-8 string, cut at a character
/// boundary if `buf_len` is too small, and returns the full message length in bytes (without
/// the NUL), like `snprintf`: call with `buf` NULL and `buf_len` 0 to learn the size.
/// Writes nothing when `buf` is NULL or `buf_len` is 0.
///
/// # Safety
/// A non-NULL `buf` points to `buf_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_last_error_message(buf: *mut c_char, buf_len: usize) -> usize {
    conv::call_or(0, || {
        error::with_last_error(|msg| {
            if !buf.is_null() && buf_len > 0 {
                let mut n = msg.len().min(buf_len - 1);
                while !msg.is_char_boundary(n) {
                    n -= 1;
                }
                let mut copy = msg.as_bytes().get(..n).unwrap_or_default().to_vec();
                copy.push(0);
                // SAFETY: `buf` is non-NULL and, per the contract, has `buf_len` writable
                // bytes; copy.len() = n + 1 <= buf_len.
                let out = unsafe { conv::out_bytes(buf.cast::<u8>(), buf_len, copy.len(), "buf") };
                if let Ok(out) = out {
                    out.write(&copy);
                }
            }
            msg.len()
        })
    })
}

/// Free a buffer the library returned: its bytes are zeroized, then released, and the struct
/// is reset to `{NULL, 0}` (so freeing the same struct twice is harmless). NULL, and a buffer
/// whose `data` is NULL, are accepted and do nothing.
///
/// # Safety
/// A non-NULL `buf` points to a `fhirbus_buffer` that is `{NULL, 0}` or was filled in by this
/// library and not modified since. Freeing a copy of a buffer struct that was already freed
/// through another copy is undefined behaviour.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fhirbus_buffer_free(buf: *mut fhirbus_buffer) {
    conv::call_or((), || {
        if buf.is_null() {
            return;
        }
        // SAFETY: non-NULL, and per the contract a valid, library-filled buffer struct.
        unsafe { (*buf).release() }
    })
}
