//! The translation helpers every entry point uses, so that each entry point stays a few lines:
//! the panic boundary, input slices and strings, out-parameters, returned buffers, handles, and
//! integer arguments. The `unsafe` of argument conversion is here, each use stating the
//! header's contract it relies on.

use std::any::Any;
use std::collections::BTreeMap;
use std::ffi::{CStr, c_char};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, PoisonError, RwLock};

use fhirbus::backend::{self, Backend, BackendId};
use fhirbus::{Error, ErrorCode, KeyId};
use zeroize::Zeroize;

use crate::error::{self, fhirbus_code, fhirbus_result};

/// The result type of an entry point's body.
pub(crate) type Res<T = ()> = Result<T, Error>;

// ---------------------------------------------------------------------------------------------
// The panic boundary.

const PANIC_TEXT: &str = "INTERNAL (999): a panic was caught at the C boundary (a bug: please report it)";

/// Run an entry point's body behind the panic boundary: `FHIRBUS_OK`, the error's code (with
/// the thread's last error message set), or `FHIRBUS_INTERNAL` for a caught panic.
pub(crate) fn call(body: impl FnOnce() -> Res) -> fhirbus_result {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => fhirbus_code::FHIRBUS_OK.result(),
        Ok(Err(e)) => error::fail(&e),
        Err(_) => {
            error::set_last_error(PANIC_TEXT.to_owned());
            fhirbus_code::FHIRBUS_INTERNAL.result()
        }
    }
}

/// The panic boundary for entry points that return a value rather than a result code (the
/// free functions, the static-string functions): `fallback` when the body panics.
pub(crate) fn call_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(_) => {
            error::set_last_error(PANIC_TEXT.to_owned());
            fallback
        }
    }
}

fn null(name: &'static str) -> Error {
    Error::new(ErrorCode::NullArgument, format!("argument `{name}` is NULL"))
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/// An input byte buffer. NULL with length 0 is the empty buffer; NULL with another length is
/// refused.
///
/// # Safety
/// A non-NULL `ptr` points to `len` readable bytes that stay valid and unmodified for `'a`
/// (the header's contract for every input buffer: the duration of the call).
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &'static str) -> Res<&'a [u8]> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(name)) };
    }
    if isize::try_from(len).is_err() {
        return Err(Error::new(ErrorCode::TooLarge, format!("argument `{name}`: length above PTRDIFF_MAX")));
    }
    // SAFETY: non-NULL, length within isize::MAX (checked above), and the caller's contract
    // says `ptr` points to `len` readable bytes valid for `'a`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An input text: a NUL-terminated UTF-8 string. NULL is refused; invalid UTF-8 is
/// `FHIRBUS_INVALID_TEXT`.
///
/// # Safety
/// A non-NULL `ptr` points to a NUL-terminated string valid and unmodified for `'a`.
pub(crate) unsafe fn text<'a>(ptr: *const c_char, name: &'static str) -> Res<&'a str> {
    if ptr.is_null() {
        return Err(null(name));
    }
    // SAFETY: non-NULL, and the caller's contract says it is NUL-terminated and valid for 'a.
    let cstr = unsafe { CStr::from_ptr(ptr) };
    cstr.to_str().map_err(|_| Error::new(ErrorCode::InvalidText, format!("argument `{name}` is not UTF-8")))
}

/// A 32-byte key id from a buffer.
///
/// The core has no `KeyId::from_slice` yet (it has `Digest::from_slice` and
/// `Pseudonym::from_slice`); until it does, this converts the length-checked slice.
pub(crate) fn key_id(bytes: &[u8]) -> Res<KeyId> {
    <[u8; 32]>::try_from(bytes).map(KeyId).map_err(|_| Error::new(ErrorCode::InvalidLength, "key id: 32 bytes"))
}

/// A small enumeration number (domain, variant, backend) as the core's `u8`; numbers that do
/// not fit are refused here, the rest by the core's own `from_u8`.
pub(crate) fn small(n: u32, what: &'static str) -> Res<u8> {
    u8::try_from(n).map_err(|_| Error::new(ErrorCode::InvalidValue, format!("{what}: out of range")))
}

