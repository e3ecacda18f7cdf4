//! Translation between JavaScript values and the core's types, and of the core's errors into
//! JavaScript `Error` objects. Nothing here decides what is valid: each helper only checks that
//! a JavaScript value can be translated faithfully (a `Uint8Array`, a well-formed string, an
//! integer in range); the core then judges the translated value.

use fhirbus::{Error, ErrorCode, KeyId};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// What an exported function throws: a core error (turned into a `FhirbusError`) or an
/// exception the host itself raised (a throwing getter on a context object), passed through.
pub enum Fail {
    /// A core error, or a layer error with one of the core's codes.
    Core(Error),
    /// A JavaScript exception, rethrown as it was.
    Js(JsValue),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Self::Core(e)
    }
}

impl From<Fail> for JsValue {
    fn from(f: Fail) -> JsValue {
        match f {
            Fail::Js(v) => v,
            Fail::Core(e) => error_object(&e).into(),
        }
    }
}

/// The thrown object: an `Error` named `FhirbusError` with the stable `code`, its `codeName`
/// and the `detail` text (which never carries identifiers, pointers or keys).
fn error_object(e: &Error) -> js_sys::Error {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("FhirbusError");
    let code = e.code();
    // Setting an own data property on a fresh Error cannot fail.
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from(code.as_u32()));
    let _ = Reflect::set(&err, &JsValue::from_str("codeName"), &JsValue::from_str(code.name()));
    let _ = Reflect::set(&err, &JsValue::from_str("detail"), &JsValue::from_str(e.detail()));
    err
}

pub type Res<T> = Result<T, Fail>;

fn missing(what: &str) -> Fail {
    Fail::Core(Error::new(ErrorCode::NullArgument, format!("{what}: missing (null or undefined)")))
}

fn wrong_type(what: &str, expected: &str) -> Fail {
    Fail::Core(Error::new(ErrorCode::InvalidValue, format!("{what}: expected {expected}")))
}

/// A `Uint8Array` (or a subclass such as Node's `Buffer`), copied into linear memory.
pub fn bytes(v: &JsValue, what: &str) -> Res<Vec<u8>> {
    if v.is_undefined() || v.is_null() {
        return Err(missing(what));
    }
    match v.dyn_ref::<Uint8Array>() {
        Some(array) => Ok(array.to_vec()),
        None => Err(wrong_type(what, "a Uint8Array")),
    }
}

/// Like [`bytes`], for secrets: the copy in linear memory is zeroized when dropped.
pub fn secret(v: &JsValue, what: &str) -> Res<Zeroizing<Vec<u8>>> {
    bytes(v, what).map(Zeroizing::new)
}

/// A new `Uint8Array` copied straight from `data` (no intermediate heap copy, so secrets leave
/// nothing behind in linear memory once their own buffer is zeroized).
pub fn to_js_bytes(data: &[u8]) -> Uint8Array {
    Uint8Array::from(data)
}

/// A string without lone surrogates (which have no UTF-8 form), as UTF-8.
pub fn text(v: &JsValue, what: &str) -> Res<String> {
    if v.is_undefined() || v.is_null() {
        return Err(missing(what));
    }
    let Some(js) = v.dyn_ref::<js_sys::JsString>() else {
        return Err(wrong_type(what, "a string"));
    };
    if !js.is_well_formed() {
        return Err(Fail::Core(Error::new(ErrorCode::InvalidText, format!("{what}: a lone UTF-16 surrogate"))));
    }
    v.as_string().ok_or_else(|| wrong_type(what, "a string"))
}

/// A JavaScript number that is an integer from 0 to `max`.
fn integer(v: &JsValue, what: &str, max: f64, expected: &str) -> Res<f64> {
    if v.is_undefined() || v.is_null() {
        return Err(missing(what));
    }
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(n),
        _ => Err(wrong_type(what, expected)),
    }
}

/// `true` or `false` (no other value stands for one).
pub fn flag(v: &JsValue, what: &str) -> Res<bool> {
    if v.is_undefined() || v.is_null() {
        return Err(missing(what));
    }
    v.as_bool().ok_or_else(|| wrong_type(what, "a boolean"))
}

/// A number 0 to 255 (an enum's number: the core then says which numbers mean something).
pub fn small(v: &JsValue, what: &str) -> Res<u8> {
    let n = integer(v, what, f64::from(u8::MAX), "an integer from 0 to 255")?;
    u8::try_from(n as u32).map_err(|_| wrong_type(what, "an integer from 0 to 255"))
}

