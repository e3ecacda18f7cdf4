//! A strict JSON parser into a tree that keeps what canonical forms need: numbers exactly as
//! written, object members ordered by UTF-16 code units with duplicates refused, strings
//! decoded with lone surrogates refused. Depth and size are bounded, so hostile input cannot
//! exhaust the stack or memory.

use core::cmp::Ordering;

use crate::error::{Error, ErrorCode, Result};

/// Bounds on what `parse` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest input, in bytes.
    pub max_bytes: usize,
    /// The deepest nesting of arrays and objects.
    pub max_depth: usize,
}

impl Default for Limits {
    /// 16 MiB and 100 levels: above any FHIR resource a record entry points at, far below
    /// what would exhaust a validator.
    fn default() -> Self {
        Self { max_bytes: 16 << 20, max_depth: 100 }
    }
}

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number's text exactly as written (validated against the JSON grammar).
    Number(String),
    String(String),
    Array(Vec<Value>),
    /// Members sorted by the UTF-16 code units of their keys; keys are unique.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Order two strings by their UTF-16 code units, as RFC 8785 §3.2.3 and FHIR require.
pub(crate) fn cmp_utf16(a: &str, b: &str) -> Ordering {
    // UTF-8 byte order equals code point order; it differs from UTF-16 order only when a
    // supplementary character meets one in U+E000..U+FFFF. Take the fast path for ASCII.
    if a.is_ascii() && b.is_ascii() {
        return a.as_bytes().cmp(b.as_bytes());
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Parse one JSON text (RFC 8259) under `limits`.
pub(crate) fn parse(input: &[u8], limits: Limits) -> Result<Value> {
    if input.len() > limits.max_bytes {
        return Err(Error::new(ErrorCode::TooLarge, format!("JSON larger than {} bytes", limits.max_bytes)));
    }
    let text = core::str::from_utf8(input).map_err(|e| {
        Error::new(ErrorCode::InvalidText, format!("invalid UTF-8 at byte {}", e.valid_up_to()))
    })?;
    let mut p = Parser { text, pos: 0, depth_left: limits.max_depth };
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.pos != text.len() {
        return Err(p.err(ErrorCode::MalformedJson, "trailing characters after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth_left: usize,
}

impl Parser<'_> {
    fn err(&self, code: ErrorCode, what: &str) -> Error {
        Error::new(code, format!("{what} at byte {}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, lit: &str) -> Result<()> {
        if self.text.get(self.pos..).is_some_and(|rest| rest.starts_with(lit)) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.err(ErrorCode::MalformedJson, "invalid literal"))
        }
    }

    fn value(&mut self) -> Result<Value> {
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.expect_literal("true").map(|()| Value::Bool(true)),
            Some(b'f') => self.expect_literal("false").map(|()| Value::Bool(false)),
            Some(b'n') => self.expect_literal("null").map(|()| Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(_) => Err(self.err(ErrorCode::MalformedJson, "unexpected character")),
            None => Err(self.err(ErrorCode::MalformedJson, "unexpected end of input")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value>) -> Result<Value> {
        if self.depth_left == 0 {
            return Err(self.err(ErrorCode::TooDeep, "nesting too deep"));
        }
        self.depth_left -= 1;
        let v = f(self);
        self.depth_left += 1;
        v
    }

    fn array(&mut self) -> Result<Value> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err(ErrorCode::MalformedJson, "expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self) -> Result<Value> {
        let start = self.pos;
        self.pos += 1; // '{'
        let mut members: Vec<(String, Value)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.err(ErrorCode::MalformedJson, "expected a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.err(ErrorCode::MalformedJson, "expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err(ErrorCode::MalformedJson, "expected ',' or '}'")),
            }
        }
        members.sort_by(|a, b| cmp_utf16(&a.0, &b.0));
        if members.windows(2).any(|w| matches!(w, [a, b] if a.0 == b.0)) {
            // The key itself is left out of the text: it is input, and may be anything.
            return Err(Error::new(ErrorCode::DuplicateKey, format!("duplicate key in the object at byte {start}")));
        }
        Ok(Value::Object(members))
    }

    fn string(&mut self) -> Result<String> {
        self.pos += 1; // opening quote
        let bytes = self.text.as_bytes();
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            let Some(&b) = bytes.get(self.pos) else {
                return Err(self.err(ErrorCode::MalformedJson, "unterminated string"));
            };
            match b {
                b'"' => {
                    out.push_str(self.slice(run_start, self.pos)?);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.slice(run_start, self.pos)?);
                    self.pos += 1;
                    self.escape(&mut out)?;
                    run_start = self.pos;
                }
                0x00..=0x1f => return Err(self.err(ErrorCode::MalformedJson, "unescaped control character in string")),
                _ => self.pos += 1,
            }
        }
    }

    fn slice(&self, from: usize, to: usize) -> Result<&str> {
        // Both ends sit on ASCII bytes, hence on character boundaries.
        self.text.get(from..to).ok_or_else(|| self.err(ErrorCode::Internal, "string slice"))
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        let Some(b) = self.peek() else {
            return Err(self.err(ErrorCode::MalformedJson, "unterminated escape"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                match hi {
                    0xD800..=0xDBFF => {
                        if !self.text.get(self.pos..).is_some_and(|r| r.starts_with("\\u")) {
                            return Err(self.err(ErrorCode::InvalidText, "lone surrogate in string escape"));
                        }
                        self.pos += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(self.err(ErrorCode::InvalidText, "lone surrogate in string escape"));
                        }
                        let cp = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                        char::from_u32(cp).ok_or_else(|| self.err(ErrorCode::InvalidText, "invalid code point"))?
                    }
                    0xDC00..=0xDFFF => return Err(self.err(ErrorCode::InvalidText, "lone surrogate in string escape")),
                    _ => char::from_u32(u32::from(hi))
                        .ok_or_else(|| self.err(ErrorCode::InvalidText, "invalid code point"))?,
                }
            }
            _ => return Err(self.err(ErrorCode::MalformedJson, "invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.err(ErrorCode::MalformedJson, "invalid \\u escape"))?;
        let v = u16::from_str_radix(digits, 16).map_err(|_| self.err(ErrorCode::MalformedJson, "invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err(ErrorCode::MalformedJson, "invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err(ErrorCode::MalformedJson, "invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err(ErrorCode::MalformedJson, "invalid number"));
            }
        }
        Ok(self.slice(start, self.pos)?.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Value> {
        parse(s.as_bytes(), Limits::default())
    }

    #[test]
    fn refuses_what_it_must() {
        let cases: &[(&str, ErrorCode)] = &[
            ("", ErrorCode::MalformedJson),
            ("{", ErrorCode::MalformedJson),
            ("[1,]", ErrorCode::MalformedJson),
            ("01", ErrorCode::MalformedJson),
            ("1.", ErrorCode::MalformedJson),
            ("-", ErrorCode::MalformedJson),
            ("1e", ErrorCode::MalformedJson),
            ("\"a\u{1}\"", ErrorCode::MalformedJson),
            ("\"\\x\"", ErrorCode::MalformedJson),
            ("\"\\u12\"", ErrorCode::MalformedJson),
            ("\"\\ud800\"", ErrorCode::InvalidText),
            ("\"\\udc00\"", ErrorCode::InvalidText),
            ("\"\\ud800\\u0041\"", ErrorCode::InvalidText),
            ("{\"a\":1,\"a\":2}", ErrorCode::DuplicateKey),
            ("{\"a\":1,\"\\u0061\":2}", ErrorCode::DuplicateKey),
            ("[1] x", ErrorCode::MalformedJson),
            ("tru", ErrorCode::MalformedJson),
        ];
        for (input, code) in cases {
            assert_eq!(p(input).unwrap_err().code(), *code, "{input:?}");
        }
        assert_eq!(parse(b"\"\xff\"", Limits::default()).unwrap_err().code(), ErrorCode::InvalidText);
    }

    #[test]
    fn depth_and_size_are_bounded() {
        let deep = "[".repeat(101) + &"]".repeat(101);
        assert_eq!(p(&deep).unwrap_err().code(), ErrorCode::TooDeep);
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(p(&ok).is_ok());
        let limits = Limits { max_bytes: 3, max_depth: 10 };
        assert_eq!(parse(b"[1,2]", limits).unwrap_err().code(), ErrorCode::TooLarge);
    }

    #[test]
    fn keeps_numbers_and_sorts_keys_by_utf16() {
        let v = p("{\"b\":1.00,\"a\":-0,\"\u{e000}\":1,\"\u{1f600}\":2}").unwrap();
        let Value::Object(m) = v else { panic!() };
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        // U+1F600 is D83D DE00 in UTF-16, which sorts before U+E000.
        assert_eq!(keys, ["a", "b", "\u{1f600}", "\u{e000}"]);
        assert_eq!(m[1].1, Value::Number("1.00".into()));
        assert_eq!(m[0].1, Value::Number("-0".into()));
    }

    #[test]
    fn decodes_escapes_and_pairs() {
        assert_eq!(p("\"\\ud83d\\ude00\\n\\/\"").unwrap(), Value::String("\u{1f600}\n/".into()));
    }
}