/// A flag passed as an integer (0 false, 1 true; anything else `FHIRBUS_INVALID_VALUE`). Flags
/// are `uint32_t` rather than C `bool`: JNA and P/Invoke marshal a boolean as a 4-byte int by
/// default, and a `bool` other than 0 or 1 would be undefined behaviour in Rust.
pub(crate) fn flag(n: u32, what: &'static str) -> Res<bool> {
    match n {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Error::new(ErrorCode::InvalidValue, format!("{what}: 0 or 1"))),
    }
}

/// The backend numbered `n` (`BackendId::from_u8`), or the core's default backend for 0.
pub(crate) fn backend(n: u32) -> Res<&'static dyn Backend> {
    if n == 0 {
        return Ok(backend::default_backend());
    }
    backend::backend(BackendId::from_u8(small(n, "backend")?)?)
}

// ---------------------------------------------------------------------------------------------
// Outputs. Each is checked before the core is called and written after it succeeded, so that
// out-parameters are written only on success.

/// A checked out-parameter of type `T` (a handle, a buffer, a number).
pub(crate) struct Out<T>(*mut T);

/// Check an out-parameter.
///
/// # Safety
/// A non-NULL `ptr` points to a writable, aligned `T` that stays valid for the call.
pub(crate) unsafe fn out<T>(ptr: *mut T, name: &'static str) -> Res<Out<T>> {
    if ptr.is_null() { Err(null(name)) } else { Ok(Out(ptr)) }
}

impl<T> Out<T> {
    /// Store the value (the previous content is not read or dropped: it is plain C data).
    pub(crate) fn write(self, value: T) {
        // SAFETY: checked non-NULL by `out`, whose caller guaranteed it writable and aligned.
        unsafe { self.0.write(value) }
    }
}

impl Out<fhirbus_buffer> {
    /// Store bytes as a library buffer.
    pub(crate) fn write_bytes(self, data: Vec<u8>) {
        self.write(fhirbus_buffer::from_vec(data));
    }
}

/// A checked caller-allocated output buffer for a fixed-size value.
pub(crate) struct OutBytes {
    ptr: *mut u8,
    len: usize,
}

/// Check a caller-allocated output of at least `need` bytes.
///
/// # Safety
/// A non-NULL `ptr` points to `len` writable bytes valid for the call.
pub(crate) unsafe fn out_bytes(ptr: *mut u8, len: usize, need: usize, name: &'static str) -> Res<OutBytes> {
    if ptr.is_null() {
        return Err(null(name));
    }
    if len < need {
        return Err(Error::new(ErrorCode::BufferTooSmall, format!("argument `{name}`: {need} bytes needed")));
    }
    Ok(OutBytes { ptr, len })
}

impl OutBytes {
    /// Copy `value` to the start of the buffer.
    pub(crate) fn write(self, value: &[u8]) {
        let n = value.len().min(self.len);
        // SAFETY: `out_bytes` checked the pointer non-NULL with `len` writable bytes, and
        // n <= len; `value` is the library's own memory, so the two do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(value.as_ptr(), self.ptr, n) }
    }
}

// ---------------------------------------------------------------------------------------------
// Buffers the library returns.

/// A byte buffer the library allocated and the caller owns: `len` bytes at `data`, followed by
/// one NUL byte that `len` does not count (so a buffer holding text is also a C string). Free
/// it with `fhirbus_buffer_free`, exactly once.
#[repr(C)]
#[derive(Debug)]
pub struct fhirbus_buffer {
    /// The bytes; never NULL in a buffer the library returned.
    pub data: *mut u8,
    /// The number of bytes, without the trailing NUL.
    pub len: usize,
}

impl fhirbus_buffer {
    fn from_vec(mut data: Vec<u8>) -> Self {
        data.push(0);
        let boxed = data.into_boxed_slice();
        let len = boxed.len().saturating_sub(1);
        let data = Box::into_raw(boxed).cast::<u8>();
        Self { data, len }
    }

    /// Zeroize and release the allocation, and reset the struct to `{NULL, 0}`.
    ///
    /// # Safety
    /// `data` is NULL or was returned by this library in a buffer of this `len` and not freed.
    pub(crate) unsafe fn release(&mut self) {
        if self.data.is_null() {
            return;
        }
        let total = self.len.saturating_add(1);
        // SAFETY: per the contract, `data` came from `from_vec` with `len + 1` bytes: a
        // Box<[u8]> of that length, not yet freed. Rebuilding the box gives it back.
        let mut boxed = unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.data, total)) };
        boxed.zeroize();
        drop(boxed);
        self.data = std::ptr::null_mut();
        self.len = 0;
    }
}

