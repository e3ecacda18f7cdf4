//! The FHIR Consent importer (R4 and R5) on arbitrary bytes: never a panic; whatever imports
//! exports, and the export imports back to the same consent; the canonical encoding round-trips.
#![no_main]

use fhirbus::consent::{Consent, FhirVersion};
use fhirbus::pseudonym::Pseudonym;
use libfuzzer_sys::fuzz_target;

const PATIENT: Pseudonym = Pseudonym([1; 32]);

fuzz_target!(|data: &[u8]| {
    for version in [FhirVersion::R4, FhirVersion::R5] {
        let Ok(consent) = Consent::from_fhir(data, version, PATIENT) else { continue };
        // Periods past the year 9999 have no FHIR form; nothing else may fail in its own version.
        if let Ok(json) = consent.to_fhir(version) {
            let again = Consent::from_fhir(&json, version, PATIENT).expect("an exported consent imports");
            assert_eq!(again, consent);
        }
        let bytes = consent.encode().expect("an imported consent encodes");
        assert_eq!(Consent::decode(&bytes).expect("an encoded consent decodes"), consent);
    }
});
