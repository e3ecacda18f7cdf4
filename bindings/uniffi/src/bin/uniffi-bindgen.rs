//! The uniffi binding generator, built from the same uniffi version as the scaffolding.
fn main() {
    uniffi::uniffi_bindgen_main()
}
