//! HL7's published FHIR R4 examples (core/test-data/fhir-r4-examples, CC0) under the FHIR
//! canonical form: the digest survives re-formatting and key reordering, changes with any
//! value (1.0 -> 1.00 included), and the canonical bytes keep every number as written.
//!
//! The re-formatting is done on the text by a small test-only re-writer that keeps number
//! and string tokens verbatim, so that no JSON library's number handling can blur the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use fhirbus::canonical::{FhirVariant, fhir, fhir_digest, fhir_resource_type};
use fhirbus::Digest;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-data/fhir-r4-examples");

fn examples() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = fs::read_dir(EXAMPLES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{EXAMPLES}: expected the example set");
    files
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
        .collect()
}

// ---- a verbatim-token JSON re-writer (test only) ----

/// A JSON tree whose scalars are their source tokens, unchanged.
#[derive(Debug, Clone)]
enum Tree {
    Token(String),
    Array(Vec<Tree>),
    /// Members in source order; keys are their source string tokens, quotes included.
    Object(Vec<(String, Tree)>),
}

/// What the parser saw: the tree, and the byte span of every scalar value (not keys).
struct Parsed {
    tree: Tree,
    scalars: Vec<(usize, usize)>,
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
    scalars: Vec<(usize, usize)>,
}

impl Lexer<'_> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn text(&self, from: usize) -> String {
        String::from_utf8(self.s[from..self.pos].to_vec()).unwrap()
    }

    fn string(&mut self) -> String {
        let start = self.pos;
        assert_eq!(self.s[self.pos], b'"');
        self.pos += 1;
        while self.s[self.pos] != b'"' {
            self.pos += if self.s[self.pos] == b'\\' { 2 } else { 1 };
        }
        self.pos += 1;
        self.text(start)
    }

    fn value(&mut self) -> Tree {
        self.ws();
        let start = self.pos;
        match self.s[self.pos] {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                self.ws();
                if self.s[self.pos] == b'}' {
                    self.pos += 1;
                    return Tree::Object(members);
                }
                loop {
                    self.ws();
                    let key = self.string();
                    self.ws();
                    assert_eq!(self.s[self.pos], b':');
                    self.pos += 1;
                    members.push((key, self.value()));
                    self.ws();
                    self.pos += 1;
                    if self.s[self.pos - 1] == b'}' {
                        return Tree::Object(members);
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s[self.pos] == b']' {
                    self.pos += 1;
                    return Tree::Array(items);
                }
                loop {
                    items.push(self.value());
                    self.ws();
                    self.pos += 1;
                    if self.s[self.pos - 1] == b']' {
                        return Tree::Array(items);
                    }
                }
            }
            b'"' => {
                let t = self.string();
                self.scalars.push((start, self.pos));
                Tree::Token(t)
            }
            _ => {
                while self.pos < self.s.len() && matches!(self.s[self.pos], b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z') {
                    self.pos += 1;
                }
                assert!(self.pos > start, "unexpected byte at {start}");
                self.scalars.push((start, self.pos));
                Tree::Token(self.text(start))
            }
        }
    }
}

fn parse(text: &[u8]) -> Parsed {
    let mut lx = Lexer { s: text, pos: 0, scalars: Vec::new() };
    let tree = lx.value();
    lx.ws();
    assert_eq!(lx.pos, text.len(), "trailing bytes");
    Parsed { tree, scalars: lx.scalars }
}

#[derive(Clone, Copy)]
enum Order {
    AsIs,
    Reversed,
    Shuffled(u64),
}

#[derive(Clone, Copy)]
struct Style {
    /// None: everything on one line.
    indent: Option<&'static str>,
    newline: &'static str,
    colon: &'static str,
    order: Order,
}

