//! The canonicalizers on arbitrary bytes: never a panic; what canonicalizes once is a fixed
//! point (canonicalizing the output again gives the same bytes), and the digest is the hash of
//! the canonical bytes.
#![no_main]

use fhirbus::canonical::{FhirVariant, fhir, fhir_digest, jcs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(once) = jcs(data) {
        assert_eq!(jcs(&once).ok().as_deref(), Some(once.as_slice()));
    }
    for variant in [FhirVariant::Full, FhirVariant::Data, FhirVariant::Static] {
        if let Ok(once) = fhir(data, variant) {
            assert_eq!(fhir(&once, FhirVariant::Full).ok().as_deref(), Some(once.as_slice()));
            let digest = fhir_digest(data, variant).ok();
            assert_eq!(digest, Some(fhirbus::Digest::sha256(&once)));
        }
    }
});
