//! The two canonical JSON forms of fhirbus.
//!
//! * [`jcs`]: RFC 8785 (JSON Canonicalization Scheme), for the library's own signed objects.
//! * [`fhir`]: FHIR's canonical JSON (R4 json.html, "Canonical JSON"), made exact so that two
//!   parties always hash a resource to the same digest: keys ordered by UTF-16 code units, JCS
//!   string escaping, no insignificant whitespace, numbers kept exactly as written (JCS would
//!   turn the decimal 1.00 into 1 and lose the precision FHIR gives it), duplicate keys and
//!   lone surrogates refused. The [`FhirVariant`]s are FHIR's `#data` and `#static`
//!   canonicalizations.
//!
//! String values are kept as they are: canonical form never changes content.

mod serializer;
mod value;
mod write;

pub use value::Limits;
pub(crate) use value::{Value, parse};
pub(crate) use write::write_string;

use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use write::{HashSink, Numbers};

/// Which FHIR canonicalization (`http://hl7.org/fhir/canonicalization/json` and its fragments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum FhirVariant {
    /// The whole resource.
    #[default]
    Full = 0,
    /// `#data`: the narrative (`Resource.text`) left out.
    Data = 1,
    /// `#static`: the narrative and `Resource.meta` left out, so that the digest survives a
    /// move between servers (which rewrite `meta.versionId` and `meta.lastUpdated`).
    Static = 2,
}

impl FhirVariant {
    /// The variant with this number (as the binding layers pass it).
    pub fn from_u8(n: u8) -> Result<Self> {
        match n {
            0 => Ok(Self::Full),
            1 => Ok(Self::Data),
            2 => Ok(Self::Static),
            _ => Err(Error::new(ErrorCode::InvalidValue, "FHIR canonicalization variant: 0, 1 or 2")),
        }
    }

    fn omitted(self) -> &'static [&'static str] {
        match self {
            Self::Full => &[],
            Self::Data => &["text"],
            Self::Static => &["text", "meta"],
        }
    }
}

/// RFC 8785 canonical form of a JSON text.
pub fn jcs(input: &[u8]) -> Result<Vec<u8>> {
    jcs_with_limits(input, Limits::default())
}

/// RFC 8785 canonical form of a JSON text, under explicit limits.
pub fn jcs_with_limits(input: &[u8], limits: Limits) -> Result<Vec<u8>> {
    let value = parse(input, limits)?;
    let mut out = Vec::with_capacity(input.len());
    write::write(&value, Numbers::Ecmascript, &[], &mut out)?;
    Ok(out)
}

/// RFC 8785 canonical bytes of a value the library serializes itself. Integers of 2^53 and
/// above are refused: RFC 8785 writes numbers as IEEE 754 doubles, where 2^53 and 2^53 + 1
/// are one number, so two different values would share their signed bytes.
pub(crate) fn jcs_of<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    // Straight from serde's data model to canonical bytes: no text round trip, no tree.
    let mut out = Vec::with_capacity(512);
    serializer::write_jcs(value, &mut out)?;
    Ok(out)
}

/// [`jcs_of`] through a `serde_json::Value` tree (what it replaced), kept to check it against.
#[cfg(test)]
pub(crate) fn jcs_of_via_value<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    let tree = serde_json::to_value(value).map_err(|_| Error::new(ErrorCode::Internal, "serialization"))?;
    let mut out = Vec::with_capacity(256);
    write::write_serde(&tree, &mut out)?;
    Ok(out)
}

/// The text round trip [`jcs_of`] replaces, kept to check it against.
#[cfg(test)]
pub(crate) fn jcs_of_via_text<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(value).map_err(|_| Error::new(ErrorCode::Internal, "serialization"))?;
    let tree = parse(&json, Limits::default())?;
    check_exact_integers(&tree)?;
    let mut out = Vec::with_capacity(json.len());
    write::write(&tree, Numbers::Ecmascript, &[], &mut out)?;
    Ok(out)
}

/// The largest integer that every IEEE 754 double reader gets back exactly (2^53 - 1).
pub(crate) const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;