/// A deterministic permutation (xorshift), so a failing shuffle can be reproduced.
fn permute<T>(items: &mut [T], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

fn write(tree: &Tree, style: Style) -> Vec<u8> {
    let mut out = String::new();
    let mut seed = match style.order {
        Order::Shuffled(s) => s | 1,
        _ => 0,
    };
    write_into(tree, style, 0, &mut seed, &mut out);
    out.into_bytes()
}

fn write_into(tree: &Tree, style: Style, depth: usize, seed: &mut u64, out: &mut String) {
    let line = |out: &mut String, depth: usize| {
        if let Some(ind) = style.indent {
            out.push_str(style.newline);
            for _ in 0..depth {
                out.push_str(ind);
            }
        }
    };
    match tree {
        Tree::Token(t) => out.push_str(t),
        Tree::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                line(out, depth + 1);
                write_into(item, style, depth + 1, seed, out);
            }
            if !items.is_empty() {
                line(out, depth);
            }
            out.push(']');
        }
        Tree::Object(members) => {
            let mut members: Vec<&(String, Tree)> = members.iter().collect();
            match style.order {
                Order::AsIs => {}
                Order::Reversed => members.reverse(),
                Order::Shuffled(_) => permute(&mut members, seed),
            }
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                line(out, depth + 1);
                out.push_str(k);
                out.push_str(style.colon);
                write_into(v, style, depth + 1, seed, out);
            }
            if !members.is_empty() {
                line(out, depth);
            }
            out.push('}');
        }
    }
}

fn styles() -> Vec<(&'static str, Style)> {
    let s = |indent, newline, colon, order| Style { indent, newline, colon, order };
    vec![
        ("compact", s(None, "\n", ":", Order::AsIs)),
        ("pretty 2", s(Some("  "), "\n", ": ", Order::AsIs)),
        ("pretty 4, CRLF", s(Some("    "), "\r\n", " : ", Order::AsIs)),
        ("tabs", s(Some("\t"), "\n", ":\t", Order::AsIs)),
        ("compact, reversed keys", s(None, "\n", ":", Order::Reversed)),
        ("pretty 3, reversed keys", s(Some("   "), "\n", ": ", Order::Reversed)),
        ("compact, shuffled keys 1", s(None, "\n", ":", Order::Shuffled(0x9e37_79b9_7f4a_7c15))),
        ("pretty 1, shuffled keys 2", s(Some(" "), "\n", ":", Order::Shuffled(42))),
        ("compact, shuffled keys 3", s(None, "\n", ":", Order::Shuffled(7_777_777))),
    ]
}

// ---- the tests ----