// ---------------------------------------------------------------------------------------------
// Handles.
//
// A handle is the address of a reference-counted object that the library keeps in a registry
// of live handles, with its type. Every use looks the address up first: a freed handle, a
// handle of another type, or any other pointer is not found and answers FHIRBUS_INVALID_HANDLE
// without the library ever reading through it. So double frees and uses after free are
// detected reliably, and are even harmless under ASan and valgrind, until the allocator reuses
// the address for a new handle of the same type (then the stale pointer names the new object:
// detection is best effort). A call in flight holds its own reference, so freeing a handle on
// one thread while another thread uses it is memory-safe: the object lives until that call
// returns.

type Live = Arc<dyn Any + Send + Sync>;

// A B-tree rather than a hash map: its nodes are reached by pointers to their start, so valgrind
// sees the registry as reachable (a hash table is pointed at its middle: "possibly lost").
static LIVE: RwLock<BTreeMap<usize, Live>> = RwLock::new(BTreeMap::new());

/// Register `value` and return its handle.
pub(crate) fn handle_new<T: Any + Send + Sync>(value: T) -> *mut T {
    let obj = Arc::new(value);
    let ptr = Arc::as_ptr(&obj).cast_mut();
    LIVE.write().unwrap_or_else(PoisonError::into_inner).insert(ptr.addr(), obj);
    ptr
}

/// The live object behind a handle of type `T`.
pub(crate) fn handle<T: Any + Send + Sync>(ptr: *const T, name: &'static str) -> Res<Arc<T>> {
    if ptr.is_null() {
        return Err(null(name));
    }
    let live = LIVE.read().unwrap_or_else(PoisonError::into_inner).get(&ptr.addr()).cloned();
    live.and_then(|obj| obj.downcast::<T>().ok())
        .ok_or_else(|| Error::new(ErrorCode::InvalidHandle, format!("argument `{name}` is not a live handle of its type")))
}

/// An input list of handles of type `T` (`const T *const *items, size_t count`): the live object
/// behind each, in order. NULL with count 0 is the empty list; NULL with another count, or a
/// NULL item, is `FHIRBUS_NULL_ARGUMENT`; an item that is not a live handle of type `T` is
/// `FHIRBUS_INVALID_HANDLE`.
///
/// # Safety
/// A non-NULL `items` points to `count` readable pointers, valid for the call (the header's
/// contract for input buffers); the pointers themselves are never read through.
pub(crate) unsafe fn handles<T: Any + Send + Sync>(items: *const *const T, count: usize, name: &'static str) -> Res<Vec<Arc<T>>> {
    if items.is_null() {
        return if count == 0 { Ok(Vec::new()) } else { Err(null(name)) };
    }
    if count.checked_mul(size_of::<*const T>()).is_none_or(|n| isize::try_from(n).is_err()) {
        return Err(Error::new(ErrorCode::TooLarge, format!("argument `{name}`: count above PTRDIFF_MAX bytes")));
    }
    // SAFETY: non-NULL, `count` pointers within isize::MAX bytes (checked above), readable for
    // the call per the caller's contract. Only the addresses are used (looked up below).
    let items = unsafe { std::slice::from_raw_parts(items, count) };
    items.iter().map(|&item| handle(item, name)).collect()
}