/// A number 0 to 2^32 - 1.
pub fn uint32(v: &JsValue, what: &str) -> Res<u32> {
    let n = integer(v, what, f64::from(u32::MAX), "an integer from 0 to 4294967295")?;
    Ok(n as u32)
}

/// Milliseconds since the Unix epoch: a non-negative safe integer, or a `bigint` up to 2^64 - 1.
pub fn millis(v: &JsValue, what: &str) -> Res<u64> {
    if v.is_bigint() {
        return u64::try_from(v.clone()).map_err(|_| wrong_type(what, "a bigint from 0 to 2^64 - 1"));
    }
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    let n = integer(v, what, MAX_SAFE, "a non-negative safe integer or a bigint")?;
    Ok(n as u64)
}

/// An optional enum number: `undefined` (or `null`) means "not given".
pub fn optional_small(v: &JsValue, what: &str) -> Res<Option<u8>> {
    if v.is_undefined() || v.is_null() { Ok(None) } else { small(v, what).map(Some) }
}

/// A 32-byte key id.
pub fn key_id(v: &JsValue, what: &str) -> Res<KeyId> {
    let raw = bytes(v, what)?;
    <[u8; 32]>::try_from(raw.as_slice())
        .map(KeyId)
        .map_err(|_| Fail::Core(Error::new(ErrorCode::InvalidLength, format!("{what}: 32 bytes"))))
}

/// A property of a plain object argument (a context).
pub fn field(obj: &JsValue, name: &str, what: &str) -> Res<JsValue> {
    if obj.is_undefined() || obj.is_null() {
        return Err(missing(what));
    }
    if !obj.is_object() {
        return Err(wrong_type(what, "an object"));
    }
    Reflect::get(obj, &JsValue::from_str(name)).map_err(Fail::Js)
}

/// A plain object with these properties, for results made of several byte buffers.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (name, value) in fields {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&obj, &JsValue::from_str(name), value);
    }
    obj.into()
}

/// Bytes, or `null` for "none" (`undefined` is a missing argument, not a choice).
pub fn bytes_or_null(v: &JsValue, what: &str) -> Res<Option<Vec<u8>>> {
    if v.is_null() { Ok(None) } else { bytes(v, what).map(Some) }
}

/// Copies of the objects behind an array of handles of one class (`Consent[]`,
/// `SigningKey[]`). A handle passed by value would be taken from its owner, and a borrowed one
/// cannot be had from a `JsValue` without `unsafe`; so each element's hidden `__copy()` method
/// (which only such a handle has) gives a fresh handle, which this takes. Anything else, a
/// freed handle included, is `INVALID_HANDLE`; an exception the array itself throws (a proxy)
/// passes through.
pub fn handle_copies<T: TryFromJsValue>(list: &JsValue, what: &str) -> Res<Vec<T>> {
    if list.is_undefined() || list.is_null() {
        return Err(missing(what));
    }
    if !js_sys::Array::is_array(list) {
        return Err(wrong_type(what, "an array"));
    }
    let len = Reflect::get(list, &JsValue::from_str("length")).map_err(Fail::Js)?;
    let len = len.as_f64().filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n)).unwrap_or(0.0) as u32;
    let mut out = Vec::new();
    for i in 0..len {
        let invalid = || {
            Fail::Core(Error::new(
                ErrorCode::InvalidHandle,
                format!("{what}[{i}]: the handle was freed, or is not of the expected class"),
            ))
        };
        let item = Reflect::get_u32(list, i).map_err(Fail::Js)?;
        if !item.is_object() {
            return Err(invalid());
        }
        let copy = Reflect::get(&item, &JsValue::from_str("__copy")).map_err(Fail::Js)?;
        let copy = copy.dyn_ref::<js_sys::Function>().ok_or_else(invalid)?.call0(&item).map_err(|_| invalid())?;
        out.push(T::try_from_js_value(copy).map_err(|_| invalid())?);
    }
    Ok(out)
}

/// A JSON view the core wrote (RFC 8785 bytes) as a plain JavaScript value (`JSON.parse`).
pub fn json_value(json: &[u8]) -> Res<JsValue> {
    let internal = || Fail::Core(Error::new(ErrorCode::Internal, "a JSON view that does not parse"));
    let text = core::str::from_utf8(json).map_err(|_| internal())?;
    js_sys::JSON::parse(text).map_err(|_| internal())
}
