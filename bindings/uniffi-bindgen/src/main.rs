//! The binding generator, built from the same UniFFI version as the core so the
//! generated Kotlin and Swift always match the scaffolding inside the library.
fn main() {
    uniffi::uniffi_bindgen_main()
}
