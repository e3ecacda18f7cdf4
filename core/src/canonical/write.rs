//! Writing a parsed tree in canonical form: no insignificant whitespace, members in the
//! order the parser sorted them, strings escaped as RFC 8785 §3.2.2.2 says. Numbers are
//! written by a [`Numbers`] rule: RFC 8785's ECMAScript form, or exactly as written (FHIR).

use super::value::Value;
use crate::error::{Error, ErrorCode, Result};

/// Where canonical bytes go: a buffer, or a hash.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Feeds a hasher through a buffer, since many tiny updates cost more than the hashing.
pub(crate) struct HashSink {
    hasher: crate::digest::Hasher,
    buf: Vec<u8>,
}

impl HashSink {
    const CHUNK: usize = 8 * 1024;

    pub(crate) fn new() -> Self {
        Self { hasher: crate::digest::Hasher::default(), buf: Vec::with_capacity(Self::CHUNK) }
    }

    pub(crate) fn finish(mut self) -> crate::Digest {
        self.hasher.update(&self.buf);
        self.hasher.finish()
    }
}

impl Sink for HashSink {
    fn put(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > Self::CHUNK {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
        if bytes.len() > Self::CHUNK {
            self.hasher.update(bytes);
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }
}

/// How numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbers {
    /// RFC 8785: the IEEE 754 double the text denotes, in ECMAScript's shortest form.
    Ecmascript,
    /// As written in the input (FHIR decimals keep their precision: 1.00 stays 1.00).
    AsWritten,
}

/// Members of the top-level object to leave out (FHIR's #data and #static variants).
pub(crate) type Omit<'a> = &'a [&'a str];

pub(crate) fn write(value: &Value, numbers: Numbers, omit_top: Omit<'_>, out: &mut dyn Sink) -> Result<()> {
    match value {
        Value::Object(members) => {
            write_object(members.iter().filter(|(k, _)| !omit_top.contains(&k.as_str())), numbers, out)
        }
        other => write_value(other, numbers, out),
    }
}

fn write_value(value: &Value, numbers: Numbers, out: &mut dyn Sink) -> Result<()> {
    match value {
        Value::Null => out.put(b"null"),
        Value::Bool(true) => out.put(b"true"),
        Value::Bool(false) => out.put(b"false"),
        Value::Number(text) => write_number(text, numbers, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.put(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_value(item, numbers, out)?;
            }
            out.put(b"]");
        }
        Value::Object(members) => write_object(members.iter(), numbers, out)?,
    }
    Ok(())
}

fn write_object<'v>(
    members: impl Iterator<Item = &'v (String, Value)>,
    numbers: Numbers,
    out: &mut dyn Sink,
) -> Result<()> {
    out.put(b"{");
    for (i, (key, value)) in members.enumerate() {
        if i > 0 {
            out.put(b",");
        }
        write_string(key, out);
        out.put(b":");
        write_value(value, numbers, out)?;
    }
    out.put(b"}");
    Ok(())
}

pub(crate) fn write_number(text: &str, numbers: Numbers, out: &mut dyn Sink) -> Result<()> {
    match numbers {
        Numbers::AsWritten => out.put(text.as_bytes()),
        Numbers::Ecmascript => {
            let n: f64 = text
                .parse()
                .map_err(|_| Error::new(ErrorCode::InvalidNumber, "number does not parse"))?;
            if !n.is_finite() {
                return Err(Error::new(ErrorCode::InvalidNumber, "number outside the IEEE 754 double range"));
            }
            if n == 0.0 {
                out.put(b"0"); // ECMAScript writes -0 as 0.
            } else {
                let mut buf = ryu_js::Buffer::new();
                out.put(buf.format_finite(n).as_bytes());
            }
        }
    }
    Ok(())
}

pub(crate) fn write_string(s: &str, out: &mut dyn Sink) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.put(b"\"");
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            0x08 => Some(b"\\b"),
            0x09 => Some(b"\\t"),
            0x0a => Some(b"\\n"),
            0x0c => Some(b"\\f"),
            0x0d => Some(b"\\r"),
            0x00..=0x1f => None,
            _ => continue,
        };
        out.put(bytes.get(run..i).unwrap_or_default());
        match escaped {
            Some(e) => out.put(e),
            None => {
                let hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
                let lo = HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0');
                out.put(&[b'\\', b'u', b'0', b'0', hi, lo]);
            }
        }
        run = i + 1;
    }
    out.put(bytes.get(run..).unwrap_or_default());
    out.put(b"\"");
}

/// RFC 8785 bytes of a serde_json tree (the library's own objects): members by UTF-16 order,
/// integers exact up to 2^53 - 1 (larger ones refused: a double reader would round them, and
/// two objects would share one signature), other numbers in ECMAScript form.
#[cfg(test)]
pub(crate) fn write_serde(value: &serde_json::Value, out: &mut Vec<u8>) -> Result<()> {
    use serde_json::Value as J;
    match value {
        J::Null => out.put(b"null"),
        J::Bool(true) => out.put(b"true"),
        J::Bool(false) => out.put(b"false"),
        J::Number(n) => {
            if let Some(u) = n.as_u64() {
                if u > super::MAX_EXACT_INTEGER {
                    return Err(Error::new(ErrorCode::InvalidNumber, "integer beyond 2^53 - 1 in a signed object"));
                }
                out.put(u.to_string().as_bytes());
            } else if let Some(i) = n.as_i64() {
                if i.unsigned_abs() > super::MAX_EXACT_INTEGER {
                    return Err(Error::new(ErrorCode::InvalidNumber, "integer beyond 2^53 - 1 in a signed object"));
                }
                out.put(i.to_string().as_bytes());
            } else {
                write_number(&n.to_string(), Numbers::Ecmascript, out)?;
            }
        }
        J::String(s) => write_string(s, out),
        J::Array(items) => {
            out.put(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_serde(item, out)?;
            }
            out.put(b"]");
        }
        J::Object(map) => {
            // serde_json's map is usually already in order (by UTF-8 bytes, or by insertion
            // if a dependency turns on its `preserve_order`): check, and sort only if not.
            let mut members: Vec<(&String, &J)> = map.iter().collect();
            let ordered = members.windows(2).all(|w| matches!(w, [a, b] if super::value::cmp_utf16(a.0, b.0).is_lt()));
            if !ordered {
                members.sort_by(|a, b| super::value::cmp_utf16(a.0, b.0));
            }
            out.put(b"{");
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_string(k, out);
                out.put(b":");
                write_serde(v, out)?;
            }
            out.put(b"}");
        }
    }
    Ok(())
}