#[test]
fn the_examples_are_there_and_name_their_types() {
    let all = examples();
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    for needed in ["Observation-decimal.json", "Patient-example.json", "Consent-consent-example-basic.json"] {
        assert!(names.contains(&needed), "{needed} missing");
    }
    for prefix in ["Bundle-", "Questionnaire-", "Consent-", "Patient-"] {
        assert!(names.iter().any(|n| n.starts_with(prefix)), "no {prefix} example");
    }
    assert!(all.iter().any(|(_, b)| !b.is_ascii()), "no example with non-ASCII text");
    for (name, bytes) in &all {
        let ty = fhir_resource_type(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(name.split('-').next().unwrap(), ty.as_str(), "{name}");
    }
}

#[test]
fn digest_is_stable_under_reformatting_and_key_order() {
    let mut checked = 0;
    for (name, bytes) in examples() {
        let tree = parse(&bytes).tree;
        for variant in [FhirVariant::Full, FhirVariant::Data, FhirVariant::Static] {
            let want = fhir_digest(&bytes, variant).unwrap_or_else(|e| panic!("{name}: {e}"));
            for (style_name, style) in styles() {
                let text = write(&tree, style);
                if matches!(style.order, Order::AsIs) && style.indent.is_none() {
                    assert_ne!(text, bytes, "{name}: the compact form should differ from the file");
                }
                let got = fhir_digest(&text, variant).unwrap_or_else(|e| panic!("{name}, {style_name}: {e}"));
                assert_eq!(got, want, "{name}, {style_name}, {variant:?}");
                checked += 1;
            }
        }
    }
    println!("{checked} re-formatted variants hash alike");
}

#[test]
fn digest_is_the_hash_of_the_canonical_bytes_and_canonical_form_is_a_fixed_point() {
    for (name, bytes) in examples() {
        for variant in [FhirVariant::Full, FhirVariant::Data, FhirVariant::Static] {
            let canon = fhir(&bytes, variant).unwrap();
            assert_eq!(fhir_digest(&bytes, variant).unwrap(), Digest::sha256(&canon), "{name}");
            assert_eq!(fhir(&canon, FhirVariant::Full).unwrap(), canon, "{name}: not a fixed point");
        }
        // Same data as the input, to a JSON library's eye (key order aside).
        let a: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&fhir(&bytes, FhirVariant::Full).unwrap()).unwrap();
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn variants_leave_out_text_and_meta() {
    for (name, bytes) in examples() {
        let tree = parse(&bytes).tree;
        let Tree::Object(members) = &tree else { panic!("{name}: not an object") };
        let has = |k: &str| members.iter().any(|(key, _)| key == &format!("\"{k}\""));
        let full = fhir_digest(&bytes, FhirVariant::Full).unwrap();
        let data = fhir_digest(&bytes, FhirVariant::Data).unwrap();
        let stat = fhir_digest(&bytes, FhirVariant::Static).unwrap();
        assert_eq!(full == data, !has("text"), "{name}: #data differs from full exactly when there is a narrative");
        assert_eq!(data == stat, !has("meta"), "{name}: #static differs from #data exactly when there is meta");
        // A narrative change leaves #data alone; a meta change leaves #static alone.
        let replaced: Vec<(String, Tree)> = members
            .iter()
            .map(|(k, v)| match k.as_str() {
                "\"text\"" => (k.clone(), Tree::Token("\"other narrative\"".into())),
                "\"meta\"" => (k.clone(), Tree::Token("\"other meta\"".into())),
                _ => (k.clone(), v.clone()),
            })
            .collect();
        let changed = write(&Tree::Object(replaced), styles()[0].1);
        if has("meta") {
            assert_eq!(fhir_digest(&changed, FhirVariant::Static).unwrap(), stat, "{name}");
            assert_ne!(fhir_digest(&changed, FhirVariant::Data).unwrap(), data, "{name}");
        } else if has("text") {
            assert_eq!(fhir_digest(&changed, FhirVariant::Data).unwrap(), data, "{name}");
        }
        if has("text") || has("meta") {
            assert_ne!(fhir_digest(&changed, FhirVariant::Full).unwrap(), full, "{name}");
        }
    }
}

/// Changes to a scalar token that must change the digest: for numbers both another value and
/// the same value at another precision (1.0 -> 1.00), for strings an extra character, for
/// booleans the other one.
fn mutations(token: &str) -> Vec<String> {
    let b = token.as_bytes();
    match b[0] {
        b'"' => vec![format!("{}x\"", &token[..token.len() - 1])],
        b't' => vec!["false".into()],
        b'f' => vec!["true".into()],
        b'n' => vec!["0".into()],
        _ => {
            let exp = token.find(['e', 'E']).unwrap_or(token.len());
            let (mantissa, exponent) = token.split_at(exp);
            let more_precise = if mantissa.contains('.') {
                format!("{mantissa}0{exponent}")
            } else {
                format!("{mantissa}.0{exponent}")
            };
            let last = mantissa.len() - 1;
            let digit = mantissa.as_bytes()[last] - b'0';
            let other_value = format!("{}{}{exponent}", &mantissa[..last], (digit + 1) % 10);
            vec![more_precise, other_value]
        }
    }
}

#[test]
fn any_changed_value_changes_the_digest() {
    let (mut total, mut numbers) = (0, 0);
    for (name, bytes) in examples() {
        let parsed = parse(&bytes);
        let want = fhir_digest(&bytes, FhirVariant::Full).unwrap();
        // Every number and boolean; strings evenly sampled to keep the run short in debug builds.
        let strings = parsed.scalars.iter().filter(|(s, _)| bytes[*s] == b'"').count();
        let stride = strings.div_ceil(60).max(1);
        let mut string_index = 0;
        for &(start, end) in &parsed.scalars {
            let token = std::str::from_utf8(&bytes[start..end]).unwrap();
            if token.starts_with('"') {
                string_index += 1;
                if string_index % stride != 0 {
                    continue;
                }
            } else if !matches!(token.as_bytes()[0], b't' | b'f' | b'n') {
                numbers += 1;
            }
            for changed in mutations(token) {
                let mut text = bytes[..start].to_vec();
                text.extend_from_slice(changed.as_bytes());
                text.extend_from_slice(&bytes[end..]);
                let got = fhir_digest(&text, FhirVariant::Full)
                    .unwrap_or_else(|e| panic!("{name}: {token} -> {changed}: {e}"));
                assert_ne!(got, want, "{name}: {token} -> {changed} kept the digest");
                total += 1;
            }
        }
    }
    println!("{total} single-value changes each changed the digest ({numbers} number tokens)");
    assert!(numbers >= 40, "too few numbers in the example set");
}

#[test]
fn decimals_are_kept_exactly_as_written() {
    let mut count = 0;
    for (name, bytes) in examples() {
        let number_tokens = |text: &[u8]| -> Vec<String> {
            let parsed = parse(text);
            let mut v: Vec<String> = parsed
                .scalars
                .iter()
                .map(|&(s, e)| String::from_utf8(text[s..e].to_vec()).unwrap())
                .filter(|t| t.as_bytes()[0] == b'-' || t.as_bytes()[0].is_ascii_digit())
                .collect();
            v.sort();
            v
        };
        let before = number_tokens(&bytes);
        let after = number_tokens(&fhir(&bytes, FhirVariant::Full).unwrap());
        assert_eq!(before, after, "{name}: number tokens changed");
        count += before.len();
    }
    assert!(count >= 40, "too few numbers in the example set");

    let decimal = fs::read(Path::new(EXAMPLES).join("Observation-decimal.json")).unwrap();
    let canon = String::from_utf8(fhir(&decimal, FhirVariant::Full).unwrap()).unwrap();
    // "unit" sorts before "value", so each value closes its object.
    for kept in [
        "\"value\":1.0}",
        "\"value\":1.00}",
        "\"value\":1E-22}",
        "\"value\":1000000000000000000}",
        "\"value\":1.000000000000000000E-245}",
        "\"value\":-1.000000000000000000E+245}",
    ] {
        assert!(canon.contains(kept), "Observation-decimal: {kept} not kept");
    }
    // The one change a JSON library would not see: 1.0 written as 1.00.
    let text = String::from_utf8(decimal).unwrap();
    let first = text.find("\"value\": 1.0,").unwrap();
    let widened = format!("{}\"value\": 1.00,{}", &text[..first], &text[first + "\"value\": 1.0,".len()..]);
    let a: serde_json::Value = serde_json::from_str(&text).unwrap();
    let b: serde_json::Value = serde_json::from_str(&widened).unwrap();
    assert_eq!(a, b, "the change is invisible to a number-parsing JSON library");
    assert_ne!(
        fhir_digest(text.as_bytes(), FhirVariant::Full).unwrap(),
        fhir_digest(widened.as_bytes(), FhirVariant::Full).unwrap(),
        "1.0 -> 1.00 must change the digest"
    );
}

#[test]
fn strings_survive_canonicalization() {
    for (name, bytes) in examples() {
        let strings = |text: &[u8]| -> Vec<String> {
            let parsed = parse(text);
            let mut v: Vec<String> = parsed
                .scalars
                .iter()
                .filter(|&&(s, _)| text[s] == b'"')
                .map(|&(s, e)| serde_json::from_slice::<String>(&text[s..e]).unwrap())
                .collect();
            v.sort();
            v
        };
        assert_eq!(strings(&bytes), strings(&fhir(&bytes, FhirVariant::Full).unwrap()), "{name}");
    }
    let patient = fs::read(Path::new(EXAMPLES).join("Patient-ch-example.json")).unwrap();
    let canon = String::from_utf8(fhir(&patient, FhirVariant::Full).unwrap()).unwrap();
    assert!(canon.contains("\"text\":\"张无忌\""), "non-ASCII text is written as UTF-8, unescaped");
}
