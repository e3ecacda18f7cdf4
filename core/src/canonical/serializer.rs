//! RFC 8785 bytes straight from serde's data model, for the library's own signed objects:
//! no intermediate `serde_json::Value` tree (whose allocations cost more than the signature
//! check's hashing on the ledger's hot path). The output is byte for byte what serde_json's
//! `Value` followed by the canonical writer gives, and a test holds it to that.
//!
//! Objects gather their members in a scratch buffer and are written in UTF-16 key order.
//! Integers of 2^53 and above are refused (see [`super::MAX_EXACT_INTEGER`]), and so are
//! non-finite numbers and duplicate keys.

use std::borrow::Cow;
use std::fmt::Display;

use serde::ser::{self, Serialize};

use super::value::cmp_utf16;
use super::write::{Numbers, write_number, write_string};
use crate::error::{Error, ErrorCode, Result};

/// Append the canonical bytes of `value` to `out`.
pub(crate) fn write_jcs<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<()> {
    value.serialize(Jcs { out }).map_err(|e| e.0)
}

/// serde's error trait over the library's error.
#[derive(Debug)]
pub(crate) struct SerError(Error);

impl Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    // A type's own serialization failing carries its text, which is not ours to echo.
    fn custom<T: Display>(_msg: T) -> Self {
        SerError(Error::new(ErrorCode::Internal, "serialization"))
    }
}

fn too_large() -> SerError {
    SerError(Error::new(ErrorCode::InvalidNumber, "integer beyond 2^53 - 1 in a signed object"))
}

fn unsupported(what: &str) -> SerError {
    SerError(Error::new(ErrorCode::Internal, format!("serialization: {what} in a signed object")))
}

type R<T = ()> = std::result::Result<T, SerError>;

struct Jcs<'a> {
    out: &'a mut Vec<u8>,
}

impl Jcs<'_> {
    fn unsigned(self, v: u64) -> R {
        if v > super::MAX_EXACT_INTEGER {
            return Err(too_large());
        }
        self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }

    fn signed(self, v: i64) -> R {
        if v.unsigned_abs() > super::MAX_EXACT_INTEGER {
            return Err(too_large());
        }
        self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }

    /// `{"variant":` before a variant's content; the caller closes it.
    fn open_variant(&mut self, variant: &str) {
        self.out.push(b'{');
        write_string(variant, self.out);
        self.out.push(b':');
    }
}

impl<'a> ser::Serializer for Jcs<'a> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> R {
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.signed(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.signed(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.signed(v.into())
    }
    fn serialize_i64(self, v: i64) -> R {
        self.signed(v)
    }
    fn serialize_i128(self, v: i128) -> R {
        self.signed(i64::try_from(v).map_err(|_| too_large())?)
    }
    fn serialize_u8(self, v: u8) -> R {
        self.unsigned(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.unsigned(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.unsigned(v.into())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.unsigned(v)
    }
    fn serialize_u128(self, v: u128) -> R {
        self.unsigned(u64::try_from(v).map_err(|_| too_large())?)
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        let n = serde_json::Number::from_f64(v).ok_or_else(|| SerError(Error::new(ErrorCode::InvalidNumber, "a number that is not finite")))?;
        write_number(&n.to_string(), Numbers::Ecmascript, self.out).map_err(SerError)
    }
    fn serialize_char(self, v: char) -> R {
        write_string(v.encode_utf8(&mut [0; 4]), self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        write_string(v, self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        // As serde_json does: an array of numbers.
        let mut seq = Seq::open(self.out, false);
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> R {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(mut self, _name: &'static str, _index: u32, variant: &'static str, value: &T) -> R {
        self.open_variant(variant);
        value.serialize(Jcs { out: &mut *self.out })?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> R<Seq<'a>> {
        Ok(Seq::open(self.out, false))
    }
    fn serialize_tuple(self, len: usize) -> R<Seq<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> R<Seq<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(mut self, _name: &'static str, _index: u32, variant: &'static str, _len: usize) -> R<Seq<'a>> {
        self.open_variant(variant);
        Ok(Seq::open(self.out, true))
    }
    fn serialize_map(self, len: Option<usize>) -> R<Object<'a>> {
        Ok(Object::open(self.out, len.unwrap_or(8), false))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> R<Object<'a>> {
        Ok(Object::open(self.out, len, false))
    }
    fn serialize_struct_variant(mut self, _name: &'static str, _index: u32, variant: &'static str, len: usize) -> R<Object<'a>> {
        self.open_variant(variant);
        Ok(Object::open(self.out, len, true))
    }
}

/// An array being written (and, for a tuple variant, the object around it).
pub(crate) struct Seq<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    in_variant: bool,
}

impl<'a> Seq<'a> {
    fn open(out: &'a mut Vec<u8>, in_variant: bool) -> Self {
        out.push(b'[');
        Self { out, first: true, in_variant }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        value.serialize(Jcs { out: &mut *self.out })
    }

    fn close(self) -> R {
        self.out.push(b']');
        if self.in_variant {
            self.out.push(b'}');
        }
        Ok(())
    }
}

/// serde's four array shapes, each element written in turn.
macro_rules! array_shape {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Seq<'_> {
            type Ok = ();
            type Error = SerError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
                self.element(value)
            }
            fn end(self) -> R {
                self.close()
            }
        }
    )*};
}
array_shape!(SerializeSeq::serialize_element, SerializeTuple::serialize_element, SerializeTupleStruct::serialize_field, SerializeTupleVariant::serialize_field);

