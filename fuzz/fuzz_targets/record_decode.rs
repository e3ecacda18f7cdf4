//! The record entry decoder on arbitrary bytes: never a panic, and whatever decodes
//! re-encodes to bytes that decode to the same entry.
#![no_main]

use fhirbus::record::SignedRecordEntry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entry) = SignedRecordEntry::decode(data) {
        let encoded = entry.encode().expect("a decoded entry encodes");
        let again = SignedRecordEntry::decode(&encoded).expect("an encoded entry decodes");
        assert_eq!(again, entry);
    }
});