/// Unregister a handle of type `T` (NULL, a dead handle or one of another type: nothing
/// happens). The object is dropped once no call in flight holds it.
pub(crate) fn handle_free<T: Any + Send + Sync>(ptr: *mut T) {
    if ptr.is_null() {
        return;
    }
    let removed = {
        let mut live = LIVE.write().unwrap_or_else(PoisonError::into_inner);
        match live.get(&ptr.addr()) {
            Some(obj) if (**obj).is::<T>() => live.remove(&ptr.addr()),
            _ => None,
        }
    };
    // Dropped here, outside the lock: a key's destructor zeroizes it.
    drop(removed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal() {
        assert_eq!(call(|| panic!("boom")), fhirbus_code::FHIRBUS_INTERNAL.result());
        error::with_last_error(|t| assert!(t.starts_with("INTERNAL (999)")));
        assert_eq!(call_or(7, || panic!("boom")), 7);
    }

    #[test]
    fn handles_detect_double_free_and_type_confusion() {
        let a = handle_new(5u32);
        let b = handle_new(String::from("x"));
        assert_eq!(*handle(a, "a").unwrap(), 5);
        assert_eq!(handle(b.cast::<u32>(), "b").unwrap_err().code(), ErrorCode::InvalidHandle);
        handle_free(b.cast::<u32>()); // wrong type: not freed
        assert_eq!(handle(b, "b").unwrap().as_str(), "x");
        let held = handle(a, "a").unwrap();
        handle_free(a);
        handle_free(a);
        assert_eq!(handle(a, "a").unwrap_err().code(), ErrorCode::InvalidHandle);
        assert_eq!(*held, 5); // a call in flight keeps its object
        handle_free(b);
        assert_eq!(handle(std::ptr::null::<u32>(), "n").unwrap_err().code(), ErrorCode::NullArgument);
    }

    #[test]
    fn handle_lists_check_every_item() {
        let a = handle_new(1u32);
        let b = handle_new(2u32);
        let s = handle_new(String::from("x"));
        let list = [a.cast_const(), b.cast_const()];
        // SAFETY: `list` holds `list.len()` pointers; NULL lists are never read.
        unsafe {
            let got = handles(list.as_ptr(), 2, "l").unwrap();
            assert_eq!(got.iter().map(|x| **x).collect::<Vec<_>>(), [1, 2]);
            assert!(handles::<u32>(std::ptr::null(), 0, "l").unwrap().is_empty());
            assert_eq!(handles::<u32>(std::ptr::null(), 1, "l").unwrap_err().code(), ErrorCode::NullArgument);
            assert_eq!(handles(list.as_ptr(), usize::MAX, "l").unwrap_err().code(), ErrorCode::TooLarge);
            let with_null = [a.cast_const(), std::ptr::null()];
            assert_eq!(handles(with_null.as_ptr(), 2, "l").unwrap_err().code(), ErrorCode::NullArgument);
            let with_other = [a.cast_const(), s.cast_const().cast::<u32>()];
            assert_eq!(handles(with_other.as_ptr(), 2, "l").unwrap_err().code(), ErrorCode::InvalidHandle);
            handle_free(b);
            assert_eq!(handles(list.as_ptr(), 2, "l").unwrap_err().code(), ErrorCode::InvalidHandle);
        }
        handle_free(a);
        handle_free(s);
    }

    #[test]
    fn buffers_round_trip_and_reset() {
        let mut b = fhirbus_buffer::from_vec(b"abc".to_vec());
        assert_eq!(b.len, 3);
        // SAFETY: the buffer was just made with 4 bytes.
        assert_eq!(unsafe { std::slice::from_raw_parts(b.data, 4) }, b"abc\0");
        // SAFETY: a live library buffer; releasing twice is a no-op the second time.
        unsafe {
            b.release();
            b.release();
        }
        assert!(b.data.is_null());
    }

    #[test]
    fn inputs_accept_null_empty_only() {
        // SAFETY: NULL pointers are never read.
        unsafe {
            assert_eq!(bytes(std::ptr::null(), 0, "x").unwrap(), b"");
            assert_eq!(bytes(std::ptr::null(), 1, "x").unwrap_err().code(), ErrorCode::NullArgument);
            assert_eq!(text(std::ptr::null(), "x").unwrap_err().code(), ErrorCode::NullArgument);
            assert_eq!(text(c"\xff".as_ptr(), "x").unwrap_err().code(), ErrorCode::InvalidText);
        }
        assert_eq!(small(256, "x").unwrap_err().code(), ErrorCode::InvalidValue);
        assert_eq!((flag(0, "f").unwrap(), flag(1, "f").unwrap()), (false, true));
        assert_eq!(flag(2, "f").unwrap_err().code(), ErrorCode::InvalidValue);
        assert_eq!(backend(9).err().map(|e| e.code()), Some(ErrorCode::InvalidValue));
        assert!(backend(0).is_ok());
    }
}