/// An object being gathered: its members' values are written to `scratch` and the whole is
/// written out in key order at the end.
pub(crate) struct Object<'a> {
    out: &'a mut Vec<u8>,
    scratch: Vec<u8>,
    /// (key, range of its value in `scratch`).
    members: Vec<(Cow<'static, str>, usize, usize)>,
    pending_key: Option<String>,
    in_variant: bool,
}

impl<'a> Object<'a> {
    fn open(out: &'a mut Vec<u8>, len: usize, in_variant: bool) -> Self {
        Self { out, scratch: Vec::with_capacity(len * 48), members: Vec::with_capacity(len), pending_key: None, in_variant }
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, value: &T) -> R {
        let start = self.scratch.len();
        value.serialize(Jcs { out: &mut self.scratch })?;
        self.members.push((key, start, self.scratch.len()));
        Ok(())
    }

    fn close(mut self) -> R {
        self.members.sort_by(|a, b| cmp_utf16(&a.0, &b.0));
        if self.members.windows(2).any(|w| matches!(w, [a, b] if a.0 == b.0)) {
            return Err(unsupported("a duplicate member name"));
        }
        self.out.push(b'{');
        for (i, (key, start, end)) in self.members.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            write_string(key, self.out);
            self.out.push(b':');
            self.out.extend_from_slice(self.scratch.get(*start..*end).ok_or_else(|| unsupported("a member out of range"))?);
        }
        self.out.push(b'}');
        if self.in_variant {
            self.out.push(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        self.pending_key = Some(key.serialize(KeyText)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        let key = self.pending_key.take().ok_or_else(|| unsupported("a map value without a key"))?;
        self.member(Cow::Owned(key), value)
    }
    fn end(self) -> R {
        self.close()
    }
}

/// serde's two struct shapes, each field a member.
macro_rules! struct_shape {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Object<'_> {
            type Ok = ();
            type Error = SerError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
                self.member(Cow::Borrowed(key), value)
            }
            fn end(self) -> R {
                self.close()
            }
        }
    )*};
}
struct_shape!(SerializeStruct, SerializeStructVariant);

/// A map key as text, as serde_json takes them: strings, characters, integers, booleans and
/// unit variants.
struct KeyText;

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = SerError;
    type SerializeSeq = ser::Impossible<String, SerError>;
    type SerializeTuple = ser::Impossible<String, SerError>;
    type SerializeTupleStruct = ser::Impossible<String, SerError>;
    type SerializeTupleVariant = ser::Impossible<String, SerError>;
    type SerializeMap = ser::Impossible<String, SerError>;
    type SerializeStruct = ser::Impossible<String, SerError>;
    type SerializeStructVariant = ser::Impossible<String, SerError>;

    fn serialize_bool(self, v: bool) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> R<String> {
        Err(unsupported("a number as a map key"))
    }
    fn serialize_f64(self, _v: f64) -> R<String> {
        Err(unsupported("a number as a map key"))
    }
    fn serialize_char(self, v: char) -> R<String> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> R<String> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _v: &[u8]) -> R<String> {
        Err(unsupported("bytes as a map key"))
    }
    fn serialize_none(self) -> R<String> {
        Err(unsupported("null as a map key"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> R<String> {
        Err(unsupported("an option as a map key"))
    }
    fn serialize_unit(self) -> R<String> {
        Err(unsupported("null as a map key"))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R<String> {
        Err(unsupported("null as a map key"))
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R<String> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> R<String> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _name: &'static str, _index: u32, _variant: &'static str, _value: &T) -> R<String> {
        Err(unsupported("a variant as a map key"))
    }
    fn serialize_seq(self, _len: Option<usize>) -> R<Self::SerializeSeq> {
        Err(unsupported("an array as a map key"))
    }
    fn serialize_tuple(self, _len: usize) -> R<Self::SerializeTuple> {
        Err(unsupported("an array as a map key"))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> R<Self::SerializeTupleStruct> {
        Err(unsupported("an array as a map key"))
    }
    fn serialize_tuple_variant(self, _name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> R<Self::SerializeTupleVariant> {
        Err(unsupported("an array as a map key"))
    }
    fn serialize_map(self, _len: Option<usize>) -> R<Self::SerializeMap> {
        Err(unsupported("an object as a map key"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> R<Self::SerializeStruct> {
        Err(unsupported("an object as a map key"))
    }
    fn serialize_struct_variant(self, _name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> R<Self::SerializeStructVariant> {
        Err(unsupported("an object as a map key"))
    }
}
