//! The host's randomness: `crypto.getRandomValues` (Web Crypto, in browsers and in Node 19 and
//! later), handed to the core as a [`RandomSource`].

use fhirbus::{Error, ErrorCode, RandomSource};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// `getRandomValues` fills at most 65,536 bytes a call.
const MAX_CHUNK: usize = 65_536;

/// `crypto.getRandomValues` as a [`RandomSource`].
pub struct WebRandom;

impl RandomSource for WebRandom {
    fn fill(&mut self, dest: &mut [u8]) -> fhirbus::Result<()> {
        for chunk in dest.chunks_mut(MAX_CHUNK) {
            get_random_values(chunk)
                .map_err(|_| Error::new(ErrorCode::RandomnessUnavailable, "crypto.getRandomValues failed"))?;
        }
        Ok(())
    }
}
