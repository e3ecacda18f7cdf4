//! The consents held in the ledger state. (Filled in when the consent engine lands.)

/// The consents of every patient.
#[derive(Debug, Clone, Default)]
pub struct ConsentStore {}
