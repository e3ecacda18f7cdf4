//! Transaction decoding on arbitrary bytes: never a panic; what decodes re-encodes to bytes
//! that decode to the same transaction, with the same id.
#![no_main]

use fhirbus::ledger::SignedTransaction;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = SignedTransaction::decode(data) {
        let encoded = tx.encode().expect("a decoded transaction encodes");
        let again = SignedTransaction::decode(&encoded).expect("an encoded transaction decodes");
        assert_eq!(again, tx);
        assert_eq!(again.id().ok(), tx.id().ok());
    }
});