#[cfg(test)]
fn check_exact_integers(value: &Value) -> Result<()> {
    match value {
        Value::Number(text) => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            let integer = digits.bytes().all(|b| b.is_ascii_digit());
            if integer && digits.parse::<u64>().map_or(true, |n| n > MAX_EXACT_INTEGER) {
                return Err(Error::new(ErrorCode::InvalidNumber, "integer beyond 2^53 - 1 in a signed object"));
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(check_exact_integers),
        Value::Object(members) => members.iter().try_for_each(|(_, v)| check_exact_integers(v)),
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

/// FHIR canonical form of a resource.
pub fn fhir(input: &[u8], variant: FhirVariant) -> Result<Vec<u8>> {
    let value = parse_resource(input, Limits::default())?;
    let mut out = Vec::with_capacity(input.len());
    write::write(&value, Numbers::AsWritten, variant.omitted(), &mut out)?;
    Ok(out)
}

/// SHA-256 of the FHIR canonical form of a resource: the content digest a record entry carries.
pub fn fhir_digest(input: &[u8], variant: FhirVariant) -> Result<Digest> {
    fhir_digest_with_limits(input, variant, Limits::default())
}

/// [`fhir_digest`] under explicit limits.
pub fn fhir_digest_with_limits(input: &[u8], variant: FhirVariant, limits: Limits) -> Result<Digest> {
    digest_of(&parse_resource(input, limits)?, variant)
}

fn digest_of(resource: &Value, variant: FhirVariant) -> Result<Digest> {
    let mut sink = HashSink::new();
    write::write(resource, Numbers::AsWritten, variant.omitted(), &mut sink)?;
    Ok(sink.finish())
}

/// The full-variant digest and the resource type of a FHIR resource, from one parse.
pub fn fhir_digest_and_type(input: &[u8]) -> Result<(Digest, crate::ResourceType)> {
    let value = parse(input, Limits::default())?;
    let resource_type = resource_type_of(&value)?;
    Ok((digest_of(&value, FhirVariant::Full)?, resource_type))
}

/// The resource type a FHIR resource names (`resourceType`), checked for shape.
pub fn fhir_resource_type(input: &[u8]) -> Result<crate::ResourceType> {
    let value = parse_resource(input, Limits::default())?;
    resource_type_of(&value)
}

fn resource_type_of(value: &Value) -> Result<crate::ResourceType> {
    match value.get("resourceType") {
        Some(Value::String(name)) => crate::ResourceType::new(name),
        _ => Err(Error::new(ErrorCode::InvalidValue, "a FHIR resource is an object with a resourceType string")),
    }
}

fn parse_resource(input: &[u8], limits: Limits) -> Result<Value> {
    let value = parse(input, limits)?;
    resource_type_of(&value)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fhir_keeps_decimals_jcs_does_not() {
        let a = br#"{ "resourceType":"Observation", "valueQuantity": {"value": 1.00} }"#;
        assert_eq!(fhir(a, FhirVariant::Full).unwrap(), br#"{"resourceType":"Observation","valueQuantity":{"value":1.00}}"#);
        assert_eq!(jcs(a).unwrap(), br#"{"resourceType":"Observation","valueQuantity":{"value":1}}"#);
    }

    #[test]
    fn variants_drop_text_and_meta_at_the_top_only() {
        let r = br#"{"resourceType":"Patient","text":{"div":"x"},"meta":{"versionId":"2"},"contact":[{"text":"kept"}]}"#;
        let data = fhir(r, FhirVariant::Data).unwrap();
        assert_eq!(data, br#"{"contact":[{"text":"kept"}],"meta":{"versionId":"2"},"resourceType":"Patient"}"#);
        let stat = fhir(r, FhirVariant::Static).unwrap();
        assert_eq!(stat, br#"{"contact":[{"text":"kept"}],"resourceType":"Patient"}"#);
    }

    #[test]
    fn a_resource_needs_a_resource_type() {
        for bad in [&br#"{"id":"1"}"#[..], br#"[]"#, br#"{"resourceType":1}"#, br#"{"resourceType":"obs"}"#] {
            assert_eq!(fhir_digest(bad, FhirVariant::Full).unwrap_err().code(), ErrorCode::InvalidValue);
        }
    }

    #[test]
    fn digest_equals_hash_of_canonical_bytes() {
        let r = br#"{"resourceType":"Basic","code":{"text":"\u00e9\t"}}"#;
        let bytes = fhir(r, FhirVariant::Full).unwrap();
        assert_eq!(fhir_digest(r, FhirVariant::Full).unwrap(), Digest::sha256(&bytes));
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        use serde_json::Value as J;
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::Bool),
            (0u64..=MAX_EXACT_INTEGER).prop_map(J::from),
            (-(MAX_EXACT_INTEGER as i64)..0).prop_map(J::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(J::from),
            "\\PC{0,8}|[\u{e000}-\u{e0ff}\u{10000}-\u{1f6ff}\u{0}-\u{1f}\"\\\\]{0,4}".prop_map(J::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(J::Array),
                proptest::collection::btree_map("\\PC{0,6}|[\u{e000}\u{1f600}a-c]{1,3}", inner, 0..6)
                    .prop_map(|m| J::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// The direct serializer writes what the `Value` tree writer writes, for any JSON.
        #[test]
        fn the_direct_serializer_equals_the_value_tree(v in json_value()) {
            proptest::prop_assert_eq!(jcs_of(&v).unwrap(), jcs_of_via_value(&v).unwrap());
            proptest::prop_assert_eq!(jcs_of(&v).unwrap(), jcs_of_via_text(&v).unwrap());
        }
    }

    #[test]
    fn the_direct_serializer_refuses_what_cannot_be_signed_exactly() {
        assert_eq!(jcs_of(&(1u64 << 53)).unwrap_err().code(), ErrorCode::InvalidNumber);
        assert_eq!(jcs_of(&-(1i64 << 53)).unwrap_err().code(), ErrorCode::InvalidNumber);
        assert_eq!(jcs_of(&f64::NAN).unwrap_err().code(), ErrorCode::InvalidNumber);
        assert_eq!(jcs_of(&u128::MAX).unwrap_err().code(), ErrorCode::InvalidNumber);
        // serde's other shapes, as serde_json writes them.
        #[derive(serde::Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, bool),
            Struct { b: u8, a: u8 },
        }
        for (v, want) in [(E::Unit, r#""Unit""#), (E::New(1), r#"{"New":1}"#), (E::Tuple(1, true), r#"{"Tuple":[1,true]}"#), (E::Struct { b: 2, a: 1 }, r#"{"Struct":{"a":1,"b":2}}"#)] {
            assert_eq!(String::from_utf8(jcs_of(&v).unwrap()).unwrap(), want);
            assert_eq!(jcs_of(&v).unwrap(), jcs_of_via_value(&v).unwrap());
        }
        let keys: std::collections::BTreeMap<u32, &[u8]> = [(10, &b"\x01"[..]), (9, &b""[..])].into_iter().collect();
        assert_eq!(jcs_of(&keys).unwrap(), br#"{"10":[1],"9":[]}"#);
        assert_eq!(jcs_of(&keys).unwrap(), jcs_of_via_value(&keys).unwrap());
    }

    #[test]
    fn the_direct_writer_equals_the_text_round_trip() {
        let values = [
            serde_json::json!({"b": 1, "a": [true, null, -3, 2.5, 1e-7, 123456789012345_u64], "\u{e000}": "x", "\u{1f600}": "\u{1}\"\\/é"}),
            serde_json::json!([{"z": {"y": {"x": 0.1}}}, "", 0, -0.0]),
        ];
        for v in values {
            assert_eq!(jcs_of(&v).unwrap(), jcs_of_via_text(&v).unwrap());
        }
        let big = serde_json::json!({"n": (1u64 << 53)});
        assert_eq!(jcs_of(&big).unwrap_err().code(), ErrorCode::InvalidNumber);
        assert_eq!(jcs_of_via_text(&big).unwrap_err().code(), ErrorCode::InvalidNumber);
    }

    #[test]
    fn jcs_escapes_controls_in_lower_hex() {
        assert_eq!(jcs(b"\"\\u001f\\u007f\"").unwrap(), b"\"\\u001f\x7f\"");
    }
}
