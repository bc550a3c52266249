//! offline-push: the offline-push rules of an IM SDK, written once in Rust and
//! shipped to Android (Kotlin) and iOS (Swift) through UniFFI.
//!
//! The layers, from the app inwards (ARCHITECTURE.md draws them):
//! - the exported front, [`ffi`]: [`OfflinePushManager`] and the free functions,
//!   a line or two each, and the fast paths of the hot calls beside them; the
//!   records are declared in `offline_push.udl` ([`model`]);
//! - [`error`]: the public [`OfflinePushError`] and the internal error, converted in one place;
//! - the engine (internal): the state behind the front, cached over a [`store::Store`],
//!   with a [`clock::Clock`] and the app's [`PushBackend`];
//! - [`rules`]: the behaviour of `docs/RULES.md` as pure functions;
//! - [`json`]: the one JSON spelling of the records;
//! - [`vendor`]: the push vendors' payloads, pure (a server uses them without the FFI);
//! - [`server`]: the receiver's rules on the sender's server, where the system displays (W1–W6).

pub mod backend;
pub mod clock;
mod engine;
pub mod error;
pub mod ffi;
pub mod json;
pub mod listener;
pub mod model;
pub mod rules;
pub mod server;
pub mod store;
pub mod vendor;
pub mod view;

pub use backend::{PushBackend, PushBackendError, SyncPolicy};
pub use error::OfflinePushError;
pub use ffi::functions::*;
pub use ffi::manager::{self, OfflinePushManager};
pub use listener::{ListenerError, OfflinePushListener};
pub use model::*;

// Declared at the crate root: its module path must match the UDL's `[Custom]` typedef.
uniffi::custom_newtype!(PushTokenValue, String);

uniffi::include_scaffolding!("offline_push");
