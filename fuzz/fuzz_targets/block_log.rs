//! The block log reader on arbitrary bytes (what a host reads back from disk after a crash or
//! damage): never a panic; the intact prefix it reports re-frames byte for byte from the blocks
//! it returns; and the log is called clean exactly when that prefix is the whole input.
#![no_main]

use fhirbus::ledger::log::{Tail, frame, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(contents) = read(data) {
        assert!(contents.valid_len <= data.len());
        let reframed: Vec<u8> = contents.blocks.iter().flat_map(|b| frame(b).expect("a read block frames")).collect();
        assert_eq!(reframed.as_slice(), &data[..contents.valid_len]);
        assert_eq!(contents.tail == Tail::Clean, contents.valid_len == data.len());
    }
});
