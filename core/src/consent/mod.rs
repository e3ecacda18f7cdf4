//! Consent: a FHIR-aligned consent model and decision engine. (Being built; see issue 4.)
