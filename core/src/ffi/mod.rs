//! The exported front, and everything that crosses to Kotlin and Swift.
//!
//! - [`manager`]: `OfflinePushManager`, the object the app holds;
//!   [`functions`]: the free functions. A line or two each over the engine,
//!   the rules, the JSON spelling and the vendors.
//! - The fast paths of the hot calls (`hot_calls.rs`, the one list of them):
//!   [`fast`] runs them on UniFFI's own bytes, which [`wire`] reads into views and
//!   writes from them, behind one JNI entry point (Kotlin) and one C function
//!   (Swift). The checked patches of the generated packages that call them are
//!   made from the same list (`bindings/uniffi-bindgen`). docs/CROSSING.md says
//!   why, and what each piece buys.

#[doc(hidden)]
pub mod fast;
pub mod functions;
pub mod manager;
#[doc(hidden)]
pub mod wire;
