//! RFC 8785: the reference implementation's test data (cyberphone/json-canonicalization,
//! kept in ../shared/vectors/jcs) canonicalizes byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

/// CI checks out main with shared/ beside it: /work/main/core -> /work/shared.
const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors/jcs");

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(VECTORS).join("input");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (shared/ must sit beside the checkout)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no vectors", dir.display());
    files
}

#[test]
fn every_input_canonicalizes_to_its_output() {
    let mut checked = 0;
    for input in inputs() {
        let name = input.file_name().unwrap();
        let expected = fs::read(Path::new(VECTORS).join("output").join(name)).unwrap();
        let got = fhirbus::canonical::jcs(&fs::read(&input).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "{}",
            input.display()
        );
        assert_eq!(got, expected, "{}", input.display());
        checked += 1;
    }
    println!("RFC 8785: {checked} vectors canonicalize byte for byte");
}

/// The hex copies of the outputs agree with the outputs (so a damaged copy cannot hide).
#[test]
fn outhex_matches_output() {
    for input in inputs() {
        let stem = input.file_stem().unwrap().to_str().unwrap();
        let hex_path = Path::new(VECTORS).join("outhex").join(format!("{stem}.txt"));
        let Ok(text) = fs::read_to_string(&hex_path) else { continue };
        let bytes: Vec<u8> =
            text.split_whitespace().map(|h| u8::from_str_radix(h, 16).unwrap()).collect();
        let output = fs::read(Path::new(VECTORS).join("output").join(format!("{stem}.json"))).unwrap();
        assert_eq!(bytes, output, "{}", hex_path.display());
    }
}

/// Canonical output is a fixed point.
#[test]
fn canonical_output_is_idempotent() {
    for input in inputs() {
        let once = fhirbus::canonical::jcs(&fs::read(&input).unwrap()).unwrap();
        assert_eq!(fhirbus::canonical::jcs(&once).unwrap(), once, "{}", input.display());
    }
}

/// RFC 8785 §3.2.2.3 writes numbers as ECMAScript does. The table was written by V8
/// (core/test-data/ecmascript-numbers.txt, see the README there): each line gives three
/// spellings of one double and then ECMAScript's `Number.prototype.toString` of it.
#[test]
fn numbers_are_written_as_ecmascript_writes_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/test-data/ecmascript-numbers.txt");
    let table = fs::read_to_string(path).unwrap();
    let mut checked = 0;
    for line in table.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let [spellings @ .., expected] = fields.as_slice() else { panic!("{line}") };
        assert_eq!(spellings.len(), 3, "{line}");
        for input in spellings {
            let got = fhirbus::canonical::jcs(input.as_bytes()).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), *expected, "{input}");
            checked += 1;
        }
    }
    assert!(checked > 3000, "{checked}");
}
